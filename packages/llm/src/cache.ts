// Response cache for planner calls. In-memory LRU by default; anything with get/set fits
// (Redis, a file), and both may be async.

export interface PlanCache<Value> {
  get(key: string): Value | undefined | Promise<Value | undefined>;
  set(key: string, value: Value): void | Promise<void>;
}

export interface LruCacheOptions {
  /** entries kept; the least recently used is evicted first. Default 1000. */
  maxEntries?: number;
  /** entries older than this are misses. Default: no expiry. */
  ttlMs?: number;
  /** clock, for tests */
  now?: () => number;
}

export interface LruCache<Value> extends PlanCache<Value> {
  readonly size: number;
  get(key: string): Value | undefined;
  set(key: string, value: Value): void;
  delete(key: string): boolean;
  clear(): void;
}

/** A Map-backed LRU: Map iteration order is insertion order, so re-inserting marks "recent". */
export function createLruCache<Value>(options: LruCacheOptions = {}): LruCache<Value> {
  const maxEntries = options.maxEntries ?? 1000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  const ttlMs = options.ttlMs;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: Value; storedAt: number }>();
  return {
    get size() {
      return entries.size;
    },
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (ttlMs !== undefined && now() - entry.storedAt > ttlMs) {
        entries.delete(key);
        return undefined;
      }
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, { value, storedAt: now() });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    delete(key) {
      return entries.delete(key);
    },
    clear() {
      entries.clear();
    },
  };
}
