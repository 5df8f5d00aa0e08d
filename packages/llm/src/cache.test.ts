import { describe, expect, it } from 'vitest';
import { createLruCache } from './cache';

describe('LRU cache', () => {
  it('evicts the least recently used entry and refreshes on read', () => {
    const cache = createLruCache<number>({ maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('expires entries after the ttl', () => {
    let now = 0;
    const cache = createLruCache<string>({ ttlMs: 100, now: () => now });
    cache.set('k', 'v');
    now = 100;
    expect(cache.get('k')).toBe('v');
    now = 201;
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('rejects a nonsensical size', () => {
    expect(() => createLruCache({ maxEntries: 0 })).toThrow(/maxEntries must be a positive integer/);
  });
});
