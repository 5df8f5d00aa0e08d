import { devNull } from 'node:os';
import { vi } from 'vitest';

/**
 * Takes every place the AWS SDK finds a region away from this process, for a test of what happens
 * without one that must mean the same on a laptop as on CI: AWS_REGION, AWS_DEFAULT_REGION (the
 * CLI reads it), AWS_PROFILE, and both shared files — the config file and the credentials file,
 * whose profile the SDK merges into the config profile, so `region =` in ~/.aws/credentials
 * counts too. Stubbed with vitest's `vi.stubEnv`: undo with `vi.unstubAllEnvs()`.
 */
export function withoutAwsRegion(): void {
  vi.stubEnv('AWS_REGION', undefined);
  vi.stubEnv('AWS_DEFAULT_REGION', undefined);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_CONFIG_FILE', devNull);
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', devNull);
}

/**
 * Takes every source of AWS credentials the SDK's default chain reads away from this process: the
 * key variables, a profile (AWS_PROFILE and both shared files), web identity, the container
 * endpoints and the EC2 instance metadata service (so a test run on an EC2 host with a role means
 * the same as anywhere else). Region sources are left alone. Undo with `vi.unstubAllEnvs()`.
 */
export function withoutAwsCredentials(): void {
  for (const name of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_ROLE_ARN',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  ])
    vi.stubEnv(name, undefined);
  vi.stubEnv('AWS_CONFIG_FILE', devNull);
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', devNull);
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
}
