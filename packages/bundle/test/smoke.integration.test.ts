// Smoke checks in child processes: a part's check that crashes (SIGSEGV), throws or hangs refuses
// the bundle and this process lives on. First with parts of the test's own, then with real FAISS
// indexes, one of them an HNSW graph corrupted before publishing (checksums and signature match).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BundleError,
  EMBEDDING_PARTS,
  createFileStore,
  contentIndexPart,
  datasetPart,
  itemIndexPart,
  loadBundle,
  publishBundle,
  startSmokeChecks,
  type AnyPart,
  type LoadedBundle,
} from '../src/index';
import { corruptHnswIndex, publishTestBundle } from '../src/testing/index';
import { crashingPart, hangingPart, healthyPart, throwingPart } from './fixtures/smoke-parts';
import { makeTempDir } from './helpers';

// Child processes load tsx and FAISS: slow on a loaded 2-core machine.
const SLOW = 300_000;
const FIXTURES = new URL('./fixtures/smoke-parts.ts', import.meta.url).href;

async function refusal(promise: Promise<unknown>): Promise<BundleError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'the check should have refused the bundle').toBeInstanceOf(BundleError);
  return error as BundleError;
}

describe('smoke checks of parts the test defines', () => {
  let work: { dir: string; cleanup: () => Promise<void> };
  let published: Promise<LoadedBundle> | undefined;
  const load = () => (published ??= publishAndLoad());
  const publishAndLoad = async () => {
    const store = createFileStore({ directory: path.join(work.dir, 'store') });
    const files = [];
    for (const name of ['crashing', 'throwing', 'hanging', 'healthy']) {
      const localPath = path.join(work.dir, `${name}.bin`);
      await writeFile(localPath, `${name} bytes`);
      files.push({ path: `models/${name}.bin`, localPath });
    }
    await publishBundle(store, files, { producer: 'test', version: 'v1' });
    return loadBundle(store, { cacheDir: path.join(work.dir, 'cache') });
  };

  beforeAll(async () => {
    work = await makeTempDir('smoke-parts');
  });
  afterAll(async () => work?.cleanup());

  it('a passing check reports its line; a crash, a throw and a hang each refuse the bundle, naming the part', { timeout: SLOW }, async () => {
    const bundle = await load();
    const healthy = startSmokeChecks(bundle, [healthyPart], { modules: [FIXTURES] });
    expect(healthy.parts).toEqual(['healthyPart']);
    const [result] = await healthy.all;
    expect(result).toMatchObject({ part: 'healthyPart', summary: `${'healthy bytes'.length} of ${'healthy bytes'.length} bytes read` });

    const crashed = await refusal(startSmokeChecks(bundle, [crashingPart], { modules: [FIXTURES] }).all);
    expect(crashed.code).toBe('BUNDLE_SMOKE_FAILED');
    expect(crashed.message).toContain('bundle "v1": part "crashingPart" (models/crashing.bin) refused by its smoke check: crashed the check process (SIGSEGV)');
    expect(crashed.details).toMatchObject({ part: 'crashingPart', signal: 'SIGSEGV' });

    const threw = await refusal(startSmokeChecks(bundle, [throwingPart], { modules: [FIXTURES] }).all);
    expect(threw.message).toContain('part "throwingPart" (models/throwing.bin) refused by its smoke check: failed: unreadable model: 14 bytes');

    const hung = await refusal(startSmokeChecks(bundle, [hangingPart], { modules: [FIXTURES], timeoutMs: 3000 }).all);
    expect(hung.message).toContain('part "hangingPart" (models/hanging.bin) refused by its smoke check: did not finish in 3000 ms (killed)');
  });

  it('checks run side by side; passed() waits for one part, and the first refusal rejects all', { timeout: SLOW }, async () => {
    const bundle = await load();
    const checks = startSmokeChecks(bundle, [healthyPart, crashingPart], { modules: [FIXTURES] });
    expect(checks.parts).toEqual(['healthyPart', 'crashingPart']);
    await expect(checks.passed('healthyPart')).resolves.toBeUndefined();
    await expect(checks.passed('crashingPart')).rejects.toThrow(/SIGSEGV/);
    await expect(checks.all).rejects.toThrow(/crashingPart/);
    // a part without a smoke step passes at once
    await expect(checks.passed('noSuchCheck')).resolves.toBeUndefined();
  });

  it('a part defined outside the package needs its module named, and says so before any bundle is loaded', { timeout: SLOW }, async () => {
    const bundle = await load();
    expect(() => startSmokeChecks(bundle, [healthyPart])).toThrow(/"healthyPart" has a smoke step but is not one of @mixtape\/bundle's parts: pass the module that exports it as smokeModules/);
  });

  it('an absent part is not checked', { timeout: SLOW }, async () => {
    const bundle = await load();
    const otherPart: AnyPart = { ...healthyPart, name: 'elsewhere', files: { data: { path: 'models/elsewhere.bin', role: 'model' } }, optional: true };
    expect(startSmokeChecks(bundle, [otherPart], { modules: [FIXTURES] }).parts).toEqual([]);
  });
});

describe('smoke checks of the FAISS parts', () => {
  let work: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    work = await makeTempDir('smoke-faiss');
  });
  afterAll(async () => work?.cleanup());

  it('a good HNSW bundle passes (both indexes searched); an HNSW graph corrupted before publishing is refused with SIGSEGV', { timeout: SLOW }, async () => {
    const store = createFileStore({ directory: path.join(work.dir, 'store') });
    const hnsw = { itemIndex: { factory: 'HNSW16' }, contentIndex: { factory: 'HNSW16' } };
    await publishTestBundle(store, { version: 'good', options: hnsw });
    const good = await loadBundle(store, { cacheDir: path.join(work.dir, 'cache') });
    const passed = await startSmokeChecks(good, EMBEDDING_PARTS).all;
    expect(passed.map((check) => check.part).sort()).toEqual(['contentIndex', 'itemIndex']);
    for (const check of passed) expect(check.summary).toBe('600 vectors, 36 queries');

    await publishTestBundle(store, { version: 'corrupt', options: hnsw, synthetic: { seed: 8 }, tamper: { 'indexes/items.faiss': corruptHnswIndex } });
    const corrupt = await loadBundle(store, { cacheDir: path.join(work.dir, 'cache') }); // checksums match: it loads
    const checks = startSmokeChecks(corrupt, [datasetPart, itemIndexPart, contentIndexPart]);
    await expect(checks.passed('contentIndex')).resolves.toBeUndefined();
    const error = await refusal(checks.all);
    expect(error.message).toContain('bundle "corrupt": part "itemIndex" (indexes/items.faiss) refused by its smoke check: crashed the check process (SIGSEGV)');
  });
});
