import type { Readable } from 'node:stream';

export interface ObjectInfo {
  /** Key relative to the store's root (its prefix is not included). */
  key: string;
  size: number;
  lastModified: Date | undefined;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive (HTTP Range semantics). */
  end: number;
}

export interface StoreRequestOptions {
  signal?: AbortSignal;
}

export interface PutOptions extends StoreRequestOptions {
  contentType?: string;
  /** Called with byte counts as the upload advances. */
  onBytes?: (count: number) => void;
}

export interface DownloadOptions extends StoreRequestOptions {
  /** Known size (e.g. from the manifest) saves a HEAD request and picks ranged download. */
  size?: number;
  onBytes?: (count: number) => void;
}

/** What a download wrote, hashed on the way (no second read of the file is needed). */
export interface DownloadResult {
  size: number;
  sha256: string;
}

export interface ListResult {
  objects: ObjectInfo[];
  /** With a delimiter: the "directories" directly under the prefix, each ending in the delimiter. */
  prefixes: string[];
}

/**
 * Object storage as bundles need it. Keys are "/"-separated and relative to the store's root
 * (`s3://bucket/prefix` or a local directory). Absence is a return value (`undefined`),
 * never an exception; network trouble is retried inside the store and then thrown.
 */
export interface BundleStore {
  /** Human-readable location, e.g. `s3://bucket/prefix (endpoint http://127.0.0.1:4568)`. */
  readonly description: string;
  /** `s3://bucket/prefix/key` or `file:///dir/key`, for messages. */
  uriOf(key: string): string;
  /**
   * Settles what every request needs without sending one (an s3:// store resolves its region and fails
   * with STORE_REGION_MISSING without one, then, with a client of its own, its credentials: STORE_CREDENTIALS_MISSING;
   * a file store has nothing to settle and stays read-only — a caller that will write checks that itself). Each method does this
   * itself; call it first when long work (a build, hashing gigabytes) comes before the first request,
   * so a bad setting fails before that work instead of after it. With `signal`, an abort (already, or while the
   * SDK resolves region or credentials — a provider chain can wait on a metadata endpoint) rejects at once with an
   * error named `AbortError` that says which location and what it was settling, the signal's reason as its cause.
   */
  ready(options?: StoreRequestOptions): Promise<void>;
  head(key: string, options?: StoreRequestOptions): Promise<ObjectInfo | undefined>;
  /** Whole object (or a byte range of it) in memory: for small objects such as manifests. */
  getBytes(key: string, options?: StoreRequestOptions & { range?: ByteRange }): Promise<Uint8Array | undefined>;
  /** A stream of the object (or a range). The caller must consume or destroy it. */
  getStream(key: string, options?: StoreRequestOptions & { range?: ByteRange }): Promise<Readable | undefined>;
  /**
   * Downloads an object to `destinationPath` (overwriting it), computing its sha256 as it goes.
   * Large objects are fetched as parallel ranged requests written in place. Returns undefined
   * when the object does not exist.
   */
  downloadFile(key: string, destinationPath: string, options?: DownloadOptions): Promise<DownloadResult | undefined>;
  putBytes(key: string, bytes: Uint8Array | string, options?: PutOptions): Promise<void>;
  /** Uploads a local file; large files go up as multipart uploads where the store has them. */
  putFile(key: string, sourcePath: string, options?: PutOptions): Promise<void>;
  /** Every object under `prefix`, or with `delimiter` only the direct children and sub-prefixes. */
  list(prefix: string, options?: StoreRequestOptions & { delimiter?: string }): Promise<ListResult>;
  /** Deletes the keys; missing keys are not an error. */
  delete(keys: readonly string[], options?: StoreRequestOptions): Promise<void>;
  /** Releases sockets etc. */
  close(): Promise<void>;
}
