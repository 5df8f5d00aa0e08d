// Token buckets shared by every replica: one Lua script does the memory store's arithmetic
// atomically inside Redis, so N replicas enforce one limit per key instead of N.
import type { RateLimitDecision, RateLimitRule, RateLimitStore } from '@mixtape/service-kit';
import type { RedisStateClient, RedisStateLogger } from './client';

// KEYS[1] bucket; ARGV capacity, refill/s, now ms. Returns {allowed, remaining, retryAfterMs}.
// Elapsed time is clamped at 0 so a replica with a clock behind the bucket's never mints tokens.
const TAKE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = capacity
local updated = now
if bucket[1] then
  local elapsed = math.max(0, now - tonumber(bucket[2])) / 1000
  tokens = math.min(capacity, tonumber(bucket[1]) + elapsed * refill)
  updated = math.max(now, tonumber(bucket[2]))
end
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
elseif refill > 0 then
  retry = math.ceil(((1 - tokens) / refill) * 1000)
else
  retry = -1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(updated))
-- A full bucket carries no information: expire it once it would have refilled.
local ttl = 60000
if refill > 0 then ttl = math.ceil(capacity / refill * 1000) + 1000 end
redis.call('PEXPIRE', KEYS[1], ttl)
return {allowed, math.floor(tokens), retry}
`;

export type RedisFailurePolicy = 'allow' | 'deny';

export interface RedisRateLimitStoreOptions {
  client: RedisStateClient;
  /** Sub-prefix of the bucket keys (default `ratelimit:`; the client's prefix comes first). */
  prefix?: string;
  /**
   * What a request gets when Redis cannot answer (down, timeout): `allow` (default — an outage
   * of the limiter must not become an outage of the service) or `deny` (429, retry in 1 s).
   */
  onRedisError?: RedisFailurePolicy;
  logger?: RedisStateLogger;
}

/** service-kit's `RateLimitStore` over Redis: `createServiceContext({ rateLimitStore })`. */
export function createRedisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const { redis } = options.client;
  const prefix = options.prefix ?? 'ratelimit:';
  const policy = options.onRedisError ?? 'allow';
  redis.defineCommand('mixtapeTakeToken', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  let failing = false;
  return {
    async take(key: string, rule: RateLimitRule, nowMs: number): Promise<RateLimitDecision> {
      try {
        // Without an offline queue, commands sent while the first connection is being made
        // would fail; wait for it, but no longer than one command timeout.
        if (redis.status !== 'ready') await options.client.ready(undefined, options.client.commandTimeoutMs);
        const command = (redis as unknown as Record<string, (...args: unknown[]) => Promise<[number, number, number]>>).mixtapeTakeToken!;
        const [allowed, remaining, retry] = await command.call(redis, `${prefix}${key}`, rule.capacity, rule.refillPerSecond, Math.floor(nowMs));
        if (failing) options.logger?.info({}, 'redis rate limiting restored');
        failing = false;
        return { allowed: allowed === 1, remaining, retryAfterMs: retry < 0 ? Infinity : retry };
      } catch (error) {
        if (!failing) options.logger?.warn({ error: (error as Error).message, policy }, 'redis rate limit store failed; applying the failure policy');
        failing = true;
        return policy === 'allow'
          ? { allowed: true, remaining: 0, retryAfterMs: 0 }
          : { allowed: false, remaining: 0, retryAfterMs: 1000 };
      }
    },
  };
}
