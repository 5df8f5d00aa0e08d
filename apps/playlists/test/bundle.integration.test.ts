// The playlists service on a real published bundle (file:// store): trained by @mixtape/embeddings'
// test helper, loaded by its runtime, mapped with playlistContextFromBundle.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openBundleStore } from '@mixtape/bundle';
import { createBundleRuntime } from '@mixtape/bundle';
import { publishTestBundle } from '@mixtape/bundle/testing';
import { createTestServiceContext } from '@mixtape/service-kit/testing';
import request from 'supertest';
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
});
