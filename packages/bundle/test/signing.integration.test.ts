// Signed manifests end to end on a file:// store: a service holding the publisher's public key
// loads only bundles that key signed, and refuses a changed manifest before fetching any file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileStore, generateSigningKeyPair, loadBundle, manifestKey, parsePublicKeys, parseSigningKey, publishBundle, watchBundle } from '../src/index';
import type { BundleStore } from '../src/index';
import { makeTempDir, writeBundleDir } from './helpers';
import path from 'node:path';

describe('signed bundles', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: BundleStore;
  const publisher = generateSigningKeyPair();
  const signingKey = parseSigningKey(publisher.privateKeyPem);
  const trustedKeys = parsePublicKeys(publisher.publicKeyPem);

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('signing'));
    store = createFileStore({ directory: path.join(dir, 'store') });
    await writeBundleDir(path.join(dir, 'src-a'), { seed: 'a' });
    await writeBundleDir(path.join(dir, 'src-b'), { seed: 'b' });
  });
  afterAll(() => cleanup());

  it('loads a bundle signed by a trusted key and says which key signed it', async () => {
    const published = await publishBundle(store, path.join(dir, 'src-a'), { producer: 'test', version: 'signed-1', signingKey });
    expect(published.signedBy).toBe(publisher.keyId);
    const loaded = await loadBundle(store, { cacheDir: path.join(dir, 'cache'), trustedKeys });
    expect(loaded.signedBy).toBe(publisher.keyId);
  });

  it('refuses an unsigned bundle, one signed by another key, and a manifest changed after signing', async () => {
    await publishBundle(store, path.join(dir, 'src-b'), { producer: 'test', version: 'unsigned' });
    await expect(loadBundle(store, { cacheDir: path.join(dir, 'cache'), trustedKeys })).rejects.toMatchObject({ code: 'BUNDLE_SIGNATURE_INVALID', message: expect.stringMatching(/"unsigned" .* is not signed/) });

    const stranger = parseSigningKey(generateSigningKeyPair().privateKeyPem);
    await publishBundle(store, path.join(dir, 'src-b'), { producer: 'test', version: 'stranger', signingKey: stranger });
    await expect(loadBundle(store, { cacheDir: path.join(dir, 'cache'), trustedKeys })).rejects.toThrow(/does not verify with the trusted key/);

    // An attacker with write access edits the signed manifest (points a file at other bytes).
    await publishBundle(store, path.join(dir, 'src-b'), { producer: 'test', version: 'tampered', signingKey });
    const original = Buffer.from((await store.getBytes(manifestKey('tampered')))!).toString('utf8');
    await store.putBytes(manifestKey('tampered'), original.replace('"producer": "test"', '"producer": "attacker"'));
    await expect(loadBundle(store, { cacheDir: path.join(dir, 'cache-t'), trustedKeys })).rejects.toThrow(/"tampered".*does not verify/);
    // Asked for by version (a rollback, a fallback), only the signature catches it: LATEST's
    // manifest hash is not involved.
    await expect(loadBundle(store, { cacheDir: path.join(dir, 'cache-t'), version: 'tampered', trustedKeys })).rejects.toThrow(/does not verify/);
    await expect(loadBundle(store, { cacheDir: path.join(dir, 'cache-t'), version: 'tampered' })).resolves.toMatchObject({ version: 'tampered' });
  });

  it('a watcher with keys refuses an unsigned LATEST and keeps serving the signed bundle', async () => {
    await publishBundle(store, path.join(dir, 'src-a'), { producer: 'test', version: 'signed-2', signingKey });
    const refused: string[] = [];
    const watcher = watchBundle(store, {
      cacheDir: path.join(dir, 'cache-w'),
      trustedKeys,
      intervalMs: 60_000,
      load: async (bundle) => bundle.version,
      onRefused: ({ version, stage }) => refused.push(`${version}:${stage}`),
    });
    try {
      expect((await watcher.ready()).version).toBe('signed-2');
      await publishBundle(store, path.join(dir, 'src-b'), { producer: 'test', version: 'unsigned-2' });
      expect(await watcher.checkNow()).toBe('refused');
      expect(watcher.current()?.version).toBe('signed-2');
      expect(refused).toEqual(['unsigned-2:verify']);
    } finally {
      await watcher.stop();
    }
  });
});
