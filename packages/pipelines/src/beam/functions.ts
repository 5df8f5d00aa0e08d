// The functions the Beam pipeline runs on workers. Beam serializes each one (serialize-closures):
// a function may use only its arguments, globals, `require` of Node built-ins, and the values its
// `__closure` names — never the module's imports. Factories below bind settings that way.
import type * as NodeCrypto from 'node:crypto';
import type * as NodeFs from 'node:fs';
import type * as NodePath from 'node:path';
import type * as NodeWorkerThreads from 'node:worker_threads';
import type { AggregationOptions, LABEL_TYPE_CODES } from '../options';
import { captures } from './captures';
import { EVENT_TIMESTAMP_FORMS, parseEventTimestamp } from './event-timestamp';
import { addExact, roundExact } from './exact-sum';
import { rankerLabelsOf, type RankerLabelRecord } from './labels';

// local names: serialized code cannot reach module imports (test transforms rewrite those)
const timestampOf = parseEventTimestamp;
const TIMESTAMP_FORMS = EVENT_TIMESTAMP_FORMS;

/**
 * A byte range of one input file. Local files: line-aligned by the launcher, `firstLine` the
 * 1-based line number at `start`. S3 objects (`file` s3://…, `firstLine` 0): a plain byte range —
 * the worker reading it owns the lines that start inside it, reads past `end` to finish the last
 * one, and positions are byte offsets (the launcher never reads an input object).
 */
export interface Chunk {
  file: string;
  fileIndex: number;
  start: number;
  end: number;
  firstLine: number;
  /** the object's size (S3 chunks) */
  size?: number;
}

/** What a worker needs to reach S3 (see ../s3.ts): SDK client settings, where the SDK is, the thread's code. */
export interface S3Access {
  clientConfig: Record<string, unknown>;
  sdkPath: string;
  timeoutMs: number;
  threadSource: string;
}

/** A parsed event; f/l = file index and line, the tie-break that keeps input order for equal timestamps. */
export interface ParsedEvent {
  user: string;
  track: string;
  ts: number;
  type: number;
  count: number;
  /** ms_played (0 when absent): the ranker's listening-time label */
  ms: number;
  f: number;
  l: number;
  /** 1 when the timestamp was written as an integer in [1e9, 1e10) — epoch seconds if every event's is (see EPOCH_SECONDS) */
  s?: 1;
}
/** An event after the catalog join: `d` is its track's duration_ms (0 when unknown). */
export type JoinedEvent = ParsedEvent & { d: number };
export interface ParsedTrack {
  track: string;
  artists: string[];
  /** duration_ms (0 when absent) */
  duration: number;
  /** the audio features (AUDIO_FEATURES order, float32 as the catalog stores them), when the row has them */
  features?: number[];
  f: number;
  l: number;
}
export interface DeadLetter {
  file: string;
  /** 1-based line; 0 on S3 inputs, which are read in byte ranges: see `byte` */
  line: number;
  reason: string;
  /** byte offset of the line (S3 inputs) */
  byte?: number;
}
export type Tagged<T> = { ok: T } | { dead: DeadLetter };


/**
 * A Node built-in from inside a serialized function: module imports are not in scope there.
 * Deserialized code runs where `require` exists; the same function called directly from ESM
 * (tests, the bench's plain loops) uses process.getBuiltinModule (Node ≥ 20.16).
 */
function builtin<T>(name: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  if (typeof require === 'function') return require(name) as T;
  return (process as unknown as { getBuiltinModule(id: string): T }).getBuiltinModule(name);
}

/**
 * One S3 request from synchronous code (a DoFn's process): a worker thread owning the SDK client
 * (one per process and settings) runs it while this thread blocks on Atomics.wait.
 */
