import { describe, expect, it } from 'vitest';
import { createMemoryRateLimitStore } from './rate-limit';

const rule = { capacity: 3, refillPerSecond: 2 };

describe('createMemoryRateLimitStore', () => {
  it('allows a burst of `capacity`, then refuses with the time until the next token', () => {
    const store = createMemoryRateLimitStore();
    const decisions = [0, 0, 0, 0].map(() => store.take('ip:1', rule, 1_000));
    expect(decisions.map((decision) => 'allowed' in decision && decision.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((decision) => 'remaining' in decision && decision.remaining)).toEqual([2, 1, 0, 0]);
    expect(decisions[3]).toMatchObject({ retryAfterMs: 500 });
  });

  it('refills at the sustained rate and never above capacity', () => {
    const store = createMemoryRateLimitStore();
    for (let index = 0; index < 3; index += 1) store.take('k', rule, 0);
    expect(store.take('k', rule, 0)).toMatchObject({ allowed: false });
    expect(store.take('k', rule, 500)).toMatchObject({ allowed: true, remaining: 0 });
    expect(store.take('k', rule, 600)).toMatchObject({ allowed: false, retryAfterMs: 400 });
    // A long pause refills to capacity only.
    expect(store.take('k', rule, 60_000)).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('keeps separate buckets per key', () => {
    const store = createMemoryRateLimitStore();
    for (let index = 0; index < 3; index += 1) store.take('a', rule, 0);
    expect(store.take('a', rule, 0)).toMatchObject({ allowed: false });
    expect(store.take('b', rule, 0)).toMatchObject({ allowed: true });
  });

  it('drops the least recently used bucket beyond maxKeys', () => {
    const store = createMemoryRateLimitStore({ maxKeys: 2 });
    for (let index = 0; index < 3; index += 1) store.take('a', rule, 0);
    store.take('b', rule, 0);
    store.take('c', rule, 0); // evicts a
    expect(store.take('a', rule, 0)).toMatchObject({ allowed: true, remaining: 2 });
  });
});
