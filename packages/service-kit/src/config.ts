import { readFileSync, writeFileSync } from 'node:fs';
import { awsRegionFromEnv } from '@mixtape/base';
import { z } from 'zod';
import { isSecretKey } from './redact';

/**
 * Environment value parsers. Environment variables are always strings; these turn them into
 * typed values with messages a person can act on ("expected an integer from 0 to 65535").
 * Apps extend `baseConfigSchema` with their own keys built from these and plain zod.
 */
export function envInteger(options: { min?: number; max?: number } = {}) {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
  const range = describeRange(min, max);
  return z
    .string()
    .trim()
    .regex(/^-?\d+$/, `expected an integer${range}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, `expected an integer${range}`)
        .max(max, `expected an integer${range}`),
    );
}

export function envNumber(options: { min?: number; max?: number } = {}) {
  const { min = -Infinity, max = Infinity } = options;
  const range = describeRange(min, max);
  return z
    .string()
    .trim()
    .regex(/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i, `expected a number${range}`)
    .transform(Number)
    .pipe(z.number().min(min, `expected a number${range}`).max(max, `expected a number${range}`));
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

export function envBoolean() {
  return z
    .string()
    .trim()
    .toLowerCase()
    .refine((value) => TRUE_WORDS.has(value) || FALSE_WORDS.has(value), {
      message: 'expected one of true/false, 1/0, yes/no, on/off',
    })
    .transform((value) => TRUE_WORDS.has(value));
}

/** A comma-separated list; items are trimmed and empty items dropped. */
export function envList() {
  return z.string().transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );
}

/** A size such as `100kb`, `1mb` or `512` (bytes), in the form Express body parsers accept. */
export function envByteSize() {
  return z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/, 'expected a size such as 512, 100kb or 1mb');
}

function describeRange(min: number, max: number): string {
  const hasMin = Number.isFinite(min) && min !== Number.MIN_SAFE_INTEGER;
  const hasMax = Number.isFinite(max) && max !== Number.MAX_SAFE_INTEGER;
  if (hasMin && hasMax) return ` from ${min} to ${max}`;
  if (hasMin) return ` >= ${min}`;
  if (hasMax) return ` <= ${max}`;
  return '';
}

/** Express's `trust proxy` setting: false, true, a hop count, or a list of addresses/subnets. */
export type TrustProxySetting = boolean | number | string[];

function envTrustProxy() {
  return z.string().transform((value, context): TrustProxySetting => {
    const trimmed = value.trim().toLowerCase();
    if (FALSE_WORDS.has(trimmed)) return false;
    if (TRUE_WORDS.has(trimmed) && trimmed !== '1') return true;
    if (/^\d+$/.test(trimmed)) return Number(trimmed);
    const list = trimmed
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    if (list.length === 0) {
      context.addIssue({ code: 'custom', message: 'expected false, true, a hop count or a list of subnets' });
      return z.NEVER;
    }
    return list;
  });
}

const AUTH_MODES = ['required', 'off'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Keys every service understands. Apps `.extend()` it with their own keys (and their own PORT default). */
export const baseConfigSchema = z.object({
  PORT: envInteger({ min: 0, max: 65535 })
    .default(3000)
    .describe('TCP port the HTTP server listens on (0 picks a free port).'),
  HOST: z.string().trim().min(1).default('0.0.0.0').describe('Interface the HTTP server binds to.'),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { message: `expected one of ${LOG_LEVELS.join(', ')}` })
    .default('info')
    .describe('Minimum level of the JSON logs written to stdout.'),
  NODE_ENV: z
    .string()
    .trim()
    .optional()
    .describe(
      '`development` lets the service start without API keys (auth off, logged as a warning). Any other value (production, test, unset) requires `MIXTAPE_API_KEYS` unless `MIXTAPE_AUTH=off`.',
    ),
  MIXTAPE_AUTH: z
    .enum(AUTH_MODES, { message: `expected one of ${AUTH_MODES.join(', ')}` })
    .default('required')
    .describe(
      '`required`: outside NODE_ENV=development the service refuses to start without `MIXTAPE_API_KEYS`. `off`: run with every endpoint open, on purpose (a private network, or behind a gateway that authenticates).',
    ),
  MIXTAPE_API_KEYS: envList()
    .pipe(z.array(z.string().min(16, 'each API key must be at least 16 characters')))
    .default([])
    .describe(
      'Comma-separated API keys accepted on writes (events, playlists, feedback) as `Authorization: Bearer <key>` or `X-API-Key`. Required outside NODE_ENV=development unless MIXTAPE_AUTH=off.',
    ),
  MIXTAPE_EXPORT_API_KEYS: envList()
    .pipe(z.array(z.string().min(16, 'each API key must be at least 16 characters')))
    .default([])
    .describe(
      'Comma-separated keys for bulk exports (`GET /v1/preferences/export`), which hold every listener\'s prompts. Set: only these keys may export (and they may not write). Empty: any `MIXTAPE_API_KEYS` key may export.',
    ),
  SHUTDOWN_TIMEOUT_MS: envInteger({ min: 0 })
    .default(10_000)
    .describe('Hard limit for graceful shutdown (drain + hooks); past it the process exits 1.'),
  SHUTDOWN_DRAIN_DELAY_MS: envInteger({ min: 0 })
    .default(0)
    .describe(
      'Wait after turning not-ready and before closing the listener, so a load balancer stops routing here first (5000 on Kubernetes).',
    ),
  REQUEST_TIMEOUT_MS: envInteger({ min: 0 })
    .default(30_000)
    .describe('Time allowed to receive a whole request (Node `server.requestTimeout`); 0 disables.'),
  KEEP_ALIVE_TIMEOUT_MS: envInteger({ min: 0 })
    .default(5_000)
    .describe('Idle keep-alive timeout; set above your load balancer idle timeout (e.g. 61000 behind AWS ALB).'),
  BODY_LIMIT: envByteSize().default('100kb').describe('Largest accepted JSON request body; larger bodies get 413.'),
  CORS_ORIGINS: envList()
    .default([])
    .describe('Comma-separated origins allowed by CORS, or `*`. Empty: CORS off (no CORS headers).'),
  TRUST_PROXY: envTrustProxy()
    .default(false)
    .describe(
      'Express `trust proxy`: false, true, a hop count or subnets. Set it behind a proxy so rate limits see client IPs.',
    ),
  RATE_LIMIT_PER_SECOND: envNumber({ min: 0 })
    .default(20)
    .describe(
      'Sustained requests per second per client IP, for requests without a valid API key (wrong keys count here too). 0: no per-IP limit. Set TRUST_PROXY behind a proxy, or every client shares its IP.',
    ),
  RATE_LIMIT_BURST: envInteger({ min: 1 })
    .default(40)
    .describe('Requests a client IP may make at once before its per-second rate applies (token bucket size).'),
  RATE_LIMIT_KEY_PER_SECOND: envNumber({ min: 0 })
    .default(100)
    .describe('Sustained requests per second per API key. 0: no per-key limit.'),
  RATE_LIMIT_KEY_BURST: envInteger({ min: 1 })
    .default(200)
    .describe('Requests an API key may make at once before its per-second rate applies.'),
  MIXTAPE_REDIS_URL: z
    .string()
    .trim()
    .regex(/^rediss?:\/\//, 'expected redis://[:password@]host:port[/db] or rediss://…')
    .optional()
    .describe(
      'Redis shared by the replicas (`redis://[:password@]host:port[/db]`): rate-limit buckets (and Home\'s listener state). Unset: kept in process (one replica). Logged with the password masked.',
    ),
});

