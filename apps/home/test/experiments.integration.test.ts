// Experiments on Home over HTTP: a real definitions file, a real bundle (trained ranker included),
// variants in responses, exposures and events in the JSON Lines log, the readout from that log,
// and the shelf bandit counting impressions.
import { join } from 'node:path';
import { homeRankerPart, loadParts, openBundleStore } from '@mixtape/bundle';
import { publishTestBundle } from '@mixtape/bundle/testing';
import { analyzeExperiment, readExperimentLog } from '@mixtape/experiments';
import type { EventRecord, ExposureRecord } from '@mixtape/experiments';
import { createMemoryShelfStateStore } from '@mixtape/ranking';
import { createTestServiceContext } from '@mixtape/service-kit/testing';
import type { Express } from 'express';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import type { HomeServing } from '../src/app';
import { homeExperimentParamsSchema, variantServing } from '../src/experiments';
import { startPageWarmer } from '../src/page-warmer';
import { HOME_BUNDLE_PARTS, createHomeServing } from '../src/serving';
import { useFileExperimentRuntime } from '@mixtape/experiments/testing';

const DEFINITIONS = `version: 1
layers: [{ key: home-ranking }, { key: home-shelves }]
experiments:
  - key: home-ranker
    description: trained ranker vs the hand-set heuristic
    surface: home
    layer: home-ranking
    start: 2026-01-01T00:00:00Z
    variants:
      - { key: control, weight: 50 }
      - { key: heuristic, weight: 50, params: { ranker: heuristic, candidates: { annK: 30 } } }
    analysis: { primary: plays, windowDays: 1 }
  - key: home-shelf-policy
    surface: home
    layer: home-shelves
    start: 2026-01-01T00:00:00Z
    targeting: [{ attribute: country, in: [SE, NO] }]
    variants:
      - { key: control, weight: 1 }
      - { key: mixes-only, weight: 1, params: { shelves: [made-for-you, jump-back-in], minShelfItems: 2 } }
  - key: search-fusion
    surface: search
    start: 2026-01-01T00:00:00Z
    variants: [{ key: a, weight: 1 }, { key: b, weight: 1, params: { fusion: { rrfK: 10 } } }]
`;

interface Shelf {
  id: string;
  type: string;
  items: Array<{ trackId: string }>;
}

