// Home over HTTP (supertest) with a real bundle: trained for real, published to s3rver, loaded
// back through the S3 protocol and opened as the service does.
import { join } from 'node:path';
import { homeCandidatesPart, homeRankerPart, loadParts, openBundleStore } from '@mixtape/bundle';
import { publishTestBundle, useLocalS3 } from '@mixtape/bundle/testing';
import { createRedisClient, createRedisRecentEventStore, createRedisShelfStateStore } from '@mixtape/redis-state';
import { seededRandom } from '@mixtape/ranking';
import type { HomeEngine, UserEvent } from '@mixtape/ranking';
import { createTestServiceContext } from '@mixtape/service-kit/testing';
import type { Express } from 'express';
import request from 'supertest';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../src/app';
import type { HomeServing } from '../src/app';
import { liveFingerprint, pageFor } from '../src/page-store';
import { startDaypartWarming, startPageWarmer } from '../src/page-warmer';
import { HOME_BUNDLE_PARTS, createHomeServing } from '../src/serving';

interface Shelf {
  id: string;
  type: string;
  title: string;
  items: Array<{ trackId: string; title: string; artists: string[]; reason: string }>;
}

const API_KEY = 'home-test-key-0123456789';

describe('home service over a bundle from S3', () => {
  const local = useLocalS3('home-test');
  let serving: HomeServing;
  let app: Express;
  let securedApp: Express;
  let servingBundle: Awaited<ReturnType<typeof loadParts>>;
  const bundleForRedis = () => servingBundle;

  beforeAll(async () => {
    const store = openBundleStore('s3://mixtape/home', { s3: local.s3.s3Options });
    // with Home's own parts, built as `mixtape build` builds them
    await publishTestBundle(store, { version: 'home-v1', parts: [homeRankerPart, homeCandidatesPart] });
    const bundle = await loadParts(store, HOME_BUNDLE_PARTS, { cacheDir: join(local.dir, 'cache') });
    servingBundle = bundle;
    serving = createHomeServing(bundle);
    const { context } = createTestServiceContext({ name: 'home', ready: true });
    app = createApp({ context, serving: () => serving });
    const secured = createTestServiceContext({ name: 'home', env: { MIXTAPE_API_KEYS: API_KEY }, ready: true });
    securedApp = createApp({ context: secured.context, serving: () => serving });
  }, 120_000);

  const store = () => serving.engine.index.store;
  const shelfTitles = (response: { body: { shelves: Shelf[] } }) => response.body.shelves.map((shelf) => shelf.title);
  /** one completed play of `track` by `userId`, now */
  const completeNow = (target: Express, userId: string, track: { id: string; durationMs: number }) =>
    request(target)
      .post('/v1/events')
      .send({ events: [{ userId, trackId: track.id, type: 'complete', timestamp: new Date().toISOString(), msPlayed: track.durationMs }] })
      .expect(202);
  const log = () => serving.engine.index.interactions!;
  /** the user with the longest history (every shelf type has material) */
  const busiestUser = () => {
    let best = 0;
    for (let u = 1; u < log().userCount; u++) {
      const size = (r: number) => log().rowsOfUser(r).end - log().rowsOfUser(r).start;
      if (size(u) > size(best)) best = u;
    }
    return log().userId(best);
  };

  it("serves the bundle's ranker and merges its offline neighbour lists", () => {
    const { model, index } = serving.engine;
    // the bundle's model (trained, or hand-set with the reason stated), never a silent default
    expect(model.kind === 'lambdamart' ? model.heads.length : model.fallback).toBeTruthy();
    expect(Object.keys(index.neighbours).sort()).toEqual(['coListening', 'ease', 'itemVectors', 'rp3beta']);
    expect(index.factors?.items.length).toBe(store().trackCount * index.factors!.dim);
    // a synthetic catalog's popularity is its own figure (not counted from the log): the ranker and the index read it
    expect(model.popularity).toBeUndefined();
    expect(index.byLogPopularity).toBeUndefined();
  });

  it('serves personal, explained shelves for a known listener, no track twice', async () => {
    const userId = busiestUser();
    const response = await request(app).get(`/v1/users/${userId}/home`).expect(200);
    expect(response.body).toMatchObject({ userId, bundleVersion: 'home-v1', coldStart: false });
    expect(Date.parse(response.body.generatedAt)).not.toBeNaN();
    expect(response.headers['server-timing']).toMatch(/candidates;dur=[\d.]+, features;dur=[\d.]+, ranking;dur=[\d.]+, assembly;dur=[\d.]+/);
    const shelves = response.body.shelves as Shelf[];
    const types = new Set(shelves.map((shelf) => shelf.type));
    for (const type of ['made-for-you', 'because-you-played', 'jump-back-in']) expect(types).toContain(type);
    const seen = new Set<string>();
    for (const shelf of shelves) {
      expect(shelf.items.length).toBeGreaterThanOrEqual(3);
      expect(shelf.items.length).toBeLessThanOrEqual(10);
      for (const item of shelf.items) {
        expect(seen.has(item.trackId)).toBe(false);
        seen.add(item.trackId);
        expect(item.title).toBe(store().getTrack(item.trackId)!.title);
        expect(item.artists.length).toBeGreaterThan(0);
        expect(item.reason.length).toBeGreaterThan(10);
      }
    }
    // "Because you played <title>" names a track the listener really played, and its items are new to them
    const because = shelves.find((shelf) => shelf.type === 'because-you-played' && shelf.id.startsWith('because-you-played-track'))!;
    const played = new Set<string>();
    const { start, end } = log().rowsOfUser(log().userIndex(userId));
    for (let i = start; i < end; i++) if (log().columns.type[i] !== 1) played.add(store().trackId(log().columns.track[i]!));
    const seedId = because.id.replace('because-you-played-', '');
    expect(played.has(seedId)).toBe(true);
    expect(because.title).toBe(`Because you played ${store().getTrack(seedId)!.title}`);
    for (const item of because.items) {
      expect(played.has(item.trackId)).toBe(false);
      expect(item.reason).toBe(because.title);
    }
    // at most two tracks per artist on a shelf
    for (const shelf of shelves) {
      const perArtist = new Map<string, number>();
      for (const item of shelf.items) perArtist.set(item.artists[0]!, (perArtist.get(item.artists[0]!) ?? 0) + 1);
      expect(Math.max(...perArtist.values())).toBeLessThanOrEqual(3);
    }
  });

  it('honours limit, shelves, daypart and explicit', async () => {
    const userId = busiestUser();
    const response = await request(app).get(`/v1/users/${userId}/home?limit=4&shelves=made-for-you,daypart&daypart=morning&explicit=false`).expect(200);
    const shelves = response.body.shelves as Shelf[];
    expect(shelves.length).toBeGreaterThan(0);
    for (const shelf of shelves) {
      expect(['made-for-you', 'daypart']).toContain(shelf.type);
      expect(shelf.items.length).toBeLessThanOrEqual(4);
      for (const item of shelf.items) expect(store().getTrack(item.trackId)!.explicit).toBe(false);
    }
    expect(response.body.daypart).toBe('morning');
  });

  it("takes the daypart in the listener's time zone (tz: IANA name or UTC offset) and refuses one it does not know", async () => {
    const userId = busiestUser();
    // 20:00 UTC on a December day: evening in UTC, 05:00 next morning in Tokyo, 15:00 in New York (EST)
    const at = Date.parse('2026-12-06T20:00:00Z');
    const clocked = createApp({ context: createTestServiceContext({ name: 'home', ready: true }).context, serving: () => serving, now: () => at });
    const daypartOf = async (tz?: string) =>
      (await request(clocked).get(`/v1/users/${userId}/home`).query(tz === undefined ? {} : { tz }).expect(200)).body.daypart as string;
    expect(await daypartOf()).toBe('evening');
    expect(await daypartOf('UTC')).toBe('evening');
    expect(await daypartOf('Asia/Tokyo')).toBe('morning');
    expect(await daypartOf('america/new_york')).toBe('afternoon');
    expect(await daypartOf('-05:00')).toBe('afternoon');
    expect(await daypartOf('+0930')).toBe('morning');
    expect(await daypartOf('UTC+3')).toBe('night');
    // "GMT+5" is 5 h east (01:00, night); the IANA name "Etc/GMT+5" is UTC−5 (15:00, afternoon)
    expect(await daypartOf('GMT+5')).toBe('night');
    expect(await daypartOf('Etc/GMT+5')).toBe('afternoon');
    // "?tz=+09:30" typed into a URL arrives as " 09:30" (a "+" is a space there): read as +09:30, not refused
    expect((await request(clocked).get(`/v1/users/${userId}/home?tz=+09:30`).expect(200)).body.daypart).toBe('morning');
    // …and so do "UTC+3" and "Etc/GMT+9" (= UTC−9; IANA names hold no space), sent as raw URLs, not .query()
    expect((await request(clocked).get(`/v1/users/${userId}/home?tz=UTC+3`).expect(200)).body.daypart).toBe('night');
    expect((await request(clocked).get(`/v1/users/${userId}/home?tz=Etc/GMT+9`).expect(200)).body.daypart).toBe(await daypartOf('-09:00'));
    // a space that is not a lost "+" says how to write one
    const spaced = await request(clocked).get(`/v1/users/${userId}/home?tz=Europe/Paris+x`).expect(400);
    expect(spaced.body.error.details.issues[0].message).toMatch(/got "Europe\/Paris x"; a "\+" typed into a URL arrives as a space — write it %2B$/);
    for (const tz of ['Mars/Base', '+25:00', '+02:75', 'Europe/Paris; DROP']) {
      const bad = await request(clocked).get(`/v1/users/${userId}/home`).query({ tz }).expect(400);
      expect(bad.body.error.details.issues).toEqual([{ path: 'query.tz', message: `expected an IANA time zone (e.g. "Europe/Paris", "America/New_York") or a UTC offset (e.g. "+02:00", "-0530", "UTC+2", "Z"), got ${JSON.stringify(tz)}` }]);
    }
    // numbers in the query string are decimal digits (service-kit): limit=0x4 is not 4
    const hex = await request(clocked).get(`/v1/users/${userId}/home?limit=0x4`).expect(400);
    expect(hex.body.error.details.issues[0]).toMatchObject({ path: 'query.limit', message: expect.stringMatching(/^expected an integer from 1 to \d+ in plain decimal digits, got "0x4" \(write "4"\)$/) });
  });

  it("places the listener's past plays in their own dayparts: a whole-day offset changes nothing, a 5-hour one changes the daypart shelf", async () => {
    const userId = busiestUser();
    const daypartShelf = async (utcOffsetMinutes: number) => {
      const page = await serving.engine.page({ userId, daypart: 'evening', shelves: ['daypart'], limit: 20, utcOffsetMinutes, random: seededRandom(3) });
      return page.shelves.flatMap((shelf) => shelf.items.map((item) => item.trackId));
    };
    const utc = await daypartShelf(0);
    expect(utc.length).toBeGreaterThan(0);
    expect(await daypartShelf(24 * 60)).toEqual(utc);
    expect(await daypartShelf(-5 * 60)).not.toEqual(utc);
  });

  it('gives an unknown listener a cold-start page, steered by seed genres and artists', async () => {
    const cold = await request(app).get('/v1/users/brand-new-listener/home').expect(200);
    expect(cold.body.coldStart).toBe(true);
    const coldShelves = cold.body.shelves as Shelf[];
    expect(coldShelves.map((shelf) => shelf.type)).toContain('popular');
    expect(coldShelves.find((shelf) => shelf.type === 'popular')!.items[0]!.reason).toBe('Popular with listeners right now');

    const genre = store().genreName(0);
    const artist = store().getArtist(3)!;
    const seeded = await request(app).get(`/v1/users/brand-new-listener/home?seedGenres=${encodeURIComponent(genre)}&seedArtists=${encodeURIComponent(artist.name)}`).expect(200);
    const shelves = seeded.body.shelves as Shelf[];
    const genreShelf = shelves.find((shelf) => shelf.type === 'popular-in-genre')!;
    expect(genreShelf.title).toBe(`Popular in ${genre}`);
    for (const item of genreShelf.items) expect(item.reason).toBe(`Popular in ${genre}`);
    const artistShelf = shelves.find((shelf) => shelf.type === 'because-you-like')!;
    expect(artistShelf.title).toBe(`Because you like ${artist.name}`);
  });

  it('changes the next page after events: a new listener gets "Because you played …"', async () => {
    const userId = 'listener-from-events';
    const before = await request(app).get(`/v1/users/${userId}/home`).expect(200);
    expect(before.body.coldStart).toBe(true);
    const track = store().getTrack(store().mostPopular(40)[30]!)!;
    const now = Date.now();
    const events = [0, 1, 2].map((i) => ({ userId, trackId: track.id, type: 'complete', timestamp: now - 1000 * (3 - i), msPlayed: track.durationMs }));
    const posted = await request(app).post('/v1/events').send({ events }).expect(202);
    expect(posted.body).toMatchObject({ accepted: 3, users: 1, bundleVersion: 'home-v1' });
    const after = await request(app).get(`/v1/users/${userId}/home`).expect(200);
    expect(after.body.coldStart).toBe(false);
    const titles = (after.body.shelves as Shelf[]).map((shelf) => shelf.title);
    expect(titles).toContain(`Because you played ${track.title}`);
  });

  it('moves a known listener\'s "Because you played" seed to what they just played', async () => {
    const userId = busiestUser();
    const fresh = store().getTrack(store().mostPopular(200)[150]!)!;
    const before = await request(app).get(`/v1/users/${userId}/home`).expect(200);
    expect(shelfTitles(before)).not.toContain(`Because you played ${fresh.title}`);
    await completeNow(app, userId, fresh);
    const after = await request(app).get(`/v1/users/${userId}/home`).expect(200);
    expect(shelfTitles(after)).toContain(`Because you played ${fresh.title}`);
  });

  it('counts shelf feedback for the bandit', async () => {
    const trackId = store().trackId(5);
    const response = await request(app)
      .post('/v1/events')
      .send({ events: [{ userId: 'u-feedback', trackId, type: 'skip', shelf: 'made-for-you-1' }, { userId: 'u-feedback', trackId, type: 'save', shelf: 'discover' }] })
      .expect(202);
    expect(response.body.shelfFeedback).toBe(2);
  });

  it('rejects bad input with clear messages and records nothing', async () => {
    const limit = await request(app).get('/v1/users/u1/home?limit=0').expect(400);
    expect(JSON.stringify(limit.body.error)).toContain('query.limit');
    const shelves = await request(app).get('/v1/users/u1/home?shelves=made-for-you,bogus').expect(400);
    expect(JSON.stringify(shelves.body.error)).toContain('query.shelves');
    const genre = await request(app).get('/v1/users/u1/home?seedGenres=no-such-genre').expect(400);
    expect(genre.body.error.message).toMatch(/^Unknown genre "no-such-genre" in seedGenres \(expected a genre of this catalog, e\.g\. [^,]+(, [^,]+){4}\)$/);

    await request(app).post('/v1/events').send({ events: [] }).expect(400);
    const badType = await request(app).post('/v1/events').send({ events: [{ userId: 'u1', trackId: store().trackId(1), type: 'listen' }] }).expect(400);
    expect(JSON.stringify(badType.body.error)).toContain('body.events.0.type');
    const missing = await request(app).post('/v1/events').expect(400);
    expect(missing.body.error.code).toBe('BODY_REQUIRED');

    const userId = 'u-unknown-track';
    const unknown = await request(app)
      .post('/v1/events')
      .send({ events: [{ userId, trackId: store().trackId(1), type: 'complete' }, { userId, trackId: 'track-nope', type: 'play' }] })
      .expect(404);
    expect(unknown.body.error.code).toBe('UNKNOWN_TRACK');
    expect(unknown.body.error.message).toContain('"track-nope" (events[1].trackId)');
    // nothing from the rejected batch was applied
    expect((await request(app).get(`/v1/users/${userId}/home`).expect(200)).body.coldStart).toBe(true);
  });

  it('requires an API key on POST /v1/events when keys are configured', async () => {
    const events = [{ userId: 'u-auth', trackId: store().trackId(1), type: 'play' }];
    await request(securedApp).post('/v1/events').send({ events }).expect(401);
    await request(securedApp).post('/v1/events').set('Authorization', `Bearer ${API_KEY}`).send({ events }).expect(202);
    await request(securedApp).get('/v1/users/u-auth/home').expect(200);
  });

  it('rejects event timestamps far in the future (year 9999) or in epoch seconds with a clear error, recording nothing', async () => {
    const userId = 'u-future';
    const trackId = store().trackId(1);
    for (const timestamp of ['9999-01-01T00:00:00Z', Date.UTC(9999, 0, 1), Date.now() + 2 * 3600_000]) {
      const response = await request(app)
        .post('/v1/events')
        .send({ events: [{ userId, trackId, type: 'complete' }, { userId, trackId, type: 'complete', timestamp }] })
        .expect(400);
      expect(response.body.error.code).toBe('INVALID_INPUT');
      const issue = response.body.error.details.issues[0];
      expect(issue.path).toBe('body.events.1.timestamp');
      expect(issue.message).toMatch(/is more than 1 hour ahead of the server clock/);
    }
    // epoch seconds (a common client mistake) would be recorded as January 1970
    const seconds = await request(app).post('/v1/events').send({ events: [{ userId, trackId, type: 'play', timestamp: 1_700_000_000 }] }).expect(400);
    expect(seconds.body.error.details.issues[0]).toMatchObject({
      path: 'body.events.0.timestamp',
      message: '1700000000 as epoch milliseconds is 1970-01-20T16:13:20.000Z; it looks like epoch seconds — send milliseconds (1700000000000) or ISO 8601',
    });
    // A device clock a few minutes fast is fine.
    await request(app).post('/v1/events').send({ events: [{ userId: 'u-skew', trackId, type: 'play', timestamp: Date.now() + 5 * 60_000 }] }).expect(202);
    expect((await request(app).get(`/v1/users/${userId}/home`).expect(200)).body.coldStart).toBe(true);
  });

  it('answers 503 with Retry-After (not 500) when the shared state in Redis cannot take the events', async () => {
    // A Redis nobody listens on: the real client fails fast (no offline queue), as when Redis is down.
    const client = createRedisClient({ url: 'redis://127.0.0.1:1', connectTimeoutMs: 300, commandTimeoutMs: 300 });
    try {
      const loaded = createHomeServing(bundleForRedis(), {
        shelfState: createRedisShelfStateStore(client),
        recentEventsFor: () => createRedisRecentEventStore<UserEvent>(client, { maxEvents: 10, ttlSeconds: 60 }),
      });
      const { context } = createTestServiceContext({ name: 'home' });
      const redisApp = createApp({ context, serving: () => loaded });
      const response = await request(redisApp)
        .post('/v1/events')
        .send({ events: [{ userId: 'u-redis', trackId: store().trackId(1), type: 'complete' }] })
        .expect(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.body.error.code).toBe('STATE_UNAVAILABLE');
      expect(response.body.error.message).toMatch(/^Shared state is unavailable: could not append 1 recent event for user "u-redis" \(Redis is not reachable\); nothing was stored, retry shortly$/);
      // Pages still render (reads degrade to no live state).
      await request(redisApp).get('/v1/users/u-redis/home').expect(200);
    } finally {
      await client.close();
    }
  });

  describe('finished pages kept per listener (ADR 0013)', () => {
    const MiB = 2 ** 20;
    const withoutTime = (text: string) => text.replace(/"generatedAt":"[^"]+"/, '"generatedAt":""');
    const cachedApp = (kept: HomeServing, seed = 11) => createApp({ context: createTestServiceContext({ name: 'home', ready: true }).context, serving: () => kept, random: seededRandom(seed) });
    /** a spread of listeners: the busiest, others from the log, and two unknown ids (cold start) */
    const someUsers = () => [busiestUser(), ...[1, 7, 19, 33].map((u) => log().userId(u % log().userCount)), 'never-seen-a', 'never-seen-b'];

    it('serves a kept page byte-identical to the page computed live (same bandit draws), with a cache stage in Server-Timing', async () => {
      const live = cachedApp(createHomeServing(servingBundle));
      const kept = createHomeServing(servingBundle, { pageCacheBytes: 64 * MiB });
      const cached = cachedApp(kept);
      const paths = someUsers().flatMap((userId) => [
        `/v1/users/${userId}/home`,
        `/v1/users/${userId}/home?shelves=made-for-you,popular`,
        `/v1/users/${userId}/home?limit=4&shelves=made-for-you,daypart,popular&daypart=night&explicit=false`,
      ]);
      for (const round of [0, 1, 2]) {
        for (const path of paths) {
          const fromLive = await request(live).get(path).expect(200);
          const fromCache = await request(cached).get(path).expect(200);
          expect(withoutTime(fromCache.text)).toBe(withoutTime(fromLive.text));
          expect(fromLive.headers['server-timing']).toMatch(/^candidates;dur=[\d.]+, features;dur=[\d.]+, ranking;dur=[\d.]+, assembly;dur=[\d.]+$/);
          // first round computes (except the second unknown listener, who shares the cold-start page), later rounds find it
          if (round > 0) expect(fromCache.headers['server-timing']).toMatch(/^cache;dur=[\d.]+$/);
        }
      }
      const stats = kept.pages!.stats();
      // one cold-start entry per request shape serves both unknown ids
      expect(stats.entries).toBe(paths.length - 3);
      expect(stats.hits).toBe(2 * paths.length + 3);
    });

    it("recomputes a listener's page after their event, never serving the stale one", async () => {
      const kept = createHomeServing(servingBundle, { pageCacheBytes: 64 * MiB });
      const app = cachedApp(kept);
      const userId = busiestUser();
      const fresh = store().getTrack(store().mostPopular(200)[151]!)!;
      await request(app).get(`/v1/users/${userId}/home`).expect(200);
      const before = await request(app).get(`/v1/users/${userId}/home`).expect(200);
      expect(before.headers['server-timing']).toMatch(/^cache;/);
      expect(shelfTitles(before)).not.toContain(`Because you played ${fresh.title}`);
      await completeNow(app, userId, fresh);
      const after = await request(app).get(`/v1/users/${userId}/home`).expect(200);
      expect(after.headers['server-timing']).toMatch(/^candidates;/);
      expect(shelfTitles(after)).toContain(`Because you played ${fresh.title}`);
      // the recomputed page is kept in its place
      const again = await request(app).get(`/v1/users/${userId}/home`).expect(200);
      expect(again.headers['server-timing']).toMatch(/^cache;/);
      expect(kept.pages!.stats().entries).toBe(1);
    });

    it('starts empty with a new bundle: a swap never serves the old bundle\'s pages', async () => {
      let current = createHomeServing(servingBundle, { pageCacheBytes: 64 * MiB });
      const app = createApp({ context: createTestServiceContext({ name: 'home', ready: true }).context, serving: () => current });
      const userId = busiestUser();
      await request(app).get(`/v1/users/${userId}/home`).expect(200);
      expect((await request(app).get(`/v1/users/${userId}/home`).expect(200)).headers['server-timing']).toMatch(/^cache;/);
      current = createHomeServing({ ...servingBundle, version: 'home-v2' }, { pageCacheBytes: 64 * MiB });
      const swapped = await request(app).get(`/v1/users/${userId}/home`).expect(200);
      expect(swapped.body.bundleVersion).toBe('home-v2');
      expect(swapped.headers['server-timing']).toMatch(/^candidates;/);
    });

    it('holds its byte cap, dropping the least recently served pages', async () => {
      const probe = createHomeServing(servingBundle, { pageCacheBytes: 64 * MiB });
      const users = Array.from({ length: Math.min(12, log().userCount) }, (_, u) => log().userId(u));
      for (const userId of users) await request(cachedApp(probe)).get(`/v1/users/${userId}/home`).expect(200);
      const perPage = probe.pages!.stats().bytes / users.length;
      const maxBytes = Math.round(perPage * 4);
      const kept = createHomeServing(servingBundle, { pageCacheBytes: maxBytes });
      const app = cachedApp(kept);
      for (const userId of users) {
        await request(app).get(`/v1/users/${userId}/home`).expect(200);
        expect(kept.pages!.stats().bytes).toBeLessThanOrEqual(maxBytes);
      }
      const stats = kept.pages!.stats();
      expect(stats.entries).toBeLessThan(users.length);
      expect(stats.evictions).toBe(users.length - stats.entries);
      // the last listener's page is kept, the first one's went first
      expect((await request(app).get(`/v1/users/${users.at(-1)}/home`).expect(200)).headers['server-timing']).toMatch(/^cache;/);
      expect((await request(app).get(`/v1/users/${users[0]}/home`).expect(200)).headers['server-timing']).toMatch(/^candidates;/);
    });

    it('warms the known listeners\' default pages in the background, stopping at the cap', async () => {
      const kept = createHomeServing(servingBundle, { pageCacheBytes: 64 * MiB });
      const lines: string[] = [];
      const warmer = startPageWarmer({ engine: kept.engine, store: kept.pages!, bundleVersion: kept.bundleVersion, limit: 10, maxListeners: 25, state: () => 'current', logger: { info: (_object, message) => lines.push(message) }, progressMs: 0 });
      const result = await warmer.done;
      expect(result).toMatchObject({ reason: 'done', listeners: Math.min(25, log().userCount) });
      expect(result.pages).toBe(result.listeners);
      expect(lines).toContain('home page warmer progress');
      // the busiest listener is among the first warmed: their first request is served from the store
      const app = cachedApp(kept);
      expect((await request(app).get(`/v1/users/${busiestUser()}/home`).expect(200)).headers['server-timing']).toMatch(/^cache;/);

      const small = createHomeServing(servingBundle, { pageCacheBytes: Math.round((kept.pages!.stats().bytes / result.pages) * 3.5) });
      const capped = await startPageWarmer({ engine: small.engine, store: small.pages!, bundleVersion: small.bundleVersion, limit: 10, maxListeners: 25, state: () => 'current' }).done;
      expect(capped.reason).toBe('memory cap');
      expect(small.pages!.stats()).toMatchObject({ entries: 3, evictions: 0 });
      // at the next daypart the full store makes room by dropping the past daypart's pages
      const morning = Date.parse('2026-12-06T08:00:00Z');
      const evening = Date.parse('2026-12-06T19:00:00Z');
      const dayparts = createHomeServing(servingBundle, { pageCacheBytes: small.pages!.stats().maxBytes });
      const warmAt = (now: number) => startPageWarmer({ engine: dayparts.engine, store: dayparts.pages!, bundleVersion: dayparts.bundleVersion, limit: 10, maxListeners: 25, state: () => 'current', now: () => now }).done;
      expect((await warmAt(morning)).reason).toBe('memory cap');
      const later = await warmAt(evening);
      expect(later).toMatchObject({ reason: 'memory cap', pages: 3 });
      expect(dayparts.pages!.stats()).toMatchObject({ entries: 3, evictions: 3 });
      const fromWarm = await request(createApp({ context: createTestServiceContext({ name: 'home', ready: true }).context, serving: () => dayparts, now: () => evening })).get(`/v1/users/${busiestUser()}/home`).expect(200);
      expect(fromWarm.body.daypart).toBe('evening');
      expect(fromWarm.headers['server-timing']).toMatch(/^cache;/);
      // a replaced bundle's warmer stops at once
      const replaced = await startPageWarmer({ engine: small.engine, store: small.pages!, bundleVersion: small.bundleVersion, limit: 10, maxListeners: 25, state: () => 'replaced' }).done;
      expect(replaced).toMatchObject({ reason: 'replaced', pages: 0 });
    });

    it('finds or computes and keeps a page in one place (pageFor: the route and the warmer)', async () => {
      const kept = createHomeServing(servingBundle, { pageCacheBytes: 64 * MiB });
      const request = { userId: busiestUser(), limit: 10, daypart: 'evening' as const };
      const first = await pageFor(kept.pages, kept.engine, request);
      expect(first).toMatchObject({ result: 'miss', kept: true, full: false });
      expect(Object.keys(first.costs)).toEqual(['candidates', 'features', 'ranking', 'assembly']);
      const again = await pageFor(kept.pages, kept.engine, request);
      expect(again).toMatchObject({ result: 'hit', kept: true });
      expect(again.page).toBe(first.page);
      expect(Object.keys(again.costs)).toEqual(['cache']);
      // the warmer looks without counting a hit
      expect((await pageFor(kept.pages, kept.engine, request, { warming: true })).result).toBe('hit');
      expect(kept.pages!.stats()).toMatchObject({ entries: 1, hits: 1, misses: 1 });
      // a full store of the current daypart: the warmer's page is computed, not kept, and says so
      const full = createHomeServing(servingBundle, { pageCacheBytes: first.page.bytes + 64 });
      await pageFor(full.pages, full.engine, request);
      expect(await pageFor(full.pages, full.engine, { ...request, userId: log().userId(0) === request.userId ? log().userId(1) : log().userId(0) }, { warming: true })).toMatchObject({ result: 'miss', kept: false, full: true });
      // no store: computed every time
      expect((await pageFor(undefined, kept.engine, request)).result).toBe('off');
      // a clock or a seeded stream is not in the key, so such a request is refused rather than shared with another one's page
      await expect(pageFor(undefined, kept.engine, { ...request, now: Date.parse('2026-01-01T08:00:00Z') } as never)).rejects.toThrow('pageFor: a request with `now` cannot be kept or shared (the page key holds neither)');
      await expect(pageFor(kept.pages, kept.engine, { ...request, random: seededRandom(1) } as never)).rejects.toThrow('pageFor: a request with `random` cannot be kept or shared');
      // the warmer never overwrites a page a request stored from newer events while it computed
      const raced = createHomeServing(servingBundle, { pageCacheBytes: 64 * MiB });
      const events: UserEvent[] = [];
      let nested = false;
      const racing = {
        ...raced.engine,
        liveEvents: async () => [...events],
        pageContent: async (pageRequest: Parameters<typeof kept.engine.pageContent>[0], live?: readonly UserEvent[]) => {
          const content = await raced.engine.pageContent(pageRequest, live);
          if (!nested) {
            // during the warmer's compute: the listener plays a track and a request keeps the newer page
            nested = true;
            events.push({ track: 0, timestamp: Date.parse('2026-12-06T18:00:00Z'), type: 0, msPlayed: 200_000 });
            expect(await pageFor(raced.pages, racing, request)).toMatchObject({ result: 'miss', kept: true });
          }
          return content;
        },
      };
      expect(await pageFor(raced.pages, racing, request, { warming: true })).toMatchObject({ result: 'miss', kept: false, full: false });
      expect(raced.pages!.peek(raced.pages!.keyOf(racing, request, events), liveFingerprint(events))).toBeDefined();
    });

    it('computes a page once for concurrent misses of the same key and live events (single flight), with or without a store', async () => {
      for (const cacheBytes of [64 * MiB, 0]) {
        const served = createHomeServing(servingBundle, { pageCacheBytes: cacheBytes });
        let computes = 0;
        let fail = false;
        const events: UserEvent[] = [];
        const counting = {
          ...served.engine,
          liveEvents: async () => [...events],
          pageContent: async (pageRequest: Parameters<typeof served.engine.pageContent>[0], live?: readonly UserEvent[]) => {
            computes++;
            // the compute yields (as the next-track model's call does), so the other requests arrive meanwhile
            await new Promise((resolve) => setTimeout(resolve, 20));
            if (fail) throw new Error('compute failed');
            return served.engine.pageContent(pageRequest, live);
          },
        };
        const request = { userId: busiestUser(), limit: 10, daypart: 'evening' as const };
        const together = await Promise.all([pageFor(served.pages, counting, request), pageFor(served.pages, counting, request), pageFor(served.pages, counting, request)]);
        expect(computes).toBe(1);
        expect(together.map((result) => result.result)).toEqual([cacheBytes ? 'miss' : 'off', 'shared', 'shared']);
        expect(together[1]!.page).toBe(together[0]!.page);
        expect(Object.keys(together[2]!.costs)).toEqual(['shared']);
        // another request shape, and the same shape after an event, are other flights
        computes = 0;
        const first = pageFor(served.pages, counting, { ...request, limit: 5 });
        events.push({ track: 0, timestamp: Date.parse('2026-12-06T18:00:00Z'), type: 0, msPlayed: 200_000 });
        const afterEvent = await Promise.all([first, pageFor(served.pages, counting, { ...request, limit: 5 })]);
        expect(computes).toBe(2);
        expect(afterEvent.map((result) => result.result)).toEqual(cacheBytes ? ['miss', 'miss'] : ['off', 'off']);
        // a failed compute fails every waiter, and the next request computes again
        fail = true;
        computes = 0;
        const failed = await Promise.allSettled([pageFor(served.pages, counting, { ...request, limit: 3 }), pageFor(served.pages, counting, { ...request, limit: 3 })]);
        expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
        expect(computes).toBe(1);
        fail = false;
        expect((await pageFor(served.pages, counting, { ...request, limit: 3 })).result).toBe(cacheBytes ? 'miss' : 'off');
        expect(computes).toBe(2);
      }
    });

    it('single flight between the warmer and a request: a request sharing the warmer\'s compute keeps the page as a request would, the warmer does not count a request\'s page as warmed', async () => {
      const busiest = { userId: busiestUser(), limit: 10, daypart: 'evening' as const };
      const another = { ...busiest, userId: log().userId(0) === busiest.userId ? log().userId(1) : log().userId(0) };
      // the larger of two pages fills the store; the smaller is the one both compute
      const [big, small] = await Promise.all([busiest, another].map(async (asked) => ({ asked, bytes: (await pageFor(undefined, serving.engine, asked)).page.bytes })));
      const [filler, request] = big!.bytes >= small!.bytes ? [big!.asked, small!.asked] : [small!.asked, big!.asked];
      const slowed = (engine: HomeEngine): HomeEngine => ({
        ...engine,
        // the compute yields (as the next-track model's call does), so the other caller joins its flight
        pageContent: async (pageRequest, live) => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return engine.pageContent(pageRequest, live);
        },
      });
      // a store full of the current daypart's pages: the warmer's own compute is not kept (setIfRoom)…
      const full = createHomeServing(servingBundle, { pageCacheBytes: Math.max(big!.bytes, small!.bytes) + 64 });
      const fullEngine = slowed(full.engine);
      expect(await pageFor(full.pages, fullEngine, filler)).toMatchObject({ kept: true });
      const [warmed, asked] = await Promise.all([pageFor(full.pages, fullEngine, request, { warming: true }), pageFor(full.pages, fullEngine, request)]);
      expect(warmed).toMatchObject({ result: 'miss', kept: false, full: true });
      // …but the request that waited on it keeps it, evicting the least recently served page as its own compute would
      expect(asked).toMatchObject({ result: 'shared', kept: true });
      const live = await fullEngine.liveEvents(request.userId);
      expect(full.pages!.peek(full.pages!.keyOf(fullEngine, request, live), liveFingerprint(live))).toBe(asked.page);
      expect((await pageFor(full.pages, fullEngine, request)).result).toBe('hit');
      // a warmer that joins a request's compute counts it skipped, not warmed
      const roomy = createHomeServing(servingBundle, { pageCacheBytes: 64 * MiB });
      const roomyEngine = slowed(roomy.engine);
      const evening = Date.parse('2026-12-06T19:00:00Z');
      // (the warmer's one listener is the busiest)
      const requested = pageFor(roomy.pages, roomyEngine, busiest);
      const pass = await startPageWarmer({ engine: roomyEngine, store: roomy.pages!, bundleVersion: roomy.bundleVersion, limit: 10, maxListeners: 1, state: () => 'current', now: () => evening }).done;
      expect(await requested).toMatchObject({ result: 'miss', kept: true });
      expect(pass).toMatchObject({ reason: 'done', pages: 0, skipped: 1 });
    });

    it('keeps warming the other listeners when one listener\'s page fails, and retries a failed pass at the next daypart', async () => {
      const kept = createHomeServing(servingBundle, { pageCacheBytes: 64 * MiB });
      const broken = busiestUser();
      // the same engine, except one listener's page throws (a bad history, a Redis blip)
      const engine = { ...kept.engine, pageContent: (request: Parameters<typeof kept.engine.pageContent>[0], live?: readonly UserEvent[]) => (request.userId === broken ? Promise.reject(new Error('boom')) : kept.engine.pageContent(request, live)) };
      const warnings: string[] = [];
      const warmer = startPageWarmer({ engine, store: kept.pages!, bundleVersion: kept.bundleVersion, limit: 10, maxListeners: 25, state: () => 'current', logger: { info: () => {}, warn: (_object, message) => warnings.push(message) } });
      const result = await warmer.done;
      const listeners = Math.min(25, log().userCount);
      expect(result).toMatchObject({ reason: 'done', failed: 1, pages: listeners - 1, listeners });
      expect(warnings).toHaveLength(1);
      expect(warmer.progress()).toMatchObject({ done: listeners - 1, failed: 1, pending: 0 });
      // served by the same engine (the store keys pages by engine)
      const app = cachedApp({ ...kept, engine, engineFor: () => engine });
      // the next busiest listener was warmed after the failure
      const size = (u: number) => log().rowsOfUser(u).end - log().rowsOfUser(u).start;
      const next = Array.from({ length: log().userCount }, (_, u) => u).filter((u) => log().userId(u) !== broken).reduce((best, u) => (size(u) > size(best) ? u : best));
      expect((await request(app).get(`/v1/users/${log().userId(next)}/home`).expect(200)).headers['server-timing']).toMatch(/^cache;/);

      // every page failing (the event store down): the pass ends in 'error', still owes its listeners, and the next daypart retries
      const retried = createHomeServing(servingBundle, { pageCacheBytes: 64 * MiB });
      let down = true;
      const flaky = { ...retried.engine, liveEvents: (userId: string) => (down ? Promise.reject(new Error('redis down')) : retried.engine.liveEvents(userId)) };
      // 1.5 s before a change of daypart: the retry comes ~2.5 s later
      let now = Date.parse('2026-12-06T11:59:58.500Z');
      const daily = startDaypartWarming({ engine: flaky, store: retried.pages!, bundleVersion: retried.bundleVersion, limit: 10, maxListeners: 5, state: () => 'current', now: () => now, maxConsecutiveFailures: 3 });
      await vi.waitFor(() => expect(daily.progress()).toMatchObject({ running: false, failed: 3, done: 0 }), { timeout: 10_000 });
      expect(daily.progress().pending).toBe(Math.min(5, log().userCount));
      expect(retried.pages!.stats().entries).toBe(0);
      down = false;
      now = Date.parse('2026-12-06T12:00:01Z');
      await vi.waitFor(() => expect(retried.pages!.stats().entries).toBe(Math.min(5, log().userCount)), { timeout: 15_000, interval: 100 });
      daily.stop();
      expect((await daily.done).reason).toMatch(/done|stopped/);
    }, 60_000);
  });
});
