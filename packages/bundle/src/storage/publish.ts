import type { KeyObject } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256Bytes, sha256File } from './checksum';
import { BundleError, BundleExistsError } from './errors';
import { withSignalScope } from './internal/abort';
import { mapWithConcurrency } from './internal/concurrency';
import { ProgressTracker } from './progress';
import type { ProgressCallback } from './progress';
import { serializeSignature, signManifest } from './signing';
import { bundleFileKey, bundlePrefix, manifestKey, signatureKey, writeLatest } from './store-layout';
import { pickDefined, silentLogger, type Logger } from '@mixtape/base';
import { MANIFEST_SCHEMA_VERSION, bundlePathSchema, bundleVersionSchema, parseManifest, serializeManifest } from './manifest';
import type { BundleManifest, IndexInfo, ManifestFile } from './manifest';
import type { BundleStore } from './stores/types';

export interface PublishFileInput {
  /** Path inside the bundle, "/"-separated (e.g. `indexes/items.hnsw`). */
  path: string;
  /** Local file to upload. */
  localPath: string;
  /** What the file is for; inferred from the first path segment when omitted. */
  role?: string;
  contentType?: string;
  /** For vector indexes: dim, metric, factory, count (+ any extra fields). */
  index?: IndexInfo;
  /** The registered part this file belongs to (see definePart). */
  part?: string;
  metadata?: Record<string, unknown>;
}

export type PublishFileDescription = Partial<Pick<PublishFileInput, 'role' | 'contentType' | 'index' | 'part' | 'metadata'>>;

export interface PublishOptions {
  /** Who built the bundle, e.g. `mixtape build 0.1.0 (synthetic)`. */
  producer: string;
  /** Defaults to `<UTC time>-<short content hash>`, e.g. `2026-11-22T00-15-00Z-1a2b3c4d`. */
  version?: string;
  /** Free-form bundle-level metadata (dataset, training params, git sha…). */
  metadata?: Record<string, unknown>;
  /** When publishing a directory: role/contentType/index for a file, by its bundle path. */
  describeFile?: (bundlePath: string) => PublishFileDescription | undefined;
  /** Ed25519 private key: the manifest is signed and services holding the public key verify it. */
  signingKey?: KeyObject;
  /** Move LATEST to the new version (default true). false = upload only, promote later. */
  setLatest?: boolean;
  /** Files uploaded at once (default 3; each big file also uploads parts in parallel). */
  concurrency?: number;
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: ProgressCallback;
  /** Clock, for tests and reproducible versions. */
  now?: () => Date;
}

export interface PublishResult {
  version: string;
  manifest: BundleManifest;
  manifestSha256: string;
  /** URI of the bundle's directory in the store. */
  uri: string;
  latestUpdated: boolean;
  /** id of the key that signed the manifest */
  signedBy?: string;
  bytesUploaded: number;
  durationMs: number;
}

const roleByTopDirectory: Record<string, string> = {
  catalog: 'catalog',
  vectors: 'vectors',
  index: 'index',
  indexes: 'index',
  indices: 'index',
  model: 'model',
  models: 'model',
  metadata: 'metadata',
};

const contentTypeByExtension: Record<string, string> = {
  '.json': 'application/json',
  '.jsonl': 'application/x-ndjson',
  '.ndjson': 'application/x-ndjson',
  '.csv': 'text/csv',
  '.tsv': 'text/tab-separated-values',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.msgpack': 'application/x-msgpack',
  '.gz': 'application/gzip',
};

/** Role from the first directory (`indexes/x` → `index`) or `other`. */
export function inferRole(bundlePath: string): string {
  const [first, ...rest] = bundlePath.split('/');
  if (rest.length > 0 && first !== undefined && roleByTopDirectory[first]) return roleByTopDirectory[first];
  if (/\.(faiss|hnsw|ivf|index)$/.test(bundlePath)) return 'index';
  return 'other';
}

export function inferContentType(bundlePath: string): string {
  return contentTypeByExtension[path.extname(bundlePath).toLowerCase()] ?? 'application/octet-stream';
}

