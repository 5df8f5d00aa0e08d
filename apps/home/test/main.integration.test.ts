// The real main.ts process against s3rver: 503 while no bundle exists, ready once one is
// published (the startup hook retries), serving shelves with the bundle version, clean SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBundleStore } from '@mixtape/bundle';
import { startLocalS3 } from '@mixtape/bundle/testing';
import { publishTestBundle } from '@mixtape/bundle/testing';
import { describe, expect, it } from 'vitest';

const appRoot = fileURLToPath(new URL('..', import.meta.url));

describe('home main.ts', () => {
  it('stays unready until a bundle is published to S3, then serves it and exits 0 on SIGTERM', async () => {
    const work = await mkdtemp(join(tmpdir(), 'home-main-'));
    const s3 = await startLocalS3({ directory: join(work, 's3') });
    const child = spawn(process.execPath, ['--conditions', '@mixtape/source', '--import', 'tsx', 'src/main.ts'], {
      cwd: appRoot,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        MIXTAPE_BUNDLE: 's3://mixtape/main-test',
        MIXTAPE_S3_ENDPOINT: s3.endpoint,
        MIXTAPE_CACHE_DIR: join(work, 'cache'),
        MIXTAPE_BUNDLE_POLL_MS: '0',
        MIXTAPE_API_KEYS: 'home-main-test-key-0123456789',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exitCode = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const lines = () => stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg: string; url?: string });
    const waitFor = (predicate: () => boolean, what: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => (predicate() ? resolve() : undefined);
        child.stdout.on('data', check);
        check();
        void exitCode.then((code) => reject(new Error(`exited ${code} before ${what}: ${stderr}`)));
      });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    try {
      await waitFor(() => lines().some((line) => line.msg === 'home listening') && lines().some((line) => line.msg === 'no bundle serving yet'), 'listening without a bundle');
      const url = lines().find((line) => line.msg === 'home listening')!.url!;
      expect((await fetch(`${url}/readyz`)).status).toBe(503);
      expect((await fetch(`${url}/livez`)).status).toBe(200);
      const early = await fetch(`${url}/v1/users/user-1/home`);
      expect(early.status).toBe(503);
      expect(((await early.json()) as { error: { code: string } }).error.code).toBe('NOT_READY');

      await publishTestBundle(openBundleStore('s3://mixtape/main-test', { s3: s3.s3Options }), { version: 'main-v1' });
      await waitFor(() => lines().some((line) => line.msg === 'home ready'), 'ready');
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const home = await fetch(`${url}/v1/users/user-1/home?limit=5`);
      expect(home.status).toBe(200);
      const body = (await home.json()) as { bundleVersion: string; shelves: unknown[] };
      expect(body.bundleVersion).toBe('main-v1');
      expect(body.shelves.length).toBeGreaterThan(2);
      expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/home_stage_duration_seconds_count\{[^}]*stage="candidates"[^}]*\} 1/);

      child.kill('SIGTERM');
      expect(await exitCode).toBe(0);
      expect(stdout).toContain('"msg":"shutdown complete"');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await s3.stop();
      await rm(work, { recursive: true, force: true });
    }
  }, 90_000);
});
