import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BundleError, StoreUnreachableError, createS3Store, loadBundle, publishBundle } from '../src/index';
import type { BundleStore, S3StoreOptions } from '../src/index';
import { startFaultyProxy, useLocalS3, writeBundleDir } from './helpers';
import type { FaultAction } from './helpers';

const MiB = 1024 * 1024;
const local = useLocalS3('faults');

/** An S3 store on the local server reached through a fault-injecting proxy. */
function storeBehind(proxy: { endpoint: string }, prefix: string, options: Omit<S3StoreOptions, 'bucket' | 'prefix' | 'endpoint'>): BundleStore {
  return createS3Store({ ...local.s3.s3Options, endpoint: proxy.endpoint, bucket: 'mixtape', prefix, ...options });
}

describe('S3 store retries through a faulty network (real HTTP)', () => {
  it('retries 503s and connection resets, then succeeds with verified files', async () => {
    const seen: Array<{ method: string; url: string; action: FaultAction }> = [];
    let failedPuts = 0;
    let resetRanges = 0;
    const proxy = await startFaultyProxy(local.s3.endpoint, (request) => {
      let action: FaultAction = 'pass';
      if (request.method === 'PUT' && request.url.includes('partNumber=2') && failedPuts < 2) {
        failedPuts += 1;
        action = 'error-503';
      } else if (request.method === 'GET' && request.range?.startsWith('bytes=5242880-') && resetRanges < 1) {
        resetRanges += 1;
        action = 'reset-mid-body';
      }
      seen.push({ method: request.method, url: request.url, action });
      return action;
    });
    const store = storeBehind(proxy, 'faults', { partSizeBytes: 5 * MiB, multipartThresholdBytes: 5 * MiB, retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 } });
    try {
      const source = path.join(local.dir, 'source');
      await writeBundleDir(source, { seed: 'f', bigFileBytes: 11 * MiB });
      await publishBundle(store, source, { producer: 'test', version: 'v1' });
      expect(seen.filter((entry) => entry.url.includes('partNumber=2')).map((entry) => entry.action)).toEqual(['error-503', 'error-503', 'pass']);

      const loaded = await loadBundle(store, { cacheDir: path.join(local.dir, 'cache') });
      expect(seen.filter((entry) => entry.action === 'reset-mid-body')).toHaveLength(1);
      const index = loaded.file('indexes/items.hnsw');
      expect((await readFile(index.localPath)).equals(await readFile(path.join(source, 'indexes/items.hnsw')))).toBe(true);
    } finally {
      await store.close();
      await proxy.stop();
    }
  });

  it('does not retry 403 and says what failed; gives up on persistent 503 with attempts and endpoint', async () => {
    let mode: FaultAction = 'error-403';
    let requests = 0;
    const proxy = await startFaultyProxy(local.s3.endpoint, () => {
      requests += 1;
      return mode;
    });
    const store = storeBehind(proxy, 'denied', { retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } });
    try {
      const denied = await loadBundle(store, { cacheDir: path.join(local.dir, 'cache-denied') }).catch((error: unknown) => error);
      expect(denied).toBeInstanceOf(BundleError);
      expect((denied as BundleError).code).toBe('STORE_REQUEST_FAILED');
      expect((denied as Error).message).toContain('AccessDenied');
      expect((denied as Error).message).toContain('s3://mixtape/denied/LATEST');
      expect(requests).toBe(1);

      mode = 'error-503';
      requests = 0;
      const unavailable = await loadBundle(store, { cacheDir: path.join(local.dir, 'cache-denied') }).catch((error: unknown) => error);
      expect(unavailable).toBeInstanceOf(StoreUnreachableError);
      expect((unavailable as Error).message).toContain(proxy.endpoint);
      expect((unavailable as Error).message).toContain('after 3 attempts');
      expect(requests).toBe(3);
    } finally {
      await store.close();
      await proxy.stop();
    }
  });

  it('times out a request that never answers, retries it, then reports the timeout', async () => {
    let requests = 0;
    let onRequest = () => {};
    const proxy = await startFaultyProxy(local.s3.endpoint, () => {
      requests += 1;
      onRequest();
      return 'hang';
    });
    const store = storeBehind(proxy, 'hang', { requestTimeoutMs: 200, retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 } });
    try {
      const error = await loadBundle(store, { cacheDir: path.join(local.dir, 'cache-hang') }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreUnreachableError);
      expect((error as Error).message).toMatch(/after 2 attempts: TimeoutError: request attempt timed out after 200 ms/);
      expect(requests).toBe(2);

      // The caller's own abort is not retried and surfaces as the abort.
      requests = 0;
      const controller = new AbortController();
      // Abort once the request is in flight (a fixed delay races the request on a busy machine).
      onRequest = () => setTimeout(() => controller.abort(new Error('shutting down')), 20);
      await expect(loadBundle(store, { cacheDir: path.join(local.dir, 'cache-hang'), signal: controller.signal })).rejects.toThrow('shutting down');
      expect(requests).toBe(1);
    } finally {
      await store.close();
      await proxy.stop();
    }
  });
});
