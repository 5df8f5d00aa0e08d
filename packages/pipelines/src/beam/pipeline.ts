// The aggregation pipeline on Apache Beam (TypeScript SDK): read event and catalog JSON Lines in
// line-aligned chunks → parse (malformed lines → dead letters) → join with the catalog by track
// (unknown tracks → dead letters) → popularity through two-level combiners, per-user histories,
// sessions and pre-summed pair counts → co-occurrence counts (combiner) → top-K per track (a
// bounded combiner) → JSON Lines shards + manifest, the files the single-process path writes.
// Beam is loaded on first use, so reading outputs (the build) never loads the SDK.
import { open, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AUDIO_FEATURES } from '@mixtape/catalog';
import { countRecords } from './count';
import {
  deadOf,
  joinCatalogFn,
  okOf,
  perUserFn,
  featureStatsCombiner,
  featureValuesFn,
  readCatalogFn,
  probeTimestampsFn,
  readEventsFn,
  shardWriter,
  sumVectors,
  topKCombiner,
  type Chunk,
  type JoinOutput,
  type ParsedEvent,
  type Tagged,
  type S3Access,
  type UserOutput,
} from './functions';
import { S3_THREAD_SOURCE, isS3Uri, listS3, needS3, type PipelineS3 } from '../s3';
import { OUTPUTS, prepareOutputDirectory, readRecords, writeManifest, type InputCountRecord, type AggregatesManifest, type OutputName, type StageReport } from '../files';
import { EVENT_TYPES, LABEL_TYPE_CODES, resolveAggregationOptions, SKIP_CODE, type AggregationOptions } from '../options';

export const RUNNERS = ['direct', 'flink', 'dataflow'] as const;
export type RunnerName = (typeof RUNNERS)[number];

export interface PipelineRunOptions extends Partial<AggregationOptions> {
  /** event log files (JSON Lines), or folders whose *.jsonl files are read; or s3://bucket/key-or-prefix */
  events: string[];
  /** catalog files (JSON Lines: track_id, artist_id), or folders; or s3:// */
  catalog: string[];
  /** output directory (created; earlier outputs in it are removed), or s3://bucket/prefix */
  out: string;
  /** how the launcher and the workers reach S3 (@mixtape/bundle's createPipelineS3) */
  s3?: PipelineS3;
  runner?: RunnerName;
  /** passed to the runner: flinkMaster, flinkJobServerJar, environmentType, project, region, tempLocation, sdkContainerImage, … */
  runnerOptions?: Record<string, unknown>;
  /** bytes per input chunk (one element of the read step; default 4 MiB) */
  chunkBytes?: number;
  onProgress?: (line: string) => void;
}

async function inputFiles(paths: readonly string[], what: string, s3: PipelineS3 | undefined): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    if (isS3Uri(path)) {
      // an object, or every .jsonl / .ndjson object under a prefix (listed, never read, by the launcher)
      const objects = await listS3(s3, path);
      const exact = objects.filter((object) => object.uri === path);
      const found = exact.length > 0 ? exact : objects.filter((object) => /\.(jsonl|ndjson)$/i.test(object.uri));
      if (found.length === 0) throw new Error(`${what} input ${path}: no such object, and no .jsonl objects under it`);
      files.push(...found.map((object) => object.uri));
      continue;
    }
    const absolute = resolve(path);
    const info = await stat(absolute).catch((error: unknown) => {
      throw new Error(`${what} input ${absolute}: not found`, { cause: error });
    });
    if (info.isDirectory()) {
      const names = (await readdir(absolute)).filter((name) => /\.(jsonl|ndjson)$/i.test(name)).sort();
      if (names.length === 0) throw new Error(`${what} input ${absolute}: a folder without .jsonl files`);
      files.push(...names.map((name) => join(absolute, name)));
    } else files.push(absolute);
  }
  if (files.length === 0) throw new Error(`no ${what} input given`);
  return files;
}

/**
 * Splits inputs into chunks of about `chunkBytes`: local files line-aligned, with their non-empty
 * lines counted (dead letters then name lines); S3 objects into plain byte ranges from their sizes
 * alone (the workers align them and count), so the launcher reads no input object.
 */