export type BaseConfig = z.output<typeof baseConfigSchema>;

/**
 * Keys every bundle-serving app reads: where the bundle lives and how to reach S3. Extend an
 * app schema with `.extend(bundleConfigShape)`. Credentials come from the AWS SDK's standard
 * chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, instance roles).
 */
export const bundleConfigShape = {
  MIXTAPE_BUNDLE: z
    .string()
    .trim()
    .regex(/^(s3:\/\/[^/]+|file:\/\/\/|\/)/, 'expected s3://bucket/prefix, file:///dir or an absolute path')
    .describe('Where bundles are published (the `mixtape build --out` URI); the service loads the one LATEST names.'),
  MIXTAPE_CACHE_DIR: z.string().trim().min(1).default('.mixtape/cache').describe('Local cache of downloaded bundle files, keyed by checksum.'),
  MIXTAPE_BUNDLE_PUBLIC_KEYS: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe(
      'Ed25519 public keys of the bundle publisher (PEM text, or the path of a PEM file; several for key rotation): a bundle whose manifest is not signed by one of them is refused. Unset: signatures are not checked (logged at startup).',
    ),
  MIXTAPE_BUNDLE_POLL_MS: envInteger({ min: 0 })
    .default(30_000)
    .describe('How often LATEST is polled for a new bundle (0: never; load once at startup).'),
  MIXTAPE_S3_ENDPOINT: z
    .string()
    .trim()
    .url()
    .optional()
    .describe('S3-compatible endpoint (s3rver, MinIO, R2…); unset for AWS S3. Path-style URLs are used with it.'),
  MIXTAPE_S3_FORCE_PATH_STYLE: envBoolean().default(true).describe('Path-style S3 URLs when MIXTAPE_S3_ENDPOINT is set.'),
  AWS_REGION: z.string().trim().min(1).optional().describe('S3 region (default us-east-1 with a custom endpoint; else the AWS chain decides).'),
  AWS_DEFAULT_REGION: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('S3 region when AWS_REGION is unset (the AWS CLI\'s name for it; the mixtape CLI reads both the same way).'),
  AWS_ACCESS_KEY_ID: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe("Read by the AWS SDK credential chain; when unset with MIXTAPE_S3_ENDPOINT, s3rver's default credentials apply."),
} as const;

