// Test helpers for @mixtape/artifacts users, exported as "@mixtape/artifacts/testing".
export { startLocalS3 } from './local-s3';
export type { LocalS3, LocalS3Options, LocalS3RequestRecord } from './local-s3';
