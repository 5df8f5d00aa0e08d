import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnlessAvailable } from '@mixtape/vitest-config/ci';
import { createRedisClient, createRedisRateLimitStore } from '../src/index';
import { localRedisFixture, redisServerAvailability, startLocalRedis } from '../src/testing/index';

const availability = redisServerAvailability();
// Skipped only on a developer machine without redis-server; CI must run these (setup.sh installs it).
const skip = skipUnlessAvailable({ suite: 'Redis rate-limit store', needs: 'redis-server', available: availability.available, detail: availability.available ? undefined : availability.reason, fix: 'run tooling/scripts/setup.sh' });

describe.skipIf(skip)('Redis rate-limit store (real redis-server)', () => {
  const redis = localRedisFixture('test:');
  const client = redis.client;
  beforeAll(redis.start);
  afterAll(redis.stop);

  const rule = { refillPerSecond: 2, capacity: 3 };

  it('allows the burst, then refuses with the time until one token refills', async () => {
    const store = createRedisRateLimitStore({ client: client() });
    const now = 1_000_000;
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await store.take('ip:1.2.3.4', rule, now));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(decisions[3]!.retryAfterMs).toBe(500);
    // Half a second later one token is back.
    expect((await store.take('ip:1.2.3.4', rule, now + 500)).allowed).toBe(true);
    expect((await store.take('ip:1.2.3.4', rule, now + 500)).allowed).toBe(false);
  });

  it('shares one bucket between replicas (two clients, two stores)', async () => {
    const replicaA = createRedisRateLimitStore({ client: client('shared:') });
    const replicaB = createRedisRateLimitStore({ client: client('shared:') });
    const now = 5_000_000;
    const outcomes = [
      await replicaA.take('key:abc', rule, now),
      await replicaB.take('key:abc', rule, now),
      await replicaA.take('key:abc', rule, now),
      await replicaB.take('key:abc', rule, now),
    ];
    expect(outcomes.map((o) => o.allowed)).toEqual([true, true, true, false]);
    // Another key and another deployment prefix are independent.
    expect((await replicaA.take('key:other', rule, now)).allowed).toBe(true);
    const otherDeployment = createRedisRateLimitStore({ client: client('elsewhere:') });
    expect((await otherDeployment.take('key:abc', rule, now)).allowed).toBe(true);
  });

  it('is atomic under concurrent takes: exactly capacity requests pass', async () => {
    const stores = [client('race:'), client('race:'), client('race:')].map((c) => createRedisRateLimitStore({ client: c }));
    const burst = { refillPerSecond: 0.001, capacity: 10 };
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => stores[i % 3]!.take('ip:9.9.9.9', burst, 42_000)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });

  it('never mints tokens when a replica clock is behind the bucket', async () => {
    const store = createRedisRateLimitStore({ client: client('skew:') });
    for (let i = 0; i < 3; i++) await store.take('ip:skew', rule, 10_000);
    expect((await store.take('ip:skew', rule, 2_000)).allowed).toBe(false);
  });

  it('expires full buckets instead of keeping every key forever', async () => {
    const c = client('ttl:');
    const store = createRedisRateLimitStore({ client: c });
    await store.take('ip:ttl', rule, 1);
    const ttl = await c.redis.pttl('ratelimit:ip:ttl');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(Math.ceil((rule.capacity / rule.refillPerSecond) * 1000) + 1000);
  });

  it('applies the failure policy when Redis is unreachable and logs it once', async () => {
    const down = await startLocalRedis();
    const warnings: string[] = [];
    const logger = { warn: (_: object, message?: string) => warnings.push(message ?? ''), info: () => {} };
    const c = createRedisClient({ url: down.url, commandTimeoutMs: 200, connectTimeoutMs: 300 });
    redis.adopt(c);
    const allowing = createRedisRateLimitStore({ client: c, logger });
    const denying = createRedisRateLimitStore({ client: c, onRedisError: 'deny' });
    expect((await allowing.take('ip:x', rule, 1)).allowed).toBe(true);
    await down.stop();
    const whileDown = [await allowing.take('ip:x', rule, 2), await allowing.take('ip:x', rule, 3)];
    expect(whileDown.every((d) => d.allowed)).toBe(true);
    expect(warnings.filter((w) => w.includes('failure policy'))).toHaveLength(1);
    const denied = await denying.take('ip:x', rule, 4);
    expect(denied).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1000 });
    expect(await c.ping()).toBe(false);
  });
});

describe('createRedisClient', () => {
  it('refuses a URL that is not redis:// without echoing the password', () => {
    expect(() => createRedisClient({ url: 'http://user:hunter2@example.com:6379' })).toThrow(/expected redis:\/\/host:port/);
    expect(() => createRedisClient({ url: 'http://user:hunter2@example.com:6379' })).not.toThrow(/hunter2/);
  });

  it('ready() rejects with the address (password hidden) when nothing listens', async () => {
    const c = createRedisClient({ url: 'redis://:s3cret-pass@127.0.0.1:1', connectTimeoutMs: 300 });
    try {
      await expect(c.ready()).rejects.toThrow(/redis:\/\/:\*\*\*@127\.0\.0\.1:1.*not reachable within 300 ms/);
    } finally {
      await c.close();
    }
  });
});

describe.skipIf(skip)('createRedisClient against redis-server', () => {
  it('connects, pings and closes', async () => {
    const server = await startLocalRedis();
    const c = createRedisClient({ url: server.url, commandTimeoutMs: 5000, connectTimeoutMs: 5000 });
    try {
      await c.ready();
      expect(await c.ping()).toBe(true);
      await c.redis.set('k', 'v');
      expect(await c.redis.get('k')).toBe('v');
      expect(await c.redis.exists('k')).toBe(1);
      // The prefix is applied by the client, so a raw key carries it.
      expect(await c.redis.keys('*')).toEqual(['mixtape:k']);
    } finally {
      await c.close();
      await server.stop();
    }
  });
});