export async function planChunks(files: readonly string[], chunkBytes: number, s3?: PipelineS3): Promise<{ chunks: Chunk[]; records: number; bytes: number }> {
  const chunks: Chunk[] = [];
  let records = 0;
  let bytes = 0;
  const buffer = Buffer.alloc(1 << 20);
  for (const [fileIndex, file] of files.entries()) {
    if (isS3Uri(file)) {
      const [object] = await listS3(s3, file);
      const size = object?.uri === file ? object.size : 0;
      bytes += size;
      for (let start = 0; start < size; start += chunkBytes) chunks.push({ file, fileIndex, start, end: Math.min(size, start + chunkBytes), firstLine: 0, size });
      continue;
    }
    const handle = await open(file, 'r');
    try {
      const size = (await handle.stat()).size;
      bytes += size;
      let chunkStart = 0;
      let chunkLine = 1;
      let line = 1;
      let lineStart = 0;
      let lineHasText = false;
      for (let position = 0; position < size; ) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        if (bytesRead === 0) break;
        for (let k = 0; k < bytesRead; k++) {
          const byte = buffer[k]!;
          if (byte !== 10) {
            if (byte !== 13 && byte !== 32 && byte !== 9) lineHasText = true;
            continue;
          }
          const end = position + k + 1;
          if (lineHasText) records++;
          lineHasText = false;
          line++;
          lineStart = end;
          if (end - chunkStart >= chunkBytes) {
            chunks.push({ file, fileIndex, start: chunkStart, end, firstLine: chunkLine });
            chunkStart = end;
            chunkLine = line;
          }
        }
        position += bytesRead;
      }
      if (lineHasText) records++;
      if (size > chunkStart) chunks.push({ file, fileIndex, start: chunkStart, end: size, firstLine: chunkLine });
      void lineStart;
    } finally {
      await handle.close();
    }
  }
  return { chunks, records, bytes };
}

/** apache-beam is CommonJS: its exports sit on the namespace or on `default`, depending on the loader (Node, tsx, vitest). */
function commonJs<T extends object>(namespace: T): T {
  const fallback = (namespace as { default?: T }).default;
  return fallback && typeof fallback === 'object' && Object.keys(fallback).length > Object.keys(namespace).length ? fallback : namespace;
}

/** Options a runner cannot start without, checked before any input is read. */
function checkRunnerOptions(name: RunnerName, options: Record<string, unknown>): void {
  if (!(RUNNERS as readonly string[]).includes(name)) throw new Error(`runner "${name}": expected one of ${RUNNERS.join(', ')}`);
  if (name === 'dataflow')
    for (const key of ['project', 'region', 'tempLocation'])
      if (typeof options[key] !== 'string') throw new Error(`the dataflow runner needs runner option ${key} (e.g. --runner-option ${key}=…)`);
}

async function createRunner(name: RunnerName, options: Record<string, unknown>) {
  switch (name) {
    case 'direct':
      return commonJs(await import('apache-beam/runners/direct_runner')).directRunner(options);
    case 'flink':
      return commonJs(await import('apache-beam/runners/flink')).flinkRunner(options);
    case 'dataflow': {
      return commonJs(await import('apache-beam/runners/dataflow')).dataflowRunner(options as { project: string; region: string; tempLocation: string });
    }
  }
}

