// Public API of @mixtape/bundle: explicit named re-exports only.
// storage/ moves bytes (stores, manifest, checksums, publish, load, watch) and knows nothing of
// what the files mean; registry/ is the contract (definePart → createPartRegistry → buildBundle /
// openParts); parts/ defines every part a bundle can hold; runtime.ts serves parts in an app.

// registry: the contract every part fulfils
export { definePart } from './registry/define';
export type {
  AnyPart,
  BuildContext,
  BuildSettings,
  BundlePart,
  OpenContext,
  PartDefinition,
  PartFile,
  PartFileDescription,
  PartFileSpec,
  PartOptions,
  PartValue,
  PartValues,
  ProgressLine,
  SmokeContext,
} from './registry/define';
export { createPartRegistry } from './registry/registry';
export type { DependencyKind, PartDescription, PartRegistry } from './registry/registry';
export { buildBundle } from './registry/build';
export type { BuildBundleOptions, BuiltBundle, BuiltPart, StageTiming } from './registry/build';
export { loadParts, openParts } from './registry/open';
export type { LoadPartsOptions, OpenedBundle, OpenPartsOptions } from './registry/open';
export { packTypedArrays, unpackTypedArrays } from './typed-pack';
export type { TypedArrayRecord } from './typed-pack';

// the parts a bundle holds today (other parts are added beside them in src/parts/)
export {
  EMBEDDING_PARTS,
  aggregatesPart,
  checkPipelineOutput,
  contentEncoderPart,
  contentIndexPart,
  contentVectorsPart,
  datasetPart,
  experimentsPart,
  homeCandidatesPart,
  homeRankerPart,
  itemIndexPart,
  itemVectorsPart,
  playlistRewardPart,
  searchIndexPart,
  semanticModelPart,
  sequenceModelPart,
  userVectorsPart,
} from './parts/index';
export type { AggregatesPartValue, PipelineOutputLocation, DatasetPartValue, ExperimentsPartValue, HomeCandidatesPartValue, SequenceModelPartValue } from './parts/index';

// serving
export { startSmokeChecks } from './smoke';
export type { SmokeCheckOptions, SmokeChecks, SmokeResult } from './smoke';
export { createBundleRuntime } from './runtime';
export type { BundleRuntime, BundleRuntimeOptions, BundleRuntimeStatus, RuntimeLogger, RuntimeMetrics, ServingState } from './runtime';
export { bundleSourceOptions, s3StoreOptions } from './s3-settings';
export type { BundleSourceSettings, S3Settings } from './s3-settings';
export { createPipelineS3 } from './pipeline-s3';
export type { PipelineS3Settings } from './pipeline-s3';

// storage
export {
  BundleError,
  BundleExistsError,
  BundleFileMissingError,
  BundleNotFoundError,
  ChecksumMismatchError,
  ManifestInvalidError,
  SizeMismatchError,
  StoreUnreachableError,
} from './storage/errors';
export type { BundleErrorCode } from './storage/errors';
export type { BundleManifest, IndexInfo, KnownBundleRole, ManifestFile } from './storage/manifest';
export { sha256File } from './storage/checksum';
export type { FileDigest } from './storage/checksum';
export type { BundleStore, ByteRange, DownloadOptions, ListResult, ObjectInfo, PutOptions, StoreRequestOptions } from './storage/stores/types';
export { createFileStore } from './storage/stores/file-store';
export type { FileStoreOptions } from './storage/stores/file-store';
export { createS3Store } from './storage/stores/s3-store';
export type { S3StoreOptions } from './storage/stores/s3-store';
export { openBundleStore, parseStoreUri } from './storage/stores/open-store';
export type { OpenStoreOptions, StoreLocation } from './storage/stores/open-store';
export type { RetryPolicy } from './storage/retry';
export type { ProgressCallback, TransferProgress } from './storage/progress';
export { LATEST_KEY, bundleFileKey, manifestKey, readLatest } from './storage/store-layout';
export {
  BundleSignatureError,
  generateSigningKeyPair,
  parsePublicKeys,
  parseSigningKey,
  readTrustedKeys,
  signManifest,
  verifyManifestSignature,
} from './storage/signing';
export type { ManifestSignature } from './storage/signing';
export type { LatestPointer } from './storage/store-layout';
export { publishBundle } from './storage/publish';
export type { PublishFileDescription, PublishFileInput, PublishOptions, PublishResult } from './storage/publish';
export { loadBundle, pruneCache } from './storage/load';
export type { LoadBundleOptions, LoadStats, LoadedBundle, LoadedFile } from './storage/load';
export { applyRetention, listBundles, promoteBundle, rollbackBundle, showBundle } from './storage/bundles';
export type { BundleStatus, BundleSummary, PromoteResult, RetentionOptions, RetentionResult, ShownBundle } from './storage/bundles';
export { watchBundle } from './storage/watch';
export type { ActiveBundle, BundleWatcher, BundleWatcherOptions, BundleWatcherStats, CheckOutcome, RefusalStage, RefusedBundle } from './storage/watch';
