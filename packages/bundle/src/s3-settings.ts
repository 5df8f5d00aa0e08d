// Plain settings (from an app's config or the CLI's env) → store and runtime options.
import type { BundleRuntimeOptions } from './runtime';
import { readTrustedKeys } from './storage/signing';
import type { OpenStoreOptions } from './storage/stores/open-store';

export interface S3Settings {
  /** S3-compatible endpoint; unset means AWS S3 */
  endpoint?: string;
  forcePathStyle?: boolean;
  region?: string;
  /** whether AWS credentials are configured; without them an endpoint gets s3rver's dummy keys */
  hasCredentials?: boolean;
}

export function s3StoreOptions(settings: S3Settings): NonNullable<OpenStoreOptions['s3']> {
  if (!settings.endpoint) return settings.region ? { region: settings.region } : {};
  return {
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle ?? true,
    region: settings.region ?? 'us-east-1',
    // Local S3-compatible servers (s3rver) accept any key; real ones need the AWS chain's.
    ...(settings.hasCredentials ? {} : { credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }),
  };
}

/** Where a service's bundle lives (service-kit's `bundleSettings(config)` gives it from the env). */
export interface BundleSourceSettings {
  /** s3://bucket/prefix or file:///dir */
  uri: string;
  cacheDir: string;
  /** the publisher's public keys: PEM text or the path of a PEM file (unset: signatures not checked) */
  publicKeys?: string;
  pollIntervalMs: number;
  s3: S3Settings;
}

/** The storage half of `createBundleRuntime`'s options; a service adds its parts, build step, logger and metrics. */
export function bundleSourceOptions(settings: BundleSourceSettings): Pick<BundleRuntimeOptions<never, never>, 'uri' | 's3' | 'cacheDir' | 'trustedKeys' | 'pollIntervalMs'> {
  return {
    uri: settings.uri,
    s3: s3StoreOptions(settings.s3),
    cacheDir: settings.cacheDir,
    trustedKeys: readTrustedKeys(settings.publicKeys),
    pollIntervalMs: settings.pollIntervalMs,
  };
}
