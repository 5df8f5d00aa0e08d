// What a service's composition root needs when MIXTAPE_REDIS_URL is set: one client, the shared
// rate-limit store, and the lifecycle hooks that wait for Redis at startup and close it last.
import type { LifecycleHook, RateLimitStore } from '@mixtape/service-kit';
import type { RedisStateClient, RedisStateLogger } from './client';
import { createRedisClient, describeRedisUrl } from './client';
import { createRedisRateLimitStore } from './rate-limit-store';

export interface ServiceRedisOptions {
  url: string;
  /** Shown by `CLIENT LIST` and in logs. */
  service: string;
  logger: RedisStateLogger;
  /** How long startup waits for the first connection before the service gives up (default 10 s). */
  startupTimeoutMs?: number;
}

export interface ServiceRedis {
  client: RedisStateClient;
  /** Token buckets shared by every replica (pass to `createServiceContext({ rateLimitStore })`). */
  rateLimitStore: RateLimitStore;
  /** Waits until Redis answers, so a replica is not ready before its shared state is. */
  startupHook: LifecycleHook;
  /** Closes the connection; register it first so it runs last. */
  shutdownHook: LifecycleHook;
}

export function createServiceRedis(options: ServiceRedisOptions): ServiceRedis {
  const client = createRedisClient({ url: options.url, connectionName: options.service, logger: options.logger });
  const where = describeRedisUrl(options.url);
  return {
    client,
    rateLimitStore: createRedisRateLimitStore({ client, logger: options.logger }),
    startupHook: {
      name: 'redis',
      run: async (signal) => {
        await client.ready(signal, options.startupTimeoutMs ?? 10_000);
        options.logger.info({ redis: where }, 'shared state and rate limits in redis');
      },
    },
    shutdownHook: { name: 'redis', run: () => client.close() },
  };
}