/** Every regular file under `directory`, as bundle paths (sorted, "/"-separated). */
export async function collectDirectoryFiles(directory: string): Promise<PublishFileInput[]> {
  const root = path.resolve(directory);
  const found: PublishFileInput[] = [];
  async function walk(current: string, relative: string): Promise<void> {
    const entries = await readdir(current, { withFileTypes: true });
    for (const entry of entries) {
      const bundlePath = relative ? `${relative}/${entry.name}` : entry.name;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(full, bundlePath);
      else if (entry.isFile()) found.push({ path: bundlePath, localPath: full });
    }
  }
  try {
    await walk(root, '');
  } catch (error) {
    throw new BundleError('BUNDLE_INPUT_INVALID', `cannot read bundle directory ${root}: ${(error as Error).message}`, { cause: error });
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** `2026-11-22T00:15:00.123Z` → `2026-11-22T00-15-00Z`. */
function timestampForVersion(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace(/:/g, '-')}Z`;
}

export function defaultBundleVersion(files: readonly Pick<ManifestFile, 'path' | 'sha256'>[], now: Date): string {
  const contentHash = sha256Bytes(
    [...files]
      .sort((a, b) => (a.path < b.path ? -1 : 1))
      .map((file) => `${file.path}\t${file.sha256}\n`)
      .join(''),
  );
  return `${timestampForVersion(now)}-${contentHash.slice(0, 8)}`;
}

/**
 * Publishes a bundle: hashes every file, refuses an existing version, uploads the files,
 * then the manifest, and moves LATEST last, so a reader that follows LATEST never sees a
 * partial bundle.
 */
export async function publishBundle(
  store: BundleStore,
  source: string | readonly PublishFileInput[],
  options: PublishOptions,
): Promise<PublishResult> {
  return withSignalScope(options.signal, (signal) => publishInScope(store, source, options, signal));
}

async function publishInScope(store: BundleStore, source: string | readonly PublishFileInput[], options: PublishOptions, signal: AbortSignal): Promise<PublishResult> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const now = options.now?.() ?? new Date();
  if (!options.producer) throw new BundleError('BUNDLE_INPUT_INVALID', 'publishBundle: options.producer is required (who built this bundle)');

  const inputs = typeof source === 'string' ? await collectDirectoryFiles(source) : [...source];
  if (inputs.length === 0) {
    throw new BundleError('BUNDLE_INPUT_INVALID', `nothing to publish: ${typeof source === 'string' ? `${source} has no files` : 'the file list is empty'}`);
  }
  const seen = new Set<string>();
  for (const input of inputs) {
    const checked = bundlePathSchema.safeParse(input.path);
    if (!checked.success) {
      throw new BundleError('BUNDLE_INPUT_INVALID', `invalid bundle path "${input.path}" (${input.localPath}): ${checked.error.issues[0]?.message}`);
    }
    if (seen.has(input.path)) throw new BundleError('BUNDLE_INPUT_INVALID', `bundle path "${input.path}" appears twice`);
    seen.add(input.path);
  }

  // A store that cannot take a request (an s3:// one without a region) fails here, before the hashing.
  await store.ready({ signal });

  // 1. Hash everything first: the manifest (and the default version) need the digests.
  const sizes = await Promise.all(
    inputs.map(async (input) => {
      try {
        const info = await stat(input.localPath);
        if (!info.isFile()) throw new Error('not a regular file');
        return info.size;
      } catch (error) {
        throw new BundleError('BUNDLE_INPUT_INVALID', `cannot publish ${input.localPath} (bundle path "${input.path}"): ${(error as Error).message}`, {
          cause: error,
        });
      }
    }),
  );
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
  const hashing = new ProgressTracker('hash', totalBytes, inputs.length, options.onProgress);
  const files: ManifestFile[] = await mapWithConcurrency(
    inputs,
    2,
    async (input) => {
      const digest = await sha256File(input.localPath, { signal, onBytes: (count) => hashing.addBytes(count) });
      hashing.fileDone();
      const described = { ...options.describeFile?.(input.path), ...pickDefined(input, ['role', 'contentType', 'index', 'part', 'metadata']) };
      const file: ManifestFile = {
        path: input.path,
        size: digest.size,
        sha256: digest.sha256,
        role: described.role ?? inferRole(input.path),
        contentType: described.contentType ?? inferContentType(input.path),
      };
      if (described.index) file.index = described.index;
      if (described.part) file.part = described.part;
      if (described.metadata) file.metadata = described.metadata;
      return file;
    },
    signal,
  );

  const version = options.version ?? defaultBundleVersion(files, now);
  const versionCheck = bundleVersionSchema.safeParse(version);
  if (!versionCheck.success) {
    throw new BundleError('BUNDLE_INPUT_INVALID', `invalid bundle version "${version}": ${versionCheck.error.issues[0]?.message}`);
  }
  const manifest = parseManifest(
    {
      schemaVersion: MANIFEST_SCHEMA_VERSION,
      version,
      createdAt: now.toISOString(),
      producer: options.producer,
      files,
      ...(options.metadata ? { metadata: options.metadata } : {}),
    },
    `manifest for ${version}`,
  );

  // 2. Never overwrite: any object under the version's prefix means it exists (or is being written).
  const existing = await store.list(bundlePrefix(version), { signal });
  if (existing.objects.length > 0) {
    throw new BundleExistsError(`bundle version "${version}" already exists at ${store.uriOf(bundlePrefix(version))}; choose another version`, {
      version,
    });
  }

  // 3. Files, each checked by size once uploaded.
  logger.info({ version, files: files.length, bytes: totalBytes, store: store.description }, 'publishing bundle');
  const uploading = new ProgressTracker('upload', totalBytes, files.length, options.onProgress);
  await mapWithConcurrency(
    files,
    options.concurrency ?? 3,
    async (file, index) => {
      const key = bundleFileKey(version, file.path);
      await store.putFile(key, (inputs[index] as PublishFileInput).localPath, {
        signal,
        contentType: file.contentType,
        onBytes: (count) => uploading.addBytes(count),
      });
      const head = await store.head(key, { signal });
      if (head?.size !== file.size) {
        throw new BundleError('STORE_REQUEST_FAILED', `upload of ${store.uriOf(key)} did not stick: expected ${file.size} bytes, store has ${head?.size ?? 'nothing'}`);
      }
      uploading.fileDone();
    },
    signal,
  );

  // 4. Signature, then the manifest after the files, 5. LATEST last.
  const manifestText = serializeManifest(manifest);
  const manifestSha256 = sha256Bytes(manifestText);
  const signature = options.signingKey ? signManifest(Buffer.from(manifestText), options.signingKey) : undefined;
  if (signature) await store.putBytes(signatureKey(version), serializeSignature(signature), { signal, contentType: 'application/json' });
  await store.putBytes(manifestKey(version), manifestText, { signal, contentType: 'application/json' });
  const setLatest = options.setLatest ?? true;
  if (setLatest) await writeLatest(store, { version, manifestSha256 }, { signal, now });
  const durationMs = performance.now() - started;
  logger.info({ version, latestUpdated: setLatest, durationMs: Math.round(durationMs) }, 'bundle published');
  return {
    version,
    manifest,
    manifestSha256,
    uri: store.uriOf(bundlePrefix(version)),
    latestUpdated: setLatest,
    ...(signature ? { signedBy: signature.keyId } : {}),
    bytesUploaded: totalBytes,
    durationMs,
  };
}

