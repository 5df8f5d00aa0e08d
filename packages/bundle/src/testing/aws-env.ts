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
