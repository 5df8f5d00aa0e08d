import { randomBytes, type KeyObject } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from './checksum';
import { BundleError, BundleFileMissingError, ChecksumMismatchError, SizeMismatchError } from './errors';
import { withSignalScope, throwIfAborted } from './internal/abort';
import { mapWithConcurrency } from './internal/concurrency';
import { ProgressTracker } from './progress';
import type { ProgressCallback } from './progress';
import { bundleFileKey, resolveBundle } from './store-layout';
import { silentLogger, type Logger } from '@mixtape/base';
import type { BundleManifest, ManifestFile } from './manifest';
import type { BundleStore } from './stores/types';

export interface LoadBundleOptions {
  /** Local cache directory; files are stored by checksum (`<cacheDir>/sha256/<hex>`). */
  cacheDir: string;
  /** A specific version; default: the one LATEST names. */
  version?: string;
  /** Only fetch files with these roles (e.g. `['catalog', 'index']`); default: all files. */
  roles?: readonly string[];
  /** Finer selection than `roles`; both must accept a file for it to be fetched. */
  filter?: (file: ManifestFile) => boolean;
  /** Files fetched at once (default 4; big files also fetch ranges in parallel). */
  concurrency?: number;
  /** Re-hash cached files instead of trusting their checksum-named path + size (default false). */
  verifyCached?: boolean;
  /** Ed25519 public keys; when given, the manifest must carry a signature by one of them (checked before any file is fetched). */
  trustedKeys?: readonly KeyObject[];
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: ProgressCallback;
}

export interface LoadedFile extends ManifestFile {
  /** Verified local copy (inside the cache). Treat as read-only: other bundles may share it. */
  localPath: string;
  fromCache: boolean;
}

export interface LoadStats {
  filesDownloaded: number;
  filesFromCache: number;
  bytesDownloaded: number;
  durationMs: number;
}

export interface LoadedBundle {
  version: string;
  manifest: BundleManifest;
  manifestSha256: string;
  /** id of the trusted key that signed the manifest (only when trustedKeys were given) */
  signedBy?: string;
  /** The files that were selected and verified. */
  files: LoadedFile[];
  stats: LoadStats;
  /** A loaded file by bundle path; throws a clear error when it is not in the bundle or was not selected. */
  file(bundlePath: string): LoadedFile;
  filesByRole(role: string): LoadedFile[];
}

export function cachePathFor(cacheDir: string, sha256: string): string {
  return path.join(path.resolve(cacheDir), 'sha256', sha256);
}

async function sizeOf(filePath: string): Promise<number | undefined> {
  try {
    return (await stat(filePath)).size;
  } catch {
    return undefined;
  }
}

/**
 * Loads a bundle: resolves LATEST (or `version`), downloads the selected files in parallel
 * (ranged for big ones) into a checksum-keyed cache, verifies every size and sha256, and
 * returns the manifest with local paths. Files already in the cache are not downloaded again.
 */
export async function loadBundle(store: BundleStore, options: LoadBundleOptions): Promise<LoadedBundle> {
  return withSignalScope(options.signal, (signal) => loadInScope(store, options, signal));
}

