import { BundleError, BundleFileMissingError, BundleNotFoundError, SizeMismatchError } from './errors';
import { mapWithConcurrency } from './internal/concurrency';
import { BUNDLES_PREFIX, bundleFileKey, bundlePrefix, fetchManifest, manifestKey, readLatest, resolveBundle, writeLatest } from './store-layout';
import type { LatestPointer } from './store-layout';
import { silentLogger, type Logger } from '@mixtape/base';
import { isValidBundleVersion } from './manifest';
import type { BundleManifest } from './manifest';
import type { BundleStore, ObjectInfo } from './stores/types';

export type BundleStatus = 'complete' | 'incomplete' | 'invalid';

export interface BundleSummary {
  version: string;
  /** complete: valid manifest; incomplete: files but no manifest (publish running or crashed); invalid: bad manifest. */
  status: BundleStatus;
  isLatest: boolean;
  createdAt: string | undefined;
  producer: string | undefined;
  fileCount: number;
  totalBytes: number;
  /** Why the bundle is incomplete or invalid. */
  problem: string | undefined;
  /** Newest object time (only for bundles without a usable manifest). */
  lastModified: Date | undefined;
}

interface RequestOptions {
  signal?: AbortSignal;
}

/** Orders newest first: createdAt, then version (default versions start with a UTC timestamp). */
function newestFirst(a: BundleSummary, b: BundleSummary): number {
  const aTime = a.createdAt ?? a.lastModified?.toISOString() ?? '';
  const bTime = b.createdAt ?? b.lastModified?.toISOString() ?? '';
  if (aTime !== bTime) return aTime < bTime ? 1 : -1;
  return a.version < b.version ? 1 : a.version > b.version ? -1 : 0;
}

/** Every bundle version in the store, newest first, with LATEST marked. */
export async function listBundles(store: BundleStore, options: RequestOptions = {}): Promise<BundleSummary[]> {
  // One flat listing grouped by version: delimiter listings are unreliable on some
  // S3-compatible servers for keys nested deeper than one level (s3rver misses them).
  const [listing, latest] = await Promise.all([
    store.list(BUNDLES_PREFIX, { signal: options.signal }),
    readLatest(store, options).catch(() => undefined),
  ]);
  const objectsByVersion = new Map<string, ObjectInfo[]>();
  for (const object of listing.objects) {
    const version = object.key.slice(BUNDLES_PREFIX.length).split('/')[0];
    if (!version || object.key === `${BUNDLES_PREFIX}${version}`) continue;
    const group = objectsByVersion.get(version) ?? [];
    group.push(object);
    objectsByVersion.set(version, group);
  }
  const summaries = await mapWithConcurrency(
    [...objectsByVersion.keys()],
    8,
    async (version): Promise<BundleSummary> => {
      const base = { version, isLatest: latest?.version === version };
      const objects = objectsByVersion.get(version) ?? [];
      const hasManifest = objects.some((object) => object.key === manifestKey(version));
      if (hasManifest && isValidBundleVersion(version)) {
        try {
          const stored = await fetchManifest(store, version, options);
          if (stored) {
            const { manifest } = stored;
            return {
              ...base,
              status: 'complete',
              createdAt: manifest.createdAt,
              producer: manifest.producer,
              fileCount: manifest.files.length,
              totalBytes: manifest.files.reduce((sum, file) => sum + file.size, 0),
              problem: undefined,
              lastModified: undefined,
            };
          }
        } catch (error) {
          if (!(error instanceof BundleError) || error.code !== 'BUNDLE_MANIFEST_INVALID') throw error;
          return { ...describeObjects(objects), ...base, status: 'invalid', problem: error.message };
        }
      }
      return {
        ...describeObjects(objects),
        ...base,
        status: isValidBundleVersion(version) ? 'incomplete' : 'invalid',
        problem: isValidBundleVersion(version) ? 'no manifest.json (publish in progress or interrupted)' : 'not a valid version name',
      };
    },
    options.signal,
  );
  return summaries.sort(newestFirst);
}

function describeObjects(objects: readonly ObjectInfo[]) {
  const newest = objects.reduce<Date | undefined>(
    (latest, object) => (object.lastModified && (!latest || object.lastModified > latest) ? object.lastModified : latest),
    undefined,
  );
  return {
    createdAt: undefined,
    producer: undefined,
    fileCount: objects.length,
    totalBytes: objects.reduce((sum, object) => sum + object.size, 0),
    lastModified: newest,
  };
}

export interface ShownBundle {
  version: string;
  manifest: BundleManifest;
  manifestSha256: string;
  isLatest: boolean;
  latest: LatestPointer | undefined;
  uri: string;
}

