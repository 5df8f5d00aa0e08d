import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkServiceBasics, createTestServiceContext } from '@mixtape/service-kit/testing';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from './app';
import type { PlaylistStore } from './store';
import { openFilePlaylistStore } from './store';

const stores: PlaylistStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

async function setup() {
  const { context, logs } = createTestServiceContext({ name: 'playlists' });
  const store = await openFilePlaylistStore({ directory: mkdtempSync(join(tmpdir(), 'playlists-app-')) });
  stores.push(store);
  return { app: createApp({ context, serving: () => undefined, store }), context, logs };
}

describe('playlists createApp', () => {
  it('keeps the service basics: /livez, /readyz 503 then 200, /v1/info, /metrics, 404 shape', async () => {
    const { app, context } = await setup();
    await checkServiceBasics(app, context);
  });

  it('answers /v1/playlists with 503 NOT_READY until a catalog is loaded', async () => {
    const { app } = await setup();
    const response = await request(app).post('/v1/playlists').send({ prompt: 'chill 90s rock' }).expect(503);
    expect(response.body.error.code).toBe('NOT_READY');
  });
});
