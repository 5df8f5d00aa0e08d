// Up next and radio over HTTP (supertest) with a real bundle: the next-track model and its FAISS
// index trained by the sequenceModel part, published to s3rver, loaded back through the S3
// protocol and opened as the service does.
import { join } from 'node:path';
import { loadParts, openBundleStore, sequenceModelPart } from '@mixtape/bundle';
import { createNextTrackRecommender } from '@mixtape/sequence';
import { publishTestBundle, useLocalS3 } from '@mixtape/bundle/testing';
import { createTestServiceContext } from '@mixtape/service-kit/testing';
import type { Express } from 'express';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import type { HomeServing } from '../src/app';
import { HOME_BUNDLE_PARTS, createHomeServing } from '../src/serving';

interface Item {
  trackId: string;
  title: string;
  artists: string[];
  score: number;
}

describe('Up next and radio over a bundle from S3', () => {
  const local = useLocalS3('home-next-test');
  let serving: HomeServing;
  let app: Express;
  let withoutModel: Express;
  let untrainedModel: Express;

  beforeAll(async () => {
    const store = openBundleStore('s3://mixtape/home', { s3: local.s3.s3Options });
    await publishTestBundle(store, {
      version: 'next-v1',
      parts: [sequenceModelPart],
      options: { sequenceModel: { dim: 16, maxLength: 20, epochs: 2, validationRows: 20, factory: 'Flat' } },
    });
    serving = createHomeServing(await loadParts(store, HOME_BUNDLE_PARTS, { cacheDir: join(local.dir, 'cache') }));
    const { context } = createTestServiceContext({ name: 'home', ready: true });
    app = createApp({ context, serving: () => serving });

    const plain = openBundleStore('s3://mixtape/plain', { s3: local.s3.s3Options });
    await publishTestBundle(plain, { version: 'plain-v1' });
    const plainServing = createHomeServing(await loadParts(plain, HOME_BUNDLE_PARTS, { cacheDir: join(local.dir, 'cache-plain') }));
    expect(plainServing.upNext).toBeUndefined();
    const other = createTestServiceContext({ name: 'home', ready: true });
    withoutModel = createApp({ context: other.context, serving: () => plainServing });

    // the part ran and produced nothing (one play per history: no consecutive plays): the manifest records why
    const short = openBundleStore('s3://mixtape/short', { s3: local.s3.s3Options });
    await publishTestBundle(short, { version: 'short-v1', parts: [sequenceModelPart], options: { sequenceModel: { historyItems: 1 } } });
    const shortServing = createHomeServing(await loadParts(short, HOME_BUNDLE_PARTS, { cacheDir: join(local.dir, 'cache-short') }));
    expect(shortServing.upNext).toBeUndefined();
    untrainedModel = createApp({ context: createTestServiceContext({ name: 'home', ready: true }).context, serving: () => shortServing });
  }, 180_000);

  const store = () => serving.engine.index.store;
  const log = () => serving.engine.index.interactions!;
  /** a listener's tracks in time order, skips dropped */
  const playsOf = (userId: string) => {
    const { start, end } = log().rowsOfUser(log().userIndex(userId));
    const plays: string[] = [];
    for (let i = start; i < end; i++) if (log().columns.type[i] !== 1) plays.push(store().trackId(log().columns.track[i]!));
    return plays;
  };

  it('continues a known listener from their last play, never repeating what the model read', async () => {
    const userId = log().userId(0);
    const response = await request(app).get(`/v1/users/${userId}/next?limit=7`).expect(200);
    expect(response.body).toMatchObject({ userId, bundleVersion: 'next-v1', session: { events: 0, windowMinutes: 30 } });
    const plays = playsOf(userId);
    expect(response.body.continuesFrom.trackId).toBe(plays[plays.length - 1]);
    const items = response.body.items as Item[];
    expect(items).toHaveLength(7);
    const recent = new Set(plays.slice(-20));
    for (const item of items) {
      expect(recent.has(item.trackId)).toBe(false);
      expect(item.title).toBe(store().getTrack(item.trackId)!.title);
      expect(item.artists.length).toBeGreaterThan(0);
    }
    for (let i = 1; i < items.length; i++) expect(items[i - 1]!.score).toBeGreaterThanOrEqual(items[i]!.score);
    expect(response.headers['server-timing']).toMatch(/model;dur=[\d.]+/);
  });

  it('follows the session: events posted just now move Up next and are never offered again', async () => {
    const userId = 'listener-in-a-session';
    await request(app).get(`/v1/users/${userId}/next`).expect(404);
    const tracks = [3, 40, 41].map((i) => store().trackId(i));
    const now = Date.now();
    const events = tracks.map((trackId, i) => ({ userId, trackId, type: 'complete', timestamp: now - 1000 * (3 - i) }));
    await request(app).post('/v1/events').send({ events: [...events, { userId, trackId: store().trackId(9), type: 'skip', timestamp: now }] }).expect(202);
    const response = await request(app).get(`/v1/users/${userId}/next?limit=10`).expect(200);
    expect(response.body.continuesFrom.trackId).toBe(tracks[2]);
    expect(response.body.session.events).toBe(3);
    const ids = (response.body.items as Item[]).map((item) => item.trackId);
    expect(ids).toHaveLength(10);
    for (const trackId of tracks) expect(ids).not.toContain(trackId);
    // the same answer as asking the model directly for that history
    const direct = await serving.upNext!.recommender.recommend({ history: [3, 40, 41], k: 10 });
    expect(ids).toEqual(Array.from(direct.tracks, (track) => store().trackId(track)));
  });

  it('answers concurrent requests (batched as they arrive) each as if alone', async () => {
    const users = Array.from({ length: 16 }, (_, u) => log().userId(u));
    const before = serving.upNext!.recommender.stats();
    const alone = await Promise.all(users.map(async (userId) => (await request(app).get(`/v1/users/${userId}/next?limit=5`).expect(200)).body.items as Item[]));
    const after = serving.upNext!.recommender.stats();
    expect(after.requests - before.requests).toBe(16);
    // (how many shared a batch depends on arrival times; serve.test.ts checks the batching itself)
    expect(after.batches - before.batches).toBeLessThanOrEqual(16);
    for (const [u, userId] of users.entries()) {
      const again = (await request(app).get(`/v1/users/${userId}/next?limit=5`).expect(200)).body.items as Item[];
      expect(again.map((item) => item.trackId)).toEqual(alone[u]!.map((item) => item.trackId));
    }
  });

  it("writes the body JSON.stringify writes for the answer, reports its stages in Server-Timing and the model's counters in /metrics", async () => {
    const userId = log().userId(3);
    const response = await request(app).get(`/v1/users/${encodeURIComponent(userId)}/next?limit=7`).expect(200);
    // the answer rebuilt from the model itself and the catalog, serialized by JSON.stringify: the same bytes
    const { history } = await serving.upNext!.historyOf(userId);
    const direct = await serving.upNext!.recommender.recommend({ history, k: 7 });
    const describe = (track: number) => ({ trackId: store().trackId(track), title: store().trackTitle(track), artists: Array.from(store().artistsOfTrack(track), (artist) => store().artistName(artist)) });
    const expected = JSON.stringify({
      userId,
      bundleVersion: 'next-v1',
      generatedAt: response.body.generatedAt,
      continuesFrom: describe(history[history.length - 1]!),
      session: { events: 0, windowMinutes: 30 },
      items: Array.from(direct.tracks, (track, i) => ({ ...describe(track), score: direct.scores[i]! })),
    });
    expect(response.text).toBe(expected);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['server-timing']).toMatch(/^history;dur=\d+\.\d{3}, model;dur=\d+\.\d{3}, body;dur=\d+\.\d{3}$/);
    const seed = store().mostPopular(10)[4]!;
    const radio = await request(app).get(`/v1/radio?seedTrackId=${encodeURIComponent(store().trackId(seed))}&limit=12`).expect(200);
    // the station rebuilt from the model with the route's rule (at most max(2, 12 / 10) = 2 tracks per artist, the seed's counted)
    const perArtist = new Map<number, number>();
    for (const artist of store().artistsOfTrack(seed)) perArtist.set(artist, 1);
    const station = await serving.upNext!.recommender.station([seed], 12, {
      accept: (track) => {
        const artists = store().artistsOfTrack(track);
        for (const artist of artists) if ((perArtist.get(artist) ?? 0) >= 2) return false;
        for (const artist of artists) perArtist.set(artist, (perArtist.get(artist) ?? 0) + 1);
        return true;
      },
    });
    expect(station.tracks.length).toBe(12);
    const stationItems = Array.from(station.tracks, (track, i) => ({ ...describe(track), score: station.scores[i]! }));
    expect(radio.text).toBe(JSON.stringify({ seed: describe(seed), bundleVersion: 'next-v1', generatedAt: radio.body.generatedAt, items: stationItems }));
    expect(radio.headers['server-timing']).toMatch(/^model;dur=\d+\.\d{3}, body;dur=\d+\.\d{3}$/);
    const metrics = (await request(app).get('/metrics').expect(200)).text;
    const stats = serving.upNext!.recommender.stats();
    expect(metrics).toContain(`home_next_model_work{kind="requests",service="home"} ${stats.requests}`);
    expect(metrics).toContain(`home_next_model_work{kind="batches",service="home"} ${stats.batches}`);
    expect(stats.requests).toBeGreaterThan(0);
  });

  it('plays a station from one track: no repeats, the seed excluded, a few tracks per artist at most', async () => {
    const seed = store().getTrack(store().mostPopular(10)[2]!)!;
    const response = await request(app).get(`/v1/radio?seedTrackId=${encodeURIComponent(seed.id)}&limit=20`).expect(200);
    expect(response.body.seed).toMatchObject({ trackId: seed.id, title: seed.title });
    const items = response.body.items as Item[];
    expect(items.length).toBeGreaterThanOrEqual(15);
    const ids = items.map((item) => item.trackId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(seed.id);
    const perArtist = new Map<string, number>();
    for (const artist of [...seed.artistIds.map((id) => store().getArtist(id)!.name), ...items.flatMap((item) => item.artists)]) perArtist.set(artist, (perArtist.get(artist) ?? 0) + 1);
    expect(Math.max(...perArtist.values())).toBeLessThanOrEqual(2);
    const clean = await request(app).get(`/v1/radio?seedTrackId=${encodeURIComponent(seed.id)}&limit=10&explicit=false`);
    if (!seed.explicit) for (const item of clean.body.items as Item[]) expect(store().getTrack(item.trackId)!.explicit).toBe(false);
  });

  it('rejects bad input with clear messages', async () => {
    const userId = log().userId(0);
    expect(JSON.stringify((await request(app).get(`/v1/users/${userId}/next?limit=0`).expect(400)).body.error)).toContain('query.limit');
    expect(JSON.stringify((await request(app).get(`/v1/users/${userId}/next?limit=500`).expect(400)).body.error)).toContain('query.limit');
    const unknownUser = await request(app).get('/v1/users/nobody-at-all/next').expect(404);
    expect(unknownUser.body.error.code).toBe('UNKNOWN_USER');
    expect(unknownUser.body.error.message).toContain('Unknown listener "nobody-at-all"');
    const missing = await request(app).get('/v1/radio').expect(400);
    expect(JSON.stringify(missing.body.error)).toContain('query.seedTrackId');
    const unknownTrack = await request(app).get('/v1/radio?seedTrackId=track-nope').expect(404);
    expect(unknownTrack.body.error).toMatchObject({ code: 'UNKNOWN_TRACK' });
    expect(unknownTrack.body.error.message).toContain('"track-nope" (query.seedTrackId)');
  });

  it("says why the bundle has no next-track model, in the words of the bundle's manifest", async () => {
    // built without the part (the test bundle's build ran only the embedding parts, as --only would)
    const next = await request(withoutModel).get(`/v1/users/${log().userId(0)}/next`).expect(503);
    expect(next.body.error.code).toBe('SEQUENCE_MODEL_UNAVAILABLE');
    expect(next.body.error.message).toContain('Bundle plain-v1 has no next-track model');
    expect(next.body.error.message).toContain('the build did not run the sequenceModel part');
    expect(next.body.error.details.reason).toContain('--only');
    const radio = await request(withoutModel).get(`/v1/radio?seedTrackId=${store().trackId(0)}`).expect(503);
    expect(radio.body.error.message).toBe(next.body.error.message);
    // the part ran and recorded why it produced nothing: that reason, not a list of possible ones
    const untrained = await request(untrainedModel).get(`/v1/users/${log().userId(0)}/next`).expect(503);
    expect(untrained.body.error.code).toBe('SEQUENCE_MODEL_UNAVAILABLE');
    expect(untrained.body.error.details.reason).toMatch(/^not trained: 0 consecutive plays in each listener's last 1 plays, need 1,000 \(--set sequenceModel\.historyItems=N reads more of each history\)/);
    expect(untrained.body.error.message).toContain(`the build left the sequenceModel part out — ${untrained.body.error.details.reason.replace(/; Up next and radio are unavailable$/, '')}`);
    expect(untrained.body.error.message.split('Up next and radio are unavailable')).toHaveLength(2); // said once
    expect(untrained.body.error.message).not.toContain('--only');
  });

  it('answers 503 NEXT_TRACK_OVERLOADED with Retry-After when the model\'s queue is full, and serves again once it drains', async () => {
    const upNext = serving.upNext!;
    const { model, index } = upNext.recommender;
    // the real FAISS index, its searches held until the test opens the gate: one batch holds the
    // only slot, one request waits (maxQueue 1), so the next is refused at once
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const held = Object.assign(Object.create(index) as typeof index, {
      searchBatchAsync: async (queries: Float32Array, k: number) => {
        await gate;
        return index.searchBatchAsync(queries, k);
      },
    });
    const recommender = createNextTrackRecommender(model, held, { maxInFlight: 1, maxBatch: 1, maxQueue: 1 });
    const busy = createTestServiceContext({ name: 'home', ready: true });
    const busyApp = createApp({ context: busy.context, serving: () => ({ ...serving, upNext: { ...upNext, recommender } }) });
    const userId = log().userId(1);
    const first = recommender.recommend({ history: Int32Array.of(1, 2, 3), k: 3 });
    await new Promise((resolve) => setImmediate(resolve)); // the first batch starts and waits on the gate
    const waiting = recommender.recommend({ history: Int32Array.of(4, 5), k: 3 });
    const refused = await request(busyApp).get(`/v1/users/${userId}/next?limit=5`).expect(503);
    expect(refused.body.error).toMatchObject({ code: 'NEXT_TRACK_OVERLOADED', details: { queued: 1, maxQueue: 1 } });
    expect(refused.body.error.message).toContain('retry shortly');
    expect(refused.headers['retry-after']).toBe('1');
    const radio = await request(busyApp).get(`/v1/radio?seedTrackId=${store().trackId(0)}`).expect(503);
    expect(radio.body.error.code).toBe('NEXT_TRACK_OVERLOADED');
    expect(recommender.stats().refused).toBe(2);
    open();
    expect((await first).tracks).toHaveLength(3);
    expect((await waiting).tracks).toHaveLength(3);
    const served = await request(busyApp).get(`/v1/users/${userId}/next?limit=5`).expect(200);
    const plain = await request(app).get(`/v1/users/${userId}/next?limit=5`).expect(200);
    expect(served.body.items).toEqual(plain.body.items);
  });
});
