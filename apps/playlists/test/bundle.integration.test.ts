// The playlists service on a real published bundle (file:// store): trained by @mixtape/embeddings'
// test helper, loaded by its runtime, mapped with playlistContextFromBundle.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openBundleStore, playlistRewardPart } from '@mixtape/bundle';
import { createBundleRuntime } from '@mixtape/bundle';
import { publishTestBundle } from '@mixtape/bundle/testing';
import { createTestServiceContext } from '@mixtape/service-kit/testing';
import request from 'supertest';
import { fulfilPlan } from '@mixtape/ranking';
import { describe, expect, it } from 'vitest';
import { createApp, createPlannerFactory, createPlaylistServingState, openFilePlaylistStore, PLAYLIST_BUNDLE_PARTS, playlistContextFromBundle } from '../src/index';

describe('playlists on a published bundle', () => {
  it('serves playlists from the bundle catalog, with user vectors for known listeners', async () => {
    const work = mkdtempSync(join(tmpdir(), 'playlists-bundle-'));
    const uri = pathToFileURL(join(work, 'bundles')).href;
    await publishTestBundle(openBundleStore(uri), { version: 'v1' });
    const { context } = createTestServiceContext({ name: 'playlists' });
    const runtime = createBundleRuntime({
      uri,
      cacheDir: join(work, 'cache'),
      parts: PLAYLIST_BUNDLE_PARTS,
      pollIntervalMs: 0,
      build: (bundle) => createPlaylistServingState(playlistContextFromBundle(bundle), createPlannerFactory(undefined)),
      logger: context.logger,
    });
    const store = await openFilePlaylistStore({ directory: join(work, 'data') });
    const app = createApp({ context, serving: () => runtime.current()?.state, store });
    try {
      await request(app).post('/v1/playlists').send({ prompt: 'chill rock' }).expect(503);
      await runtime.startupHook.run(new AbortController().signal);
      context.readiness.markReady();
      const loaded = runtime.current()!;
      const playlistContext = loaded.state.engine.context;
      expect(playlistContext.itemIndex).toBeDefined();
      const userId = loaded.bundle.parts.dataset.interactions.userId(0);
      expect(playlistContext.userVector!(userId)).toHaveLength(loaded.bundle.parts.itemVectors.dim);
      expect(playlistContext.userVector!('nobody')).toBeUndefined();

      const response = await request(app).post('/v1/playlists').send({ prompt: 'upbeat rock for a run', userId, length: 10 }).expect(201);
      expect(response.body).toMatchObject({ planner: 'offline', bundleVersion: 'v1', userId });
      expect(response.body.tracks).toHaveLength(10);
      for (const track of response.body.tracks as { trackId: string }[]) expect(loaded.bundle.parts.dataset.store.hasTrack(track.trackId)).toBe(true);
    } finally {
      await runtime.shutdownHook.run();
      await store.close();
    }
  }, 60_000);

  it('learns from its own feedback: the build trains playlistReward from the store, and the next bundle re-ranks with it', async () => {
    const work = mkdtempSync(join(tmpdir(), 'playlists-reward-'));
    const uri = pathToFileURL(join(work, 'bundles')).href;
    const dataDir = join(work, 'data');
    await publishTestBundle(openBundleStore(uri), { version: 'v1' });
    const { context } = createTestServiceContext({ name: 'playlists' });
    const runtimeFor = () =>
      createBundleRuntime({
        uri,
        cacheDir: join(work, 'cache'),
        parts: PLAYLIST_BUNDLE_PARTS,
        pollIntervalMs: 0,
        build: (bundle) => createPlaylistServingState(playlistContextFromBundle(bundle), createPlannerFactory(undefined), { ...(bundle.parts.playlistReward ? { reward: bundle.parts.playlistReward } : {}) }),
        logger: context.logger,
      });
    const first = runtimeFor();
    const store = await openFilePlaylistStore({ directory: dataDir });
    let runtime = first;
    const app = createApp({ context, serving: () => runtime.current()?.state, store });
    const userId = 'listener-acoustic';
    try {
      await first.startupHook.run(new AbortController().signal);
      context.readiness.markReady();
      const catalog = first.current()!.bundle.parts.dataset.store;
      expect(first.current()!.bundle.parts.playlistReward).toBeUndefined();
      expect(first.current()!.state.reward).toBeUndefined();
      const acoustic = catalog.featureColumn('acousticness');
      // The listener likes acoustic tracks and removes the others, whatever they typed.
      for (const prompt of ['upbeat rock', 'chill pop', 'songs for a party', 'sad songs', 'music for focus', 'road trip songs']) {
        const created = await request(app).post('/v1/playlists').send({ prompt, userId, length: 12 }).expect(201);
        for (const track of created.body.tracks as { trackId: string }[]) {
          const signal = acoustic[catalog.trackIndex(track.trackId)]! > 0.4 ? 'like' : 'remove';
          await request(app).post(`/v1/playlists/${created.body.id}/feedback`).send({ signal, trackId: track.trackId }).expect(201);
        }
      }
      const heldOut = 'relaxing evening music';
      const before = await request(app).post('/v1/playlists').send({ prompt: heldOut, userId, length: 12 }).expect(201);

      // The next build trains the reward model from the store the service wrote.
      await publishTestBundle(openBundleStore(uri), { version: 'v2', parts: [playlistRewardPart], options: { playlistReward: { feedback: dataDir } } });
      await first.shutdownHook.run();
      runtime = runtimeFor();
      await runtime.startupHook.run(new AbortController().signal);
      const loaded = runtime.current()!;
      expect(loaded.bundle.version).toBe('v2');
      const model = loaded.bundle.parts.playlistReward!;
      expect(model.training.pairs).toBeGreaterThan(0);
      expect(model.listeners[userId]).toBeDefined();
      expect(loaded.state.reward).toBeDefined();

      const after = await request(app).post('/v1/playlists').send({ prompt: heldOut, userId, length: 12 }).expect(201);
      const meanAcoustic = (tracks: { trackId: string }[]) => tracks.reduce((sum, track) => sum + acoustic[catalog.trackIndex(track.trackId)]!, 0) / tracks.length;
      expect(meanAcoustic(after.body.tracks)).toBeGreaterThan(meanAcoustic(before.body.tracks));
      // what the service served is fulfilment with the bundle's model, for this listener
      const expected = fulfilPlan(loaded.state.engine, after.body.plan, { userId, reward: loaded.state.reward! });
      expect(after.body.tracks.map((track: { trackId: string }) => track.trackId)).toEqual(expected.tracks.map((track) => track.trackId));
      // another listener, with no feedback of their own, gets only the shared part of the model
      expect(fulfilPlan(loaded.state.engine, after.body.plan, { userId: 'someone-else', reward: loaded.state.reward! }).tracks.length).toBe(12);
    } finally {
      await runtime.shutdownHook.run();
      await store.close();
    }
  }, 120_000);
});
