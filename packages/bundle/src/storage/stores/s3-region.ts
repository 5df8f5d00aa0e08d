// The AWS SDK resolves the region lazily, on the first request, from the client's options,
// AWS_REGION or the AWS config profile; when none gives one every request fails with a bare
// "Region is missing" that names neither the location nor the fix. Resolving it once, before
// the first request, lets the error say which s3:// location needed it and how to give one.
import type { S3Client } from '@aws-sdk/client-s3';
import { BundleError } from '../errors';

/**
 * The message for an S3 location without a region. The variable names are the ones this
 * repository's entry points read (service-kit's config.ts and the mixtape CLI's s3-env.ts);
 * the package itself never reads the environment.
 */
export function regionMissingMessage(uri: string, endpoint: string | undefined, cause: unknown): string {
  const why = cause instanceof Error && cause.message && cause.message !== 'Region is missing' ? ` (${cause.message})` : '';
  if (endpoint) {
    return (
      `no S3 region for ${uri} at ${endpoint}${why}: an S3-compatible server still needs one to sign requests — ` +
      'pass `region` (any value, e.g. "us-east-1"; s3StoreOptions does when an endpoint is set) or set AWS_REGION'
    );
  }
  return (
    `no S3 region for ${uri}${why}: no endpoint is set, so this is AWS S3, and neither the store options, AWS_REGION ` +
    'nor the AWS config profile give a region. Set AWS_REGION (e.g. AWS_REGION=us-east-1; the mixtape CLI also reads ' +
    'AWS_DEFAULT_REGION), or for an S3-compatible server such as s3rver or MinIO set MIXTAPE_S3_ENDPOINT ' +
    '(e.g. http://127.0.0.1:4568; the region then defaults to us-east-1)'
  );
}

/** Resolves the client's region once; a failure becomes a STORE_REGION_MISSING error naming `uri`. */
export async function assertRegion(client: S3Client, uri: string, endpoint: string | undefined): Promise<void> {
  let cause: unknown;
  try {
    if (await client.config.region()) return;
  } catch (error) {
    cause = error;
  }
  throw new BundleError('STORE_REGION_MISSING', regionMissingMessage(uri, endpoint, cause), {
    ...(cause === undefined ? {} : { cause }),
    details: { uri, endpoint: endpoint ?? 'AWS S3' },
  });
}
