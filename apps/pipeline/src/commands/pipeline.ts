// `mixtape pipeline`: the build's aggregations on Apache Beam (direct | flink | dataflow) or in this
// process, writing the directory `mixtape build --from-pipeline DIR` continues from.
// Progress goes to stderr; `--json` prints the manifest on stdout.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { readSnapshot } from '@mixtape/catalog';
import {
  DEFAULT_AGGREGATION_OPTIONS,
  RUNNERS,
  exportDatasetAsJsonLines,
  isS3Uri,
  readAggregates,
  readDeadLetters,
  runAggregationPipeline,
  runLocalAggregation,
  type AggregatesManifest,
  type AggregationOptions,
  type RunnerName,
  type PipelineS3,
} from '@mixtape/pipelines';
import { createPipelineS3, type PipelineS3Settings } from '@mixtape/bundle';
import { s3OptionsFromEnv } from '../s3-env';
import { integerFlag } from './command-kit';

/** S3 settings for pipeline inputs and outputs: the same environment as bundle stores (MIXTAPE_S3_ENDPOINT, AWS_*). */
export function pipelineS3(env: NodeJS.ProcessEnv): PipelineS3 {
  const options = s3OptionsFromEnv(env);
  const credentials = options.credentials && typeof options.credentials === 'object' ? (options.credentials as PipelineS3Settings['credentials']) : undefined;
  return createPipelineS3({ endpoint: options.endpoint, region: options.region, forcePathStyle: options.forcePathStyle, ...(credentials ? { credentials } : {}) });
}

/** A local path resolved; s3:// left as it is. */
const location = (value: string) => (isS3Uri(value) ? value : resolve(value));

const nonNegativeInteger = (flag: string) => (value: string): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new Error(`${flag} must be a non-negative integer, got "${value}"`);
  return number;
};

const fraction = (flag: string) => (value: string): number => {
  const number = Number(value);
  if (!(number > 0 && number < 1)) throw new Error(`${flag} must be a number between 0 and 1 (exclusive), got "${value}"`);
  return number;
};

/** `--runner-option key=value` (repeatable) → runner options; numbers and booleans are typed. */
export function parseRunnerOption(assignment: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const match = /^([A-Za-z][A-Za-z0-9_]*)=(.*)$/.exec(assignment);
  if (!match) throw new Error(`--runner-option "${assignment}": expected key=value, e.g. flinkMaster=localhost:8081`);
  const [, key, raw] = match as unknown as [string, string, string];
  const value = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  return { ...previous, [key]: value };
}

interface AggregationFlags {
  window?: number;
  topK?: number;
  maxPairTokens?: number;
  sessionGapMinutes?: number;
  holdoutFraction?: number;
  seed?: number;
  json?: boolean;
}

function aggregationOptions(flags: AggregationFlags): Partial<AggregationOptions> {
  return {
    window: flags.window,
    topK: flags.topK,
    maxPairTokensPerUser: flags.maxPairTokens,
    sessionGapMs: flags.sessionGapMinutes === undefined ? undefined : flags.sessionGapMinutes * 60_000,
    holdoutFraction: flags.holdoutFraction,
    holdoutSeed: flags.seed,
  };
}

function withAggregationFlags(command: Command): Command {
  const d = DEFAULT_AGGREGATION_OPTIONS;
  return command
    .option('--window <n>', `co-occurrence window in session positions (default ${d.window})`, integerFlag('--window'))
    .option('--top-k <n>', `neighbours kept per track (default ${d.topK})`, integerFlag('--top-k'))
    .option('--max-pair-tokens <n>', `only a user's most recent N session tokens generate pairs (default ${d.maxPairTokensPerUser})`, integerFlag('--max-pair-tokens'))
    .option('--session-gap-minutes <n>', `a longer gap starts a new session (default ${d.sessionGapMs / 60_000})`, integerFlag('--session-gap-minutes'))
    .option('--holdout-fraction <share>', `the Home ranker's labels: share of each listener's events (or pairs) held out (default ${d.holdoutFraction}, the ranker's)`, fraction('--holdout-fraction'))
    .option('--seed <n>', `seed of the ranker's random split, for logs without time (default ${d.holdoutSeed}; use the build's --seed)`, nonNegativeInteger('--seed'))
    .option('--json', 'print the output manifest as JSON on stdout');
}

