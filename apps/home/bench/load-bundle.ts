// Opens the bundle LATEST names under a file:// or s3:// location, with Home's parts (bench helpers).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundle, openBundleStore } from '@mixtape/artifacts';
import { openServingBundle, pathsForParts } from '@mixtape/bundle';
import type { ServingBundle } from '@mixtape/bundle';
import { HOME_BUNDLE_PARTS } from '../src/serving';

export async function openHomeBundle(uri: string): Promise<ServingBundle> {
  const work = await mkdtemp(join(tmpdir(), 'home-bench-'));
  const store = openBundleStore(uri, {});
  const wanted = pathsForParts(HOME_BUNDLE_PARTS);
  const loaded = await loadBundle(store, { cacheDir: join(work, 'cache'), filter: (file) => wanted(file.path) });
  return openServingBundle(loaded, { parts: HOME_BUNDLE_PARTS, workDir: join(work, 'views') });
}
