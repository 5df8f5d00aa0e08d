import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openBundleStore } from '@mixtape/bundle';
import { publishTestBundle } from '@mixtape/bundle/testing';
import { describe, expect, it } from 'vitest';

const API_KEY = 'playlists-main-key-0123456789';
const appRoot = fileURLToPath(new URL('..', import.meta.url));

/** Boots src/main.ts, waits for ready, runs `check` against its URL, then SIGTERM → exit 0. */
async function bootAndCheck(env: Record<string, string>, check: (url: string) => Promise<void>): Promise<string> {
  const child = spawn(process.execPath, ['--conditions', '@mixtape/source', '--import', 'tsx', 'src/main.ts'], {
    cwd: appRoot,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', PLAYLISTS_DATA_DIR: mkdtempSync(join(tmpdir(), 'playlists-main-')), MIXTAPE_API_KEYS: API_KEY, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exitCode = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const lines = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { msg: string; url?: string });
      const listening = lines.find((line) => line.msg === 'playlists listening');
      if (listening?.url && lines.some((line) => line.msg === 'playlists ready')) resolve(listening.url);
    });
    void exitCode.then((code) => reject(new Error(`exited ${code} before ready: ${stderr}`)));
  });
  try {
    const url = await ready;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    await check(url);
    child.kill('SIGTERM');
    expect(await exitCode).toBe(0);
    expect(stdout).toContain('"msg":"shutdown complete"');
    return stdout;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

async function createPlaylist(url: string, body: Record<string, unknown>) {
  const response = await fetch(`${url}/v1/playlists`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': API_KEY }, body: JSON.stringify(body) });
  expect(response.status).toBe(201);
  return (await response.json()) as { tracks: unknown[]; planner: string; bundleVersion: string };
}

describe('playlists main.ts', () => {
  it('refuses to start without API keys outside development, naming the key (was open by default)', async () => {
    const child = spawn(process.execPath, ['--conditions', '@mixtape/source', '--import', 'tsx', 'src/main.ts'], {
      cwd: appRoot,
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production', PLAYLISTS_DATA_DIR: mkdtempSync(join(tmpdir(), 'playlists-main-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exit) => resolve(exit)));
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
