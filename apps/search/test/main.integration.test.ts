import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBundleStore } from '@mixtape/bundle';
import { publishTestBundle } from '@mixtape/bundle/testing';

const appRoot = fileURLToPath(new URL('..', import.meta.url));

describe('search main.ts', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'search-main-'));
    // A real bundle without a prebuilt search index: the service builds it at startup.
    await publishTestBundle(openBundleStore(join(work, 'bundles')), { version: 'v1' });
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('loads the bundle LATEST names, turns ready, searches, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--conditions', '@mixtape/source', '--import', 'tsx', 'src/main.ts'], {
      cwd: appRoot,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        MIXTAPE_BUNDLE: `file://${join(work, 'bundles')}`,
        MIXTAPE_CACHE_DIR: join(work, 'cache'),
        // Search has no writes; this deployment turns auth off on purpose (logged as a warning).
        MIXTAPE_AUTH: 'off',
      },
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
        const listening = lines.find((line) => line.msg === 'search listening');
        if (listening?.url && lines.some((line) => line.msg === 'search ready')) resolve(listening.url);
      });
      void exitCode.then((code) => reject(new Error(`exited ${code} before ready: ${stderr}`)));
    });
    try {
      const url = await ready;
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect(stdout).toContain('API-key auth is off (MIXTAPE_AUTH=off)');
      expect(await (await fetch(`${url}/v1/info`)).json()).toMatchObject({ service: 'search', status: 'ready' });
      const search = (await (await fetch(`${url}/v1/search?q=rock&limit=3`)).json()) as { results: unknown[] };
      expect(search.results.length).toBeGreaterThan(0);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/mixtape_bundle_info\{[^}]*version="v1"/);
      child.kill('SIGTERM');
      expect(await exitCode).toBe(0);
      expect(stdout).toContain('"msg":"shutdown complete"');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
