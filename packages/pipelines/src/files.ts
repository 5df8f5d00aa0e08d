// The aggregation output directory: what the single-process path and the Beam pipeline both
// write and what `mixtape build --from-pipeline DIR` reads. JSON Lines shards (a distributed
// writer produces many; the single-process writer one per output) plus manifest.json, written
// last. Ids are the catalog's and the log's string ids, so outputs do not depend on row order.
import { readdir, readFile, writeFile, rm, mkdir } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { AggregationOptions } from './options';
import { deleteS3, getS3Text, isS3Uri, joinS3, listS3, putS3, s3Lines, type PipelineS3 } from './s3';

/** Output names; each is written as `<name>-<shard>.jsonl`. */
export const OUTPUTS = ['item-popularity', 'artist-popularity', 'histories', 'sessions', 'neighbours', 'ranker-labels', 'catalog-stats', 'dead-letters', 'input-counts'] as const;
export type OutputName = (typeof OUTPUTS)[number];

export const MANIFEST_FILE = 'manifest.json';
export const AGGREGATES_FORMAT = 'mixtape-aggregates';

/** One line of each output. */
export interface ItemPopularityRecord {
  track: string;
  /** Σ count of non-skip events */
  plays: number;
  /** Σ count of skips */
  skips: number;
  /** distinct users with a non-skip event */
  listeners: number;
}
export interface ArtistPopularityRecord {
  artist: string;
  plays: number;
  listeners: number;
}
/** A user's whole log, oldest first (ties keep input order): the sequences the trainers read. */
export interface HistoryRecord {
  user: string;
  tracks: string[];
  timestamps: number[];
  /** event type codes (@mixtape/catalog INTERACTION_TYPES order) */
  types: number[];
}
/** One listening session: positive events cut at long gaps (item2vec's corpus). */
export interface SessionRecord {
  user: string;
  /** timestamp of the first event */
  start: number;
  tracks: string[];
}
/** Top-K co-occurring tracks of one track, most first (ties: smaller id first). */
export interface NeighbourRecord {
  track: string;
  neighbours: [string, number][];
}
export type { RankerLabelRecord } from './beam/labels';
/** One audio feature over the catalog's tracks that have features: the content encoder's standardization. */
export interface CatalogStatsRecord {
  feature: string;
  tracks: number;
  /** exact sums, correctly rounded (the same whatever order they were added in) */
  sum: number;
  sumSquares: number;
}
/** A malformed input record: where it is and why it was refused. */
export interface DeadLetterRecord {
  file: string;
  /** 1-based line; 0 for S3 inputs (read in byte ranges): see `byte` */
  line: number;
  reason: string;
  /** byte offset of the record (S3 inputs) */
  byte?: number;
}
/** Input records read, per input kind (the launcher never reads S3 inputs, so the workers count). */
export interface InputCountRecord {
  input: 'events' | 'catalog';
  records: number;
  /** events: records parsed, and of them those with an integer timestamp in [1e9, 1e10) (epoch seconds when all are) */
  parsed?: number;
  epochSeconds?: number;
}

export interface StageReport {
  name: string;
  records: number;
  seconds: number;
}

export interface AggregatesManifest {
  format: typeof AGGREGATES_FORMAT;
  /** 2: ranker-labels, ms_played / duration_ms read (version 1 outputs: rerun the pipeline) */
  schemaVersion: 2;
  /** e.g. "single-process", "beam direct" */
  producer: string;
  createdAt: string;
  options: AggregationOptions;
  inputs: { events: string[]; catalog: string[] };
  counts: { inputEvents: number; inputCatalogRows: number; deadLetters: number } & Partial<Record<OutputName, number>>;
  stages: StageReport[];
  /** how timestamps were read when not as written: a log of epoch seconds is read × 1000, as `mixtape data import` reads it */
  timestamps?: string;
}

export function shardName(name: OutputName, shard: string): string {
  return `${name}-${shard}.jsonl`;
}

const isOutputFile = (name: string) => name === MANIFEST_FILE || OUTPUTS.some((output) => name.startsWith(`${output}-`) && name.endsWith('.jsonl'));

