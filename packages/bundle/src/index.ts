// Public API of @mixtape/bundle: explicit named re-exports only.
export { BUNDLE_LAYOUT, ALL_PARTS, pathsForParts } from './layout';
export type { BundleParts } from './layout';
export { writeServingBundle } from './write';
export type { ServingBundleInput } from './write';
export { openServingBundle } from './open';
export type { ServingBundle, OpenServingBundleOptions } from './open';
export { createBundleRuntime } from './runtime';
export type { BundleRuntime, BundleRuntimeOptions, RuntimeLogger, RuntimeMetrics } from './runtime';
export { packTypedArrays, unpackTypedArrays } from './typed-pack';
export type { TypedArrayRecord } from './typed-pack';
export { trainServingParts, DEFAULT_TRAIN_OPTIONS, EVENT_WEIGHTS, eventWeights } from './train';
export type { TrainOptions, TrainResult, StageTiming, ProgressLine } from './train';
export { s3StoreOptions } from './s3-settings';
export type { S3Settings } from './s3-settings';
