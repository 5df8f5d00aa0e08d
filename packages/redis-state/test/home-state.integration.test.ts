import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnlessAvailable } from '@mixtape/vitest-config/ci';
import { createRedisClient, createRedisRecentEventStore, createRedisShelfStateStore, RedisStateError } from '../src/index';
import { localRedisFixture, redisServerAvailability } from '../src/testing/index';

const availability = redisServerAvailability();
// Skipped only on a developer machine without redis-server; CI must run these (setup.sh installs it).
const skip = skipUnlessAvailable({ suite: 'Home state stores', needs: 'redis-server', available: availability.available, detail: availability.available ? undefined : availability.reason, fix: 'run tooling/scripts/setup.sh' });

interface TestEvent {
  track: number;
  timestamp: number;
  type: number;
}

describe.skipIf(skip)('Home state stores (real redis-server)', () => {
  const redis = localRedisFixture('home-test:');
  const client = redis.client;
  const connected = redis.connected;
  beforeAll(redis.start);
  afterAll(redis.stop);

  it('shelf state: records add up per shelf type; no feedback reads as no entry', async () => {
    const store = createRedisShelfStateStore<'popular' | 'discover'>(await connected());
    expect(await store.get('u1')).toEqual({});
    await store.record('u1', 'popular', { successes: 1, failures: 0 });
    await store.record('u1', 'popular', { successes: 0.5, failures: 2 });
    await store.record('u1', 'discover', { successes: 0, failures: 1 });
    expect(await store.get('u1')).toEqual({ popular: { alpha: 1.5, beta: 2 }, discover: { alpha: 0, beta: 1 } });
    expect(await store.get('u2')).toEqual({});
  });

  it('shelf state: impressions add up beside the feedback (the bandit counts "shown and ignored")', async () => {
    const store = createRedisShelfStateStore<'popular' | 'discover'>(await connected('impressions:'));
    await store.record('u1', 'popular', { successes: 0, failures: 0, impressions: 1 });
    await store.record('u1', 'popular', { successes: 1, failures: 0, impressions: 1 });
    await store.record('u1', 'discover', { successes: 0, failures: 0, impressions: 3 });
    expect(await store.get('u1')).toEqual({ popular: { alpha: 1, beta: 0, impressions: 2 }, discover: { alpha: 0, beta: 0, impressions: 3 } });
    await expect(store.record('u1', 'popular', { successes: 0, failures: 0, impressions: Number.POSITIVE_INFINITY })).rejects.toThrow(/impressions must be finite/);
  });

  it('shelf state: two replicas recording at once add up exactly', async () => {
    const replicaA = createRedisShelfStateStore(await connected('shared-home:'));
    const replicaB = createRedisShelfStateStore(await connected('shared-home:'));
    const writes = [];
    for (let i = 0; i < 50; i++) {
      writes.push(replicaA.record('listener', 'made-for-you', { successes: 1, failures: 0 }));
      writes.push(replicaB.record('listener', 'made-for-you', { successes: 0, failures: 1 }));
      writes.push(replicaB.record('listener', 'popular', { successes: 1, failures: 1 }));
    }
    await Promise.all(writes);
    const fromA = await replicaA.get('listener');
    expect(fromA).toEqual({ 'made-for-you': { alpha: 50, beta: 50 }, popular: { alpha: 50, beta: 50 } });
    expect(await replicaB.get('listener')).toEqual(fromA);
  });

  it('shelf state: the TTL is refreshed on every write', async () => {
    const redisClient = await connected('ttl-shelf:');
    const store = createRedisShelfStateStore(redisClient, { ttlSeconds: 100 });
    await store.record('u', 'popular', { successes: 1, failures: 0 });
    await redisClient.redis.expire('home:shelf:u', 5);
    await store.record('u', 'popular', { successes: 1, failures: 0 });
    const ttl = await redisClient.redis.ttl('home:shelf:u');
    expect(ttl).toBeGreaterThan(5);
    expect(ttl).toBeLessThanOrEqual(100);
  });

  it('shelf state: rejects non-finite counts with a clear error and writes nothing', async () => {
    const store = createRedisShelfStateStore(await connected('bad-shelf:'));
    await expect(store.record('u', 'popular', { successes: Number.NaN, failures: 0 })).rejects.toThrow(/user "u", shelf "popular".*finite/);
    expect(await store.get('u')).toEqual({});
  });

  it('recent events: sorted by timestamp, identical events both kept, trimmed to the newest maxEvents', async () => {
    const store = createRedisRecentEventStore<TestEvent>(await connected(), { maxEvents: 4, ttlSeconds: 60 });
    expect(await store.get('u1')).toEqual([]);
    await store.append('u1', [
      { track: 3, timestamp: 300, type: 0 },
      { track: 1, timestamp: 100, type: 0 },
    ]);
    await store.append('u1', [
      { track: 2, timestamp: 200, type: 2 },
      { track: 2, timestamp: 200, type: 2 },
    ]);
    expect((await store.get('u1')).map((event) => event.track)).toEqual([1, 2, 2, 3]);
    // A fifth event evicts the oldest (by timestamp, not by arrival).
    await store.append('u1', [{ track: 9, timestamp: 150, type: 1 }]);
    expect(await store.get('u1')).toEqual([
      { track: 9, timestamp: 150, type: 1 },
      { track: 2, timestamp: 200, type: 2 },
      { track: 2, timestamp: 200, type: 2 },
      { track: 3, timestamp: 300, type: 0 },
    ]);
  });

  it('recent events: appends from two replicas at once all land, then the trim holds', async () => {
    const replicaA = createRedisRecentEventStore<TestEvent>(await connected('shared-events:'), { maxEvents: 30, ttlSeconds: 60 });
    const replicaB = createRedisRecentEventStore<TestEvent>(await connected('shared-events:'), { maxEvents: 30, ttlSeconds: 60 });
    const writes = [];
    for (let i = 0; i < 20; i++) {
      writes.push(replicaA.append('u', [{ track: i, timestamp: 1000 + 2 * i, type: 0 }]));
      writes.push(replicaB.append('u', [{ track: 100 + i, timestamp: 1001 + 2 * i, type: 0 }]));
    }
    await Promise.all(writes);
    const events = await replicaB.get('u');
    expect(events).toHaveLength(30);
    // The newest 30 of 40 interleaved timestamps 1000..1039 survive: 1010..1039, in order.
    expect(events.map((event) => event.timestamp)).toEqual(Array.from({ length: 30 }, (_, i) => 1010 + i));
    expect(await replicaA.get('u')).toEqual(events);
  });

  it('recent events: TTL set on append; a prefix scopes the sets (e.g. per bundle version)', async () => {
    const redisClient = await connected('ttl-events:');
    const v1 = createRedisRecentEventStore<TestEvent>(redisClient, { maxEvents: 10, ttlSeconds: 42, prefix: 'events:v1:' });
    const v2 = createRedisRecentEventStore<TestEvent>(redisClient, { maxEvents: 10, ttlSeconds: 42, prefix: 'events:v2:' });
    await v1.append('u', [{ track: 1, timestamp: 1, type: 0 }]);
    const ttl = await redisClient.redis.ttl('events:v1:u');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(42);
    expect(await v2.get('u')).toEqual([]);
  });

  it('recent events: a bad timestamp is rejected and nothing of the batch is appended', async () => {
    const store = createRedisRecentEventStore<TestEvent>(await connected('bad-events:'), { maxEvents: 10, ttlSeconds: 60 });
    await expect(
      store.append('u', [
        { track: 1, timestamp: 1, type: 0 },
        { track: 2, timestamp: Number.NaN, type: 0 },
      ]),
    ).rejects.toThrow(/events\[1\]\.timestamp/);
    expect(await store.get('u')).toEqual([]);
    expect(() => createRedisRecentEventStore(client(), { maxEvents: 0, ttlSeconds: 60 })).toThrow(/maxEvents/);
  });

  it('reads degrade to empty when Redis is unreachable; writes fail with a clear error', async () => {
    const unreachable = createRedisClient({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 500, connectTimeoutMs: 500 });
    redis.adopt(unreachable);
    const warnings: string[] = [];
    const logger = { warn: (_fields: object, message?: string) => warnings.push(message ?? ''), info: () => {} };
    const shelf = createRedisShelfStateStore(unreachable, { logger });
    const events = createRedisRecentEventStore<TestEvent>(unreachable, { maxEvents: 10, ttlSeconds: 60, logger });
    expect(await shelf.get('u')).toEqual({});
    expect(await shelf.get('u')).toEqual({});
    expect(await events.get('u')).toEqual([]);
    expect(warnings).toEqual(['redis unavailable: shelf state read as empty', 'redis unavailable: recent events read as empty']);
    await expect(shelf.record('u', 'popular', { successes: 1, failures: 0 })).rejects.toThrow(/Shared state is unavailable: could not record shelf feedback for user "u" \(Redis is not reachable\)/);
    const failure = await events.append('u', [{ track: 1, timestamp: 1, type: 0 }]).catch((error: unknown) => error);
    // A stable code services map to 503 (ADR 0002), and no host or port in the message.
    expect(failure).toBeInstanceOf(RedisStateError);
    expect(failure).toMatchObject({ code: 'STATE_UNAVAILABLE', details: { operation: 'append 1 recent event for user "u"' } });
    expect((failure as Error).message).not.toMatch(/127\.0\.0\.1|:\d{4,5}/);
  });
});