/** Removes earlier outputs (shards and manifest) so a rerun never mixes two runs' shards. */
export async function prepareOutputDirectory(directory: string, s3?: PipelineS3): Promise<void> {
  if (isS3Uri(directory)) {
    const objects = await listS3(s3, joinS3(directory, ''));
    const prefix = joinS3(directory, '');
    await deleteS3(s3, objects.map((object) => object.uri).filter((uri) => !uri.slice(prefix.length).includes('/') && isOutputFile(uri.slice(prefix.length))));
    return;
  }
  await mkdir(directory, { recursive: true });
  for (const name of await readdir(directory)) {
    if (isOutputFile(name)) await rm(join(directory, name));
  }
}

export async function writeManifest(directory: string, manifest: AggregatesManifest, s3?: PipelineS3): Promise<void> {
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  if (isS3Uri(directory)) await putS3(s3, joinS3(directory, MANIFEST_FILE), text);
  else await writeFile(join(directory, MANIFEST_FILE), text);
}

export async function readManifest(directory: string, s3?: PipelineS3): Promise<AggregatesManifest> {
  const path = isS3Uri(directory) ? joinS3(directory, MANIFEST_FILE) : join(directory, MANIFEST_FILE);
  const text = await (isS3Uri(directory) ? getS3Text(s3, path) : readFile(path, 'utf8')).catch((error: unknown) => {
    // the cause says which: not there, or an S3 location without a region or credentials
    throw new Error(`${path}: no aggregation manifest (run \`mixtape pipeline run\` first, or it did not finish): ${(error as Error).message}`, { cause: error });
  });
  const manifest = JSON.parse(text) as AggregatesManifest;
  if (manifest.format !== AGGREGATES_FORMAT || manifest.schemaVersion !== 2)
    throw new Error(`${path}: expected format "${AGGREGATES_FORMAT}" schemaVersion 2 (rerun \`mixtape pipeline run\` with this version), got ${JSON.stringify(manifest.format)} ${JSON.stringify(manifest.schemaVersion)}`);
  return manifest;
}

/** The shard files of one output (paths, or s3:// URIs), in name order. */
export async function shardsOf(directory: string, name: OutputName, s3?: PipelineS3): Promise<string[]> {
  const isShard = (file: string) => file.startsWith(`${name}-`) && file.endsWith('.jsonl') && !file.includes('/');
  if (isS3Uri(directory)) {
    const prefix = joinS3(directory, '');
    return (await listS3(s3, prefix)).map((object) => object.uri).filter((uri) => isShard(uri.slice(prefix.length)));
  }
  const names = (await readdir(directory)).filter(isShard).sort();
  return names.map((file) => join(directory, file));
}

/** Every record of one output (all shards), parsed; a bad line names its file and line. */
export async function* readRecords<T>(directory: string, name: OutputName, s3?: PipelineS3): AsyncGenerator<T> {
  for (const path of await shardsOf(directory, name, s3)) {
    const lines = isS3Uri(path) ? s3Lines(s3, path) : createInterface({ input: createReadStream(path), crlfDelay: Infinity });
    let line = 0;
    for await (const text of lines) {
      line++;
      if (text === '') continue;
      try {
        yield JSON.parse(text) as T;
      } catch (error) {
        throw new Error(`${path}:${line}: not a JSON record (${(error as Error).message})`, { cause: error });
      }
    }
  }
}

/** Writes one output as a single shard (the single-process path). */
export async function writeRecords(directory: string, name: OutputName, records: Iterable<unknown>): Promise<number> {
  const parts: string[] = [];
  let count = 0;
  let size = 0;
  const path = join(directory, shardName(name, '00000'));
  await writeFile(path, '');
  const { appendFile } = await import('node:fs/promises');
  for (const record of records) {
    const line = `${JSON.stringify(record)}\n`;
    parts.push(line);
    size += line.length;
    count++;
    if (size > 8 << 20) {
      await appendFile(path, parts.join(''));
      parts.length = 0;
      size = 0;
    }
  }
  if (parts.length > 0) await appendFile(path, parts.join(''));
  return count;
}