/** The keys of `bundleConfigShape` as parsed; an app may make `MIXTAPE_BUNDLE` optional. */
export interface BundleConfig {
  MIXTAPE_BUNDLE?: string;
  MIXTAPE_CACHE_DIR: string;
  MIXTAPE_BUNDLE_PUBLIC_KEYS?: string;
  MIXTAPE_BUNDLE_POLL_MS: number;
  MIXTAPE_S3_ENDPOINT?: string;
  MIXTAPE_S3_FORCE_PATH_STYLE: boolean;
  AWS_REGION?: string;
  AWS_DEFAULT_REGION?: string;
  AWS_ACCESS_KEY_ID?: string;
}

/** Where a service's bundle lives and how to reach it, free of env key names (what `@mixtape/bundle`'s bundleSourceOptions takes). */
export interface BundleSettings {
  uri: string;
  cacheDir: string;
  /** PEM text or the path of a PEM file */
  publicKeys?: string;
  pollIntervalMs: number;
  s3: { endpoint?: string; forcePathStyle: boolean; region?: string; hasCredentials: boolean };
}

/** The bundle settings of a config extended with `bundleConfigShape`; undefined when `MIXTAPE_BUNDLE` is unset. */
export function bundleSettings(config: BundleConfig & { MIXTAPE_BUNDLE: string }): BundleSettings;
export function bundleSettings(config: BundleConfig): BundleSettings | undefined;
export function bundleSettings(config: BundleConfig): BundleSettings | undefined {
  if (config.MIXTAPE_BUNDLE === undefined) return undefined;
  // AWS_REGION, else AWS_DEFAULT_REGION: the rule the mixtape CLI follows too (one helper in @mixtape/base).
  const region = awsRegionFromEnv(config);
  return {
    uri: config.MIXTAPE_BUNDLE,
    cacheDir: config.MIXTAPE_CACHE_DIR,
    ...(config.MIXTAPE_BUNDLE_PUBLIC_KEYS !== undefined ? { publicKeys: config.MIXTAPE_BUNDLE_PUBLIC_KEYS } : {}),
    pollIntervalMs: config.MIXTAPE_BUNDLE_POLL_MS,
    s3: {
      ...(config.MIXTAPE_S3_ENDPOINT !== undefined ? { endpoint: config.MIXTAPE_S3_ENDPOINT } : {}),
      forcePathStyle: config.MIXTAPE_S3_FORCE_PATH_STYLE,
      ...(region !== undefined ? { region } : {}),
      hasCredentials: config.AWS_ACCESS_KEY_ID !== undefined,
    },
  };
}

/**
 * Keys every service running experiments reads (`@mixtape/experiments`): where definitions come
 * from and where exposures/events go. Extend an app schema with `.extend(experimentsConfigShape)`.
 */
export const experimentsConfigShape = {
  MIXTAPE_EXPERIMENTS: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe(
      'Experiment definitions: a YAML/JSON file path, `bundle` (the bundle\'s experiments part) or `redis` (the definitions key in MIXTAPE_REDIS_URL, written by `mixtape experiment publish`). Unset: no experiments (responses carry `experiments: []`).',
    ),
  MIXTAPE_EXPERIMENTS_POLL_MS: envInteger({ min: 0 })
    .default(10_000)
    .describe('How often the definitions are re-read (hot reload; an invalid edit is refused and the last good definitions keep serving). 0: read once.'),
  MIXTAPE_EXPERIMENT_LOG_DIR: z
    .string()
    .trim()
    .min(1)
    .default('.mixtape/experiment-log')
    .describe('Exposure and event log as JSON Lines (`exposures-YYYY-MM-DD.jsonl`, `events-…`) when MIXTAPE_REDIS_URL is unset; with Redis the log goes to its streams.'),
} as const;

