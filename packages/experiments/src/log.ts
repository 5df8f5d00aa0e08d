// The experiment log: exposures (what a user was shown, under which variants) and events (what
// they did). Services append them as JSON Lines files (default) or Redis Streams; the analysis
// reads them back. One line = one record; every field is checked on the way in and out.
import { createReadStream, createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';

export const EVENT_TYPES = ['play', 'skip', 'complete', 'save', 'playlist_add'] as const;
export type ExperimentEventType = (typeof EVENT_TYPES)[number];

const isoTime = z.iso.datetime({ offset: true, message: 'expected an ISO-8601 date-time, e.g. 2026-11-02T10:00:00.000Z' });
const id = z.string().min(1).max(200);

export const ExperimentRefSchema = z.object({ key: id, variant: id }).strict();
export type ExperimentRef = z.infer<typeof ExperimentRefSchema>;

export const ExposedItemSchema = z
  .object({
    /** track (or result) id */
    id,
    /** 0-based position in its list (shelf, result page, playlist) */
    position: z.number().int().nonnegative(),
    /** shelf id on Home */
    shelf: z.string().max(200).optional(),
    /** 0-based position of the shelf on the page */
    shelfPosition: z.number().int().nonnegative().optional(),
    /** interleaving: which ranker contributed the item */
    team: z.enum(['A', 'B']).optional(),
  })
  .strict();
export type ExposedItem = z.infer<typeof ExposedItemSchema>;

export const ExposureRecordSchema = z
  .object({
    kind: z.literal('exposure'),
    /** unique per page (the request id) */
    id,
    time: isoTime,
    userId: id,
    /** home, search, playlists */
    surface: id,
    experiments: z.array(ExperimentRefSchema),
    items: z.array(ExposedItemSchema).default([]),
    /** interleaving: the rankers behind teams A and B */
    teams: z.object({ A: id, B: id }).strict().optional(),
  })
  .strict();
export type ExposureRecord = z.output<typeof ExposureRecordSchema>;

export const EventRecordSchema = z
  .object({
    kind: z.literal('event'),
    time: isoTime,
    userId: id,
    trackId: id,
    type: z.enum(EVENT_TYPES),
    msPlayed: z.number().int().nonnegative().max(86_400_000).optional(),
    surface: id.optional(),
    shelf: z.string().max(200).optional(),
    /** the user's assignments when the event arrived (the join key when exposures are sampled) */
    experiments: z.array(ExperimentRefSchema).optional(),
  })
  .strict();
export type EventRecord = z.output<typeof EventRecordSchema>;

export const ExperimentLogRecordSchema = z.discriminatedUnion('kind', [ExposureRecordSchema, EventRecordSchema]);
export type ExperimentLogRecord = ExposureRecord | EventRecord;

/** Where services append exposures and events. Appends never throw into a request: they reject. */
export interface ExperimentLogSink {
  readonly description: string;
  append(records: readonly ExperimentLogRecord[]): Promise<void>;
  /** flushes what is buffered and releases files/connections */
  close(): Promise<void>;
}

/** A log line that is not a valid record: names the file, line and field. */
export class ExperimentLogError extends Error {
  override name = 'ExperimentLogError';
  readonly code = 'EXPERIMENT_LOG_INVALID';
}

export interface JsonlLogSinkOptions {
  /** directory of `exposures-YYYY-MM-DD.jsonl` and `events-YYYY-MM-DD.jsonl` (UTC day of each record) */
  directory: string;
  logger?: { warn(object: object, message: string): void };
}

/**
 * Appends records as JSON Lines, one file per kind and UTC day. Writes go through append-mode
 * streams (a line is one write, so concurrent processes on one file do not interleave within a
 * line for lines below PIPE_BUF on local disks); `close()` flushes.
 */
export function createJsonlLogSink(options: JsonlLogSinkOptions): ExperimentLogSink {
  const streams = new Map<string, WriteStream>();
  let ready: Promise<unknown> | undefined;
  let failed: Error | undefined;
  const streamFor = (name: string): WriteStream => {
    let stream = streams.get(name);
    if (!stream) {
      stream = createWriteStream(join(options.directory, name), { flags: 'a' });
      stream.on('error', (error) => {
        failed = error;
        options.logger?.warn({ err: error, file: name }, 'experiment log: write failed');
      });
      streams.set(name, stream);
      // keep at most a few days open
      if (streams.size > 4) {
        const [oldest] = streams.keys();
        streams.get(oldest!)!.end();
        streams.delete(oldest!);
      }
    }
    return stream;
  };
  return {
    description: `jsonl:${options.directory}`,
    async append(records) {
      ready ??= mkdir(options.directory, { recursive: true });
      await ready;
      if (failed) throw new Error(`experiment log ${options.directory}: ${failed.message}`, { cause: failed });
      for (const record of records) {
        const day = record.time.slice(0, 10);
        streamFor(`${record.kind === 'exposure' ? 'exposures' : 'events'}-${day}.jsonl`).write(`${JSON.stringify(record)}\n`);
      }
    },
    async close() {
      await Promise.all([...streams.values()].map((stream) => new Promise<void>((resolve) => stream.end(resolve))));
      streams.clear();
    },
  };
}

/** Files behind a list of paths: files as given, directories expanded to their `*.jsonl` files (sorted). */
export async function expandLogPaths(paths: readonly string[], kind?: 'exposures' | 'events'): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new ExperimentLogError(`${path}: ${error.code === 'ENOENT' ? 'no such file or directory' : error.message}`);
    });
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter((name) => name.endsWith('.jsonl') && (!kind || name.startsWith(kind))).sort();
      files.push(...names.map((name) => join(path, name)));
    } else files.push(path);
  }
  return files;
}

export interface ReadLogOptions {
  /** called for a torn last line (a crash mid-write); default: ignored */
  onWarning?: (message: string) => void;
}

/**
 * Reads records from JSONL files or directories. A malformed line throws ExperimentLogError
 * (`file:line: field: problem`), except a torn final line without its newline, which is skipped
 * with a warning.
 */
export async function readExperimentLog(paths: readonly string[], options: ReadLogOptions & { kind?: 'exposures' | 'events' } = {}): Promise<ExperimentLogRecord[]> {
  const records: ExperimentLogRecord[] = [];
  for (const file of await expandLogPaths(paths, options.kind)) {
    const size = (await stat(file)).size;
    let consumed = 0;
    let lineNumber = 0;
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      lineNumber++;
      consumed += Buffer.byteLength(line) + 1;
      if (!line.trim()) continue;
      const last = consumed > size; // no newline after this line
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        if (last) {
          options.onWarning?.(`${file}:${lineNumber}: torn last line skipped (${(error as Error).message})`);
          continue;
        }
        throw new ExperimentLogError(`${file}:${lineNumber}: not JSON (${(error as Error).message})`);
      }
      const parsed = ExperimentLogRecordSchema.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new ExperimentLogError(`${file}:${lineNumber}: ${issue.path.join('.') || '(record)'}: ${issue.message}`);
      }
      records.push(parsed.data);
    }
  }
  return records;
}
