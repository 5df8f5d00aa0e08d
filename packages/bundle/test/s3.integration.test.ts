import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  BundleExistsError,
  BundleNotFoundError,
  ChecksumMismatchError,
  StoreUnreachableError,
  applyRetention,
  bundleFileKey,
  createS3Store,
  listBundles,
  loadBundle,
  promoteBundle,
  publishBundle,
  readLatest,
  rollbackBundle,
  showBundle,
  watchBundle,
} from '../src/index';
import type { BundleStore, LoadedBundle } from '../src/index';
import { closedPort, useLocalS3, writeBundleDir } from './helpers';

const MiB = 1024 * 1024;
const local = useLocalS3('s3');
let prefixCounter = 0;

/** Each test gets its own prefix (and client) so tests don't see each other's bundles. */
function freshStore(options: { partSizeBytes?: number } = {}): BundleStore {
  prefixCounter += 1;
  return createS3Store({
    ...local.s3.s3Options,
    bucket: 'mixtape',
    prefix: `test-${prefixCounter}/bundles-root`,
    multipartThresholdBytes: options.partSizeBytes,
    partSizeBytes: options.partSizeBytes,
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
  });
}

async function bundleDir(name: string, options: { seed: string; bigFileBytes?: number }): Promise<string> {
  const dir = path.join(local.dir, 'inputs', name);
  await writeBundleDir(dir, options);
  return dir;
}

let clock = Date.parse('2026-11-22T00:00:00Z');
const tick = (): Date => new Date((clock += 60_000));

