// The real main.ts process against s3rver: 503 while no bundle exists, ready once one is
// published (the startup hook retries), serving shelves with the bundle version, clean SIGTERM.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBundleStore } from '@mixtape/bundle';
import { publishTestBundle, startLocalS3 } from '@mixtape/bundle/testing';
import { startServiceProcess } from '@mixtape/service-kit/testing';
import { describe, expect, it } from 'vitest';

const appRoot = fileURLToPath(new URL('..', import.meta.url));

describe('home main.ts', () => {
  it('stays unready until a bundle is published to S3, then serves it and exits 0 on SIGTERM', async () => {
    const work = await mkdtemp(join(tmpdir(), 'home-main-'));
    const s3 = await startLocalS3({ directory: join(work, 's3') });
    const service = await startServiceProcess({
      name: 'home',
      entry: 'src/main.ts',
      cwd: appRoot,
      env: {
        MIXTAPE_BUNDLE: 's3://mixtape/main-test',
        MIXTAPE_S3_ENDPOINT: s3.endpoint,
        MIXTAPE_CACHE_DIR: join(work, 'cache'),
        MIXTAPE_BUNDLE_POLL_MS: '0',
        MIXTAPE_API_KEYS: 'home-main-test-key-0123456789',
      },
    });
    try {
      await service.waitForLog('no bundle serving yet', 50_000);
      const url = service.url;
      expect((await fetch(`${url}/readyz`)).status).toBe(503);
      expect((await fetch(`${url}/livez`)).status).toBe(200);
      const early = await fetch(`${url}/v1/users/user-1/home`);
      expect(early.status).toBe(503);
      expect(((await early.json()) as { error: { code: string } }).error.code).toBe('NOT_READY');

      await publishTestBundle(openBundleStore('s3://mixtape/main-test', { s3: s3.s3Options }), { version: 'main-v1' });
      await service.waitForLog('home ready', 50_000);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      // the bundle runtime reports what it serves
      expect(((await ready.json()) as { detail?: { bundle?: { version?: string } } }).detail?.bundle?.version).toBe('main-v1');
      const home = await fetch(`${url}/v1/users/user-1/home?limit=5`);
      expect(home.status).toBe(200);
      const body = (await home.json()) as { bundleVersion: string; shelves: unknown[] };
      expect(body.bundleVersion).toBe('main-v1');
      expect(body.shelves.length).toBeGreaterThan(2);
      expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/home_stage_duration_seconds_count\{[^}]*stage="candidates"[^}]*\} 1/);

      expect(await service.stop()).toBe(0);
      expect(service.output()).toContain('"msg":"shutdown complete"');
    } finally {
      await service.stop();
      await s3.stop();
      await rm(work, { recursive: true, force: true });
    }
  }, 90_000);
});