/**
 * What every bundle-serving Mixtape service declares: the base keys, its `PORT` (with the service's
 * own default), where the bundle is (`bundleConfigShape`) and the experiments keys
 * (`experimentsConfigShape`). Apps `.extend()` it with their own keys.
 */
export function serviceConfigSchema(service: string, defaultPort: number) {
  return baseConfigSchema.extend({
    PORT: envInteger({ min: 0, max: 65535 })
      .default(defaultPort)
      .describe(`TCP port the ${service} service listens on (0 picks a free port).`),
    ...bundleConfigShape,
    ...experimentsConfigShape,
  });
}

/** The experiment settings of a config extended with `experimentsConfigShape` (what `@mixtape/experiments`' serviceExperimentOptions takes). */
export function experimentSettings(config: { MIXTAPE_EXPERIMENTS?: string; MIXTAPE_EXPERIMENTS_POLL_MS: number; MIXTAPE_EXPERIMENT_LOG_DIR: string }): {
  definitions?: string;
  pollIntervalMs: number;
  logDirectory: string;
} {
  return {
    ...(config.MIXTAPE_EXPERIMENTS !== undefined ? { definitions: config.MIXTAPE_EXPERIMENTS } : {}),
    pollIntervalMs: config.MIXTAPE_EXPERIMENTS_POLL_MS,
    logDirectory: config.MIXTAPE_EXPERIMENT_LOG_DIR,
  };
}

/** One problem with the environment, ready to print. */
export interface ConfigProblem {
  key: string;
  message: string;
  /** The offending value, or "(redacted)" for secret-like keys; absent when the key is unset. */
  received?: string;
}

export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[], service?: string) {
    super(formatConfigProblems(problems, service));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export type EnvSource = Readonly<Record<string, string | undefined>>;

/** Parse `env` against `schema`; throws ConfigError listing every problem. Empty values count as unset. */
export function parseConfig<Schema extends z.ZodObject>(
  schema: Schema,
  env: EnvSource,
  service?: string,
): z.output<Schema> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) {
    const problems = isServiceConfig(result.data) ? securityProblems(result.data) : [];
    if (problems.length === 0) return result.data;
    throw new ConfigError(problems, service);
  }
  const problems = result.error.issues.map((issue): ConfigProblem => {
    const topKey = String(issue.path[0] ?? '(root)');
    const raw = input[topKey];
    const [, ...inner] = issue.path;
    // Paths inside a value are list positions (MIXTAPE_API_KEYS item 2); say so in words.
    const where = inner.map((part) => (typeof part === 'number' ? `item ${part + 1}` : String(part))).join(' ');
    const base = issue.code === 'invalid_type' && raw === undefined ? 'is required but not set' : issue.message;
    const message = where ? `${where}: ${base}` : base;
    return {
      key: topKey,
      message,
      ...(raw === undefined ? {} : { received: isSecretKey(topKey) ? '(redacted)' : raw }),
    };
  });
  throw new ConfigError(problems, service);
}

function isServiceConfig(value: unknown): value is BaseConfig {
  return typeof value === 'object' && value !== null && 'MIXTAPE_AUTH' in value && 'MIXTAPE_API_KEYS' in value;
}

/**
 * Secure by default: a service outside development refuses to start open unless told so, and
 * contradictory auth settings are refused rather than guessed.
 */
function securityProblems(config: BaseConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const keys = config.MIXTAPE_API_KEYS.length + config.MIXTAPE_EXPORT_API_KEYS.length;
  if (config.MIXTAPE_AUTH === 'off' && keys > 0) {
    problems.push({
      key: 'MIXTAPE_AUTH',
      message: 'is "off" but API keys are configured; remove the keys to run open, or unset MIXTAPE_AUTH to require them',
      received: 'off',
    });
  }
  if (config.MIXTAPE_AUTH === 'required' && config.MIXTAPE_API_KEYS.length === 0 && !isDevelopment(config)) {
    problems.push({
      key: 'MIXTAPE_API_KEYS',
      message: `is required outside NODE_ENV=development (NODE_ENV is ${config.NODE_ENV ? `"${config.NODE_ENV}"` : 'unset'}): set one or more keys of at least 16 characters (e.g. \`openssl rand -hex 24\`), or set MIXTAPE_AUTH=off to run without auth on purpose`,
    });
  }
  return problems;
}

