import { sleep } from './internal/abort';
import { BundleError, BundleNotFoundError, ManifestInvalidError } from './errors';
import { isValidBundleVersion, parseManifest } from './manifest';
import type { BundleManifest } from './manifest';
import type { KeyObject } from 'node:crypto';
import { sha256Bytes } from './checksum';
import { verifyManifestSignature } from './signing';
import type { BundleStore } from './stores/types';

/**
 * Store layout (all keys relative to the store root):
 *   LATEST                                  pointer: {"version", "manifestSha256", "updatedAt"}
 *   bundles/<version>/manifest.json         written after every file
 *   bundles/<version>/files/<path>          the bundle's files
 */
export const LATEST_KEY = 'LATEST';
export const BUNDLES_PREFIX = 'bundles/';

export function bundlePrefix(version: string): string {
  return `${BUNDLES_PREFIX}${version}/`;
}

export function manifestKey(version: string): string {
  return `${bundlePrefix(version)}manifest.json`;
}

/** The manifest's Ed25519 signature, written just before the manifest. */
export function signatureKey(version: string): string {
  return `${bundlePrefix(version)}manifest.sig`;
}

export function bundleFileKey(version: string, path: string): string {
  return `${bundlePrefix(version)}files/${path}`;
}

export interface LatestPointer {
  version: string;
  /** sha256 of the manifest bytes LATEST was moved to; lets readers detect a swapped manifest. */
  manifestSha256: string | undefined;
  updatedAt: string | undefined;
}

function parseLatest(text: string): LatestPointer | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  if (trimmed.startsWith('{')) {
    try {
      const value = JSON.parse(trimmed) as Partial<Record<keyof LatestPointer, unknown>>;
      if (typeof value.version !== 'string' || !isValidBundleVersion(value.version)) return undefined;
      return {
        version: value.version,
        manifestSha256: typeof value.manifestSha256 === 'string' ? value.manifestSha256 : undefined,
        updatedAt: typeof value.updatedAt === 'string' ? value.updatedAt : undefined,
      };
    } catch {
      return undefined;
    }
  }
  // A bare version string also works, so an operator can write LATEST by hand.
  return isValidBundleVersion(trimmed) ? { version: trimmed, manifestSha256: undefined, updatedAt: undefined } : undefined;
}

/**
 * Reads LATEST; undefined when there is none. An empty or unparsable read is retried a few
 * times first: some S3-compatible servers overwrite objects in place, so a reader can catch
 * one mid-write.
 */
export async function readLatest(store: BundleStore, options: { signal?: AbortSignal } = {}): Promise<LatestPointer | undefined> {
  let lastText = '';
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt > 0) await sleep(25 * 2 ** attempt, options.signal);
    const bytes = await store.getBytes(LATEST_KEY, options);
    if (bytes === undefined) return undefined;
    lastText = Buffer.from(bytes).toString('utf8');
    const pointer = parseLatest(lastText);
    if (pointer) return pointer;
  }
  throw new ManifestInvalidError(
    `${store.uriOf(LATEST_KEY)} is not a valid LATEST pointer: expected JSON {"version": …} or a bare version, got ${JSON.stringify(lastText.slice(0, 80))}`,
  );
}

export async function writeLatest(
  store: BundleStore,
  pointer: { version: string; manifestSha256: string },
  options: { signal?: AbortSignal; now?: Date } = {},
): Promise<void> {
  const body = `${JSON.stringify({ ...pointer, updatedAt: (options.now ?? new Date()).toISOString() })}\n`;
  await store.putBytes(LATEST_KEY, body, { signal: options.signal, contentType: 'application/json' });
}

export interface StoredManifest {
  manifest: BundleManifest;
  /** sha256 of the manifest bytes as stored. */
  sha256: string;
  /** id of the trusted key that signed it (when keys were given) */
  signedBy?: string;
}

export interface ManifestReadOptions {
  signal?: AbortSignal;
  /** Ed25519 public keys: when given, a manifest none of them signed is refused before it is parsed */
  trustedKeys?: readonly KeyObject[];
}

/** Fetches and validates one version's manifest; undefined when it does not exist. */
export async function fetchManifest(
  store: BundleStore,
  version: string,
  options: ManifestReadOptions = {},
): Promise<StoredManifest | undefined> {
  if (!isValidBundleVersion(version)) {
    throw new BundleError('BUNDLE_INPUT_INVALID', `invalid bundle version "${version}": expected letters, digits, ".", "_" or "-"`);
  }
  const key = manifestKey(version);
  const bytes = await store.getBytes(key, options);
  if (bytes === undefined) return undefined;
  let signedBy: string | undefined;
  if (options.trustedKeys && options.trustedKeys.length > 0) {
    // Verified on the raw bytes, before parsing: an unsigned manifest is never interpreted.
    const signature = await store.getBytes(signatureKey(version), options);
    signedBy = verifyManifestSignature(bytes, signature, options.trustedKeys, `bundle "${version}" at ${store.description}`);
  }
  const manifest = parseManifest(Buffer.from(bytes).toString('utf8'), store.uriOf(key));
  if (manifest.version !== version) {
    throw new ManifestInvalidError(`${store.uriOf(key)} says version "${manifest.version}" but is stored under "${version}"`);
  }
  return { manifest, sha256: sha256Bytes(bytes), ...(signedBy ? { signedBy } : {}) };
}

/**
 * Resolves which version to use (the given one, or LATEST's) and fetches its manifest.
 * Throws BundleNotFoundError with the exact location when LATEST or the manifest is missing.
 */
export async function resolveBundle(
  store: BundleStore,
  options: ManifestReadOptions & { version?: string } = {},
): Promise<StoredManifest & { version: string; latest: LatestPointer | undefined }> {
  const latest = await readLatest(store, options);
  const version = options.version ?? latest?.version;
  if (version === undefined) {
    throw new BundleNotFoundError(`no bundle published at ${store.description}: ${store.uriOf(LATEST_KEY)} does not exist`, {
      store: store.description,
    });
  }
  const stored = await fetchManifest(store, version, options);
  if (!stored) {
    const how = options.version ? `version "${version}" was requested` : `${store.uriOf(LATEST_KEY)} names version "${version}"`;
    throw new BundleNotFoundError(`${how} but its manifest ${store.uriOf(manifestKey(version))} does not exist`, {
      store: store.description,
      version,
    });
  }
  if (!options.version && latest?.manifestSha256 && latest.manifestSha256 !== stored.sha256) {
    throw new ManifestInvalidError(
      `manifest of "${version}" changed after it was published: LATEST expects sha256 ${latest.manifestSha256}, ${store.uriOf(manifestKey(version))} has ${stored.sha256}`,
    );
  }
  return { ...stored, version, latest };
}
