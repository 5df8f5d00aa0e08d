// Bundle faults against the real home process and s3rver: S3 down at startup, S3 down while
// serving and in the middle of downloading a new version, corrupted and truncated files in a
// new version. The service never serves a bad bundle and never stops serving a good one.
// "S3 down" is a proxy in front of s3rver being taken down, so the test controls the moment.
import { join } from 'node:path';
import { bundleFileKey, LATEST_KEY, openBundleStore, readLatest } from '@mixtape/bundle';
import type { BundleStore } from '@mixtape/bundle';
import { useLocalS3 } from '@mixtape/bundle/testing';
import { publishTestBundle } from '@mixtape/bundle/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServiceProcess } from '../src/index';
import type { ServiceProcess } from '../src/index';
import { startSwitchableProxy, type SwitchableProxy } from './switchable-proxy';

const BUNDLE_URI = 's3://mixtape/faults';

describe('home against a failing S3 and bad bundles', () => {
  const local = useLocalS3('faults');
  let proxy: SwitchableProxy;
  let home: ServiceProcess;
  // Publishing goes straight to s3rver; the service reads through the proxy.
  const store = (): BundleStore => openBundleStore(BUNDLE_URI, { s3: local.s3.s3Options });
  const startS3 = () => proxy.up();
  const stopS3 = () => proxy.down();
  const status = async (path: string) => (await fetch(`${home.url}${path}`)).status;
  const servedVersion = async () => {
    const response = await fetch(`${home.url}/v1/users/user-1/home?limit=3`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { bundleVersion: string }).bundleVersion;
  };
  const refusals = async () => {
    const metrics = await (await fetch(`${home.url}/metrics`)).text();
    return [...metrics.matchAll(/^mixtape_bundle_refusals_total\{[^}]*\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  };

  beforeAll(async () => {
    proxy = await startSwitchableProxy(local.s3.endpoint, await freePort());
    await publishTestBundle(store(), { version: 'faults-v1' });
    // S3 goes away before the service starts.
    await stopS3();
    home = await startServiceProcess('home', {
      MIXTAPE_BUNDLE: BUNDLE_URI,
      MIXTAPE_S3_ENDPOINT: proxy.endpoint,
      MIXTAPE_CACHE_DIR: join(local.dir, 'cache'),
      MIXTAPE_BUNDLE_POLL_MS: '300',
    });
  });
  afterAll(async () => {
    await home?.stop();
    await proxy?.down();
  });

  it('S3 down at startup: live but not ready, retrying; ready once S3 is back', async () => {
    await home.waitForOutput((text) => text.includes('"msg":"no bundle serving yet"'), 60_000, 'a failed first load');
    expect(await status('/livez')).toBe(200);
    expect(await status('/readyz')).toBe(503);
    const early = await fetch(`${home.url}/v1/users/user-1/home`);
    expect(early.status).toBe(503);
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe('NOT_READY');

    await startS3();
    await home.waitUntilReady(90_000);
    expect(await servedVersion()).toBe('faults-v1');
  });

  it('S3 down while serving: the loaded bundle keeps serving, the poll failure is logged', async () => {
    const before = home.output().length;
    await stopS3();
    await home.waitForOutput((text) => text.slice(before).includes('bundle store check failed'), 30_000, 'a failed poll');
    expect(await status('/readyz')).toBe(200);
    expect(await servedVersion()).toBe('faults-v1');
    await startS3();
  });

  // Publishes a version whose file at `path` is replaced by `mutate(bytes)` after publishing
  // (checksums in the manifest are of the good bytes), then points LATEST at it.
  // Each damaged version gets its own dataset seed: the service caches verified files by
  // checksum, so a file identical to one it already holds would never be downloaded.
  const publishDamaged = async (version: string, seed: number, path: string, mutate: (bytes: Uint8Array) => Uint8Array) => {
    const target = store();
    await publishTestBundle(target, { version, setLatest: false, synthetic: { seed } });
    const key = bundleFileKey(version, path);
    const good = await target.getBytes(key);
    expect(good, key).toBeDefined();
    await target.putBytes(key, mutate(good!));
    const manifest = await target.getBytes(`bundles/${version}/manifest.json`);
    const { createHash } = await import('node:crypto');
    await target.putBytes(LATEST_KEY, JSON.stringify({ version, manifestSha256: createHash('sha256').update(manifest!).digest('hex'), updatedAt: new Date().toISOString() }));
    expect((await readLatest(target))?.version).toBe(version);
  };

  it('a corrupted file (same size, flipped bytes) is refused; the old bundle keeps serving', async () => {
    const refusedBefore = await refusals();
    await publishDamaged('faults-v2-corrupt', 11, 'indexes/items.faiss', (bytes) => {
      const copy = bytes.slice();
      for (let i = Math.floor(copy.length / 2); i < Math.min(copy.length, Math.floor(copy.length / 2) + 64); i++) copy[i] = copy[i]! ^ 0xff;
      return copy;
    });
    await home.waitForOutput((text) => /"version":"faults-v2-corrupt".*bundle refused/.test(text), 30_000, 'the corrupted bundle refused');
    expect(await refusals()).toBeGreaterThan(refusedBefore);
    expect(await status('/readyz')).toBe(200);
    expect(await servedVersion()).toBe('faults-v1');
  });

  it('a truncated file is refused; the old bundle keeps serving', async () => {
    await publishDamaged('faults-v3-truncated', 13, 'dataset/catalog.bin', (bytes) => bytes.slice(0, Math.floor(bytes.length / 3)));
    await home.waitForOutput((text) => /"version":"faults-v3-truncated".*bundle refused/.test(text), 30_000, 'the truncated bundle refused');
    expect(await servedVersion()).toBe('faults-v1');
  });

  it('S3 going down in the middle of downloading a new version: the old one keeps serving; the new one loads once S3 is back', async () => {
    const cut = proxy.failOn((method, path) => method === 'GET' && path.includes('/bundles/faults-v4/files/'));
    await publishTestBundle(store(), { version: 'faults-v4', synthetic: { seed: 12 } });
    const cutAt = await cut;
    expect(cutAt).toMatch(/faults-v4\/files\//);
    const before = home.output().length;
    await home.waitForOutput((text) => text.slice(before).includes('bundle store check failed') || /faults-v4.*(refused|failed)/.test(text.slice(before)), 30_000, 'the failed download');
    expect(await status('/readyz')).toBe(200);
    expect(await servedVersion()).toBe('faults-v1');

    await startS3();
    await home.waitForOutput((text) => text.includes('"version":"faults-v4","previous":"faults-v1"'), 60_000, 'the swap to faults-v4');
    expect(await servedVersion()).toBe('faults-v4');
  });
});