/** The run's summary: stage table, output counts, dead letters (first few with file:line). */
export async function formatPipelineSummary(directory: string, manifest: AggregatesManifest, s3?: PipelineS3): Promise<string> {
  const lines = [
    `aggregates (${manifest.producer}) in ${directory}`,
    '',
    '| stage | records | seconds | records/s |',
    '|---|---:|---:|---:|',
    ...manifest.stages.map((s) => `| ${s.name} | ${s.records.toLocaleString('en')} | ${s.seconds.toFixed(2)} | ${Math.round(s.records / Math.max(s.seconds, 1e-6)).toLocaleString('en')} |`),
    '',
    `input: ${manifest.counts.inputEvents.toLocaleString('en')} events, ${manifest.counts.inputCatalogRows.toLocaleString('en')} catalog rows`,
    `output: ${(['item-popularity', 'artist-popularity', 'histories', 'sessions', 'neighbours', 'ranker-labels', 'catalog-stats'] as const).map((name) => `${name} ${(manifest.counts[name] ?? 0).toLocaleString('en')}`).join(', ')}`,
    `dead letters: ${manifest.counts.deadLetters.toLocaleString('en')}`,
    ...(manifest.timestamps ? [`timestamps: ${manifest.timestamps}`] : []),
  ];
  for (const letter of await readDeadLetters(directory, 5, s3)) lines.push(`  ${letter.byte === undefined ? `${letter.file}:${letter.line}` : `${letter.file}@byte ${letter.byte}`}: ${letter.reason}`);
  return lines.join('\n');
}

interface RunFlags extends AggregationFlags {
  runner: RunnerName;
  events?: string[];
  catalog?: string[];
  data?: string;
  out: string;
  runnerOption: Record<string, unknown>;
  chunkMb?: number;
}

/**
 * The pipeline reads JSON Lines only: a CSV named here would become one dead letter per row and an
 * empty output (exit 0). Local files must end .jsonl/.ndjson/.json; folders and s3:// are listed by the reader.
 */
export async function checkJsonLinesInputs(flag: string, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    if (isS3Uri(path) || /\.(jsonl|ndjson|json)$/i.test(path)) continue;
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) continue;
    throw new Error(
      `${flag} ${path}: expected JSON Lines (.jsonl) — the pipeline reads JSON Lines; a CSV log can be imported (mixtape data import --format events --input FOLDER --out DIR) and run with --data DIR`,
    );
  }
}

