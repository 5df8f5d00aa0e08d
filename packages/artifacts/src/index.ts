// Public API of @mixtape/artifacts: explicit named re-exports only.
export type { Logger } from './logger';
export { silentLogger } from './logger';
export {
  BundleError,
  BundleExistsError,
  BundleFileMissingError,
  BundleNotFoundError,
  ChecksumMismatchError,
  ManifestInvalidError,
  SizeMismatchError,
  StoreUnreachableError,
  isBundleError,
} from './errors';
export type { BundleErrorCode } from './errors';
export {
  BUNDLE_ROLES,
  MANIFEST_SCHEMA_VERSION,
  bundleManifestSchema,
  indexInfoSchema,
  isValidBundleVersion,
  manifestFileSchema,
  parseManifest,
  serializeManifest,
} from './manifest';
export type { BundleManifest, IndexInfo, KnownBundleRole, ManifestFile } from './manifest';
export { sha256Bytes, sha256File } from './checksum';
export type { FileDigest } from './checksum';
export type { BundleStore, ByteRange, DownloadOptions, ListResult, ObjectInfo, PutOptions, StoreRequestOptions } from './stores/types';
export { createFileStore } from './stores/file-store';
export type { FileStoreOptions } from './stores/file-store';
export { createS3Store, describeStoreError } from './stores/s3-store';
export type { S3StoreOptions } from './stores/s3-store';
export { openBundleStore, parseStoreUri } from './stores/open-store';
export type { OpenStoreOptions, StoreLocation } from './stores/open-store';
export { isRetryableError } from './internal/retry';
export type { RetryPolicy } from './internal/retry';
export type { ProgressCallback, TransferProgress } from './internal/progress';
export { LATEST_KEY, bundleFileKey, bundlePrefix, manifestKey, readLatest } from './layout';
export type { LatestPointer } from './layout';
export { collectDirectoryFiles, defaultBundleVersion, inferContentType, inferRole, publishBundle } from './publish';
export type { PublishFileDescription, PublishFileInput, PublishOptions, PublishResult } from './publish';
export { cachePathFor, loadBundle, pruneCache } from './load';
export type { LoadBundleOptions, LoadStats, LoadedBundle, LoadedFile } from './load';
export { applyRetention, listBundles, promoteBundle, rollbackBundle, showBundle } from './bundles';
export type { BundleStatus, BundleSummary, PromoteResult, RetentionOptions, RetentionResult, ShownBundle } from './bundles';
export { watchBundle } from './watch';
export type { ActiveBundle, BundleWatcher, BundleWatcherOptions, BundleWatcherStats, CheckOutcome, RefusedBundle } from './watch';