export function isDevelopment(config: Pick<BaseConfig, 'NODE_ENV'>): boolean {
  return config.NODE_ENV === 'development';
}

/** Whether writes and exports need a key: false when no keys are configured (development, or MIXTAPE_AUTH=off). */
export function isAuthEnabled(config: Pick<BaseConfig, 'MIXTAPE_API_KEYS' | 'MIXTAPE_EXPORT_API_KEYS'>): boolean {
  return config.MIXTAPE_API_KEYS.length + config.MIXTAPE_EXPORT_API_KEYS.length > 0;
}

export function formatConfigProblems(problems: readonly ConfigProblem[], service?: string): string {
  const header = `Invalid configuration${service ? ` for ${service}` : ''}: ${problems.length} problem${
    problems.length === 1 ? '' : 's'
  }`;
  const lines = problems.map(
    (problem) =>
      `  - ${problem.key}: ${problem.message}${problem.received === undefined ? '' : ` (got ${JSON.stringify(problem.received)})`}`,
  );
  return [header, ...lines].join('\n');
}

export interface LoadConfigOptions {
  /** Service name for the message header. */
  service?: string;
  /** Where problems are printed; default stderr. */
  write?: (text: string) => void;
  /** How the process ends; default `process.exit`. Injected by tests. */
  exit?: (code: number) => void;
}

/**
 * Parse the environment; on failure print every problem at once and exit 1.
 * Called only from an app's config.ts (the one file that reads process.env).
 */
export function loadConfig<Schema extends z.ZodObject>(
  schema: Schema,
  env: EnvSource,
  options: LoadConfigOptions = {},
): z.output<Schema> {
  const { write = (text) => process.stderr.write(text), exit = (code) => process.exit(code) } = options;
  try {
    return parseConfig(schema, env, options.service);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    write(`${error.message}\n`);
    exit(1);
    // Only reached when an injected exit returns.
    throw error;
  }
}

/** One documented key, for README config tables. */
export interface ConfigKeyDoc {
  key: string;
  required: boolean;
  /** The default rendered as an env value (lists joined with commas); undefined when none. */
  defaultValue?: string;
  description: string;
}

export function describeConfig(schema: z.ZodObject): ConfigKeyDoc[] {
  return Object.entries(schema.shape).map(([key, field]) => {
    let current = field as z.ZodType;
    let description = current.description;
    let required = true;
    let defaultValue: string | undefined;
    // Unwrap default/optional/pipe layers to find the default and any inner description.
    for (let depth = 0; depth < 10; depth += 1) {
      description ??= current.description;
      if (current instanceof z.ZodDefault) {
        required = false;
        defaultValue = renderEnvValue(current.def.defaultValue);
        current = current.def.innerType as z.ZodType;
      } else if (current instanceof z.ZodOptional) {
        required = false;
        current = current.def.innerType as z.ZodType;
      } else if (current instanceof z.ZodPipe) {
        current = current.def.in as z.ZodType;
      } else break;
    }
    return { key, required, ...(defaultValue === undefined ? {} : { defaultValue }), description: description ?? '' };
  });
}

function renderEnvValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  if (value === null || value === undefined) return '';
  return String(value);
}

/** A markdown table of the schema's keys (Key | Default | Description) for app READMEs. */
/**
 * Rewrites the table between `<!-- config-table:start -->` and `<!-- config-table:end -->` in a
 * README from the schema (each app's `docs:config` script). Returns the number of keys.
 */
export function writeConfigTable(readmePath: string, schema: z.ZodObject): number {
  const START = '<!-- config-table:start -->';
  const END = '<!-- config-table:end -->';
  const readme = readFileSync(readmePath, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`${readmePath} needs the markers ${START} and ${END}`);
  const table = renderConfigTable(schema);
  writeFileSync(readmePath, `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`);
  return table.split('\n').length - 2;
}

export function renderConfigTable(schema: z.ZodObject): string {
  const rows = describeConfig(schema).map((doc) => {
    const fallback = doc.required ? '**required**' : doc.defaultValue === '' ? '(empty)' : `\`${doc.defaultValue}\``;
    return `| \`${doc.key}\` | ${fallback} | ${doc.description.replaceAll('|', '\\|')} |`;
  });
  return ['| Key | Default | Description |', '| --- | --- | --- |', ...rows].join('\n');
}