function s3Request(access: S3Access, request: { op: 'get' | 'put'; bucket: string; key: string; start?: number; end?: number; body?: Buffer }): Buffer | null {
  const threads = builtin<typeof NodeWorkerThreads>('node:worker_threads');
  const state = globalThis as unknown as { __mixtapeS3Threads?: Map<string, NodeWorkerThreads.Worker> };
  const cache = (state.__mixtapeS3Threads ??= new Map());
  const cacheKey = `${access.sdkPath}\u0000${JSON.stringify(access.clientConfig)}`;
  let thread = cache.get(cacheKey);
  if (!thread) {
    thread = new threads.Worker(access.threadSource, { eval: true, workerData: { clientConfig: access.clientConfig, sdkPath: access.sdkPath } });
    thread.unref();
    cache.set(cacheKey, thread);
  }
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const channel = new threads.MessageChannel();
  thread.postMessage({ signal, port: channel.port2, request }, [channel.port2]);
  const waited = Atomics.wait(signal, 0, 0, access.timeoutMs);
  const received = threads.receiveMessageOnPort(channel.port1);
  channel.port1.close();
  const where = `s3://${request.bucket}/${request.key}`;
  if (waited === 'timed-out' || !received) throw new Error(`${where}: no answer to ${request.op} within ${access.timeoutMs} ms`);
  const reply = received.message as { body?: Uint8Array | null; error?: string };
  if (reply.error) throw new Error(`${where}: ${request.op} failed: ${reply.error}`);
  return reply.body ? Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength) : null;
}

/** The lines that start inside an S3 byte range, with their byte offsets (read past `end` to finish the last one). */
function s3ChunkLines(chunk: Chunk, access: S3Access): [string, number][] {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(chunk.file);
  if (!match) throw new Error(`${chunk.file}: not an s3://bucket/key location`);
  const bucket = match[1]!;
  const key = match[2]!;
  const size = chunk.size ?? chunk.end;
  // one byte before the range says whether a line starts exactly at `start`
  const from = chunk.start > 0 ? chunk.start - 1 : 0;
  const parts: Buffer[] = [s3Request(access, { op: 'get', bucket, key, start: from, end: chunk.end })!];
  let last = parts[0]!;
  let at = chunk.end;
  while (at < size && last.length > 0 && last[last.length - 1] !== 10) {
    const next = s3Request(access, { op: 'get', bucket, key, start: at, end: Math.min(size, at + (64 << 10)) })!;
    const newline = next.indexOf(10);
    last = newline >= 0 ? next.subarray(0, newline + 1) : next;
    parts.push(last);
    at += next.length;
    if (newline >= 0 || next.length === 0) break;
  }
  const buffer = Buffer.concat(parts);
  let first = 0;
  if (chunk.start > 0) {
    const newline = buffer.indexOf(10);
    if (newline < 0 || from + newline + 1 >= chunk.end) return [];
    first = newline + 1;
  }
  const lines: [string, number][] = [];
  for (let position = first; position < buffer.length; ) {
    const newline = buffer.indexOf(10, position);
    const stop = newline < 0 ? buffer.length : newline;
    let text = buffer.toString('utf8', position, stop);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() !== '') lines.push([text, from + position]);
    position = stop + 1;
  }
  return lines;
}

/** The lines of a chunk, with their line numbers (S3: byte offsets); empty lines are skipped. */
function chunkLines(chunk: Chunk, access?: S3Access): [string, number][] {
  if (chunk.file.startsWith('s3://')) {
    if (!access) throw new Error(`${chunk.file}: an S3 input, but the pipeline was built without S3 settings`);
    return s3ChunkLines(chunk, access);
  }
  const fs = builtin<typeof NodeFs>('node:fs');
  const buffer = Buffer.alloc(chunk.end - chunk.start);
  const fd = fs.openSync(chunk.file, 'r');
  try {
    let read = 0;
    while (read < buffer.length) {
      const got = fs.readSync(fd, buffer, read, buffer.length - read, chunk.start + read);
      if (got === 0) throw new Error(`${chunk.file}: ended at byte ${chunk.start + read}, expected ${chunk.end} (changed while the pipeline ran?)`);
      read += got;
    }
  } finally {
    fs.closeSync(fd);
  }
  const pieces = buffer.toString('utf8').split('\n');
  const lines: [string, number][] = [];
  for (let k = 0; k < pieces.length; k++) {
    const text = pieces[k]!.endsWith('\r') ? pieces[k]!.slice(0, -1) : pieces[k]!;
    if (text.trim() !== '') lines.push([text, chunk.firstLine + k]);
  }
  return lines;
}

/** The first present field among aliases. */
function field(record: Record<string, unknown>, names: readonly string[]): unknown {
  for (const name of names) if (record[name] !== undefined && record[name] !== null) return record[name];
  return undefined;
}

