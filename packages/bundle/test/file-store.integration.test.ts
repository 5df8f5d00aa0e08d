import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChecksumMismatchError,
  applyRetention,
  bundleFileKey,
  listBundles,
  loadBundle,
  openBundleStore,
  publishBundle,
  readLatest,
  showBundle,
} from '../src/index';
import { makeTempDir, writeBundleDir } from './helpers';

let work: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  work = await makeTempDir('file');
});

afterAll(async () => {
  await work?.cleanup();
});

async function allFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)));
}

describe('file:// store', () => {
  it('publishes, lists, shows and loads a bundle round trip', async () => {
    const root = path.join(work.dir, 'store');
    const store = openBundleStore(pathToFileURL(root).href);
    const source = path.join(work.dir, 'source');
    await writeBundleDir(source, { seed: 'f', bigFileBytes: 300_000 });
    const published = await publishBundle(store, source, { producer: 'file-test', version: 'v1', metadata: { dataset: 'tiny' } });
    expect((await readLatest(store))?.version).toBe('v1');
    expect(await allFiles(root)).toEqual(
      expect.arrayContaining(['LATEST', 'bundles/v1/manifest.json', 'bundles/v1/files/indexes/items.hnsw']),
    );
    // Atomic writes leave no temp files behind.
    expect((await allFiles(root)).filter((name) => name.includes('.tmp-'))).toEqual([]);

    const shown = await showBundle(store);
    expect(shown).toMatchObject({ version: 'v1', isLatest: true });
    expect(shown.manifest.metadata).toEqual({ dataset: 'tiny' });
    expect(shown.manifestSha256).toBe(published.manifestSha256);

    const loaded = await loadBundle(store, { cacheDir: path.join(work.dir, 'cache') });
    for (const file of loaded.files) {
      expect((await readFile(file.localPath)).equals(await readFile(path.join(source, file.path)))).toBe(true);
    }
    const again = await loadBundle(store, { cacheDir: path.join(work.dir, 'cache'), verifyCached: true });
    expect(again.stats.filesDownloaded).toBe(0);

    // Ranged reads.
    const range = await store.getBytes(bundleFileKey('v1', 'catalog/tracks.json'), { range: { start: 0, end: 6 } });
    expect(Buffer.from(range ?? []).toString()).toBe('{"seed"');
    expect(await store.getBytes('bundles/v1/files/nope')).toBeUndefined();
  });

  it('detects a corrupted file and re-downloads a tampered cache entry', async () => {
    const root = path.join(work.dir, 'store-corrupt');
    const store = openBundleStore(root);
    const source = path.join(work.dir, 'source-corrupt');
    await writeBundleDir(source, { seed: 'c' });
    await publishBundle(store, source, { producer: 'file-test', version: 'v1' });
    const cacheDir = path.join(work.dir, 'cache-corrupt');
    const loaded = await loadBundle(store, { cacheDir });

    // Tampering with a cached file (same size) is caught with verifyCached and repaired.
    const cached = loaded.file('models/ranker.json').localPath;
    const original = await readFile(cached);
    await writeFile(cached, Buffer.from(original.toString().replace('0.1', '0.9')));
    const repaired = await loadBundle(store, { cacheDir, verifyCached: true });
    expect(repaired.stats.filesDownloaded).toBe(1);
    expect((await readFile(cached)).equals(original)).toBe(true);

    await writeFile(path.join(root, 'bundles', 'v1', 'files', 'vectors', 'items.f32'), Buffer.alloc(20, 7));
    await expect(loadBundle(store, { cacheDir: path.join(work.dir, 'cache-corrupt-2') })).rejects.toBeInstanceOf(ChecksumMismatchError);
  });

  it('applies retention and removes deleted bundles entirely', async () => {
    const root = path.join(work.dir, 'store-retention');
    const store = openBundleStore(pathToFileURL(root).href);
    const source = path.join(work.dir, 'source-retention');
    await writeBundleDir(source, { seed: 'r' });
    let clock = Date.parse('2026-01-01T00:00:00Z');
    for (const version of ['a', 'b', 'c']) {
      await publishBundle(store, source, { producer: 'file-test', version, now: () => new Date((clock += 1000)) });
    }
    const result = await applyRetention(store, { keep: 1 });
    expect(result).toEqual({ kept: ['c'], deleted: ['b', 'a'] });
    expect((await listBundles(store)).map((bundle) => bundle.version)).toEqual(['c']);
    expect(await readdir(path.join(root, 'bundles'))).toEqual(['c']);
  });
});
