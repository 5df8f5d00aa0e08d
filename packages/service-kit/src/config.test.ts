import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  baseConfigSchema,
  bundleSettings,
  describeConfig,
  envBoolean,
  envInteger,
  loadConfig,
  parseConfig,
  renderConfigTable,
  serviceConfigSchema,
} from './config';

const appSchema = baseConfigSchema.extend({
  PORT: envInteger({ min: 0, max: 65535 }).default(4101).describe('Port of the test app.'),
  BUNDLE_URL: z.url().describe('Where the bundle is published.'),
  WATCH_BUNDLE: envBoolean().default(true).describe('Poll for new bundles.'),
});

const DEV = { NODE_ENV: 'development' } as const;
const KEY = 'a-key-of-24-characters!!';

describe('secure by default', () => {
  it('refuses to start without API keys outside development, naming the key and the two ways out', () => {
    for (const env of [{}, { NODE_ENV: 'production' }, { NODE_ENV: 'test' }]) {
      let error: unknown;
      try {
        parseConfig(baseConfigSchema, env, 'playlists');
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const { problems, message } = error as ConfigError;
      expect(problems.map((problem) => problem.key)).toEqual(['MIXTAPE_API_KEYS']);
      expect(message).toContain('Invalid configuration for playlists: 1 problem');
      expect(message).toMatch(/MIXTAPE_API_KEYS: is required outside NODE_ENV=development/);
      expect(message).toContain('MIXTAPE_AUTH=off');
    }
  });

  it('starts with keys, in development without them, or with auth turned off on purpose', () => {
    expect(parseConfig(baseConfigSchema, { MIXTAPE_API_KEYS: KEY }).MIXTAPE_API_KEYS).toEqual([KEY]);
    expect(parseConfig(baseConfigSchema, DEV).MIXTAPE_API_KEYS).toEqual([]);
    expect(parseConfig(baseConfigSchema, { NODE_ENV: 'production', MIXTAPE_AUTH: 'off' }).MIXTAPE_AUTH).toBe('off');
  });

  it('refuses contradictions: auth off with keys, and export keys without write keys', () => {
    expect(() => parseConfig(baseConfigSchema, { MIXTAPE_AUTH: 'off', MIXTAPE_API_KEYS: KEY })).toThrowError(
      /MIXTAPE_AUTH: is "off" but API keys are configured/,
    );
    expect(() => parseConfig(baseConfigSchema, { MIXTAPE_EXPORT_API_KEYS: KEY })).toThrowError(/MIXTAPE_API_KEYS: is required/);
    expect(() => parseConfig(baseConfigSchema, { MIXTAPE_AUTH: 'maybe', ...DEV })).toThrowError(/MIXTAPE_AUTH: expected one of required, off/);
  });

  it('checks the Redis URL shape', () => {
    expect(parseConfig(baseConfigSchema, { ...DEV, MIXTAPE_REDIS_URL: 'redis://:pw@cache:6379/0' }).MIXTAPE_REDIS_URL).toBe('redis://:pw@cache:6379/0');
    expect(() => parseConfig(baseConfigSchema, { ...DEV, MIXTAPE_REDIS_URL: 'cache:6379' })).toThrowError(/MIXTAPE_REDIS_URL: expected redis:\/\//);
  });
});

describe('parseConfig', () => {
  it('applies every default of the base schema to a development environment', () => {
    const config = parseConfig(baseConfigSchema, { NODE_ENV: 'development' });
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      MIXTAPE_AUTH: 'required',
      MIXTAPE_API_KEYS: [],
      SHUTDOWN_TIMEOUT_MS: 10_000,
      BODY_LIMIT: '100kb',
      CORS_ORIGINS: [],
      TRUST_PROXY: false,
      // Rate limits are on by default: per client IP and per key.
      RATE_LIMIT_PER_SECOND: 20,
      RATE_LIMIT_BURST: 40,
      RATE_LIMIT_KEY_PER_SECOND: 100,
      RATE_LIMIT_KEY_BURST: 200,
    });
  });

  it('parses typed values from strings and treats empty values as unset', () => {
    const config = parseConfig(appSchema, {
      PORT: ' 8080 ',
      BUNDLE_URL: 'https://example.org/bundles',
      WATCH_BUNDLE: 'no',
      MIXTAPE_API_KEYS: 'aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbb ,',
      CORS_ORIGINS: '',
      TRUST_PROXY: '2',
      RATE_LIMIT_PER_SECOND: '2.5',
    });
    expect(config.PORT).toBe(8080);
    expect(config.WATCH_BUNDLE).toBe(false);
    expect(config.MIXTAPE_API_KEYS).toEqual(['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb']);
    expect(config.CORS_ORIGINS).toEqual([]);
    expect(config.TRUST_PROXY).toBe(2);
    expect(config.RATE_LIMIT_PER_SECOND).toBe(2.5);
  });

  it('reads TRUST_PROXY as a boolean, hop count or subnet list', () => {
    expect(parseConfig(baseConfigSchema, { ...DEV, TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(parseConfig(baseConfigSchema, { ...DEV, TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(parseConfig(baseConfigSchema, { ...DEV, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toEqual([
      'loopback',
      '10.0.0.0/8',
    ]);
  });

  it('reports every problem at once, with the key, what was expected and the value', () => {
    let error: unknown;
    try {
      parseConfig(appSchema, { PORT: 'eighty', LOG_LEVEL: 'loud', WATCH_BUNDLE: 'maybe', SHUTDOWN_TIMEOUT_MS: '-5' }, 'home');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    // One problem per bad key, each printed as "KEY: what is wrong".
    const expected: Record<string, string> = {
      PORT: 'expected an integer from 0 to 65535 (got "eighty")',
      BUNDLE_URL: 'is required but not set',
      LOG_LEVEL: 'expected one of fatal, error, warn, info, debug, trace, silent (got "loud")',
      WATCH_BUNDLE: 'expected one of true/false',
      SHUTDOWN_TIMEOUT_MS: 'expected an integer >= 0 (got "-5")',
    };
    expect(problems.map((problem) => problem.key).sort()).toEqual(Object.keys(expected).sort());
    expect(message).toContain('Invalid configuration for home: 5 problems');
    for (const [key, problem] of Object.entries(expected)) expect(message).toContain(`${key}: ${problem}`);
  });

  it('never prints the value of a secret-like key', () => {
    expect(() => parseConfig(baseConfigSchema, { MIXTAPE_API_KEYS: 'short-secret-1' })).toThrowError(
      /MIXTAPE_API_KEYS: item 1: each API key must be at least 16 characters \(got "\(redacted\)"\)/,
    );
    expect(() => parseConfig(baseConfigSchema, { MIXTAPE_API_KEYS: 'short-secret-1' })).not.toThrowError(
      /short-secret-1/,
    );
  });
});

describe('loadConfig', () => {
  it('prints all problems to the writer and exits 1', () => {
    const written: string[] = [];
    const exits: number[] = [];
    expect(() =>
      loadConfig(
        appSchema,
        { PORT: '99999' },
        { service: 'home', write: (text) => written.push(text), exit: (code) => exits.push(code) },
      ),
    ).toThrow(ConfigError);
    expect(exits).toEqual([1]);
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('2 problems');
    expect(written[0]).toContain('PORT: expected an integer from 0 to 65535 (got "99999")');
    expect(written[0]).toContain('BUNDLE_URL: is required but not set');
  });

  it('returns the config without printing when the environment is valid', () => {
    const written: string[] = [];
    const config = loadConfig(appSchema, { ...DEV, BUNDLE_URL: 'file:///tmp/bundles' }, { write: (text) => written.push(text) });
    expect(config.PORT).toBe(4101);
    expect(written).toEqual([]);
  });
});

describe('describeConfig / renderConfigTable', () => {
  it('documents every base key with a description', () => {
    const docs = describeConfig(baseConfigSchema);
    expect(docs.map((doc) => doc.key)).toEqual(Object.keys(baseConfigSchema.shape));
    for (const doc of docs) expect(doc.description.length, doc.key).toBeGreaterThan(10);
  });

  it('renders defaults, required keys and descriptions as a markdown table', () => {
    const table = renderConfigTable(appSchema);
    expect(table).toContain('| `PORT` | `4101` | Port of the test app. |');
    expect(table).toContain('| `BUNDLE_URL` | **required** | Where the bundle is published. |');
    expect(table).toContain('| `WATCH_BUNDLE` | `true` | Poll for new bundles. |');
    expect(table).toContain('| `MIXTAPE_API_KEYS` | (empty) |');
    expect(table.split('\n')).toHaveLength(2 + Object.keys(appSchema.shape).length);
  });
});

describe('bundleSettings', () => {
  const service = serviceConfigSchema('test', 4000);
  const settings = (env: Record<string, string>) => bundleSettings(parseConfig(service, { NODE_ENV: 'development', MIXTAPE_BUNDLE: 's3://b/p', ...env }));

  it('takes the S3 region from AWS_REGION, else AWS_DEFAULT_REGION, as the mixtape CLI does', () => {
    expect(settings({ AWS_DEFAULT_REGION: 'eu-central-1' }).s3.region).toBe('eu-central-1');
    expect(settings({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-central-1' }).s3.region).toBe('eu-west-1');
    expect(settings({ AWS_REGION: '', AWS_DEFAULT_REGION: 'eu-central-1' }).s3.region).toBe('eu-central-1');
    // Neither: no region key at all, so the AWS SDK's profile chain decides.
    expect('region' in settings({}).s3).toBe(false);
  });
});
