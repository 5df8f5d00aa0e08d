// `mixtape build` end to end: a dataset directory → trained bundle → s3rver → loadable.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBundles, loadBundle, openBundleStore } from '@mixtape/artifacts';
import { startLocalS3, type LocalS3 } from '@mixtape/artifacts/testing';
import { ALL_PARTS, openServingBundle } from '@mixtape/bundle';
import { formatBuildSummary, runBuild } from '../src/commands/build';
import { writeSyntheticDataset } from '../src/commands/data';

describe('mixtape build', () => {
  let work: string;
  let s3: LocalS3;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'build-test-'));
    s3 = await startLocalS3({ directory: join(work, 's3') });
    await writeSyntheticDataset(join(work, 'data'), { tracks: 800, users: 80, interactions: 8000, seed: 3 });
  });
  afterAll(async () => {
    await s3.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('trains, indexes and publishes a bundle that services can open, with LATEST moved last', async () => {
    const lines: string[] = [];
    const outcome = await runBuild({
      data: join(work, 'data'),
      out: 's3://mixtape/bundles',
      s3: s3.s3Options,
      version: 'first',
      train: { epochs: 2, threads: 1, dim: 16 },
      progress: (line) => lines.push(line),
    });
    expect(outcome.version).toBe('first');
    expect(outcome.timings.map((t) => t.stage)).toEqual(expect.arrayContaining(['read dataset', 'item2vec', 'user vectors', 'publish']));
    expect(lines.some((line) => /✔ item2vec/.test(line))).toBe(true);
    expect(formatBuildSummary(outcome)).toMatch(/\| \*\*total\*\* \|/);

    const store = openBundleStore('s3://mixtape/bundles', { s3: s3.s3Options });
    const loaded = await loadBundle(store, { cacheDir: join(work, 'cache') });
    expect(loaded.version).toBe('first');
    const index = loaded.manifest.files.find((file) => file.path === 'indexes/items.faiss');
    expect(index?.index).toMatchObject({ dim: 16, metric: 'ip', factory: 'Flat', count: 800 });
    expect(loaded.manifest.metadata).toMatchObject({ dataset: 'synthetic', tracks: 800 });
    const serving = await openServingBundle(loaded, { parts: ALL_PARTS, workDir: join(work, 'views') });
    expect(serving.itemIndex?.size).toBe(800);
    expect(serving.users?.numUsers).toBe(80);
  });

  it('publishes a second version beside the first and keeps the newest N', async () => {
    await runBuild({ data: join(work, 'data'), out: 's3://mixtape/bundles', s3: s3.s3Options, version: 'second', keep: 1, train: { epochs: 1, threads: 1, dim: 16 }, progress: () => {} });
    const store = openBundleStore('s3://mixtape/bundles', { s3: s3.s3Options });
    const bundles = await listBundles(store);
    expect(bundles.map((bundle) => bundle.version)).toEqual(['second']);
    expect(bundles[0]?.isLatest).toBe(true);
  });

  it('fails clearly on a directory that is not a dataset, publishing nothing', async () => {
    await expect(runBuild({ data: join(work, 'nope'), out: 's3://mixtape/other', s3: s3.s3Options, progress: () => {} })).rejects.toThrow(/nope/);
    const bundles = await listBundles(openBundleStore('s3://mixtape/other', { s3: s3.s3Options }));
    expect(bundles).toEqual([]);
  });
});
