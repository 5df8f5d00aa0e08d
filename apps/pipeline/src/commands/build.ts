// `mixtape build`: dataset → train → index → publish a bundle (LATEST moves last).
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Command } from 'commander';
import { awsRegionFromEnv } from '@mixtape/base';
import { BundleError, aggregatesPart, applyRetention, buildBundle, checkPipelineOutput, openBundleStore, parseStoreUri, publishBundle, sha256File, type BuildSettings, type PipelineOutputLocation, type StageTiming } from '@mixtape/bundle';
import { readSnapshotMetadata } from '@mixtape/catalog';
import { setFaissThreads } from '@mixtape/embeddings';
import { bundleRegistry } from '../build/parts';
import { s3OptionsFromEnv } from '../s3-env';
import { signingKeyFrom } from './signing-keys';
import { NUMBER_TEXT, integerFlag, numberFlag } from './command-kit';
import { MIXTAPE_VERSION } from '../version';

/** Per-part option overrides, e.g. `{ itemVectors: { dim: 32 }, itemIndex: { factory: 'Flat' } }`. */
export type PartOptionOverrides = Record<string, Record<string, string | number | boolean>>;

export interface BuildCommandOptions {
  data: string;
  out: string;
  version?: string;
  keep?: number;
  /** per-part option overrides (see `mixtape bundle parts`) */
  options?: PartOptionOverrides;
  settings?: Partial<BuildSettings>;
  /** build only these parts (and what they need); default: every registered part */
  parts?: readonly string[];
  /** S3 options (default: from the environment) */
  s3?: ReturnType<typeof s3OptionsFromEnv>;
  /** do not move LATEST (publish only; promote later) */
  noLatest?: boolean;
  /** Ed25519 private key: the manifest is signed (services verify it with the public key) */
  signingKey?: KeyObject;
  progress?: (line: string) => void;
}

export interface BuildOutcome {
  version: string;
  uri: string;
  files: number;
  bytes: number;
  timings: StageTiming[];
}

/** Identifies a dataset snapshot (its metadata lists every file's size and checksum). */
export async function datasetFingerprint(dataDir: string): Promise<string> {
  return (await sha256File(join(dataDir, 'metadata.json'))).sha256;
}

