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
    'nor the AWS config profile give a region. Set AWS_REGION (e.g. AWS_REGION=us-east-1; the mixtape CLI and ' +
    'services also read AWS_DEFAULT_REGION), or for an S3-compatible server such as s3rver or MinIO set MIXTAPE_S3_ENDPOINT ' +
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

/**
 * The message for an S3 location whose client finds no credentials. Like the region's, the variable
 * names are the ones the entry points read or the SDK's chain does; `why` is the SDK's own reason.
 */
export function credentialsMissingMessage(uri: string, endpoint: string | undefined, cause: unknown): string {
  const why = cause instanceof Error && cause.message ? ` (${cause.message})` : '';
  return (
    `no S3 credentials for ${uri}${endpoint ? ` at ${endpoint}` : ''}${why}: neither the store options nor the AWS SDK's chain ` +
    'give any. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), or AWS_PROFILE ' +
    'naming a profile in ~/.aws/credentials or ~/.aws/config, or run where an instance or container role provides them'
  );
}

/**
 * Resolves the client's credentials through its provider chain, sending no request to the bucket; a
 * failure becomes a STORE_CREDENTIALS_MISSING error naming `uri`. The SDK would otherwise resolve them
 * at the first request, after whatever long work comes before it.
 */
export async function assertCredentials(client: S3Client, uri: string, endpoint: string | undefined): Promise<void> {
  try {
    await client.config.credentials();
  } catch (error) {
    throw new BundleError('STORE_CREDENTIALS_MISSING', credentialsMissingMessage(uri, endpoint, error), {
      cause: error,
      details: { uri, endpoint: endpoint ?? 'AWS S3' },
    });
  }
}
