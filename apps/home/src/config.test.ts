import { readFileSync } from 'node:fs';
import { bundleSourceOptions } from '@mixtape/bundle';
import { bundleSettings, renderConfigTable } from '@mixtape/service-kit';
import { refusedConfig } from '@mixtape/service-kit/testing';
import { describe, expect, it } from 'vitest';
import { homeConfigSchema, loadHomeConfig } from './config';

const DEV = { NODE_ENV: 'development' };

describe('home config', () => {
  it('defaults to port 4101 and needs a bundle location', () => {
    const config = loadHomeConfig({ ...DEV, MIXTAPE_BUNDLE: 's3://mixtape/bundles' });
    expect(config.PORT).toBe(4101);
    expect(config.MIXTAPE_BUNDLE_POLL_MS).toBe(30_000);
    expect(config.MIXTAPE_S3_FORCE_PATH_STYLE).toBe(true);
  });

  it('maps an S3 endpoint to path-style options with s3rver credentials unless keys are set', () => {
    const local = loadHomeConfig({ ...DEV, MIXTAPE_BUNDLE: 's3://b/p', MIXTAPE_S3_ENDPOINT: 'http://127.0.0.1:4569' });
    expect(bundleSourceOptions(bundleSettings(local)).s3).toEqual({
      endpoint: 'http://127.0.0.1:4569',
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const aws = loadHomeConfig({ ...DEV, MIXTAPE_BUNDLE: 's3://b/p', AWS_REGION: 'eu-west-1' });
    expect(bundleSourceOptions(bundleSettings(aws)).s3).toEqual({ region: 'eu-west-1' });
    // A shell set up for the AWS CLI names the region AWS_DEFAULT_REGION; the service reads it as the mixtape CLI does.
    const awsCli = loadHomeConfig({ ...DEV, MIXTAPE_BUNDLE: 's3://b/p', AWS_DEFAULT_REGION: 'eu-central-1' });
    expect(bundleSourceOptions(bundleSettings(awsCli)).s3).toEqual({ region: 'eu-central-1' });
  });

  it('prints every problem and exits 1 on bad input', () => {
    const { printed, exits } = refusedConfig(loadHomeConfig, { PORT: 'x', BODY_LIMIT: 'huge', MIXTAPE_BUNDLE: 'http://nope' });
    expect(exits).toEqual([1]);
    expect(printed).toContain('Invalid configuration for home: 3 problems');
  });

  it('refuses to start open outside development, naming the key', () => {
    expect(refusedConfig(loadHomeConfig, { MIXTAPE_BUNDLE: 's3://b/p' }).printed).toContain('MIXTAPE_API_KEYS: is required outside NODE_ENV=development');
    expect(loadHomeConfig({ MIXTAPE_BUNDLE: 's3://b/p', MIXTAPE_API_KEYS: 'home-key-0123456789abc' }).MIXTAPE_API_KEYS).toHaveLength(1);
  });

  it('README config table matches the schema (regenerate: pnpm --filter @mixtape/home docs:config)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(renderConfigTable(homeConfigSchema));
  });
});
