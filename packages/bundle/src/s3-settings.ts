// Plain S3 settings (from an app's config or the CLI's env) → store options.
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