export function registerPipelineCommand(program: Command): void {
  const pipeline = program.command('pipeline').description('the build\'s aggregations (popularity, histories, sessions, co-occurrence top-K) on Apache Beam or in this process');
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  let access: PipelineS3 | undefined;
  const s3 = () => (access ??= pipelineS3(process.env));
  const print = async (flags: AggregationFlags, out: string, manifest: AggregatesManifest) =>
    process.stdout.write(flags.json ? `${JSON.stringify(manifest, null, 2)}\n` : `${await formatPipelineSummary(out, manifest, s3())}\n`);

  withAggregationFlags(
    pipeline
      .command('run')
      .description('run the aggregation pipeline on Apache Beam; `mixtape build --from-pipeline OUT` continues from its output')
      .addOption(new Option('--runner <runner>', 'Beam runner').choices(RUNNERS).default('direct'))
      .option('--events <paths...>', 'event log files or folders of .jsonl, or s3://bucket/key-or-prefix (user_id, track_id, timestamp, type[, count][, ms_played])')
      .option('--catalog <paths...>', 'catalog files or folders of .jsonl, or s3:// (track_id, artist_id[, duration_ms][, audio features])')
      .option('--data <dir>', 'a dataset snapshot instead (exported to OUT/input/*.jsonl first), or s3://bucket/prefix holding events*.jsonl and catalog*.jsonl (as `pipeline export` writes)')
      .requiredOption('--out <dir>', 'output directory or s3://bucket/prefix (earlier outputs in it are replaced; S3 endpoint from MIXTAPE_S3_ENDPOINT)')
      .option('--runner-option <key=value>', 'runner option, repeatable (flink: flinkMaster, flinkJobServerJar, environmentType; dataflow: project, region, tempLocation, sdkContainerImage)', (value: string, previous: Record<string, unknown>) => parseRunnerOption(value, previous), {})
      .option('--chunk-mb <n>', 'MiB per input chunk (one element of the read step; default 4)', integerFlag('--chunk-mb')),
  ).action(async (flags: RunFlags) => {
    let events = (flags.events ?? []).map(location);
    let catalog = (flags.catalog ?? []).map(location);
    let scratch: string | undefined;
    if (flags.data) {
      if (events.length > 0 || catalog.length > 0) throw new Error('give either --data or --events with --catalog, not both');
      if (isS3Uri(flags.data)) {
        events = [`${flags.data.replace(/\/+$/, '')}/events`];
        catalog = [`${flags.data.replace(/\/+$/, '')}/catalog`];
      } else {
        const snapshot = await readSnapshot(resolve(flags.data));
        const started = performance.now();
        if (isS3Uri(flags.out)) scratch = await mkdtemp(join(tmpdir(), 'mixtape-pipeline-input-'));
        const exported = await exportDatasetAsJsonLines(snapshot.store, snapshot.interactions, scratch ?? join(resolve(flags.out), 'input'));
        progress(`exported ${flags.data} as ${exported.events} and ${exported.catalog} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        events = [exported.events];
        catalog = [exported.catalog];
      }
    }
    if (events.length === 0 || catalog.length === 0) throw new Error('mixtape pipeline run needs --events and --catalog (or --data DIR)');
    await checkJsonLinesInputs('--events', events);
    await checkJsonLinesInputs('--catalog', catalog);
    const manifest = await runAggregationPipeline({
      ...aggregationOptions(flags),
      events,
      catalog,
      s3: s3(),
      out: location(flags.out),
      runner: flags.runner,
      runnerOptions: flags.runnerOption,
      chunkBytes: flags.chunkMb === undefined ? undefined : flags.chunkMb << 20,
      onProgress: progress,
    }).finally(() => (scratch ? rm(scratch, { recursive: true, force: true }) : undefined));
    await print(flags, location(flags.out), manifest);
  });

  withAggregationFlags(
    pipeline
      .command('local')
      .description('the same aggregations in this process (typed arrays), the same output files')
      .requiredOption('--data <dir>', 'dataset directory (from `mixtape data generate|import`)')
      .requiredOption('--out <dir>', 'output directory or s3://bucket/prefix'),
  ).action(async (flags: AggregationFlags & { data: string; out: string }) => {
    const snapshot = await readSnapshot(resolve(flags.data));
    const manifest = await runLocalAggregation(snapshot.store, snapshot.interactions, location(flags.out), { ...aggregationOptions(flags), source: resolve(flags.data), onProgress: progress, s3: s3() });
    await print(flags, location(flags.out), manifest);
  });

  pipeline
    .command('export')
    .description('a dataset snapshot as the pipeline\'s inputs: events.jsonl and catalog.jsonl')
    .requiredOption('--data <dir>', 'dataset directory')
    .requiredOption('--out <dir>', 'where to write events.jsonl and catalog.jsonl (a directory or s3://bucket/prefix)')
    .action(async (flags: { data: string; out: string }) => {
      const snapshot = await readSnapshot(resolve(flags.data));
      if (!isS3Uri(flags.out)) {
        const written = await exportDatasetAsJsonLines(snapshot.store, snapshot.interactions, resolve(flags.out));
        process.stdout.write(`${written.events}\n${written.catalog}\n`);
        return;
      }
      const scratch = await mkdtemp(join(tmpdir(), 'mixtape-export-'));
      try {
        const written = await exportDatasetAsJsonLines(snapshot.store, snapshot.interactions, scratch);
        for (const file of [written.events, written.catalog]) {
          const uri = `${flags.out.replace(/\/+$/, '')}/${file.slice(scratch.length + 1)}`;
          await s3().put(uri, await readFile(file));
          process.stdout.write(`${uri}\n`);
        }
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    });

  pipeline
    .command('compare')
    .description('check that two aggregation outputs are equal (e.g. Beam vs single process); exit 1 and name the first difference if not')
    .argument('<a>', 'output directory')
    .argument('<b>', 'output directory')
    .requiredOption('--data <dir>', 'the dataset both were computed from')
    .action(async (a: string, b: string, flags: { data: string }) => {
      const snapshot = await readSnapshot(resolve(flags.data));
      const context = { store: snapshot.store, log: snapshot.interactions, s3: s3() };
      const [left, right] = await Promise.all([readAggregates(location(a), context), readAggregates(location(b), context)]);
      const differences = compareAggregates(left, right);
      if (differences.length > 0) {
        process.stdout.write(`${differences.join('\n')}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`equal: popularity, neighbour lists (${left.neighbours.items.length.toLocaleString('en')} entries), sessions (${(left.sessions.offsets.length - 1).toLocaleString('en')}), histories, ranker labels and catalog statistics — ${left.manifest.producer} vs ${right.manifest.producer}\n`);
    });
}

type ArrayLikeNumbers = ArrayLike<number>;

/** Every array that differs, with its first differing position. */
export function compareAggregates(left: Awaited<ReturnType<typeof readAggregates>>, right: Awaited<ReturnType<typeof readAggregates>>): string[] {
  const pairs: [string, ArrayLikeNumbers, ArrayLikeNumbers][] = [
    ['itemPlays', left.itemPlays, right.itemPlays],
    ['itemSkips', left.itemSkips, right.itemSkips],
    ['itemListeners', left.itemListeners, right.itemListeners],
    ['artistPlays', left.artistPlays, right.artistPlays],
    ['artistListeners', left.artistListeners, right.artistListeners],
    ['neighbours.offsets', left.neighbours.offsets, right.neighbours.offsets],
    ['neighbours.items', left.neighbours.items, right.neighbours.items],
    ['neighbours.counts', left.neighbours.counts, right.neighbours.counts],
    ['sessions.offsets', left.sessions.offsets, right.sessions.offsets],
    ['sessions.items', left.sessions.items, right.sessions.items],
    ['sessions.sequenceUser', left.sessions.sequenceUser, right.sessions.sequenceUser],
    ...(['user', 'track', 'timestamp', 'type'] as const).map((name): [string, ArrayLikeNumbers, ArrayLikeNumbers] => [`histories.${name}`, left.historyLog.columns[name], right.historyLog.columns[name]]),
    ...(['temporal', 'random'] as const).flatMap((kind) =>
      (['past', 'offsets', 'tracks', 'flags', 'listen'] as const).map((name): [string, ArrayLikeNumbers, ArrayLikeNumbers] => [`rankerLabels.${kind}.${name}`, left.rankerLabels[kind][name], right.rankerLabels[kind][name]]),
    ),
  ];
  const differences: string[] = [];
  if (JSON.stringify(left.catalogStats) !== JSON.stringify(right.catalogStats))
    differences.push(`catalog statistics differ: ${JSON.stringify(left.catalogStats)} vs ${JSON.stringify(right.catalogStats)}`);
  if (JSON.stringify(left.manifest.options) !== JSON.stringify(right.manifest.options))
    differences.push(`options differ: ${JSON.stringify(left.manifest.options)} vs ${JSON.stringify(right.manifest.options)}`);
  for (const [name, a, b] of pairs) {
    if (a.length !== b.length) {
      differences.push(`${name}: ${a.length} vs ${b.length} entries`);
      continue;
    }
    for (let k = 0; k < a.length; k++) {
      if (a[k] !== b[k]) {
        differences.push(`${name}[${k}]: ${a[k]} vs ${b[k]}`);
        break;
      }
    }
  }
  return differences;
}
