// Test helpers for packages that use @mixtape/redis-state, exported as "@mixtape/redis-state/testing".
export { redisServerAvailability, startLocalRedis } from './redis-server';
export type { LocalRedis } from './redis-server';
export { localRedisFixture } from './fixture';
export type { LocalRedisFixture } from './fixture';
