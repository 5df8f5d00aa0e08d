// Test helpers for apps and packages built on service-kit (import from "@mixtape/service-kit/testing").
import type { BaseConfig, EnvSource } from '../config';
import { baseConfigSchema, parseConfig } from '../config';
import type { ServiceContext } from '../context';
import { createServiceContext } from '../context';
import { createLogger } from '../logger';
import type { LogLevel } from '../config';

/** Log lines written to memory instead of stdout, parsed for assertions. */
export interface LogCapture {
  destination: { write(line: string): void };
  /** Every line parsed as JSON. */
  lines(): Array<Record<string, unknown>>;
  /** Raw output, to assert that something never appears. */
  text(): string;
}

export function captureLogs(): LogCapture {
  const chunks: string[] = [];
  return {
    destination: { write: (line: string) => void chunks.push(line) },
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => chunks.join(''),
  };
}

export interface TestServiceContextOptions {
  name?: string;
  /** Environment for the base config; defaults apply to the rest. */
  env?: EnvSource;
  /** Use this config instead of parsing `env` (e.g. an app's own parsed config). */
  config?: BaseConfig;
  level?: LogLevel;
  now?: () => number;
}

/**
 * Test defaults over the base config: NODE_ENV=development (no keys needed; pass
 * MIXTAPE_API_KEYS to test auth) and rate limits off (pass RATE_LIMIT_* to test them), so a
 * test of a route is not a test of the limiter. Anything in `env` wins.
 */
export const TEST_SERVICE_ENV: EnvSource = {
  PORT: '0',
  NODE_ENV: 'development',
  RATE_LIMIT_PER_SECOND: '0',
  RATE_LIMIT_KEY_PER_SECOND: '0',
};

/** A ServiceContext whose logs are captured in memory (level debug by default). */
export function createTestServiceContext(options: TestServiceContextOptions = {}): {
  context: ServiceContext;
  logs: LogCapture;
} {
  const name = options.name ?? 'test-service';
  const logs = captureLogs();
  const config = options.config ?? parseConfig(baseConfigSchema, { ...TEST_SERVICE_ENV, ...options.env });
  const logger = createLogger({ name, level: options.level ?? 'debug', destination: logs.destination });
  const context = createServiceContext({ name, config, logger, ...(options.now ? { now: options.now } : {}) });
  return { context, logs };
}