describe('S3 store against s3rver', () => {
  it('publishes and loads a bundle round trip, multipart up and ranged parallel down', async () => {
    const store = freshStore({ partSizeBytes: 5 * MiB });
    const source = await bundleDir('round-trip', { seed: 'a', bigFileBytes: 12 * MiB + 123 });
    const published = await publishBundle(store, source, {
      producer: 'test',
      now: tick,
      describeFile: (bundlePath) =>
        bundlePath === 'indexes/items.hnsw' ? { index: { dim: 64, metric: 'ip', factory: 'HNSW32', count: 1000 } } : undefined,
    });
    expect(published.version).toMatch(/^2026-11-22T00-\d\d-00Z-[0-9a-f]{8}$/);
    const partUploads = local.s3.requests.filter((request) => request.method === 'PUT' && request.url.includes('partNumber='));
    expect(partUploads.length).toBe(3); // 12 MiB in 5 MiB parts

    const cacheDir = path.join(local.dir, 'cache-round-trip');
    const before = local.s3.requests.length;
    const loaded = await loadBundle(store, { cacheDir });
    const rangedGets = local.s3.requests.slice(before).filter((request) => request.method === 'GET' && request.range);
    expect(rangedGets.map((request) => request.range).sort()).toEqual(
      ['bytes=0-5242879', 'bytes=10485760-12583034', 'bytes=5242880-10485759'].sort(),
    );
    expect(loaded.version).toBe(published.version);
    expect(loaded.manifest.files.map((file) => [file.path, file.role])).toEqual([
      ['catalog/tracks.json', 'catalog'],
      ['indexes/items.hnsw', 'index'],
      ['models/ranker.json', 'model'],
      ['vectors/items.f32', 'vectors'],
    ]);
    expect(loaded.file('indexes/items.hnsw').index).toEqual({ dim: 64, metric: 'ip', factory: 'HNSW32', count: 1000 });
    for (const file of loaded.files) {
      // Buffer.equals: a deep toEqual over 12 MiB of bytes would take minutes.
      expect((await readFile(file.localPath)).equals(await readFile(path.join(source, file.path)))).toBe(true);
    }
    expect(loaded.stats.filesDownloaded).toBe(4);
  });

  it('serves a second load from the cache without downloading again', async () => {
    const store = freshStore();
    await publishBundle(store, await bundleDir('cache', { seed: 'c' }), { producer: 'test', now: tick });
    const cacheDir = path.join(local.dir, 'cache-hit');
    const first = await loadBundle(store, { cacheDir });
    const before = local.s3.requests.length;
    const second = await loadBundle(store, { cacheDir });
    const fileGets = local.s3.requests.slice(before).filter((request) => request.method === 'GET' && request.url.includes('/files/'));
    expect(fileGets).toEqual([]);
    expect(second.stats).toMatchObject({ filesDownloaded: 0, filesFromCache: 4, bytesDownloaded: 0 });
    expect(second.files.map((file) => file.localPath)).toEqual(first.files.map((file) => file.localPath));

    // Selecting roles fetches only those files.
    const rolesOnly = await loadBundle(store, { cacheDir: path.join(local.dir, 'cache-roles'), roles: ['catalog'] });
    expect(rolesOnly.files.map((file) => file.path)).toEqual(['catalog/tracks.json']);
    expect(() => rolesOnly.file('models/ranker.json')).toThrow(/not selected/);
  });

  it('refuses to overwrite an existing version', async () => {
    const store = freshStore();
    const source = await bundleDir('exists', { seed: 'e' });
    await publishBundle(store, source, { producer: 'test', version: 'v1' });
    await expect(publishBundle(store, source, { producer: 'test', version: 'v1' })).rejects.toBeInstanceOf(BundleExistsError);
  });

  it('gives a clear error when LATEST names a missing bundle', async () => {
    const store = freshStore();
    await store.putBytes('LATEST', JSON.stringify({ version: 'ghost-version' }));
    const error = await loadBundle(store, { cacheDir: path.join(local.dir, 'cache-ghost') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BundleNotFoundError);
    expect((error as Error).message).toContain('names version "ghost-version"');
    expect((error as Error).message).toContain('bundles/ghost-version/manifest.json does not exist');
  });

  it('gives a clear error when nothing was published', async () => {
    const store = freshStore();
    await expect(loadBundle(store, { cacheDir: path.join(local.dir, 'cache-empty') })).rejects.toThrow(/no bundle published at .*LATEST does not exist/);
  });

  it('names the file, expected and actual checksum when a file is corrupted', async () => {
    const store = freshStore();
    const published = await publishBundle(store, await bundleDir('corrupt-load', { seed: 'x' }), { producer: 'test', now: tick });
    const original = published.manifest.files.find((file) => file.path === 'models/ranker.json');
    await store.putBytes(bundleFileKey(published.version, 'models/ranker.json'), JSON.stringify({ weights: [9.9, 0.2], seed: 'x' }));
    const error = await loadBundle(store, { cacheDir: path.join(local.dir, 'cache-corrupt') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChecksumMismatchError);
    expect((error as ChecksumMismatchError).path).toBe('models/ranker.json');
    expect((error as Error).message).toContain(`expected sha256 ${original?.sha256}`);
  });

  it('watcher refuses a corrupted bundle and keeps serving the old one, then takes a good one', async () => {
    const store = freshStore();
    const first = await publishBundle(store, await bundleDir('watch-1', { seed: 'w1' }), { producer: 'test', now: tick });
    const refused: string[] = [];
    const swaps: string[] = [];
    const disposed: string[] = [];
    const watcher = watchBundle<{ seed: string }>(store, {
      cacheDir: path.join(local.dir, 'cache-watch'),
      intervalMs: 60_000, // the test drives checks with checkNow()
      disposeDelayMs: 0,
      load: async (bundle: LoadedBundle) => {
        const model = JSON.parse(await readFile(bundle.file('models/ranker.json').localPath, 'utf8')) as { seed: string };
        if (model.seed === 'reject-me') throw new Error('model seed is not acceptable');
        return { seed: model.seed };
      },
      dispose: (state) => void disposed.push(state.seed),
      onSwap: ({ current }) => swaps.push(current.version),
      onRefused: ({ version, stage }) => refused.push(`${version}:${stage}`),
    });
    try {
      const ready = await watcher.ready();
      expect(ready.version).toBe(first.version);
      expect(ready.state.seed).toBe('w1');

      // A corrupted second bundle: LATEST moves to it, verification fails, old one stays.
      const second = await publishBundle(store, await bundleDir('watch-2', { seed: 'w2' }), { producer: 'test', now: tick });
      await store.putBytes(bundleFileKey(second.version, 'catalog/tracks.json'), JSON.stringify({ seed: 'w2', tracks: [6, 6, 6] }));
      expect(await watcher.checkNow()).toBe('refused');
      expect(watcher.current()?.version).toBe(first.version);
      expect(watcher.current()?.state.seed).toBe('w1');
      expect(watcher.stats()).toMatchObject({ refusals: 1, currentVersion: first.version });
      expect(watcher.stats().lastRefused?.message).toContain('catalog/tracks.json');
      // The same LATEST is not downloaded again on every poll.
      expect(await watcher.checkNow()).toBe('skipped-refused');

      // A bundle whose files verify but the app's load rejects is refused too.
      const third = await publishBundle(store, await bundleDir('watch-3', { seed: 'reject-me' }), { producer: 'test', now: tick });
      expect(await watcher.checkNow()).toBe('refused');
      expect(watcher.current()?.version).toBe(first.version);

      // A good one is swapped in.
      const fourth = await publishBundle(store, await bundleDir('watch-4', { seed: 'w4' }), { producer: 'test', now: tick });
      expect(await watcher.checkNow()).toBe('swapped');
      expect(watcher.current()?.state.seed).toBe('w4');
      expect(await watcher.checkNow()).toBe('unchanged');
      expect(refused).toEqual([`${second.version}:verify`, `${third.version}:load`]);
      expect(swaps).toEqual([first.version, fourth.version]);
      expect(watcher.stats()).toMatchObject({ swaps: 2, refusals: 2 });
    } finally {
      await watcher.stop();
    }
    expect(disposed).toEqual(['w1']);
  });

  it('catches a corrupted big file on the ranged download path', async () => {
    const store = freshStore({ partSizeBytes: 5 * MiB });
    const source = await bundleDir('corrupt-big', { seed: 'big', bigFileBytes: 11 * MiB });
    const published = await publishBundle(store, source, { producer: 'test', now: tick });
    const tampered = await readFile(path.join(source, 'indexes/items.hnsw'));
    tampered[7 * MiB] = (tampered[7 * MiB] ?? 0) ^ 0xff; // one byte in the second range
    const tamperedPath = path.join(local.dir, 'tampered.hnsw');
    await writeFile(tamperedPath, tampered);
    await store.putFile(bundleFileKey(published.version, 'indexes/items.hnsw'), tamperedPath);
    const before = local.s3.requests.length;
    const error = await loadBundle(store, { cacheDir: path.join(local.dir, 'cache-corrupt-big') }).catch((caught: unknown) => caught);
    expect(local.s3.requests.slice(before).filter((request) => request.range).length).toBe(3);
    expect(error).toBeInstanceOf(ChecksumMismatchError);
    expect((error as ChecksumMismatchError).path).toBe('indexes/items.hnsw');
  });

  it('watcher picks up a new LATEST by polling, without being asked', async () => {
    const store = freshStore();
    const first = await publishBundle(store, await bundleDir('poll-1', { seed: 'p1' }), { producer: 'test', now: tick });
    const watcher = watchBundle(store, {
      cacheDir: path.join(local.dir, 'cache-poll'),
      intervalMs: 50,
      disposeDelayMs: 0,
      pruneCache: true,
      load: async (bundle) => bundle.version,
    });
    try {
      expect((await watcher.ready()).state).toBe(first.version);
      const second = await publishBundle(store, await bundleDir('poll-2', { seed: 'p2' }), { producer: 'test', now: tick });
      await vi.waitFor(() => expect(watcher.current()?.state).toBe(second.version), { timeout: 10_000, interval: 25 });
      expect(watcher.stats().checks).toBeGreaterThan(1);
      // With pruneCache the cache ends up holding exactly the serving bundle's files.
      const expected = second.manifest.files.map((file) => file.sha256).sort();
      await vi.waitFor(async () => expect((await readdir(path.join(local.dir, 'cache-poll', 'sha256'))).sort()).toEqual(expected), {
        timeout: 5_000,
        interval: 25,
      });
    } finally {
      await watcher.stop();
    }
  });

  it('fails with bounded retries and a clear error when S3 is unreachable', async () => {
    const port = await closedPort();
    const store = createS3Store({
      ...local.s3.s3Options,
      endpoint: `http://127.0.0.1:${port}`,
      bucket: 'mixtape',
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    });
    const error = await loadBundle(store, { cacheDir: path.join(local.dir, 'cache-unreachable') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUnreachableError);
    expect((error as Error).message).toContain(`http://127.0.0.1:${port}`);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).message).toContain('after 3 attempts');

    // A watcher on an unreachable store stays unready and counts errors.
    const watcher = watchBundle(store, { cacheDir: path.join(local.dir, 'cache-unreachable'), intervalMs: 60_000, load: async () => 1 });
    try {
      expect(await watcher.checkNow()).toBe('error');
      expect(watcher.current()).toBeUndefined();
      expect(watcher.stats().errors).toBeGreaterThanOrEqual(1);
      expect(watcher.stats().lastError?.message).toContain('S3 unreachable');
    } finally {
      await watcher.stop();
      await store.close();
    }
  });

  it('readers during a publish never see half a bundle', async () => {
    const store = freshStore();
    // A separate client on the same prefix plays the service reading while the pipeline publishes.
    const readerStore = createS3Store({ ...local.s3.s3Options, bucket: 'mixtape', prefix: `test-${prefixCounter}/bundles-root` });
    await publishBundle(store, await bundleDir('race-0', { seed: 'r0' }), { producer: 'test', now: tick });
    let publishing = true;
    const seen = new Set<string>();
    let reads = 0;
    const problems: string[] = [];
    const readLoop = (async () => {
      while (publishing) {
        try {
          const shown = await showBundle(readerStore);
          for (const file of shown.manifest.files) {
            const head = await readerStore.head(bundleFileKey(shown.version, file.path));
            if (head?.size !== file.size) problems.push(`${shown.version}/${file.path}: ${head?.size ?? 'missing'} != ${file.size}`);
          }
          seen.add(shown.version);
        } catch (error) {
          problems.push((error as Error).message);
        }
        reads += 1;
      }
    })();
    const versions: string[] = [];
    for (let round = 1; round <= 3; round++) {
      const published = await publishBundle(store, await bundleDir(`race-${round}`, { seed: `r${round}`, bigFileBytes: 2 * MiB }), {
        producer: 'test',
        now: tick,
      });
      versions.push(published.version);
    }
    publishing = false;
    await readLoop;
    expect(problems).toEqual([]);
    expect(reads).toBeGreaterThan(3);
    expect((await showBundle(readerStore)).version).toBe(versions[2]);
    // The reader saw the first bundle and at least one published during the loop.
    expect(seen.size).toBeGreaterThan(1);
    await readerStore.close();
    await store.close();
  });

  it('keeps the newest N bundles plus LATEST, and rolls back', async () => {
    const store = freshStore();
    const versions: string[] = [];
    for (let index = 1; index <= 4; index++) {
      versions.push((await publishBundle(store, await bundleDir(`keep-${index}`, { seed: `k${index}` }), { producer: 'test', now: tick })).version);
    }
    const [v1, v2, v3, v4] = versions as [string, string, string, string];
    expect((await listBundles(store)).map((bundle) => [bundle.version, bundle.isLatest])).toEqual([
      [v4, true],
      [v3, false],
      [v2, false],
      [v1, false],
    ]);

    expect(await rollbackBundle(store)).toEqual({ version: v3, previousVersion: v4 });
    expect((await readLatest(store))?.version).toBe(v3);
    await promoteBundle(store, v1);

    // A half-published bundle (files, no manifest) is kept while fresh, deleted once stale.
    await store.putBytes(bundleFileKey('half-published', 'catalog/tracks.json'), '{}');

    const dry = await applyRetention(store, { keep: 2, dryRun: true });
    expect(dry.deleted).toEqual([v2]);
    const result = await applyRetention(store, { keep: 2 });
    expect(result.kept.sort()).toEqual([v1, v3, v4, 'half-published'].sort());
    expect(result.deleted).toEqual([v2]);
    expect((await listBundles(store)).map((bundle) => bundle.version)).not.toContain(v2);
    await expect(showBundle(store, { version: v2 })).rejects.toBeInstanceOf(BundleNotFoundError);
    expect((await loadBundle(store, { cacheDir: path.join(local.dir, 'cache-retention') })).version).toBe(v1);

    const later = await applyRetention(store, { keep: 2, now: () => new Date(Date.now() + 2 * 24 * 3600 * 1000) });
    expect(later.deleted).toEqual(['half-published']);
    await expect(promoteBundle(store, v2)).rejects.toBeInstanceOf(BundleNotFoundError);
  });
});
