import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBundleStore } from '@mixtape/bundle';
import { publishTestBundle } from '@mixtape/bundle/testing';
import { startServiceProcess } from '@mixtape/service-kit/testing';

const appRoot = fileURLToPath(new URL('..', import.meta.url));

describe('search main.ts', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'search-main-'));
    // A real bundle without a prebuilt search index: the service builds it at startup.
    await publishTestBundle(openBundleStore(join(work, 'bundles')), { version: 'v1' });
    await writeFile(
      join(work, 'experiments.yaml'),
      'version: 1\nexperiments:\n  - key: fusion\n    surface: search\n    start: 2026-01-01T00:00:00Z\n    variants: [{ key: control, weight: 1 }, { key: sharp, weight: 1, params: { fusion: { rrfK: 5 } } }]\n',
    );
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('loads the bundle LATEST names, turns ready, searches, and exits 0 on SIGTERM', async () => {
    const service = await startServiceProcess({
      name: 'search',
      entry: 'src/main.ts',
      cwd: appRoot,
      env: {
        MIXTAPE_BUNDLE: `file://${join(work, 'bundles')}`,
        MIXTAPE_CACHE_DIR: join(work, 'cache'),
        // Search has no writes; this deployment turns auth off on purpose (logged as a warning).
        MIXTAPE_AUTH: 'off',
        MIXTAPE_EXPERIMENTS: join(work, 'experiments.yaml'),
        MIXTAPE_EXPERIMENT_LOG_DIR: join(work, 'experiment-log'),
      },
    });
    try {
      await service.waitForLog('search ready', 50_000);
      const url = service.url;
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const stdout = service.output();
      expect(stdout).toContain('API-key auth is off (MIXTAPE_AUTH=off)');
      expect(await (await fetch(`${url}/v1/info`)).json()).toMatchObject({ service: 'search', status: 'ready' });
      const search = (await (await fetch(`${url}/v1/search?q=rock&limit=3`)).json()) as { results: unknown[] };
      expect(search.results.length).toBeGreaterThan(0);
      // experiments from MIXTAPE_EXPERIMENTS: a signed-in search is assigned and logged (flushed on SIGTERM)
      const assigned = (await (await fetch(`${url}/v1/search?q=rock&limit=3&userId=user-1`)).json()) as { experiments: { key: string }[] };
      expect(assigned.experiments.map((e) => e.key)).toEqual(['fusion']);
      expect(await (await fetch(`${url}/v1/experiments`)).json()).toMatchObject({ surface: 'search', source: `file:${join(work, 'experiments.yaml')}` });
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/mixtape_bundle_info\{[^}]*version="v1"/);
      expect(await service.stop()).toBe(0);
      expect(service.output()).toContain('"msg":"shutdown complete"');
      expect((await readdir(join(work, 'experiment-log'))).filter((file) => file.startsWith('exposures-'))).toHaveLength(1);
    } finally {
      await service.stop();
    }
  });
});
