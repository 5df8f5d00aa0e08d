import { baseConfigSchema, envBoolean, envInteger, loadConfig } from '@mixtape/service-kit';
import type { EnvSource, LoadConfigOptions } from '@mixtape/service-kit';
import { z } from 'zod';

/**
 * Every environment key the home service reads, with defaults and descriptions (the README
 * config table is generated from it: `pnpm --filter @mixtape/home docs:config`).
 */
export const homeConfigSchema = baseConfigSchema.extend({
  PORT: envInteger({ min: 0, max: 65535 })
    .default(4101)
    .describe('TCP port the home service listens on (0 picks a free port).'),
  MIXTAPE_BUNDLE: z
    .string()
    .trim()
    .regex(/^(s3|file):\/\//, 'expected s3://bucket/prefix or file:///absolute/dir')
    .describe('Where bundles are published (`s3://bucket/prefix` or `file:///dir`); the service serves the version LATEST names.'),
  MIXTAPE_CACHE_DIR: z
    .string()
    .trim()
    .min(1)
    .default('.cache/home')
    .describe('Local directory for downloaded bundle files (kept by checksum, so restarts skip the download).'),
  MIXTAPE_BUNDLE_POLL_MS: envInteger({ min: 0 })
    .default(30_000)
    .describe('How often LATEST is checked for a new bundle once serving (0: never; a new version is loaded beside and swapped in).'),
  MIXTAPE_S3_ENDPOINT: z
    .string()
    .trim()
    .url()
    .optional()
    .describe('S3-compatible endpoint (MinIO, s3rver…); unset for AWS S3.'),
  MIXTAPE_S3_FORCE_PATH_STYLE: envBoolean()
    .default(true)
    .describe('Path-style bucket URLs with MIXTAPE_S3_ENDPOINT (what MinIO and s3rver expect).'),
  AWS_REGION: z.string().trim().min(1).optional().describe('S3 region (default us-east-1 with a custom endpoint).'),
  AWS_ACCESS_KEY_ID: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('Read by the AWS SDK credential chain; when unset with MIXTAPE_S3_ENDPOINT, s3rver\'s default credentials apply.'),
  MIXTAPE_REDIS_URL: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('Redis shared by the replicas (`redis://[:password@]host:port[/db]`): shelf feedback and recent live events; unset: kept in process (one replica). Logged with the password masked.'),
  HOME_MAX_ITEMS: envInteger({ min: 1, max: 100 })
    .default(50)
    .describe('Largest `limit` (items per shelf) a request may ask for.'),
});

export type HomeConfig = z.output<typeof homeConfigSchema>;

/**
 * Parse the environment; on any problem print them all and exit 1.
 * This is the only place in the app that reads `process.env`.
 */
export function loadHomeConfig(env: EnvSource = process.env, options: LoadConfigOptions = {}): HomeConfig {
  return loadConfig(homeConfigSchema, env, { service: 'home', ...options });
}

/** S3 client options from the config (same mapping as the CLI's s3-env). */
export function s3OptionsFromConfig(config: HomeConfig) {
  if (!config.MIXTAPE_S3_ENDPOINT) return config.AWS_REGION ? { region: config.AWS_REGION } : {};
  return {
    endpoint: config.MIXTAPE_S3_ENDPOINT,
    forcePathStyle: config.MIXTAPE_S3_FORCE_PATH_STYLE,
    region: config.AWS_REGION ?? 'us-east-1',
    ...(config.AWS_ACCESS_KEY_ID ? {} : { credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }),
  };
}
