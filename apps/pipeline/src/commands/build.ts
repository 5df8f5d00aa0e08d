// `mixtape build`: dataset → train → index → publish a bundle (LATEST moves last).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { applyRetention, openBundleStore, publishBundle, sha256File } from '@mixtape/artifacts';

import { readSnapshot } from '@mixtape/catalog';
import { setFaissThreads } from '@mixtape/embeddings';
import { BUNDLE_CONTRIBUTORS } from '../build/contributors';
import { DEFAULT_TRAIN_OPTIONS, trainServingParts, writeServingBundle, type ServingBundleInput, type StageTiming, type TrainOptions } from '@mixtape/bundle';
import { s3OptionsFromEnv } from '../s3-env';
import { MIXTAPE_VERSION } from '../version';

export interface BuildCommandOptions {
  data: string;
  out: string;
  version?: string;
  keep?: number;
  train?: Partial<TrainOptions>;
  /** S3 options (default: from the environment) */
  s3?: ReturnType<typeof s3OptionsFromEnv>;
  /** do not move LATEST (publish only; promote later) */
  noLatest?: boolean;
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

/** The whole build; used by the CLI command and by `mixtape demo`. */
export async function runBuild(options: BuildCommandOptions): Promise<BuildOutcome> {
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const train = { ...DEFAULT_TRAIN_OPTIONS, ...options.train };
  setFaissThreads(train.threads);
  const timings: StageTiming[] = [];
  const timed = async <T>(stage: string, work: () => Promise<T>, detail: (value: T) => string): Promise<T> => {
    progress(`▶ ${stage} …`);
    const started = performance.now();
    const value = await work();
    const seconds = (performance.now() - started) / 1000;
    timings.push({ stage, seconds, detail: detail(value) });
    progress(`✔ ${stage} (${seconds.toFixed(1)} s) ${detail(value)}`);
    return value;
  };

  const snapshot = await timed('read dataset', () => readSnapshot(options.data), (s) =>
    `${s.store.trackCount.toLocaleString('en')} tracks, ${s.interactions.userCount.toLocaleString('en')} users, ${s.interactions.length.toLocaleString('en')} events (${s.metadata.source})`,
  );
  const trained = await trainServingParts(snapshot.store, snapshot.interactions, train, progress);
  timings.push(...trained.timings);

  const extraFiles: NonNullable<ServingBundleInput['extraFiles']>[number][] = [];
  for (const contributor of BUNDLE_CONTRIBUTORS) {
    extraFiles.push(...(await timed(contributor.name, () => contributor.build({ parts: trained.input, progress }), (files) => `${files.length} file(s)`)));
  }

  const staging = await mkdtemp(join(tmpdir(), 'mixtape-build-'));
  try {
    const bundleDir = join(staging, 'bundle');
    const files = await timed('write bundle', () =>
      writeServingBundle(bundleDir, {
        ...trained.input,
        source: snapshot.metadata.source,
        extraFiles,
        summary: {
          mixtape: MIXTAPE_VERSION,
          dataset: { path: options.data, source: snapshot.metadata.source, details: snapshot.metadata.details },
          train,
          timings,
        },
      }),
      (list) => `${list.length} files`,
    );
    const store = openBundleStore(options.out, { s3: options.s3 ?? s3OptionsFromEnv(process.env) });
    const fingerprint = await datasetFingerprint(options.data);
    const published = await timed('publish', () =>
      publishBundle(store, files, {
        producer: `mixtape build ${MIXTAPE_VERSION} (${snapshot.metadata.source})`,
        version: options.version,
        setLatest: !options.noLatest,
        metadata: {
          dataset: snapshot.metadata.source,
          datasetFingerprint: fingerprint,
          tracks: snapshot.store.trackCount,
          users: snapshot.interactions.userCount,
        },
        onProgress: throttle((p) => progress(`  ${p.phase} ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)} (${formatBytes(p.bytesPerSecond)}/s)`)),
      }),
      (result) => `${result.version} → ${options.out}`,
    );
    if (options.keep) await applyRetention(store, { keep: options.keep });
    const bytes = published.manifest.files.reduce((sum, file) => sum + file.size, 0);
    return { version: published.version, uri: options.out, files: published.manifest.files.length, bytes, timings };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export function formatBuildSummary(outcome: BuildOutcome): string {
  const lines = [
    `bundle ${outcome.version} published to ${outcome.uri} (${outcome.files} files, ${formatBytes(outcome.bytes)})`,
    '',
    '| stage | seconds | result |',
    '|---|---:|---|',
    ...outcome.timings.map((t) => `| ${t.stage} | ${t.seconds.toFixed(1)} | ${t.detail} |`),
    `| **total** | ${outcome.timings.reduce((sum, t) => sum + t.seconds, 0).toFixed(1)} | |`,
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

const integer = (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`expected a positive integer, got "${value}"`);
  return parsed;
};

export function registerBuildCommand(program: Command): void {
  program
    .command('build')
    .description('train embeddings, build FAISS indexes and publish a bundle (LATEST moves last)')
    .requiredOption('--data <dir>', 'dataset directory (from `mixtape data generate|import`)')
    .requiredOption('--out <uri>', 'where to publish: s3://bucket/prefix or file:///dir (S3 endpoint from MIXTAPE_S3_ENDPOINT)')
    .option('--version <version>', 'bundle version (default: UTC time + content hash)')
    .option('--keep <n>', 'retention: keep the newest N bundles', integer)
    .option('--no-latest', 'publish without moving LATEST (promote later)')
    .option('--dim <n>', 'item vector size', integer, DEFAULT_TRAIN_OPTIONS.dim)
    .option('--epochs <n>', 'item2vec epochs', integer, DEFAULT_TRAIN_OPTIONS.epochs)
    .option('--threads <n>', 'training and FAISS threads', integer, DEFAULT_TRAIN_OPTIONS.threads)
    .option('--factory <factory>', 'FAISS factory for both indexes, or "auto" (Flat < 20k ≤ HNSW32 < 5M ≤ IVF-PQ)', DEFAULT_TRAIN_OPTIONS.factory)
    .option('--ef-search <n>', 'HNSW efSearch stored with the index', integer, DEFAULT_TRAIN_OPTIONS.efSearch)
    .option('--json', 'print the outcome as JSON')
    .action(async (options: { data: string; out: string; version?: string; keep?: number; latest: boolean; dim: number; epochs: number; threads: number; factory: string; efSearch: number; json?: boolean }) => {
      const outcome = await runBuild({
        data: options.data,
        out: options.out,
        version: options.version,
        keep: options.keep,
        noLatest: !options.latest,
        train: { dim: options.dim, epochs: options.epochs, threads: options.threads, factory: options.factory, efSearch: options.efSearch },
      });
      process.stdout.write(options.json ? `${JSON.stringify(outcome, null, 2)}\n` : `${formatBuildSummary(outcome)}\n`);
    });
}
