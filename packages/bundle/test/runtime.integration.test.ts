// A real bundle (synthetic data, real item2vec + FAISS) published to s3rver and served.
import { mkdtemp, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBundleStore, loadBundle, type BundleStore } from '@mixtape/artifacts';
import { startLocalS3, type LocalS3 } from '@mixtape/artifacts/testing';
import { ALL_PARTS, createBundleRuntime, openServingBundle, type RuntimeLogger } from '../src/index';
import { publishTestBundle } from '../src/testing/index';

const quietLogger = (): RuntimeLogger & { lines: string[] } => {
  const lines: string[] = [];
  const write = (object: object | string, message?: string) => { lines.push(`${message ?? ""} ${JSON.stringify(object)}`); if (process.env.DEBUG_TEST) console.log(message, JSON.stringify(object).slice(0, 300)); };
  return { lines, debug: () => {}, info: write, warn: write, error: write };
};

describe('serving bundles from S3', () => {
  let s3: LocalS3;
  let work: string;
  let store: BundleStore;
  const uri = 's3://mixtape/bundles';

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'bundle-test-'));
    s3 = await startLocalS3({ directory: join(work, 's3') });
    store = openBundleStore(uri, { s3: s3.s3Options });
  });
  afterAll(async () => {
    await s3.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('round-trips a trained bundle: catalog, vectors, FAISS indexes and user vectors agree', async () => {
    const published = await publishTestBundle(store, { version: 'v1' });
    const loaded = await loadBundle(store, { cacheDir: join(work, 'cache-a') });
    const serving = await openServingBundle(loaded, { parts: ALL_PARTS, workDir: join(work, 'views') });
    expect(serving.version).toBe(published.version);
    expect(serving.store.trackCount).toBe(600);
    expect(serving.itemIndex!.size).toBe(600);
    expect(serving.contentIndex!.size).toBe(600);
    expect(serving.users!.numUsers).toBe(serving.interactions!.userCount);
    // A track's stored item vector finds itself first in the item index.
    const t = 42;
    const vector = serving.itemVectors!.subarray(t * serving.itemDim, (t + 1) * serving.itemDim);
    expect(serving.itemIndex!.search(vector, 1).ids[0]).toBe(serving.store.trackId(t));
    expect(serving.contentEncoder.dim).toBe(serving.contentIndex!.dim);
    expect(await readdir(join(work, 'views'))).toEqual([]); // the symlink view is cleaned up
  });

  it('loads only the parts a service asks for', async () => {
    const loaded = await loadBundle(store, { cacheDir: join(work, 'cache-b'), filter: (file) => !file.path.startsWith('indexes/items') && !file.path.startsWith('vectors/') });
    const serving = await openServingBundle(loaded, { parts: { catalog: true, contentIndex: true }, workDir: join(work, 'views') });
    expect(serving.itemIndex).toBeUndefined();
    expect(serving.contentIndex!.size).toBe(600);
  });

  it('starts unready while S3 is down, then serves, swaps a new LATEST live and refuses a corrupted one', async () => {
    const logger = quietLogger();
    const built: string[] = [];
    // Unreachable store first: the startup hook keeps retrying (bounded backoff) and logs why.
    const down = createBundleRuntime({
      uri,
      s3: { ...s3.s3Options, endpoint: 'http://127.0.0.1:9', retry: { maxAttempts: 1 } },
      cacheDir: join(work, 'cache-down'),
      parts: { catalog: true, contentIndex: true },
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
    const live = openBundleStore(liveUri, { s3: s3.s3Options });
    await publishTestBundle(live, { version: 'v1' });
    const runtime = createBundleRuntime({
      uri: liveUri,
      s3: s3.s3Options,
      cacheDir: join(work, 'cache-c'),
      parts: { catalog: true, contentIndex: true, itemIndex: true },
      build: (bundle) => {
        built.push(bundle.version);
        return { tracks: bundle.store.trackCount };
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
    await writeFile(join(work, 'corrupt.bin'), Buffer.alloc(target.size, 7));
    await live.putFile(`bundles/v3/files/${target.path}`, join(work, 'corrupt.bin'));
    expect(await runtime.watcher.checkNow()).toBe('refused');
    expect(runtime.current()?.bundle.version).toBe('v2');
    expect(runtime.watcher.stats().refusals).toBe(1);
    expect(built).toEqual(['v1', 'v2']);
    await runtime.shutdownHook.run();
  });
});
