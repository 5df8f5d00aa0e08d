import type { BaseConfig } from './config';
import type { ServiceLogger } from './logger';
import { createLogger } from './logger';
import type { ServiceMetrics } from './metrics';
import { createMetrics } from './metrics';
import type { Readiness } from './readiness';
import { createReadiness } from './readiness';
import type { RateLimitStore } from './rate-limit';
import { createMemoryRateLimitStore } from './rate-limit';

/**
 * What the HTTP app and the lifecycle share: one config, logger, metrics registry and
 * readiness state per service. Build it once in main.ts (or in a test) and pass it to
 * `createServiceApp` (through the app's `createApp(deps)`) and to `createService`.
 */
export interface ServiceContext {
  readonly name: string;
  readonly version: string;
  readonly config: BaseConfig;
  readonly logger: ServiceLogger;
  readonly metrics: ServiceMetrics;
  readonly readiness: Readiness;
  readonly rateLimitStore: RateLimitStore;
  /** Clock for rate limiting, injectable so tests never wait. */
  readonly now: () => number;
}

export interface CreateServiceContextOptions {
  name: string;
  version?: string;
  config: BaseConfig;
  logger?: ServiceLogger;
  metrics?: ServiceMetrics;
  readiness?: Readiness;
  rateLimitStore?: RateLimitStore;
  now?: () => number;
}

export function createServiceContext(options: CreateServiceContextOptions): ServiceContext {
  const metrics = options.metrics ?? createMetrics({ service: options.name });
  const readiness = options.readiness ?? createReadiness();
  readiness.onChange((status) => metrics.ready.set(status.ready ? 1 : 0));
  return {
    name: options.name,
    version: options.version ?? '0.0.0',
    config: options.config,
    logger: options.logger ?? createLogger({ name: options.name, level: options.config.LOG_LEVEL }),
    metrics,
    readiness,
    rateLimitStore: options.rateLimitStore ?? createMemoryRateLimitStore(),
    now: options.now ?? Date.now,
  };
}
