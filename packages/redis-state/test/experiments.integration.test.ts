import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient, createRedisExperimentConfigSource, createRedisExperimentLogSink, readRedisExperimentLog } from '../src/index';
import { localRedisFixture, redisServerAvailability, startLocalRedis } from '../src/testing/index';

const availability = redisServerAvailability();
// Skipped only on a developer machine without redis-server; CI must run these (setup.sh installs it).
if (process.env.CI && !availability.available) throw new Error('redis-server is required in CI: run tooling/scripts/setup.sh');
if (!availability.available) console.warn(`skipping Redis tests: ${availability.reason}`);

describe.skipIf(!availability.available)('experiment log streams and definitions (real redis-server)', () => {
  const redis = localRedisFixture('exp-test:');
  const connected = redis.connected;
  beforeAll(redis.start);
  afterAll(redis.stop);

  const exposure = (i: number) => ({ kind: 'exposure' as const, id: `r${i}`, time: new Date(Date.UTC(2026, 10, 2, 10, 0, i)).toISOString(), userId: `u${i % 7}`, surface: 'home', experiments: [{ key: 'ranker', variant: i % 2 ? 'treatment' : 'control' }], items: [] });
  const event = (i: number) => ({ kind: 'event' as const, time: new Date(Date.UTC(2026, 10, 2, 10, 1, i)).toISOString(), userId: `u${i % 7}`, trackId: `t${i}`, type: 'play' });

  it('two replicas append to one pair of streams; everything reads back in order, in batches', async () => {
    const replicaA = createRedisExperimentLogSink(await connected());
    const replicaB = createRedisExperimentLogSink(await connected());
    const writes = [];
    for (let i = 0; i < 30; i++) writes.push((i % 2 ? replicaA : replicaB).append([exposure(i), event(i)]));
    await Promise.all(writes);
    const reader = await connected();
    const exposures = [];
    for await (const entry of readRedisExperimentLog(reader, { stream: 'exposures', batch: 7 })) exposures.push(JSON.parse(entry.json) as { id: string });
    expect(exposures).toHaveLength(30);
    expect(new Set(exposures.map((e) => e.id)).size).toBe(30);
    const events = [];
    for await (const entry of readRedisExperimentLog(reader, { stream: 'events' })) events.push(entry);
    expect(events).toHaveLength(30);
    // ids increase: a reader can resume after the last id it saw
    const after = [];
    for await (const entry of readRedisExperimentLog(reader, { stream: 'events', after: events[9]!.id })) after.push(entry.id);
    expect(after).toEqual(events.slice(10).map((e) => e.id));
    expect(replicaA.description).toBe('redis:exp-test:{experiments:exposures,experiments:events}');
  });

  it('caps streams approximately at maxLength', async () => {
    const client = await connected('exp-cap:');
    const sink = createRedisExperimentLogSink(client, { maxLength: 100 });
    for (let batch = 0; batch < 10; batch++) await sink.append(Array.from({ length: 100 }, (_, i) => exposure(batch * 100 + i)));
    const length = await client.redis.xlen('experiments:exposures');
    expect(length).toBeLessThan(400);
    expect(length).toBeGreaterThanOrEqual(100);
  });

  it('serves definitions from one key, and fails clearly when Redis is away', async () => {
    const client = await connected('exp-config:');
    const source = createRedisExperimentConfigSource(client);
    expect(await source.read()).toBeUndefined();
    await source.write('version: 1\nexperiments: []\n');
    expect(await source.read()).toBe('version: 1\nexperiments: []\n');
    expect(source.description).toBe('redis:exp-config:experiments:definitions');
    const lonely = await startLocalRedis();
    const doomed = createRedisClient({ url: lonely.url, commandTimeoutMs: 300, connectTimeoutMs: 300 });
    redis.adopt(doomed);
    await doomed.ready(undefined, 10_000); // the short timeouts are for the failure below, not for connecting on a busy machine
    await lonely.stop();
    await expect(createRedisExperimentConfigSource(doomed).read()).rejects.toThrow(/Redis: could not read experiment definitions/);
    await expect(createRedisExperimentLogSink(doomed).append([exposure(1)])).rejects.toThrow(/Redis: could not append/);
  });
});
