// Opens the bundle LATEST names under a file:// or s3:// location, with Home's parts (bench helpers).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadParts, openBundleStore } from '@mixtape/bundle';
import { HOME_BUNDLE_PARTS, type HomeBundle } from '../src/serving';

export async function openHomeBundle(uri: string): Promise<HomeBundle> {
  const work = await mkdtemp(join(tmpdir(), 'home-bench-'));
  return loadParts(openBundleStore(uri, {}), HOME_BUNDLE_PARTS, { cacheDir: join(work, 'cache') });
}