const formatBytes = (bytes: number) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`);

/**
 * Where the aggregates part will read a pipeline output (`--from-pipeline`): its declared options
 * with the build's overrides. An override of the wrong type fails as buildBundle fails it (the CLI's
 * overrides have their options' types already: parsePartOption reads each so).
 */
function pipelineOutputLocation(overrides: PartOptionOverrides[string] = {}): PipelineOutputLocation {
  const options: PartOptionOverrides[string] = { ...aggregatesPart.options, ...overrides };
  const mistyped = (key: string, expected: string) =>
    new BundleError('BUNDLE_INPUT_INVALID', `part "aggregates" option "${key}": expected a ${expected}, got ${JSON.stringify(options[key])}`);
  const text = (key: 'directory' | 's3Endpoint' | 's3Region'): string => {
    const value = options[key];
    if (typeof value !== 'string') throw mistyped(key, 'string');
    return value;
  };
  const flag = (key: 's3ForcePathStyle' | 's3SdkCredentials'): boolean => {
    const value = options[key];
    if (typeof value !== 'boolean') throw mistyped(key, 'boolean');
    return value;
  };
  return { directory: text('directory'), s3Endpoint: text('s3Endpoint'), s3Region: text('s3Region'), s3ForcePathStyle: flag('s3ForcePathStyle'), s3SdkCredentials: flag('s3SdkCredentials') };
}

/** The whole build; used by the CLI command and by `mixtape demo`. */
export async function runBuild(options: BuildCommandOptions): Promise<BuildOutcome> {
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = performance.now();
  // A bad dataset directory fails before anything is trained.
  const metadata = await readSnapshotMetadata(options.data);
  // So does an out that cannot be written (a file: directory) or a store that cannot take a request (an
  // s3:// one without a region): its first write comes only after every part is built, and the failure
  // would throw that work away.
  await checkWritableDirectory(options.out);
  const store = openBundleStore(options.out, { s3: options.s3 ?? s3OptionsFromEnv(process.env) });
  // One try/finally from the open on: a failing ready() or mkdtemp (TMPDIR missing or full) still closes the store.
  let staging: string | undefined;
  try {
    await store.ready();
    // a pipeline output (--from-pipeline) is read by the aggregates part, after the dataset part: check it now
    const pipelineOutput = pipelineOutputLocation(options.options?.aggregates);
    if (pipelineOutput.directory) await checkPipelineOutput(pipelineOutput);
    staging = await mkdtemp(join(tmpdir(), 'mixtape-build-'));
    const settings = { threads: 2, ...options.settings };
    setFaissThreads(settings.threads);
    const built = await buildBundle(bundleRegistry, {
      directory: join(staging, 'bundle'),
      parts: options.parts,
      settings,
      options: { ...options.options, dataset: { directory: options.data } },
      progress,
    });
    const timings = [...built.timings];
    const fingerprint = await datasetFingerprint(options.data);
    const publishStarted = performance.now();
    progress('▶ publish …');
    const published = await publishBundle(store, built.files, {
      producer: `mixtape build ${MIXTAPE_VERSION} (${metadata.source})`,
      version: options.version,
      setLatest: !options.noLatest,
      signingKey: options.signingKey,
      metadata: {
        mixtape: MIXTAPE_VERSION,
        dataset: metadata.source,
        datasetPath: options.data,
        datasetFingerprint: fingerprint,
        tracks: metadata.counts.tracks,
        users: metadata.counts.users,
        build: built.summary(),
      },
      onProgress: throttle((p) => progress(`  ${p.phase} ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)} (${formatBytes(p.bytesPerSecond)}/s)`)),
    });
    const publishSeconds = (performance.now() - publishStarted) / 1000;
    timings.push({ stage: 'publish', seconds: publishSeconds, detail: `${published.version} → ${options.out}`, depth: 0 });
    progress(`✔ publish (${publishSeconds.toFixed(1)} s) ${published.version} → ${options.out}`);
    if (options.keep) await applyRetention(store, { keep: options.keep });
    const bytes = published.manifest.files.reduce((sum, file) => sum + file.size, 0);
    progress(`build done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return { version: published.version, uri: options.out, files: published.manifest.files.length, bytes, timings };
  } finally {
    if (staging) await rm(staging, { recursive: true, force: true });
    await store.close();
  }
}

/**
 * A `file:` out is written only at publish, after every part is built: create its directory and check it
 * is writable now (a read-only mount, a parent that is a regular file). Here and not in the store's
 * ready(), which stays read-only because services open stores on read-only mounts.
 */
async function checkWritableDirectory(out: string): Promise<void> {
  const location = parseStoreUri(out);
  if (location.kind !== 'file') return;
  try {
    await mkdir(location.directory, { recursive: true });
    await access(location.directory, constants.W_OK);
  } catch (error) {
    throw new Error(`cannot write bundles to ${out} (directory ${location.directory}): ${(error as Error).message}; expected a writable directory, or one that can be created`, { cause: error });
  }
}

export function formatBuildSummary(outcome: BuildOutcome): string {
  const lines = [
    `bundle ${outcome.version} published to ${outcome.uri} (${outcome.files} files, ${formatBytes(outcome.bytes)})`,
    '',
    '| stage | seconds | result |',
    '|---|---:|---|',
    ...outcome.timings.map((t) => `| ${t.depth > 0 ? '↳ ' : ''}${t.stage} | ${t.seconds.toFixed(1)} | ${t.detail} |`),
    `| **total** | ${outcome.timings.filter((t) => t.depth === 0).reduce((sum, t) => sum + t.seconds, 0).toFixed(1)} | |`,
  ];
  return lines.join('\n');
}

/** At most one progress line per second (and always the last one of a phase). */
function throttle<T extends { bytesDone: number; bytesTotal: number }>(report: (value: T) => void, everyMs = 1000): (value: T) => void {
  let last = 0;
  return (value) => {
    const now = Date.now();
    if (now - last >= everyMs || value.bytesDone === value.bytesTotal) {
      last = now;
      report(value);
    }
  };
}



