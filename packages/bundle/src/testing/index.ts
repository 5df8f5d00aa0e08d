// Test helpers for @mixtape/bundle users, exported as "@mixtape/bundle/testing".
export { startLocalS3 } from './local-s3';
export type { LocalS3, LocalS3Options, LocalS3RequestRecord } from './local-s3';
export { useLocalS3 } from './use-local-s3';
export { withoutAwsCredentials, withoutAwsRegion } from './aws-env';
export { publishTestBundle } from './test-bundle';
export type { TestBundleOptions } from './test-bundle';
export { corruptHnswIndex } from './corrupt-index';
