import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openBundleStore } from '@mixtape/bundle';
import { publishTestBundle } from '@mixtape/bundle/testing';
import { startServiceProcess } from '@mixtape/service-kit/testing';
import { describe, expect, it } from 'vitest';

const API_KEY = 'playlists-main-key-0123456789';
const appRoot = fileURLToPath(new URL('..', import.meta.url));

/** Boots src/main.ts, waits for ready, runs `check` against its URL, then SIGTERM → exit 0. */
async function bootAndCheck(env: Record<string, string>, check: (url: string) => Promise<void>): Promise<string> {
  const service = await startServiceProcess({
    name: 'playlists',
    entry: 'src/main.ts',
    cwd: appRoot,
    env: { PLAYLISTS_DATA_DIR: mkdtempSync(join(tmpdir(), 'playlists-main-')), MIXTAPE_API_KEYS: API_KEY, ...env },
  });
  try {
    await service.waitForLog('playlists ready', 50_000);
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    await check(service.url);
    expect(await service.stop()).toBe(0);
    expect(service.output()).toContain('"msg":"shutdown complete"');
    return service.output();
  } finally {
    await service.stop();
  }
}

async function createPlaylist(url: string, body: Record<string, unknown>) {
  const response = await fetch(`${url}/v1/playlists`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': API_KEY }, body: JSON.stringify(body) });
  expect(response.status).toBe(201);
  return (await response.json()) as { tracks: unknown[]; planner: string; bundleVersion: string };
}

describe('playlists main.ts', () => {
  it('refuses to start without API keys outside development, naming the key (was open by default)', async () => {
    const service = await startServiceProcess({
      name: 'playlists',
      entry: 'src/main.ts',
      cwd: appRoot,
      env: { NODE_ENV: 'production', PLAYLISTS_DATA_DIR: mkdtempSync(join(tmpdir(), 'playlists-main-')) },
    });
    const code = await service.exited;
    const stderr = service.output();
    expect(code).toBe(1);
    expect(stderr).toContain('Invalid configuration for playlists: 1 problem');
    expect(stderr).toContain('MIXTAPE_API_KEYS: is required outside NODE_ENV=development (NODE_ENV is "production")');
  }, 30_000);

  it('boots from source on the synthetic catalog, turns ready, serves a playlist and exits 0 on SIGTERM', async () => {
    await bootAndCheck({ PLAYLISTS_SYNTHETIC_TRACKS: '2000' }, async (url) => {
      expect(await (await fetch(`${url}/v1/info`)).json()).toMatchObject({ service: 'playlists', status: 'ready' });
      expect(await createPlaylist(url, { prompt: 'chill rock', length: 5 })).toMatchObject({ planner: 'offline', bundleVersion: 'synthetic-2000-seed42' });
    });
  }, 60_000);

  it('serves the bundle MIXTAPE_BUNDLE points at', async () => {
    const work = mkdtempSync(join(tmpdir(), 'playlists-main-bundle-'));
    const uri = pathToFileURL(join(work, 'bundles')).href;
    await publishTestBundle(openBundleStore(uri), { version: 'v-main' });
    const stdout = await bootAndCheck({ MIXTAPE_BUNDLE: uri, MIXTAPE_CACHE_DIR: join(work, 'cache'), MIXTAPE_BUNDLE_POLL_MS: '0' }, async (url) => {
      const playlist = await createPlaylist(url, { prompt: 'upbeat pop', length: 6 });
      expect(playlist).toMatchObject({ planner: 'offline', bundleVersion: 'v-main' });
      expect(playlist.tracks).toHaveLength(6);
      expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/mixtape_bundle_info\{[^}]*version="v-main"[^}]*\} 1/);
    });
    expect(stdout).toContain('bundle active');
  }, 90_000);
});