/**
 * `--set part.option=value` → overrides; the value is read as the option's type (number,
 * boolean or string) and unknown parts or options fail with the list of known ones.
 */
export function parsePartOption(assignment: string, overrides: PartOptionOverrides = {}): PartOptionOverrides {
  const match = /^([A-Za-z0-9]+)\.([A-Za-z0-9]+)=(.*)$/.exec(assignment);
  if (!match) throw new Error(`--set "${assignment}": expected part.option=value, e.g. itemVectors.dim=32 (see \`mixtape bundle parts\`)`);
  const [, partName, key, raw] = match as unknown as [string, string, string, string];
  const part = bundleRegistry.get(partName);
  const current = part.options[key];
  if (current === undefined) {
    const known = Object.keys(part.options);
    throw new Error(`--set "${assignment}": part "${partName}" has no option "${key}"${known.length ? ` (its options: ${known.join(', ')})` : ' (it takes no options)'}`);
  }
  let value: string | number | boolean = raw;
  if (typeof current === 'number') {
    value = NUMBER_TEXT.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isFinite(value)) throw new Error(`--set "${assignment}": ${partName}.${key} is a number (decimal, e.g. 32 or 0.001), got "${raw}"`);
  } else if (typeof current === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw new Error(`--set "${assignment}": ${partName}.${key} is true or false, got "${raw}"`);
    value = raw === 'true';
  }
  return { ...overrides, [partName]: { ...overrides[partName], [key]: value } };
}

interface BuildFlags {
  data: string;
  out: string;
  version?: string;
  keep?: number;
  latest: boolean;
  dim?: number;
  epochs?: number;
  threads: number;
  factory?: string;
  efSearch?: number;
  set: PartOptionOverrides;
  only?: string[];
  signingKey?: string;
  fromPipeline?: string;
  maxDeadLetterShare?: number;
  json?: boolean;
  quiet?: boolean;
}

/** How the aggregates part reads `--from-pipeline s3://…`: the endpoint settings bundle stores use (credentials stay with the SDK's chain). */
export function aggregatesS3Options(env: NodeJS.ProcessEnv): Record<string, string | boolean> {
  return {
    s3Endpoint: env.MIXTAPE_S3_ENDPOINT ?? env.AWS_ENDPOINT_URL ?? '',
    s3Region: awsRegionFromEnv(env) ?? '',
    s3ForcePathStyle: env.MIXTAPE_S3_FORCE_PATH_STYLE !== 'false',
    s3SdkCredentials: Boolean(env.AWS_ACCESS_KEY_ID),
  };
}

/** The shortcut flags, as part options (`--set` wins over them). */
export function overridesFromFlags(flags: Pick<BuildFlags, 'dim' | 'epochs' | 'factory' | 'efSearch' | 'set' | 'fromPipeline' | 'maxDeadLetterShare'>): PartOptionOverrides {
  const overrides: PartOptionOverrides = {};
  const add = (part: string, key: string, value: string | number | undefined) => {
    if (value !== undefined) overrides[part] = { ...overrides[part], [key]: value };
  };
  add('aggregates', 'directory', flags.fromPipeline === undefined ? undefined : flags.fromPipeline.startsWith('s3://') ? flags.fromPipeline : resolve(flags.fromPipeline));
  add('aggregates', 'maxDeadLetterShare', flags.maxDeadLetterShare);
  add('itemVectors', 'dim', flags.dim);
  add('itemVectors', 'epochs', flags.epochs);
  for (const index of ['itemIndex', 'contentIndex']) {
    add(index, 'factory', flags.factory);
    add(index, 'efSearch', flags.efSearch);
  }
  for (const [part, values] of Object.entries(flags.set)) overrides[part] = { ...overrides[part], ...values };
  return overrides;
}

