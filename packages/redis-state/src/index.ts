// Public API of @mixtape/redis-state: explicit named re-exports only.
export { createRedisClient, describeRedisUrl } from './client';
export type { RedisClientOptions, RedisStateClient, RedisStateLogger } from './client';
export { createRedisRateLimitStore } from './rate-limit-store';
export type { RedisFailurePolicy, RedisRateLimitStoreOptions } from './rate-limit-store';
export { createRedisRecentEventStore, createRedisShelfStateStore } from './home-state';
export type {
  BetaCounts,
  RedisRecentEventStore,
  RedisRecentEventStoreOptions,
  RedisShelfStateStore,
  RedisShelfStateStoreOptions,
} from './home-state';
export { createRedisExperimentLogSink, createRedisExperimentConfigSource, createRedisExperimentStorage, readRedisExperimentLog } from './experiments';
export type { RedisExperimentLogSink, RedisExperimentLogSinkOptions, RedisConfigSourceOptions, ReadStreamOptions, StreamLogRecord } from './experiments';
export { RedisStateError } from './errors';
export { createServiceRedis } from './service';
export type { ServiceRedis, ServiceRedisOptions } from './service';