// Small named functions for map/flatMap (Beam needs a name; none captures anything).
function itemUserCounts(element: JoinOutput) {
  if (!('ok' in element)) return [];
  const event = element.ok;
  const skip = event.type === 1;
  return [{ key: `${event.track}\u0000${event.user}`, value: [skip ? 0 : event.count, skip ? event.count : 0] }];
}
function toTrackLevel({ key, value }: { key: string; value: number[] }) {
  return { key: key.slice(0, key.indexOf('\u0000')), value: [value[0] ?? 0, value[1] ?? 0, (value[0] ?? 0) > 0 ? 1 : 0] };
}
function toItemRecord({ key, value }: { key: string; value: number[] }) {
  return { track: key, plays: value[0] ?? 0, skips: value[1] ?? 0, listeners: value[2] ?? 0 };
}
function artistUserCounts(element: JoinOutput) {
  if (!('ok' in element)) return [];
  const event = element.ok;
  const plays = event.type === 1 ? 0 : event.count;
  return element.artists.map((artist) => ({ key: `${artist}\u0000${event.user}`, value: [plays] }));
}
function toArtistLevel({ key, value }: { key: string; value: number[] }) {
  return { key: key.slice(0, key.indexOf('\u0000')), value: [value[0] ?? 0, (value[0] ?? 0) > 0 ? 1 : 0] };
}
function toArtistRecord({ key, value }: { key: string; value: number[] }) {
  return { artist: key, plays: value[0] ?? 0, listeners: value[1] ?? 0 };
}
function byUser(element: JoinOutput) {
  return 'ok' in element ? [{ key: element.ok.user, value: element.ok }] : [];
}
function historyOf(output: UserOutput) {
  return 'history' in output ? [output.history] : [];
}
function sessionOf(output: UserOutput) {
  return 'session' in output ? [output.session] : [];
}
function labelsOf(output: UserOutput) {
  return 'labels' in output ? [output.labels] : [];
}
function pairOf(output: UserOutput) {
  return 'pair' in output ? [{ key: output.pair.key, value: [output.pair.value] }] : [];
}
function toNeighbourCandidate({ key, value }: { key: string; value: number[] }) {
  const split = key.indexOf('\u0000');
  return { key: key.slice(0, split), value: [key.slice(split + 1), value[0] ?? 0] as [string, number] };
}
function toCatalogStatsRecord({ key, value }: { key: string; value: { tracks: number; sum: number; sumSquares: number } }) {
  return { feature: key, tracks: value.tracks, sum: value.sum, sumSquares: value.sumSquares };
}
/** [records, parsed events, of them with an integer timestamp in the epoch-seconds range] */
function countEvent(tagged: Tagged<ParsedEvent>) {
  const ok = 'ok' in tagged;
  return { key: 'events', value: [1, ok ? 1 : 0, ok ? (tagged.ok.s ?? 0) : 0] };
}
function countCatalogRow() {
  return { key: 'catalog', value: [1] };
}
function toInputCount({ key, value }: { key: string; value: number[] }) {
  return key === 'events' ? { input: key, records: value[0] ?? 0, parsed: value[1] ?? 0, epochSeconds: value[2] ?? 0 } : { input: key, records: value[0] ?? 0 };
}
function toNeighbourRecord({ key, value }: { key: string; value: [string, number][] }) {
  return { track: key, neighbours: value };
}

/** What the manifest says of a log read as epoch seconds (the events importer's words). */
export const EPOCH_SECONDS_NOTE = 'epoch seconds (every timestamp in [1e9, 1e10): 2001–2286 as seconds, January–April 1970 as milliseconds), read × 1000';