/** One bundle's manifest (default: LATEST's). */
export async function showBundle(store: BundleStore, options: RequestOptions & { version?: string } = {}): Promise<ShownBundle> {
  const resolved = await resolveBundle(store, options);
  return {
    version: resolved.version,
    manifest: resolved.manifest,
    manifestSha256: resolved.sha256,
    isLatest: resolved.latest?.version === resolved.version,
    latest: resolved.latest,
    uri: store.uriOf(bundlePrefix(resolved.version)),
  };
}

export interface PromoteResult {
  version: string;
  previousVersion: string | undefined;
}

/**
 * Points LATEST at an existing version after checking it is valid: its manifest parses and
 * every file it lists exists with the recorded size (sha256 is verified by loaders).
 */
export async function promoteBundle(
  store: BundleStore,
  version: string,
  options: RequestOptions & { logger?: Logger } = {},
): Promise<PromoteResult> {
  const logger = options.logger ?? silentLogger;
  const stored = await fetchManifest(store, version, options);
  if (!stored) {
    throw new BundleNotFoundError(`cannot promote "${version}": ${store.uriOf(manifestKey(version))} does not exist`, { version });
  }
  await mapWithConcurrency(
    stored.manifest.files,
    8,
    async (file) => {
      const key = bundleFileKey(version, file.path);
      const head = await store.head(key, options);
      if (!head) throw new BundleFileMissingError(`cannot promote "${version}": ${store.uriOf(key)} (${file.path}) does not exist`, { version, path: file.path });
      if (head.size !== file.size) throw new SizeMismatchError({ path: file.path, key: store.uriOf(key), expected: file.size, actual: head.size });
    },
    options.signal,
  );
  const previous = await readLatest(store, options).catch(() => undefined);
  await writeLatest(store, { version, manifestSha256: stored.sha256 }, options);
  logger.info({ version, previousVersion: previous?.version }, 'LATEST moved');
  return { version, previousVersion: previous?.version };
}

/**
 * Moves LATEST back: to `version` when given, otherwise to the newest complete bundle
 * created before the one LATEST names now.
 */
export async function rollbackBundle(
  store: BundleStore,
  options: RequestOptions & { version?: string; logger?: Logger } = {},
): Promise<PromoteResult> {
  if (options.version) return promoteBundle(store, options.version, options);
  const bundles = await listBundles(store, options);
  const currentIndex = bundles.findIndex((bundle) => bundle.isLatest);
  if (currentIndex === -1) throw new BundleNotFoundError(`cannot roll back at ${store.description}: LATEST names no existing bundle; promote a version instead`);
  const target = bundles.slice(currentIndex + 1).find((bundle) => bundle.status === 'complete');
  if (!target) {
    throw new BundleNotFoundError(`cannot roll back at ${store.description}: no complete bundle older than "${bundles[currentIndex]?.version}"`);
  }
  return promoteBundle(store, target.version, options);
}

export interface RetentionOptions extends RequestOptions {
  /** How many complete bundles to keep, newest first (>= 1). LATEST's bundle is always kept too. */
  keep: number;
  /** Bundles without a usable manifest are deleted only when untouched this long (default 24 h), so a running publish is safe. */
  incompleteGraceMs?: number;
  /** Report what would be deleted without deleting. */
  dryRun?: boolean;
  now?: () => Date;
  logger?: Logger;
}

export interface RetentionResult {
  kept: string[];
  deleted: string[];
}

/** Keeps the newest `keep` complete bundles plus LATEST's, and deletes the rest (manifest first). */
export async function applyRetention(store: BundleStore, options: RetentionOptions): Promise<RetentionResult> {
  if (!Number.isInteger(options.keep) || options.keep < 1) {
    throw new BundleError('BUNDLE_INPUT_INVALID', `retention keep must be an integer >= 1, got ${options.keep}`);
  }
  const logger = options.logger ?? silentLogger;
  const now = (options.now?.() ?? new Date()).getTime();
  const graceMs = options.incompleteGraceMs ?? 24 * 60 * 60 * 1000;
  const bundles = await listBundles(store, options);
  const latest = await readLatest(store, options);
  const kept: string[] = [];
  const deleted: string[] = [];
  let completeSeen = 0;
  for (const bundle of bundles) {
    let keep: boolean;
    if (bundle.version === latest?.version) keep = true;
    else if (bundle.status === 'complete') keep = completeSeen < options.keep;
    else keep = bundle.lastModified !== undefined && now - bundle.lastModified.getTime() < graceMs;
    if (bundle.status === 'complete') completeSeen += 1;
    (keep ? kept : deleted).push(bundle.version);
  }
  if (!options.dryRun) {
    for (const version of deleted) {
      // Manifest first: from then on the version reads as "not found", never as "file missing".
      await store.delete([manifestKey(version)], options);
      const { objects } = await store.list(bundlePrefix(version), options);
      await store.delete(
        objects.map((object) => object.key),
        options,
      );
      logger.info({ version }, 'bundle deleted by retention');
    }
  }
  return { kept, deleted };
}