describe('home service with experiments (definitions file, JSON Lines log)', () => {
  const experiments = useFileExperimentRuntime('home-experiments', { surface: 'home', paramsSchema: homeExperimentParamsSchema, definitions: DEFINITIONS });
  let serving: HomeServing;
  let bundle: Awaited<ReturnType<typeof loadParts>>;
  let app: Express;
  const shelfState = createMemoryShelfStateStore();

  beforeAll(async () => {
    const bundles = openBundleStore(join(experiments.dir, 'bundles'));
    await publishTestBundle(bundles, { version: 'home-exp-v1', parts: [homeRankerPart] });
    // with the page store on (as served): listeners come back in every test, so most pages here are
    // kept ones — a variant's shelves, its engine and the exposure log must hold for them too
    bundle = await loadParts(bundles, HOME_BUNDLE_PARTS, { cacheDir: join(experiments.dir, 'cache') });
    serving = createHomeServing(bundle, { shelfState, pageCacheBytes: 64 * 2 ** 20 });
    const { context } = createTestServiceContext({ name: 'home', ready: true });
    app = createApp({ context, serving: () => serving, experiments: experiments.runtime });
  }, 180_000);

  const users = () => Array.from({ length: 40 }, (_, u) => serving.engine.index.interactions!.userId(u));

  it('assigns every listener a stable variant, says so in the response, and serves the variant through its params', async () => {
    const seen = new Map<string, string>();
    for (const userId of users()) {
      const first = await request(app).get(`/v1/users/${userId}/home`).expect(200);
      const again = await request(app).get(`/v1/users/${userId}/home`).expect(200);
      // home-shelf-policy targets country SE/NO: without the attribute nobody is in it; search-fusion is another surface
      expect(first.body.experiments.map((e: { key: string }) => e.key)).toEqual(['home-ranker']);
      expect(again.body.experiments).toEqual(first.body.experiments);
      seen.set(userId, first.body.experiments[0].variant);
    }
    expect(new Set(seen.values())).toEqual(new Set(['control', 'heuristic']));
    // config only: the heuristic variant is an engine with the hand-set ranker over the same index
    expect(serving.engine.model.kind).not.toBe('heuristic');
    const variantEngine = serving.engineFor!({ ranker: 'heuristic', candidates: { annK: 30 } });
    expect(variantEngine.model.kind).toBe('heuristic');
    expect(variantEngine.index).toBe(serving.engine.index);
    expect(serving.engineFor!({ ranker: 'heuristic', candidates: { annK: 30 } })).toBe(variantEngine);
    expect(serving.engineFor!({})).toBe(serving.engine);
  });

  it('targets by the attributes header and applies the shelf policy; a malformed header is 400', async () => {
    let inPolicy = 0;
    for (const userId of users()) {
      const response = await request(app).get(`/v1/users/${userId}/home`).set('x-mixtape-attributes', 'country=SE, premium=true').expect(200);
      const policy = (response.body.experiments as { key: string; variant: string }[]).find((e) => e.key === 'home-shelf-policy');
      expect(policy).toBeDefined();
      if (policy!.variant === 'mixes-only') {
        inPolicy++;
        for (const shelf of response.body.shelves as Shelf[]) expect(['made-for-you', 'jump-back-in']).toContain(shelf.type);
      }
    }
    expect(inPolicy).toBeGreaterThan(5);
    expect(inPolicy).toBeLessThan(35);
    const bad = await request(app).get(`/v1/users/${users()[0]}/home`).set('x-mixtape-attributes', 'country').expect(400);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_INPUT', details: { issues: [{ path: 'header.x-mixtape-attributes' }] } });
  });

  it('counts every page in the shelf bandit as impressions of its shelf types', async () => {
    const userId = users()[3]!;
    const before = await shelfState.get(userId);
    const page = await request(app).get(`/v1/users/${userId}/home`).expect(200);
    const after = await shelfState.get(userId);
    const types = new Set((page.body.shelves as Shelf[]).map((shelf) => shelf.type));
    expect(types.size).toBeGreaterThan(0);
    for (const type of types) expect((after[type as keyof typeof after]?.impressions ?? 0) - (before[type as keyof typeof before]?.impressions ?? 0)).toBe(1);
  });

  it('logs exposures with positions and events with assignments, and the log reads out', async () => {
    // each listener plays the first item of their first shelf, skips the second
    const pages: Array<{ userId: string; shelves: Shelf[]; timing: string }> = [];
    for (const userId of users()) {
      const response = await request(app).get(`/v1/users/${userId}/home`).expect(200);
      pages.push({ userId, shelves: response.body.shelves as Shelf[], timing: response.headers['server-timing'] as string });
    }
    const events = pages
      .filter((page) => page.shelves[0] && page.shelves[0].items.length > 1)
      .flatMap(({ userId, shelves }) => [
        { userId, trackId: shelves[0]!.items[0]!.trackId, type: 'play', msPlayed: 120_000, shelf: shelves[0]!.id },
        { userId, trackId: shelves[0]!.items[1]!.trackId, type: 'skip', msPlayed: 5_000, shelf: shelves[0]!.id },
      ]);
    await request(app).post('/v1/events').send({ events }).expect(202);
    await request(app)
      .post('/v1/events')
      .send({ events: [{ userId: users()[0], trackId: pages[0]!.shelves[0]!.items[0]!.trackId, type: 'play', msPlayed: 60_000, surface: 'search' }] })
      .expect(202);
    await request(app).post('/v1/events').send({ events: [{ userId: users()[0], trackId: pages[0]!.shelves[0]!.items[0]!.trackId, type: 'play', surface: 'Search!' }] }).expect(400);
    await experiments.runtime.stop();

    const records = await readExperimentLog([join(experiments.dir, 'log')]);
    const exposures = records.filter((r): r is ExposureRecord => r.kind === 'exposure');
    const logged = records.filter((r): r is EventRecord => r.kind === 'event');
    expect(exposures.length).toBeGreaterThanOrEqual(users().length * 4);
    const exposure = exposures.at(-1)!;
    expect(exposure).toMatchObject({ surface: 'home', userId: users().at(-1), experiments: [{ key: 'home-ranker' }] });
    // that page was a kept one (served before in this file), and its exposure lists exactly what it showed, in its order
    const last = pages.at(-1)!;
    expect(last.timing).toMatch(/^cache;dur=/);
    expect(exposure.items).toEqual(last.shelves.flatMap((shelf, shelfPosition) => shelf.items.map((item, position) => ({ id: item.trackId, position, shelf: shelf.id, shelfPosition }))));
    expect(exposure.items[0]).toMatchObject({ position: 0, shelfPosition: 0 });
    expect(exposure.items.every((item) => item.shelf !== undefined)).toBe(true);
    expect(logged).toHaveLength(events.length + 1);
    const play = logged.find((event) => event.userId === users()[0] && event.type === 'play' && event.surface === 'home')!;
    expect(play.experiments).toEqual([{ key: 'home-ranker', variant: (exposures.find((e) => e.userId === users()[0])!.experiments[0]!.variant) }]);
    expect(logged.filter((event) => event.surface === 'search')).toHaveLength(1);

    // the readout of the same log (what `mixtape experiment analyze` prints): every listener enrolled once
    const readout = analyzeExperiment({ exposures, events: logged }, { experiment: 'home-ranker', plan: { primary: 'plays', windowDays: 1 }, end: Date.now() + 2 * 86_400_000, preDays: 0 });
    expect(readout.status).not.toBe('blocked-srm');
    expect(readout.crossovers).toBe(0);
    expect(readout.variants.reduce((sum, variant) => sum + variant.users, 0)).toBe(users().length);
    expect(readout.metrics.find((metric) => metric.metric === 'plays')).toBeDefined();
  });

  it('describes what it serves on GET /v1/experiments (the console reads it)', async () => {
    const response = await request(app).get('/v1/experiments').expect(200);
    expect(response.body).toMatchObject({ surface: 'home', source: `file:${join(experiments.dir, 'experiments.yaml')}` });
    expect(response.body.experiments.map((e: { key: string }) => e.key)).toEqual(['home-ranker', 'home-shelf-policy']);
  });

  // last: its requests add exposures to the log the readout test reads
  it('warms each listener the page their variant serves, so both arms get kept pages', async () => {
    const warm = createHomeServing(bundle, { shelfState, pageCacheBytes: 64 * 2 ** 20 });
    const log = warm.engine.index.interactions!;
    const result = await startPageWarmer({
      engine: warm.engine,
      store: warm.pages!,
      bundleVersion: warm.bundleVersion,
      limit: 10,
      maxListeners: 60,
      state: () => 'current',
      variantOf: (userId) => variantServing(warm, experiments.runtime.forRequest(userId, '').params),
    }).done;
    expect(result).toMatchObject({ reason: 'done', failed: 0, pages: Math.min(60, log.userCount) });
    const size = (u: number) => log.rowsOfUser(u).end - log.rowsOfUser(u).start;
    const warmed = Array.from({ length: log.userCount }, (_, u) => u).sort((a, b) => size(b) - size(a) || a - b).slice(0, 20);
    const warmApp = createApp({ context: createTestServiceContext({ name: 'home', ready: true }).context, serving: () => warm, experiments: experiments.runtime });
    const arms = new Set<string>();
    for (const u of warmed) {
      const response = await request(warmApp).get(`/v1/users/${log.userId(u)}/home`).expect(200);
      arms.add(response.body.experiments[0].variant);
      // the heuristic arm (its own engine) is served from the store like control
      expect(response.headers['server-timing'], response.body.experiments[0].variant).toMatch(/^cache;/);
    }
    expect(arms).toEqual(new Set(['control', 'heuristic']));
  }, 120_000);
});