async function loadInScope(store: BundleStore, options: LoadBundleOptions, signal: AbortSignal): Promise<LoadedBundle> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const resolved = await resolveBundle(store, { version: options.version, signal, trustedKeys: options.trustedKeys });
  const { manifest, version } = resolved;
  const selected = manifest.files.filter(
    (file) => (options.roles === undefined || options.roles.includes(file.role)) && (options.filter?.(file) ?? true),
  );

  const cacheRoot = path.resolve(options.cacheDir);
  const temporaryDirectory = path.join(cacheRoot, 'tmp');
  await mkdir(path.join(cacheRoot, 'sha256'), { recursive: true });
  await mkdir(temporaryDirectory, { recursive: true });

  // Decide what is cached before downloading so progress totals are honest.
  const cachedChecks = await Promise.all(
    selected.map(async (file) => {
      const cached = cachePathFor(cacheRoot, file.sha256);
      if ((await sizeOf(cached)) !== file.size) return false;
      if (!options.verifyCached) return true;
      const digest = await sha256File(cached, { signal });
      if (digest.sha256 === file.sha256) return true;
      logger.warn({ path: file.path, cached }, 'cached file failed verification; downloading again');
      await rm(cached, { force: true });
      return false;
    }),
  );
  const toDownload = selected.filter((_, index) => !cachedChecks[index]);
  const uniqueDownloads = [...new Map(toDownload.map((file) => [file.sha256, file])).values()];
  const bytesToDownload = uniqueDownloads.reduce((sum, file) => sum + file.size, 0);
  const progress = new ProgressTracker('download', bytesToDownload, uniqueDownloads.length, options.onProgress);
  logger.info(
    { version, files: selected.length, cached: selected.length - toDownload.length, bytesToDownload, store: store.description },
    'loading bundle',
  );

  await mapWithConcurrency(
    uniqueDownloads,
    options.concurrency ?? 4,
    async (file) => {
      throwIfAborted(signal);
      const key = bundleFileKey(version, file.path);
      const temporaryPath = path.join(temporaryDirectory, `${file.sha256}.${randomBytes(6).toString('hex')}`);
      try {
        const digest = await store.downloadFile(key, temporaryPath, { signal, size: file.size, onBytes: (count) => progress.addBytes(count) });
        if (!digest) {
          throw new BundleFileMissingError(`bundle "${version}" lists "${file.path}" but ${store.uriOf(key)} does not exist`, {
            version,
            path: file.path,
            key,
          });
        }
        if (digest.size !== file.size) throw new SizeMismatchError({ path: file.path, key: store.uriOf(key), expected: file.size, actual: digest.size });
        if (digest.sha256 !== file.sha256) {
          throw new ChecksumMismatchError({ path: file.path, key: store.uriOf(key), expected: file.sha256, actual: digest.sha256 });
        }
        // The cache entry appears whole or not at all.
        await rename(temporaryPath, cachePathFor(cacheRoot, file.sha256));
        progress.fileDone();
      } catch (error) {
        await rm(temporaryPath, { force: true });
        if (error instanceof BundleError && error.code === 'BUNDLE_SIZE_MISMATCH' && !(error instanceof SizeMismatchError)) {
          // The store noticed the size difference first; report it like a local check would.
          throw new SizeMismatchError({
            path: file.path,
            key: store.uriOf(key),
            expected: file.size,
            actual: Number((error.details as { actual?: number } | undefined)?.actual ?? Number.NaN),
          });
        }
        throw error;
      }
    },
    signal,
  );

  const downloadedShas = new Set(uniqueDownloads.map((file) => file.sha256));
  const files: LoadedFile[] = selected.map((file) => ({
    ...file,
    localPath: cachePathFor(cacheRoot, file.sha256),
    fromCache: !downloadedShas.has(file.sha256),
  }));
  const stats: LoadStats = {
    filesDownloaded: uniqueDownloads.length,
    filesFromCache: files.filter((file) => file.fromCache).length,
    bytesDownloaded: bytesToDownload,
    durationMs: performance.now() - started,
  };
  logger.info({ version, ...stats, durationMs: Math.round(stats.durationMs) }, 'bundle loaded');
  const byPath = new Map(files.map((file) => [file.path, file]));
  return {
    version,
    manifest,
    manifestSha256: resolved.sha256,
    ...(resolved.signedBy ? { signedBy: resolved.signedBy } : {}),
    files,
    stats,
    file(bundlePath) {
      const found = byPath.get(bundlePath);
      if (found) return found;
      const inManifest = manifest.files.some((file) => file.path === bundlePath);
      throw new BundleError(
        'BUNDLE_FILE_MISSING',
        inManifest
          ? `bundle "${version}" has "${bundlePath}" but it was not selected for loading (check the roles/filter options)`
          : `bundle "${version}" has no file "${bundlePath}"; it has: ${manifest.files.map((file) => file.path).join(', ')}`,
      );
    },
    filesByRole(role) {
      return files.filter((file) => file.role === role);
    },
  };
}

/**
 * Deletes cached files no listed bundle uses. Call it after a swap
 * with the bundles still in use.
 */
export async function pruneCache(cacheDir: string, keep: readonly Pick<LoadedBundle, 'files'>[]): Promise<{ deletedFiles: number; deletedBytes: number }> {
  const cacheRoot = path.resolve(cacheDir);
  const keepShas = new Set(keep.flatMap((bundle) => bundle.files.map((file) => file.sha256)));
  let deletedFiles = 0;
  let deletedBytes = 0;
  let names: string[] = [];
  try {
    names = await readdir(path.join(cacheRoot, 'sha256'));
  } catch {
    return { deletedFiles, deletedBytes };
  }
  for (const name of names) {
    if (keepShas.has(name)) continue;
    const filePath = path.join(cacheRoot, 'sha256', name);
    deletedBytes += (await sizeOf(filePath)) ?? 0;
    await rm(filePath, { force: true });
    deletedFiles += 1;
  }
  return { deletedFiles, deletedBytes };
}
