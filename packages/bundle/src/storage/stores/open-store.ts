import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BundleError } from '../errors';
import type { Logger } from '@mixtape/base';
import { createFileStore } from './file-store';
import { createS3Store } from './s3-store';
import type { S3StoreOptions } from './s3-store';
import type { BundleStore } from './types';

export type StoreLocation =
  | { kind: 's3'; bucket: string; prefix: string }
  | { kind: 'file'; directory: string };

/**
 * Parses `s3://bucket/prefix`, `file:///abs/dir` or a plain filesystem path (relative paths
 * resolve against the working directory).
 */
export function parseStoreUri(uri: string): StoreLocation {
  const trimmed = uri.trim();
  if (trimmed.startsWith('s3://')) {
    const rest = trimmed.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const prefix = slash === -1 ? '' : rest.slice(slash + 1).replace(/^\/+|\/+$/g, '');
    if (!/^[a-z0-9][a-z0-9.-]{1,62}$/.test(bucket)) {
      throw new BundleError('STORE_URI_INVALID', `invalid bundle URI "${uri}": "${bucket}" is not a valid S3 bucket name (expected s3://bucket/prefix)`);
    }
    return { kind: 's3', bucket, prefix };
  }
  if (trimmed.startsWith('file://')) {
    try {
      return { kind: 'file', directory: fileURLToPath(trimmed) };
    } catch (error) {
      throw new BundleError('STORE_URI_INVALID', `invalid bundle URI "${uri}": ${(error as Error).message} (expected file:///absolute/path)`);
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new BundleError('STORE_URI_INVALID', `unsupported bundle URI "${uri}": expected s3://bucket/prefix, file:///path or a local path`);
  }
  if (trimmed === '') throw new BundleError('STORE_URI_INVALID', 'empty bundle URI: expected s3://bucket/prefix, file:///path or a local path');
  return { kind: 'file', directory: path.resolve(trimmed) };
}

export interface OpenStoreOptions {
  /** S3 settings (endpoint, region, credentials, retries…) used when the URI is s3://. */
  s3?: Omit<S3StoreOptions, 'bucket' | 'prefix' | 'logger'>;
  logger?: Logger;
}

/** Opens the store a URI names: `s3://bucket/prefix` → S3, `file:///dir` or a path → local directory. */
export function openBundleStore(uri: string, options: OpenStoreOptions = {}): BundleStore {
  const location = parseStoreUri(uri);
  if (location.kind === 'file') return createFileStore({ directory: location.directory });
  return createS3Store({ ...options.s3, bucket: location.bucket, prefix: location.prefix, logger: options.logger });
}
