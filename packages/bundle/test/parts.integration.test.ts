// A real bundle (synthetic data, real item2vec + FAISS) published to s3rver and served.
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDING_PARTS, contentIndexPart, createBundleRuntime, datasetPart, itemIndexPart, itemVectorsPart, loadBundle, openBundleStore, openParts, userVectorsPart, type BundleStore, type RuntimeLogger } from '../src/index';
import { publishTestBundle, useLocalS3 } from '../src/testing/index';

const quietLogger = (): RuntimeLogger & { lines: string[] } => {
  const lines: string[] = [];
  const write = (object: object | string, message?: string) => { lines.push(`${message ?? ""} ${JSON.stringify(object)}`); if (process.env.DEBUG_TEST) console.log(message, JSON.stringify(object).slice(0, 300)); };
  return { lines, debug: () => {}, info: write, warn: write, error: write };
};

describe('serving bundles from S3', () => {
  const local = useLocalS3('bundle-test');
  let store: BundleStore;
  const uri = 's3://mixtape/bundles';

  beforeAll(async () => {
    store = openBundleStore(uri, { s3: local.s3.s3Options });
  });

  it('round-trips a trained bundle: catalog, vectors, FAISS indexes and user vectors agree', async () => {
    const published = await publishTestBundle(store, { version: 'v1' });
    const loaded = await loadBundle(store, { cacheDir: join(local.dir, 'cache-a') });
    const opened = await openParts(loaded, EMBEDDING_PARTS, { workDir: join(local.dir, 'views') });
    const { dataset, itemIndex, contentIndex, userVectors, itemVectors, contentEncoder } = opened.parts;
    expect(opened.version).toBe(published.version);
    expect(dataset.store.trackCount).toBe(600);
    expect(itemIndex.size).toBe(600);
    expect(contentIndex.size).toBe(600);
    expect(userVectors.numUsers).toBe(dataset.interactions.userCount);
    // A track's stored item vector finds itself first in the item index.
    const t = 42;
    const vector = itemVectors.vectors.subarray(t * itemVectors.dim, (t + 1) * itemVectors.dim);
    expect(itemIndex.search(vector, 1).ids[0]).toBe(dataset.store.trackId(t));
    expect(contentEncoder.dim).toBe(contentIndex.dim);
    // every file names its part in the manifest
    expect(Object.fromEntries(published.manifest.files.map((file) => [file.path, file.part]))).toMatchObject({ 'indexes/items.faiss': 'itemIndex', 'dataset/catalog.bin': 'dataset' });
    await opened.dispose();
    expect(await readdir(join(local.dir, 'views'))).toEqual([]); // scratch space (the symlink view) is cleaned up
  });

  it('loads only the parts a service asks for', async () => {
    const loaded = await loadBundle(store, { cacheDir: join(local.dir, 'cache-b'), filter: (file) => !file.path.startsWith('indexes/items') && !file.path.startsWith('vectors/') });
    const opened = await openParts(loaded, [contentIndexPart], { workDir: join(local.dir, 'views') });
    expect(opened.parts.contentIndex.size).toBe(600);
    // asking for a part whose files were not downloaded is a clear error, not a crash
    await expect(openParts(loaded, [itemIndexPart], { workDir: join(local.dir, 'views') })).rejects.toThrow(/indexes\/items\.faiss" but it was not selected/);
    await expect(openParts(loaded, [userVectorsPart, itemVectorsPart], { workDir: join(local.dir, 'views') })).rejects.toThrow(/not selected/);
    expect(opened.value(datasetPart).store.trackCount).toBe(600);
  });

  it('starts unready while S3 is down, then serves, swaps a new LATEST live and refuses a corrupted one', async () => {
    const logger = quietLogger();
    const built: string[] = [];
    // Unreachable store first: the startup hook keeps retrying (bounded backoff) and logs why.
    const down = createBundleRuntime({
      uri,
      s3: { ...local.s3.s3Options, endpoint: 'http://127.0.0.1:9', retry: { maxAttempts: 1 } },
      cacheDir: join(local.dir, 'cache-down'),
      parts: [contentIndexPart],
      build: () => 'never',
      logger,
    });
    const abort = new AbortController();
    const startup = down.startupHook.run(abort.signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(down.current()).toBeUndefined();
    abort.abort(new Error('test over'));
    await expect(startup).rejects.toThrow('test over');
    await down.shutdownHook.run();
    expect(logger.lines.join('\n')).toMatch(/127\.0\.0\.1:9/);

    const liveUri = 's3://mixtape/live';
    const live = openBundleStore(liveUri, { s3: local.s3.s3Options });
    await publishTestBundle(live, { version: 'v1' });
    const runtime = createBundleRuntime({
      uri: liveUri,
      s3: local.s3.s3Options,
      cacheDir: join(local.dir, 'cache-c'),
      parts: [datasetPart, contentIndexPart, itemIndexPart],
      build: (bundle) => {
        built.push(bundle.version);
        return { tracks: bundle.parts.dataset.store.trackCount };
      },
      logger,
    });
    await runtime.startupHook.run(new AbortController().signal);
    expect(runtime.current()?.bundle.version).toBe('v1');

    await publishTestBundle(live, { version: 'v2', synthetic: { tracks: 700, users: 60, interactions: 6000, seed: 8 } });
    expect(await runtime.watcher.checkNow()).toBe('swapped');
    expect(runtime.current()?.state).toEqual({ tracks: 700 });

    // v3 is published, then one of its files is overwritten in S3: verification must refuse it.
    // (a different dataset, so its files are not already in the checksum-keyed cache)
    const v3 = await publishTestBundle(live, { version: 'v3', synthetic: { tracks: 650, users: 60, interactions: 6000, seed: 9 } });
    const target = v3.manifest.files.find((file) => file.path === 'indexes/content.faiss')!;
    await writeFile(join(local.dir, 'corrupt.bin'), Buffer.alloc(target.size, 7));
    await live.putFile(`bundles/v3/files/${target.path}`, join(local.dir, 'corrupt.bin'));
    expect(await runtime.watcher.checkNow()).toBe('refused');
    expect(runtime.current()?.bundle.version).toBe('v2');
    expect(runtime.watcher.stats().refusals).toBe(1);
    expect(built).toEqual(['v1', 'v2']);
    await runtime.shutdownHook.run();
  });
});
