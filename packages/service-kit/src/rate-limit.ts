export interface RateLimitRule {
  /** Tokens added per second (sustained rate). */
  refillPerSecond: number;
  /** Bucket size (burst). */
  capacity: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** When not allowed: milliseconds until one token is available. */
  retryAfterMs: number;
}

/**
 * Where token buckets live. The in-memory store suits one replica; a Redis store (one Lua
 * script doing the same arithmetic) can implement this for limits shared across replicas.
 */
export interface RateLimitStore {
  take(key: string, rule: RateLimitRule, nowMs: number): RateLimitDecision | Promise<RateLimitDecision>;
}

export interface MemoryRateLimitStoreOptions {
  /** Buckets kept at most; the least recently used are dropped first (default 10 000). */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** In-process token buckets with LRU eviction. */
export function createMemoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): RateLimitStore {
  const maxKeys = options.maxKeys ?? 10_000;
  const buckets = new Map<string, Bucket>();
  return {
    take(key, rule, nowMs) {
      const existing = buckets.get(key);
      const elapsedSeconds = existing ? Math.max(0, nowMs - existing.updatedMs) / 1000 : 0;
      const tokens = existing
        ? Math.min(rule.capacity, existing.tokens + elapsedSeconds * rule.refillPerSecond)
        : rule.capacity;
      // Re-insert so Map order is least-recently-used first.
      buckets.delete(key);
      if (buckets.size >= maxKeys) {
        const oldest = buckets.keys().next();
        if (!oldest.done) buckets.delete(oldest.value);
      }
      if (tokens >= 1) {
        buckets.set(key, { tokens: tokens - 1, updatedMs: nowMs });
        return { allowed: true, remaining: Math.floor(tokens - 1), retryAfterMs: 0 };
      }
      buckets.set(key, { tokens, updatedMs: nowMs });
      const retryAfterMs = rule.refillPerSecond > 0 ? Math.ceil(((1 - tokens) / rule.refillPerSecond) * 1000) : Infinity;
      return { allowed: false, remaining: 0, retryAfterMs };
    },
  };
}