/** Runs the aggregation pipeline and writes the output directory (shards + manifest.json). */
export async function runAggregationPipeline(options: PipelineRunOptions): Promise<AggregatesManifest> {
  const settings = resolveAggregationOptions(options);
  const progress = options.onProgress ?? (() => {});
  const runnerName = options.runner ?? 'direct';
  const out = isS3Uri(options.out) ? options.out : resolve(options.out);
  const stages: StageReport[] = [];
  const timed = async <T>(name: string, work: () => Promise<T>, records: (value: T) => number): Promise<T> => {
    const started = performance.now();
    const value = await work();
    const seconds = (performance.now() - started) / 1000;
    const count = records(value);
    stages.push({ name, records: count, seconds });
    progress(`${name}: ${count.toLocaleString('en')} records in ${seconds.toFixed(2)} s (${Math.round(count / Math.max(seconds, 1e-6)).toLocaleString('en')}/s)`);
    return value;
  };

  checkRunnerOptions(runnerName, options.runnerOptions ?? {});
  const s3 = options.s3;
  const eventFiles = await inputFiles(options.events, 'events', s3);
  const catalogFiles = await inputFiles(options.catalog, 'catalog', s3);
  const chunkBytes = options.chunkBytes ?? 4 << 20;
  const eventPlan = await timed('plan event chunks', () => planChunks(eventFiles, chunkBytes, s3), (plan) => plan.records);
  const catalogPlan = await timed('plan catalog chunks', () => planChunks(catalogFiles, chunkBytes, s3), (plan) => plan.records);
  progress(`events: ${eventFiles.length} files, ${(eventPlan.bytes / 2 ** 20).toFixed(1)} MiB in ${eventPlan.chunks.length} chunks; catalog: ${catalogFiles.length} files in ${catalogPlan.chunks.length} chunks; runner ${runnerName}`);
  // workers reach S3 through this (settings, the SDK's location, the thread that runs it)
  const usesS3 = [...eventFiles, ...catalogFiles, out].some(isS3Uri);
  const worker = usesS3 ? needS3(s3, [...eventFiles, ...catalogFiles, out].find(isS3Uri)!).worker : undefined;
  const access: S3Access | undefined = worker ? { clientConfig: worker.clientConfig, sdkPath: worker.sdkPath, timeoutMs: worker.timeoutMs, threadSource: S3_THREAD_SOURCE } : undefined;

  const beam = commonJs(await import('apache-beam'));
  const { coGroupBy } = commonJs(await import('apache-beam/transforms/group_and_combine'));
  const { combinePerKey, groupByKey } = commonJs(await import('apache-beam/transforms/internal'));
  const { parDo } = commonJs(await import('apache-beam/transforms/pardo'));
  const { flatten } = commonJs(await import('apache-beam/transforms/flatten'));
  const runner = await createRunner(runnerName, options.runnerOptions ?? {});
  const write = (name: OutputName) => parDo(shardWriter(out, name, access));

  const run = (timestampScale: number) =>
    timed(
      `run pipeline (${runnerName}${timestampScale === 1 ? '' : `, timestamps × ${timestampScale}`})`,
      async () => {
        await prepareOutputDirectory(out, s3);
        await runner.run((root) => {
          const events = root.apply(beam.withName('event chunks', beam.create(eventPlan.chunks))).flatMap(beam.withName('read events', readEventsFn(EVENT_TYPES, access, timestampScale)));
          const catalog = root.apply(beam.withName('catalog chunks', beam.create(catalogPlan.chunks))).flatMap(beam.withName('read catalog', readCatalogFn(AUDIO_FEATURES, access)));
          // input records, counted where they are read
          beam
            .P([events.map(beam.withName('count events', countEvent)), catalog.map(beam.withName('count catalog rows', countCatalogRow))])
            .apply(beam.withName('all input counts', flatten()))
            .apply(beam.withName('sum input records', combinePerKey(sumVectors)))
            .map(beam.withName('input count record', toInputCount))
            .apply(write('input-counts'));
          const joined = beam
            .P({ events: events.flatMap(beam.withName('parsed events', okOf)), catalog: catalog.flatMap(beam.withName('parsed tracks', okOf)) })
            .apply(coGroupBy('track'))
            .flatMap(beam.withName('join catalog', joinCatalogFn(eventFiles, catalogFiles)));

          // popularity: (key, user) counts, then per-key sums — both combiners, so a shuffle carries one count per (key, user) and per key
          const popularity = [
            ['item', itemUserCounts, toTrackLevel, toItemRecord, 'item-popularity'],
            ['artist', artistUserCounts, toArtistLevel, toArtistRecord, 'artist-popularity'],
          ] as const;
          for (const [what, perUserCounts, toLevel, toRecord, output] of popularity) {
            joined
              .flatMap(beam.withName(`${what}-user counts`, perUserCounts))
              .apply(beam.withName(`sum per ${what}-user`, combinePerKey(sumVectors)))
              .map(beam.withName(`to ${what}`, toLevel))
              .apply(beam.withName(`sum per ${what}`, combinePerKey(sumVectors)))
              .map(beam.withName(`${what} record`, toRecord as (element: { key: string; value: number[] }) => unknown))
              .apply(write(output));
          }

          // the catalog's audio-feature statistics (the content encoder's standardization): exact sums per feature
          joined
            .flatMap(beam.withName('audio features', featureValuesFn(AUDIO_FEATURES)))
            .apply(beam.withName('feature statistics', combinePerKey(featureStatsCombiner)))
            .map(beam.withName('catalog stats record', toCatalogStatsRecord))
            .apply(write('catalog-stats'));

          const perUser = joined
            .flatMap(beam.withName('key by user', byUser))
            .apply(beam.withName('group by user', groupByKey()))
            .flatMap(beam.withName('histories, sessions, pairs', perUserFn(settings, SKIP_CODE, LABEL_TYPE_CODES)));
          perUser.flatMap(beam.withName('histories', historyOf)).apply(write('histories'));
          perUser.flatMap(beam.withName('sessions', sessionOf)).apply(write('sessions'));
          perUser.flatMap(beam.withName('ranker labels', labelsOf)).apply(write('ranker-labels'));
          perUser
            .flatMap(beam.withName('pairs', pairOf))
            .apply(beam.withName('sum per pair', combinePerKey(sumVectors)))
            .map(beam.withName('to track', toNeighbourCandidate))
            .apply(beam.withName(`top ${settings.topK} per track`, combinePerKey(topKCombiner(settings.topK))))
            .map(beam.withName('neighbour record', toNeighbourRecord))
            .apply(write('neighbours'));

          beam
            .P([events.flatMap(beam.withName('event dead letters', deadOf)), catalog.flatMap(beam.withName('catalog dead letters', deadOf)), joined.flatMap(beam.withName('join dead letters', deadOf))])
            .apply(flatten())
            .apply(write('dead-letters'));
        });
      },
      () => eventPlan.records,
    );
  const readInputCounts = async (): Promise<{ events: number; catalog: number; parsedEvents: number; epochSeconds: number }> => {
    const inputs = { events: 0, catalog: 0, parsedEvents: 0, epochSeconds: 0 };
    for await (const record of readRecords<InputCountRecord>(out, 'input-counts', s3)) {
      inputs[record.input] += record.records;
      inputs.parsedEvents += record.parsed ?? 0;
      inputs.epochSeconds += record.epochSeconds ?? 0;
    }
    return inputs;
  };

  // The events importer's log-wide rule: when every event's timestamp is an integer in [1e9, 1e10)
  // the log is in epoch seconds. A worker sees one event at a time, so a probe counts first (each
  // chunk stops at its first event that is not: a millisecond log costs one event per chunk) and the
  // launcher runs the pipeline once with the scale the counts give.
  const probe = await timed(
    'probe timestamps',
    async () => {
      await prepareOutputDirectory(out, s3);
      await runner.run((root) => {
        root
          .apply(beam.withName('event chunks', beam.create(eventPlan.chunks)))
          .flatMap(beam.withName('probe timestamps', probeTimestampsFn(EVENT_TYPES, access)))
          .apply(beam.withName('sum probes', combinePerKey(sumVectors)))
          .map(beam.withName('probe record', toInputCount))
          .apply(write('input-counts'));
      });
      return readInputCounts();
    },
    (counted) => counted.parsedEvents,
  );
  const seconds = probe.parsedEvents > 0 && probe.epochSeconds === probe.parsedEvents;
  if (seconds) progress(`timestamps: every one of ${probe.parsedEvents.toLocaleString('en')} events is an integer in [1e9, 1e10) — epoch seconds (as milliseconds: January–April 1970); reading them × 1000`);
  await run(seconds ? 1000 : 1);
  const inputs = await readInputCounts();

  const counts = await timed('count outputs', () => countRecords(out, OUTPUTS, s3), (counted) => Object.values(counted).reduce((a, b) => a + b, 0));
  const manifest: AggregatesManifest = {
    format: 'mixtape-aggregates',
    schemaVersion: 2,
    producer: `beam ${runnerName}`,
    createdAt: new Date().toISOString(),
    options: settings,
    inputs: { events: eventFiles, catalog: catalogFiles },
    counts: { inputEvents: inputs.events, inputCatalogRows: inputs.catalog, deadLetters: counts['dead-letters'] ?? 0, ...counts },
    stages,
    ...(seconds ? { timestamps: EPOCH_SECONDS_NOTE } : {}),
  };
  await writeManifest(out, manifest, s3);
  return manifest;
}
