// Issue 13's repro through the bundle runtime a service holds: a signed bundle whose HNSW index was
// corrupted before publishing (checksums and signature match) crashes FAISS on its first search.
// The runtime smoke-searches it in a child process, refuses it and keeps serving the old bundle;
// a replica that starts while LATEST names it falls back to the last good version and says why.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeRows, Random, type Logger } from '@mixtape/base';
import {
  EMBEDDING_PARTS,
  createBundleRuntime,
  createFileStore,
  generateSigningKeyPair,
  parsePublicKeys,
  parseSigningKey,
  type BundleStore,
} from '../src/index';
import { corruptHnswIndex, publishTestBundle } from '../src/testing/index';
import { makeTempDir } from './helpers';

// Real training and FAISS in child processes: minutes on a loaded 2-core machine.
const SLOW = 300_000;
const HNSW = { itemIndex: { factory: 'HNSW16' }, contentIndex: { factory: 'HNSW16' } };

function recordingLogger(lines: string[]): Logger {
  const log = (level: string) => (fields: unknown, message?: string) => {
    lines.push(`${level} ${message ?? ''} ${JSON.stringify(fields)}`);
  };
  const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => logger };
  return logger as unknown as Logger;
}

describe('bundle runtime against a bundle that crashes FAISS', () => {
  let work: { dir: string; cleanup: () => Promise<void> };
  let store: BundleStore;
  const keys = generateSigningKeyPair();
  const signingKey = parseSigningKey(keys.privateKeyPem);
  const trustedKeys = parsePublicKeys(keys.publicKeyPem);

  const runtimeFor = (name: string, lines: string[]) =>
    createBundleRuntime({
      uri: path.join(work.dir, 'store'),
      cacheDir: path.join(work.dir, `cache-${name}`),
      trustedKeys,
      parts: EMBEDDING_PARTS,
      pollIntervalMs: 0,
      disposeDelayMs: 0,
      // What a service would do with the index: search it (in this process).
      build: (bundle) => {
        const index = bundle.parts.itemIndex!;
        const random = new Random(7);
        const query = normalizeRows(Float32Array.from({ length: index.dim }, () => random.gaussian()), index.dim);
        return { search: () => index.search(query, 5).ids.length, version: bundle.version };
      },
      logger: recordingLogger(lines),
    });

  /** A runtime on the store, started (serving the good bundle) for `run` and shut down after it. */
  const withStartedRuntime = async (name: string, run: (runtime: ReturnType<typeof runtimeFor>, lines: string[]) => Promise<void>) => {
    const lines: string[] = [];
    const runtime = runtimeFor(name, lines);
    try {
      await runtime.startupHook.run(AbortSignal.timeout(300_000));
      expect(runtime.current()?.state.version).toBe('2026-01-01-good');
      await run(runtime, lines);
    } finally {
      await runtime.shutdownHook.run();
    }
  };

  beforeAll(async () => {
    work = await makeTempDir('runtime-safety');
    store = createFileStore({ directory: path.join(work.dir, 'store') });
    await publishTestBundle(store, { version: '2026-01-01-good', options: HNSW, signingKey });
  }, SLOW);
  afterAll(async () => work?.cleanup());

  it('refuses the corrupted bundle before the swap (smoke stage) and keeps serving the good one', { timeout: SLOW }, async () => {
    await withStartedRuntime('swap', async (runtime) => {
      await publishTestBundle(store, { version: '2026-01-02-corrupt', options: HNSW, synthetic: { seed: 8 }, signingKey, tamper: { 'indexes/items.faiss': corruptHnswIndex } });
      expect(await runtime.watcher.checkNow()).toBe('refused');
      expect(runtime.current()?.state.version).toBe('2026-01-01-good');
      expect(runtime.current()?.state.search()).toBe(5); // this process still searches
      const status = runtime.status();
      expect(status.version).toBe('2026-01-01-good');
      expect(status.fallback).toBeUndefined();
      expect(status.lastRefused).toMatchObject({ version: '2026-01-02-corrupt', stage: 'smoke' });
      expect(status.lastRefused?.reason).toContain('part "itemIndex" (indexes/items.faiss) refused by its smoke check: crashed the check process (SIGSEGV)');
      // The same LATEST is not tried again on every poll.
      expect(await runtime.watcher.checkNow()).toBe('skipped-refused');
    });
  });

  it('a replica starting while LATEST is the corrupted bundle serves the last good one, says why, and moves on when LATEST is fixed', { timeout: SLOW }, async () => {
    await withStartedRuntime('startup', async (runtime, lines) => {
      expect(runtime.current()?.state.search()).toBe(5);
      const status = runtime.status();
      expect(status.fallback).toMatchObject({ latest: '2026-01-02-corrupt' });
      expect(status.fallback?.reason).toMatch(/itemIndex.*SIGSEGV/);
      expect(lines.some((line) => line.includes('serving fallback bundle 2026-01-01-good because LATEST 2026-01-02-corrupt was refused'))).toBe(true);

      await publishTestBundle(store, { version: '2026-01-03-fixed', options: HNSW, synthetic: { seed: 9 }, signingKey });
      expect(await runtime.watcher.checkNow()).toBe('swapped');
      expect(runtime.current()?.state.version).toBe('2026-01-03-fixed');
      expect(runtime.status().fallback).toBeUndefined();
    });
  });

  it('with fallback off, a replica starting on a refused LATEST stays unready', { timeout: SLOW }, async () => {
    const store2 = createFileStore({ directory: path.join(work.dir, 'store2') });
    await publishTestBundle(store2, { version: '2026-02-01-good', options: HNSW });
    await publishTestBundle(store2, { version: '2026-02-02-corrupt', options: HNSW, synthetic: { seed: 8 }, tamper: { 'indexes/items.faiss': corruptHnswIndex } });
    const runtime = createBundleRuntime({
      uri: path.join(work.dir, 'store2'),
      cacheDir: path.join(work.dir, 'cache-nofallback'),
      parts: EMBEDDING_PARTS,
      pollIntervalMs: 0,
      fallback: false,
      build: (bundle) => bundle.version,
      logger: recordingLogger([]),
    });
    const controller = new AbortController();
    try {
      const started = runtime.startupHook.run(controller.signal).then(
        () => 'ready',
        () => 'aborted',
      );
      // The first attempt is refused; the hook then waits to retry.
      await expect.poll(() => runtime.status().lastRefused?.stage, { timeout: 120_000, interval: 200 }).toBe('smoke');
      expect(runtime.current()).toBeUndefined();
      controller.abort();
      expect(await started).toBe('aborted');
    } finally {
      await runtime.shutdownHook.run();
    }
  });
});
