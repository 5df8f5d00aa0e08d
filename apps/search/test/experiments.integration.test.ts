// Experiments on Search over HTTP: a real definitions file, a real search engine (the fixture
// catalog), fusion weights per variant, result pages logged as exposures in JSON Lines.
import { join } from 'node:path';
import { readExperimentLog } from '@mixtape/experiments';
import type { ExposureRecord } from '@mixtape/experiments';
import { createSearchFixtureEngine } from '@mixtape/search-index/testing';
import { createTestServiceContext } from '@mixtape/service-kit/testing';
import type { Express } from 'express';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { searchExperimentParamsSchema } from '../src/experiments';
import { useFileExperimentRuntime } from '@mixtape/experiments/testing';

const DEFINITIONS = `version: 1
experiments:
  - key: search-fusion
    description: a sharper rank discount (RRF k = 1) and a heavier popularity prior
    surface: search
    start: 2026-01-01T00:00:00Z
    variants:
      - { key: control, weight: 1 }
      - { key: sharp, weight: 1, params: { fusion: { rrfK: 1, popularity: 0.6 } } }
  - key: home-only
    surface: home
    start: 2026-01-01T00:00:00Z
    variants: [{ key: a, weight: 1, params: { ranker: heuristic } }, { key: b, weight: 1 }]
`;

interface Hit {
  id: string;
  score: number;
}

describe('search service with experiments (definitions file, JSON Lines log)', () => {
  const experiments = useFileExperimentRuntime('search-experiments', { surface: 'search', paramsSchema: searchExperimentParamsSchema, definitions: DEFINITIONS });
  let app: Express;
  const engine = createSearchFixtureEngine();

  beforeAll(async () => {
    const { context } = createTestServiceContext({ name: 'search', ready: true });
    app = createApp({ context, engine: () => engine, experiments: experiments.runtime });
  });

  it('assigns signed-in users a stable variant whose fusion weights rank the results; anonymous searches get none', async () => {
    const variants = new Map<string, string>();
    for (let u = 0; u < 30; u++) {
      const userId = `user-${u}`;
      const response = await request(app).get('/v1/search').query({ q: 'halo', types: 'track', userId }).expect(200);
      const again = await request(app).get('/v1/search').query({ q: 'halo', types: 'track', userId }).expect(200);
      expect(response.body.experiments).toHaveLength(1);
      expect(again.body.experiments).toEqual(response.body.experiments);
      const { key, variant } = response.body.experiments[0] as { key: string; variant: string };
      expect(key).toBe('search-fusion');
      variants.set(userId, variant);
      // config only: the variant's weights are exactly what the engine applies
      const expected = engine.search('halo', { types: ['track'], limit: 20, ...(variant === 'sharp' ? { fusion: { rrfK: 1, popularity: 0.6 } } : {}) });
      expect((response.body.results as Hit[]).map((hit) => [hit.id, hit.score])).toEqual(expected.results.map((hit) => [hit.id, hit.score]));
    }
    expect(new Set(variants.values())).toEqual(new Set(['control', 'sharp']));
    const anonymous = await request(app).get('/v1/search').query({ q: 'halo' }).expect(200);
    expect(anonymous.body.experiments).toEqual([]);
    const bad = await request(app).get('/v1/search').query({ q: 'halo', userId: 'user-1' }).set('x-mixtape-attributes', '=SE').expect(400);
    expect(bad.body.error.code).toBe('INVALID_INPUT');
  });

  it('logs each result page of a user in an experiment as an exposure with positions (offset included)', async () => {
    await request(app).get('/v1/search').query({ q: 'halo', userId: 'user-page', limit: 2, offset: 1 }).expect(200);
    await experiments.runtime.stop();
    const exposures = (await readExperimentLog([join(experiments.dir, 'log')])).filter((r): r is ExposureRecord => r.kind === 'exposure');
    // 30 users × 2 searches + the paged one; anonymous searches are not logged
    expect(exposures).toHaveLength(61);
    const paged = exposures.find((e) => e.userId === 'user-page')!;
    expect(paged).toMatchObject({ surface: 'search', experiments: [{ key: 'search-fusion' }] });
    expect(paged.items.map((item) => item.position)).toEqual([1, 2]);
  });

  it('describes what it serves on GET /v1/experiments', async () => {
    const response = await request(app).get('/v1/experiments').expect(200);
    expect(response.body).toMatchObject({ surface: 'search', experiments: [{ key: 'search-fusion', surface: ['search'] }] });
  });
});