function describe(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function parseRecord(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    // a file's byte-order mark arrives on its first record
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return `not a JSON object (${(error as Error).message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `expected a JSON object, got ${describe(value)}`;
  return value as Record<string, unknown>;
}

function idField(record: Record<string, unknown>, names: readonly string[]): string | undefined {
  const value = field(record, names);
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

// (no inner named functions in serialized code: esbuild's keepNames would wrap them in a helper workers lack)
function deadLetter(file: string, line: number, reason: string): { dead: DeadLetter } {
  return { dead: { file, line, reason } };
}

/**
 * Integer timestamps that are epoch seconds when every event's falls here (as milliseconds they
 * would all be January–April 1970): the `events` importer's log-wide rule, which the launcher
 * applies by counting such events and, when all are, running again with `timestampScale` 1000.
 */
export const EPOCH_SECONDS = { min: 1e9, max: 1e10 };

/**
 * Events as the `events` importer reads them: user_id, track_id, timestamp (epoch ms or ISO 8601),
 * type, [count], [ms_played]. Integer timestamps are multiplied by `timestampScale` (1000 for a
 * log of epoch seconds).
 */
export function parseEventLine(text: string, fileIndex: number, file: string, line: number, types: readonly string[], timestampScale = 1): Tagged<ParsedEvent> {
  const record = parseRecord(text);
  if (typeof record === 'string') return deadLetter(file, line, record);
  const user = idField(record, ['user_id', 'userId', 'user']);
  if (user === undefined) return deadLetter(file, line, `user_id: expected a non-empty id, got ${describe(field(record, ['user_id', 'userId', 'user']))}`);
  const track = idField(record, ['track_id', 'trackId', 'track']);
  if (track === undefined) return deadLetter(file, line, `track_id: expected a non-empty id, got ${describe(field(record, ['track_id', 'trackId', 'track']))}`);
  const time = field(record, ['timestamp', 'ts', 'time']);
  let ts = Number.NaN;
  const integer = (typeof time === 'number' && Number.isInteger(time)) || (typeof time === 'string' && /^\d+$/.test(time));
  if (typeof time === 'number') ts = time;
  // the events importer's rule: an ISO date-time without a zone is UTC, never the worker's local time
  else if (typeof time === 'string') ts = timestampOf(time);
  if (!Number.isFinite(ts) || ts < 0) return deadLetter(file, line, `timestamp: expected ${TIMESTAMP_FORMS}, got ${describe(time)}`);
  const seconds = integer && ts >= EPOCH_SECONDS.min && ts < EPOCH_SECONDS.max;
  if (integer) ts *= timestampScale;
  const typeText = field(record, ['type', 'event', 'event_type']);
  // no type at all (a listening log): a play, as the events importer reads it
  const untyped = !('type' in record) && !('event' in record) && !('event_type' in record);
  const type = untyped ? types.indexOf('play') : typeof typeText === 'string' ? types.indexOf(typeText.toLowerCase()) : -1;
  if (type < 0) return deadLetter(file, line, `type: expected ${types.join(' | ')}, got ${describe(typeText)}`);
  const countValue = field(record, ['count']);
  const count = countValue === undefined ? 1 : countValue;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) return deadLetter(file, line, `count: expected a positive integer, got ${describe(countValue)}`);
  const msValue = field(record, ['ms_played', 'msPlayed']);
  const ms = msValue === undefined ? 0 : msValue;
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0) return deadLetter(file, line, `ms_played: expected a non-negative integer, got ${describe(msValue)}`);
  return { ok: seconds ? { user, track, ts, type, count, ms, f: fileIndex, l: line, s: 1 } : { user, track, ts, type, count, ms, f: fileIndex, l: line } };
}

/** Catalog rows: track_id and artist_id (an array, or "a|b"), [duration_ms], [the audio features `featureNames`: all or none]. */
export function parseCatalogLine(text: string, fileIndex: number, file: string, line: number, featureNames: readonly string[] = []): Tagged<ParsedTrack> {
  const record = parseRecord(text);
  if (typeof record === 'string') return deadLetter(file, line, record);
  const track = idField(record, ['track_id', 'trackId', 'id']);
  if (track === undefined) return deadLetter(file, line, `track_id: expected a non-empty id, got ${describe(field(record, ['track_id', 'trackId', 'id']))}`);
  const value = field(record, ['artist_id', 'artistId', 'artist_ids', 'artistIds']);
  const artists = Array.isArray(value) ? value : typeof value === 'string' ? value.split('|') : [];
  if (artists.length === 0 || !artists.every((artist) => typeof artist === 'string' && artist.trim() !== ''))
    return deadLetter(file, line, `artist_id: expected one or more artist ids (an array or "a|b"), got ${describe(value)}`);
  const durationValue = field(record, ['duration_ms', 'durationMs']);
  const duration = durationValue === undefined ? 0 : durationValue;
  if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 0) return deadLetter(file, line, `duration_ms: expected a non-negative integer, got ${describe(durationValue)}`);
  const present = featureNames.filter((name) => record[name] !== undefined && record[name] !== null);
  if (present.length === 0) return { ok: { track, artists: artists as string[], duration, f: fileIndex, l: line } };
  const features: number[] = [];
  for (const name of featureNames) {
    const value = record[name];
    if (typeof value !== 'number' || !Number.isFinite(value))
      return deadLetter(file, line, `${name}: expected a number (audio features come all or none; this row has ${present.join(', ')}), got ${describe(value)}`);
    features.push(Math.fround(value));
  }
  return { ok: { track, artists: artists as string[], duration, features, f: fileIndex, l: line } };
}

// What the parsers call (serialized with them).
captures(parseRecord, () => ({ describe }));
captures(s3Request, () => ({ builtin, JSON, Map }));
captures(s3ChunkLines, () => ({ s3Request, Math }));
captures(chunkLines, () => ({ builtin, s3ChunkLines }));
captures(idField, () => ({ field }));
captures(parseEventLine, () => ({ parseRecord, idField, field, describe, deadLetter, EPOCH_SECONDS, TIMESTAMP_FORMS, timestampOf, Number }));
captures(parseCatalogLine, () => ({ parseRecord, idField, field, describe, deadLetter, Math, Number }));

function logChunk(what: string, chunk: Chunk, lines: number, dead: number, started: number): void {
  const seconds = (Date.now() - started) / 1000;
  console.error(`[pipeline] read ${what} ${chunk.file}${chunk.file.startsWith('s3://') ? `@${chunk.start}` : `:${chunk.firstLine}`}: ${lines} lines, ${dead} dead letters in ${seconds.toFixed(2)} s (${Math.round(lines / Math.max(seconds, 1e-3))} lines/s)`);
}

/** A dead letter of an S3 input: its position is a byte offset, not a line. */
function atByte<T>(parsed: Tagged<T>, chunk: Chunk): Tagged<T> {
  if (!('dead' in parsed) || !chunk.file.startsWith('s3://')) return parsed;
  return { dead: { file: parsed.dead.file, line: 0, reason: parsed.dead.reason, byte: parsed.dead.line } };
}

/** Every line of a chunk parsed, its dead letters counted, and one log line for the chunk. */
function parseChunk<T>(chunk: Chunk, access: S3Access | undefined, what: string, parse: (text: string, line: number) => Tagged<T>): Tagged<T>[] {
  const started = Date.now();
  const out: Tagged<T>[] = [];
  let dead = 0;
  for (const [text, line] of chunkLines(chunk, access)) {
    const parsed = atByte(parse(text, line), chunk);
    if ('dead' in parsed) dead++;
    out.push(parsed);
  }
  logChunk(what, chunk, out.length, dead, started);
  return out;
}
captures(parseChunk, () => ({ chunkLines, atByte, logChunk, Date }));

/** chunk → parsed events and dead letters */
export function readEventsFn(types: readonly string[], access?: S3Access, timestampScale = 1) {
  return captures(
    function readEvents(chunk: Chunk): Tagged<ParsedEvent>[] {
      return parseChunk(chunk, access, 'events', (text, line) => parseEventLine(text, chunk.fileIndex, chunk.file, line, types, timestampScale));
    },
    () => ({ parseChunk, parseEventLine, types, access, timestampScale }),
  );
}

/**
 * chunk → `{key: 'events', value: [0, parsed, epochSeconds]}`: the timestamp probe that runs before
 * the pipeline. It parses the chunk's events only until one is not an integer in [1e9, 1e10) — from
 * then on the log cannot be one of epoch seconds, whatever the rest holds — so on a millisecond or
 * ISO log it reads one event per chunk, and only a log of seconds is parsed whole (once; the
 * pipeline then runs once, × 1000, instead of twice).
 */
export function probeTimestampsFn(types: readonly string[], access?: S3Access) {
  return captures(
    function probeTimestamps(chunk: Chunk): { key: string; value: number[] }[] {
      let parsed = 0;
      let seconds = 0;
      for (const [text, line] of chunkLines(chunk, access)) {
        const event = parseEventLine(text, chunk.fileIndex, chunk.file, line, types, 1);
        if (!('ok' in event)) continue;
        parsed++;
        if (event.ok.s !== 1) break;
        seconds++;
      }
      return [{ key: 'events', value: [0, parsed, seconds] }];
    },
    () => ({ chunkLines, parseEventLine, types, access }),
  );
}

/** chunk → parsed catalog rows and dead letters */
export function readCatalogFn(featureNames: readonly string[], access?: S3Access) {
  return captures(
    function readCatalog(chunk: Chunk): Tagged<ParsedTrack>[] {
      return parseChunk(chunk, access, 'catalog', (text, line) => parseCatalogLine(text, chunk.fileIndex, chunk.file, line, featureNames));
    },
    () => ({ parseChunk, parseCatalogLine, featureNames, access }),
  );
}

export function okOf<T>(tagged: Tagged<T>): T[] {
  return 'ok' in tagged ? [tagged.ok] : [];
}
export function deadOf(tagged: { dead: DeadLetter } | object): DeadLetter[] {
  return 'dead' in tagged ? [tagged.dead] : [];
}

// Positions in S3 inputs are byte offsets (they are read in byte ranges), elsewhere 1-based lines.
function deadAt(file: string, position: number, reason: string): DeadLetter {
  return file.startsWith('s3://') ? { file, line: 0, reason, byte: position } : { file, line: position, reason };
}
function placeOf(file: string, position: number): string {
  return file.startsWith('s3://') ? `${file}@byte ${position}` : `${file}:${position}`;
}

/** What the join emits: joined events, dead letters, and each track's (first) catalog row once. */
export type JoinOutput = { ok: JoinedEvent; artists: string[] } | { dead: DeadLetter } | { row: ParsedTrack };

/**
 * One track's events joined with its catalog row: events of a track the catalog lacks, and
 * repeated catalog rows, become dead letters; the rest go on with the track's artists.
 */
export function joinCatalogFn(eventFiles: readonly string[], catalogFiles: readonly string[]) {
  return captures(
    function joinCatalog(group: { key: unknown; values: { [tag: string]: Iterable<unknown> } }): JoinOutput[] {
      const key = String(group.key);
      const rows = Array.from((group.values.catalog ?? []) as Iterable<ParsedTrack>).sort((a, b) => a.f - b.f || a.l - b.l);
      const out: JoinOutput[] = [];
      const first = rows[0];
      if (first) out.push({ row: first });
      for (let k = 1; k < rows.length; k++)
        out.push({ dead: deadAt(catalogFiles[rows[k]!.f]!, rows[k]!.l, `track_id: "${key}" repeats the catalog row at ${placeOf(catalogFiles[first!.f]!, first!.l)}`) });
      for (const event of (group.values.events ?? []) as Iterable<ParsedEvent>) {
        if (first) out.push({ ok: { ...event, d: first.duration }, artists: first.artists });
        else out.push({ dead: deadAt(eventFiles[event.f]!, event.l, `track_id: "${key}" is not in the catalog (${catalogFiles.join(', ')})`) });
      }
      return out;
    },
    () => ({ eventFiles, catalogFiles, deadAt, placeOf, Array, String }),
  );
}

/** One catalog row's audio features as (feature name, value) elements for the catalog statistics. */
export function featureValuesFn(featureNames: readonly string[]) {
  return captures(
    function featureValues(element: JoinOutput): { key: string; value: number }[] {
      if (!('row' in element) || !element.row.features) return [];
      const features = element.row.features;
      return featureNames.map((name, f) => ({ key: name, value: features[f]! }));
    },
    () => ({ featureNames }),
  );
}

// local names: serialized code cannot reach module imports (test transforms rewrite those)
const exactAdd = addExact;
const exactRound = roundExact;

/** Per feature: tracks, and the exact sums of values and squares (order-independent: a combiner may add in any order). */
export const featureStatsCombiner = {
  createAccumulator: captures(function create(): { tracks: number; sum: number[]; squares: number[] } {
    return { tracks: 0, sum: [], squares: [] };
  }, () => ({})),
  addInput: captures(function add(accumulator: { tracks: number; sum: number[]; squares: number[] }, value: number) {
    accumulator.tracks++;
    exactAdd(accumulator.sum, value);
    exactAdd(accumulator.squares, value * value);
    return accumulator;
  }, () => ({ exactAdd })),
  mergeAccumulators: captures(function merge(accumulators: Iterable<{ tracks: number; sum: number[]; squares: number[] }>) {
    const out = { tracks: 0, sum: [] as number[], squares: [] as number[] };
    for (const accumulator of accumulators) {
      out.tracks += accumulator.tracks;
      for (const partial of accumulator.sum) exactAdd(out.sum, partial);
      for (const partial of accumulator.squares) exactAdd(out.squares, partial);
    }
    return out;
  }, () => ({ exactAdd })),
  extractOutput: captures(function extract(accumulator: { tracks: number; sum: number[]; squares: number[] }) {
    return { tracks: accumulator.tracks, sum: exactRound(accumulator.sum), sumSquares: exactRound(accumulator.squares) };
  }, () => ({ exactRound })),
};

/** Vector sum: the combiner behind every count (plays, skips, listeners). */
export const sumVectors = {
  createAccumulator: captures(function create(): number[] {
    return [];
  }, () => ({})),
  addInput: captures(function add(accumulator: number[], input: number[]): number[] {
    for (let k = 0; k < input.length; k++) accumulator[k] = (accumulator[k] ?? 0) + input[k]!;
    return accumulator;
  }, () => ({})),
  mergeAccumulators: captures(function merge(accumulators: Iterable<number[]>): number[] {
    const out: number[] = [];
    for (const accumulator of accumulators) for (let k = 0; k < accumulator.length; k++) out[k] = (out[k] ?? 0) + accumulator[k]!;
    return out;
  }, () => ({})),
  extractOutput: captures(function extract(accumulator: number[]): number[] {
    return accumulator;
  }, () => ({})),
};

/** Keeps the K entries with most count (ties: smaller id first) — bounded per-key state. */
export function topKCombiner(k: number) {
  const better = (a: [string, number], b: [string, number]): number => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const trim = captures(function trim(list: [string, number][]): [string, number][] {
    list.sort(better);
    if (list.length > k) list.length = k;
    return list;
  }, () => ({ better, k }));
  return {
    createAccumulator: captures(function create(): [string, number][] {
      return [];
    }, () => ({})),
    addInput: captures(function add(accumulator: [string, number][], input: [string, number]): [string, number][] {
      accumulator.push(input);
      return accumulator.length >= 2 * k ? trim(accumulator) : accumulator;
    }, () => ({ trim, k })),
    mergeAccumulators: captures(function merge(accumulators: Iterable<[string, number][]>): [string, number][] {
      const out: [string, number][] = [];
      for (const accumulator of accumulators) for (const entry of accumulator) out.push(entry);
      return trim(out);
    }, () => ({ trim })),
    extractOutput: captures(function extract(accumulator: [string, number][]): [string, number][] {
      return trim(accumulator.slice());
    }, () => ({ trim })),
  };
}

export type UserOutput =
  | { history: { user: string; tracks: string[]; timestamps: number[]; types: number[] } }
  | { session: { user: string; start: number; tracks: string[] } }
  | { pair: { key: string; value: number } }
  | { labels: RankerLabelRecord };

/**
 * One user's events → the ordered history, the sessions (positive events cut at long gaps) and
 * the user's co-occurrence counts (pairs within `window` positions of one session, over the last
 * `maxPairTokensPerUser` tokens), pre-summed per pair so the shuffle carries counts.
 */
export function perUserFn(options: AggregationOptions, skipCode: number, codes: typeof LABEL_TYPE_CODES) {
  // a local name: serialized code cannot reach a module import (test transforms rewrite those)
  const labelsOf = rankerLabelsOf;
  return captures(
    function perUser(group: { key: string; value: Iterable<JoinedEvent> }): UserOutput[] {
      const events = Array.from(group.value).sort((a, b) => a.ts - b.ts || a.f - b.f || a.l - b.l);
      const out: UserOutput[] = [];
      const history = { user: group.key, tracks: events.map((e) => e.track), timestamps: events.map((e) => e.ts), types: events.map((e) => e.type) };
      out.push({ history });
      const labels = labelsOf(group.key, history.tracks, history.types, events.map((e) => e.ms), events.map((e) => e.d), options, codes);
      for (const record of labels) out.push({ labels: record });
      const tokens: string[] = [];
      const sessionOfToken: number[] = [];
      let session: string[] = [];
      let start = 0;
      let lastTime = Number.NEGATIVE_INFINITY;
      let sessionCount = 0;
      for (let e = 0; e <= events.length; e++) {
        const event = events[e];
        const used = event !== undefined && event.type !== skipCode;
        if (event === undefined || (used && event.ts - lastTime > options.sessionGapMs)) {
          if (session.length >= options.minSessionLength) {
            out.push({ session: { user: group.key, start, tracks: session } });
            for (const track of session) {
              tokens.push(track);
              sessionOfToken.push(sessionCount);
            }
            sessionCount++;
          }
          session = [];
        }
        if (used) {
          if (session.length === 0) start = event.ts;
          session.push(event.track);
          lastTime = event.ts;
        }
      }
      const counts = new Map<string, number>();
      const from = Math.max(0, tokens.length - options.maxPairTokensPerUser);
      for (let p = from; p < tokens.length; p++) {
        for (let q = p + 1; q <= p + options.window && q < tokens.length && sessionOfToken[q] === sessionOfToken[p]; q++) {
          const a = tokens[p]!;
          const b = tokens[q]!;
          if (a === b) continue;
          const forward = `${a}\u0000${b}`;
          const backward = `${b}\u0000${a}`;
          counts.set(forward, (counts.get(forward) ?? 0) + 1);
          counts.set(backward, (counts.get(backward) ?? 0) + 1);
        }
      }
      for (const [key, value] of counts) out.push({ pair: { key, value } });
      return out;
    },
    () => ({ options, skipCode, codes, labelsOf, Array, Map, Math, Number }),
  );
}

/** A DoFn that writes its elements as JSON lines into one new shard per bundle (a file, or an S3 object named with its record count). */
export function shardWriter(directory: string, name: string, access?: S3Access) {
  return {
    beamName: `write ${name}`,
    lines: [] as string[],
    started: 0,
    startBundle: captures(function startBundle(this: { lines: string[]; started: number }) {
      this.lines = [];
      this.started = Date.now();
    }, () => ({ Date })),
    process: captures(function process(this: { lines: string[] }, element: unknown) {
      this.lines.push(JSON.stringify(element));
    }, () => ({ JSON })),
    finishBundle: captures(function finishBundle(this: { lines: string[]; started: number }) {
      if (this.lines.length === 0) return;
      const path = builtin<typeof NodePath>('node:path');
      const crypto = builtin<typeof NodeCrypto>('node:crypto');
      const text = `${this.lines.join('\n')}\n`;
      let file: string;
      if (directory.startsWith('s3://')) {
        if (!access) throw new Error(`${directory}: an S3 output, but the pipeline was built without S3 settings`);
        const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(directory)!;
        const prefix = match[2]!.replace(/\/+$/, '');
        const key = `${prefix ? `${prefix}/` : ''}${name}-${this.lines.length}r-${crypto.randomUUID()}.jsonl`;
        s3Request(access, { op: 'put', bucket: match[1]!, key, body: Buffer.from(text) });
        file = `s3://${match[1]}/${key}`;
      } else {
        const fs = builtin<typeof NodeFs>('node:fs');
        file = path.join(directory, `${name}-${crypto.randomUUID()}.jsonl`);
        fs.writeFileSync(file, text);
      }
      console.error(`[pipeline] wrote ${this.lines.length} ${name} records to ${path.basename(file)} in ${((Date.now() - this.started) / 1000).toFixed(2)} s`);
      this.lines = [];
    }, () => ({ directory, name, access, s3Request, Date, builtin })),
  };
}