/**
 * Where `mixtape build` reads its settings and writes its progress (tests pass their own). Not a full
 * isolation: the AWS SDK still reads the region and credential chain from `process.env` and ~/.aws (tests
 * stub those with `@mixtape/bundle/testing`), and the summary goes to `process.stdout` — unlike the commands
 * taking a `CommandIo`, no test runs a build to success through this entry (they call `runBuild`).
 */
export interface BuildCommandIo {
  env: NodeJS.ProcessEnv;
  progress?: (line: string) => void;
}

export function registerBuildCommand(program: Command, io: BuildCommandIo = { env: process.env }): void {
  const option = (part: string, key: string) => bundleRegistry.get(part).options[key] as string | number;
  program
    .command('build')
    .description('train every registered bundle part (see `mixtape bundle parts`) and publish a bundle (LATEST moves last)')
    .requiredOption('--data <dir>', 'dataset directory (from `mixtape data generate|import`)')
    .requiredOption('--out <uri>', 'where to publish: s3://bucket/prefix or file:///dir (S3 endpoint from MIXTAPE_S3_ENDPOINT)')
    .option('--version <version>', 'bundle version (default: UTC time + content hash)')
    .option('--keep <n>', 'retention: keep the newest N bundles', integerFlag('--keep'))
    .option('--no-latest', 'publish without moving LATEST (promote later)')
    .option('--dim <n>', `item vector size (itemVectors.dim, default ${option('itemVectors', 'dim')})`, integerFlag('--dim'))
    .option('--epochs <n>', `item2vec epochs (itemVectors.epochs, default ${option('itemVectors', 'epochs')})`, integerFlag('--epochs'))
    .option('--threads <n>', 'training and FAISS threads', integerFlag('--threads'), 2)
    .option('--factory <factory>', 'FAISS factory for both indexes, or "auto" (Flat < 20k ≤ HNSW32 < 5M ≤ IVF-PQ)')
    .option('--ef-search <n>', `HNSW efSearch stored with both indexes (default ${option('itemIndex', 'efSearch')})`, integerFlag('--ef-search'))
    .option('--set <part.option=value>', 'any part option, repeatable (e.g. --set itemIndex.nprobe=16)', (value: string, previous: PartOptionOverrides) => parsePartOption(value, previous), {})
    .option('--only <parts...>', 'build only these parts and what they need')
    .option('--from-pipeline <dir>', 'continue from a `mixtape pipeline run` output, a directory or s3://bucket/prefix (aggregates.directory): its popularity, neighbour lists, sessions, histories, ranker labels and catalog statistics instead of computing them here')
    .option('--max-dead-letter-share <share>', `refuse to publish when the pipeline's dead letters exceed this share of its input records (aggregates.maxDeadLetterShare, default ${option('aggregates', 'maxDeadLetterShare')})`, numberFlag('--max-dead-letter-share', (n) => n >= 0 && n <= 1, 'a share from 0 to 1'))
    .option('--signing-key <file>', 'Ed25519 private key (PEM) to sign the manifest with (default: MIXTAPE_BUNDLE_SIGNING_KEY; see `mixtape bundle keygen`)')
    .option('--json', 'print the outcome as JSON')
    .option('--quiet', 'no progress lines (errors and the summary still print)')
    .action(async (flags: BuildFlags) => {
      const outcome = await runBuild({
        data: flags.data,
        out: flags.out,
        version: flags.version,
        keep: flags.keep,
        noLatest: !flags.latest,
        // S3 settings from the environment for an s3:// pipeline output (--set still wins)
        options: flags.fromPipeline?.startsWith('s3://') ? { ...overridesFromFlags(flags), aggregates: { ...aggregatesS3Options(io.env), ...overridesFromFlags(flags).aggregates } } : overridesFromFlags(flags),
        settings: { threads: flags.threads },
        parts: flags.only,
        s3: s3OptionsFromEnv(io.env),
        signingKey: await signingKeyFrom(flags.signingKey, io.env),
        // runBuild's default writes to stderr: --quiet passes a sink instead
        progress: flags.quiet ? () => {} : io.progress,
      });
      process.stdout.write(flags.json ? `${JSON.stringify(outcome, null, 2)}\n` : `${formatBuildSummary(outcome)}\n`);
    });
}
