// S3 settings for the CLI from the standard environment (command files pass process.env in).
import type { OpenStoreOptions } from '@mixtape/bundle';
import { awsRegionFromEnv } from '@mixtape/base';
import { s3StoreOptions } from '@mixtape/bundle';

/**
 * MIXTAPE_S3_ENDPOINT (or AWS_ENDPOINT_URL) points at an S3-compatible server (s3rver, MinIO…):
 * path-style URLs and a default region then apply. The region is AWS_REGION, else AWS_DEFAULT_REGION
 * (`awsRegionFromEnv`, the same rule the services' config follows). Credentials come from the AWS SDK's
 * standard chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, instance roles).
 */
export function s3OptionsFromEnv(env: NodeJS.ProcessEnv): NonNullable<OpenStoreOptions['s3']> {
  return s3StoreOptions({
    endpoint: env.MIXTAPE_S3_ENDPOINT ?? env.AWS_ENDPOINT_URL,
    forcePathStyle: env.MIXTAPE_S3_FORCE_PATH_STYLE !== 'false',
    region: awsRegionFromEnv(env),
    hasCredentials: Boolean(env.AWS_ACCESS_KEY_ID),
  });
}
