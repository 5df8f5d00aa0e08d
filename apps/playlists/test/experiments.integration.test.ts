// Experiments on Playlists over HTTP: a real definitions file, a real catalog and fulfilment engine
// (the synthetic catalog), fulfilment settings per variant, served playlists logged as exposures.
import { join } from 'node:path';
import { readExperimentLog } from '@mixtape/experiments';
import type { ExposureRecord } from '@mixtape/experiments';
import type { Plan } from '@mixtape/llm';
import { fulfilPlan } from '@mixtape/ranking';
import { createTestServiceContext } from '@mixtape/service-kit/testing';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaylistServingState, PlaylistStore } from '../src/index';
import { buildSyntheticPlaylistContext, createApp, createPlannerFactory, createPlaylistServingState, openFilePlaylistStore, playlistsExperimentParamsSchema } from '../src/index';
import { useFileExperimentRuntime } from '@mixtape/experiments/testing';

const DEFINITIONS = `version: 1
experiments:
  - key: playlist-fulfilment
    description: popularity dominating the score, artists spaced by one track
    surface: playlists
    start: 2026-01-01T00:00:00Z
    variants:
      - { key: control, weight: 1 }
      - { key: popular, weight: 1, params: { weights: { popularity: 20 }, artistSpacing: 1 } }
`;
const PROMPT = 'upbeat dance songs for a run, 20 songs';

interface PlaylistBody {
  id: string;
  plan: Plan;
  tracks: { trackId: string }[];
  experiments: { key: string; variant: string }[];
}

describe('playlists service with experiments (definitions file, JSON Lines log)', () => {
  const experiments = useFileExperimentRuntime('playlists-experiments', { surface: 'playlists', paramsSchema: playlistsExperimentParamsSchema, definitions: DEFINITIONS });
  let app: Express;
  let state: PlaylistServingState;
  let store: PlaylistStore;

  beforeAll(async () => {
    state = createPlaylistServingState(buildSyntheticPlaylistContext({ tracks: 3000 }), createPlannerFactory(undefined));
    store = await openFilePlaylistStore({ directory: join(experiments.dir, 'store') });
    const { context } = createTestServiceContext({ name: 'playlists', ready: true });
    app = createApp({ context, serving: () => state, store, experiments: experiments.runtime });
  }, 60_000);

  afterAll(async () => {
    await store?.close();
  });

  it('fulfils each listener\'s playlist with their variant\'s settings and says which in the response', async () => {
    const variants = new Map<string, string>();
    for (let u = 0; u < 16; u++) {
      const userId = `listener-${u}`;
      const created = (await request(app).post('/v1/playlists').send({ prompt: PROMPT, userId }).expect(201)).body as PlaylistBody;
      expect(created.experiments).toHaveLength(1);
      const { variant } = created.experiments[0]!;
      variants.set(userId, variant);
      // config only: exactly what fulfilment gives with the variant's weights and spacing
      const settings = variant === 'popular' ? { weights: { popularity: 20 }, artistSpacing: 1 } : {};
      expect(created.tracks.map((track) => track.trackId)).toEqual(fulfilPlan(state.engine, created.plan, { userId, ...settings }).tracks.map((track) => track.trackId));
      // a refinement is fulfilled for the same listener, in the same variant
      const refined = (await request(app).post(`/v1/playlists/${created.id}/refine`).send({ prompt: 'more 90s' }).expect(201)).body as PlaylistBody;
      expect(refined.experiments).toEqual(created.experiments);
    }
    expect(new Set(variants.values())).toEqual(new Set(['control', 'popular']));
    const anonymous = (await request(app).post('/v1/playlists').send({ prompt: PROMPT }).expect(201)).body as PlaylistBody;
    expect(anonymous.experiments).toEqual([]);
    await request(app).post('/v1/playlists').set('x-mixtape-attributes', 'tier==gold?').send({ prompt: PROMPT, userId: 'listener-1' }).expect(201);
    const bad = await request(app).post('/v1/playlists').set('x-mixtape-attributes', '1tier=gold').send({ prompt: PROMPT, userId: 'listener-1' }).expect(400);
    expect(bad.body.error.code).toBe('INVALID_INPUT');
  });

  it('logs every playlist served to a listener in an experiment, tracks with positions', async () => {
    await experiments.runtime.stop();
    const exposures = (await readExperimentLog([join(experiments.dir, 'log')])).filter((r): r is ExposureRecord => r.kind === 'exposure');
    // 16 creates + 16 refinements + the create with attributes; the anonymous one is not logged
    expect(exposures).toHaveLength(33);
    expect(exposures.every((exposure) => exposure.surface === 'playlists' && exposure.experiments[0]?.key === 'playlist-fulfilment')).toBe(true);
    expect(exposures[0]!.items.map((item) => item.position)).toEqual(Array.from({ length: exposures[0]!.items.length }, (_, i) => i));
  });

  it('describes what it serves on GET /v1/experiments', async () => {
    const response = await request(app).get('/v1/experiments').expect(200);
    expect(response.body).toMatchObject({ surface: 'playlists', experiments: [{ key: 'playlist-fulfilment' }] });
  });
});
