// Dataset snapshots: a directory with metadata.json (schema version, counts, a manifest of
// every column) and binary files of raw little-endian column buffers, 8-byte aligned, read
// back as zero-copy typed-array views. String columns are UTF-8 joined by NUL, which decodes
// a million ids in one split instead of a million decoder calls.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { CatalogStore } from './catalog-store';
import type { CatalogColumns } from './catalog-columns';
import { InteractionLog } from './interactions';
import type { InteractionColumns } from './interactions';

export const SNAPSHOT_SCHEMA_VERSION = 1;
export const SNAPSHOT_FORMAT = 'mixtape-dataset';

type NumericArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;
type ColumnValue = NumericArray | string[];

const DTYPES = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;
type NumericDtype = keyof typeof DTYPES;
type Dtype = NumericDtype | 'utf8';

const ColumnEntrySchema = z.object({
  name: z.string(),
  dtype: z.enum(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64', 'utf8']),
  /** elements (strings for utf8) */
  length: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  byteLength: z.number().int().nonnegative(),
});
type ColumnEntry = z.infer<typeof ColumnEntrySchema>;

const FileEntrySchema = z.object({ byteLength: z.number().int().nonnegative(), columns: z.array(ColumnEntrySchema) });

export const SnapshotMetadataSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  schemaVersion: z.number().int(),
  /** where the data came from: "synthetic", "tidytuesday", "lastfm-hetrec", … */
  source: z.string(),
  counts: z.object({
    tracks: z.number().int(),
    artists: z.number().int(),
    albums: z.number().int(),
    genres: z.number().int(),
    users: z.number().int(),
    interactions: z.number().int(),
  }),
  /** source-specific facts: generator options, reference date, how playlists were mapped … */
  details: z.record(z.string(), z.unknown()).default({}),
  files: z.record(z.string(), FileEntrySchema),
});
export type SnapshotMetadata = z.infer<typeof SnapshotMetadataSchema>;

/** Extra named columns stored beside the dataset (the generator's ground-truth taste, for one). */
export type SnapshotExtras = Record<string, ColumnValue>;

export interface WriteSnapshotInput {
  store: CatalogStore;
  interactions: InteractionLog;
  source: string;
  details?: Record<string, unknown>;
  extras?: SnapshotExtras;
  /** small side files written into the directory (e.g. "rejects.jsonl") */
  files?: Record<string, string>;
}

export interface SnapshotIoOptions {
  signal?: AbortSignal;
  /** default 10 minutes */
  timeoutMs?: number;
}

export interface WriteSnapshotOptions extends SnapshotIoOptions {
  /** replace an existing directory (default false: refuse) */
  overwrite?: boolean;
}

export interface Snapshot {
  store: CatalogStore;
  interactions: InteractionLog;
  metadata: SnapshotMetadata;
  extras: SnapshotExtras;
}

export class SnapshotError extends Error {
  override name = 'SnapshotError';
  readonly code = 'SNAPSHOT_INVALID';
}

/** The files of a dataset directory (besides side files such as rejects.jsonl). */
const FILES = {
  /** the catalog's columns (CATALOG_KEYS) */
  catalog: 'catalog.bin',
  /** the interaction log's columns (INTERACTION_KEYS) */
  interactions: 'interactions.bin',
  /** the extra named columns, when there are any */
  extras: 'extras.bin',
  /** SnapshotMetadata: format, counts, details and where each column is in each file */
  metadata: 'metadata.json',
} as const;

const CATALOG_KEYS = [
  'trackIds', 'trackTitles', 'trackArtistOffsets', 'trackArtists', 'trackAlbum', 'trackDurationMs', 'trackExplicit',
  'trackPopularity', 'trackReleaseDay', 'trackReleasePrecision', 'trackGenreOffsets', 'trackGenres',
  'trackSubgenreOffsets', 'trackSubgenres', 'trackFeatures', 'trackHasFeatures', 'artistIds', 'artistNames',
  'artistGenreOffsets', 'artistGenres', 'albumIds', 'albumTitles', 'albumArtist', 'albumReleaseDay',
  'albumReleasePrecision', 'genreNames',
] as const satisfies readonly (keyof CatalogColumns)[];
const INTERACTION_KEYS = [
  'userIds', 'contexts', 'user', 'track', 'timestamp', 'type', 'msPlayed', 'count', 'context',
] as const satisfies readonly (keyof InteractionColumns)[];

function assertLittleEndian(): void {
  if (endianness() !== 'LE') throw new SnapshotError('snapshots are little-endian; this platform is big-endian');
}

function ioSignal(options: SnapshotIoOptions): AbortSignal {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 600_000);
  return options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
}

/**
 * Writes a dataset directory atomically: everything goes to a sibling temp directory that is
 * renamed into place last, so readers never see half a snapshot and a failure leaves nothing.
 */
export async function writeSnapshot(dir: string, input: WriteSnapshotInput, options: WriteSnapshotOptions = {}): Promise<SnapshotMetadata> {
  assertLittleEndian();
  const signal = ioSignal(options);
  const existing = await stat(dir).catch(() => undefined);
  if (existing && !options.overwrite) throw new SnapshotError(`output directory ${dir} already exists (pass overwrite to replace it)`);
  await mkdir(dirname(dir), { recursive: true });
  const temp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(temp);
  try {
    const files: SnapshotMetadata['files'] = {};
    const catalogColumns = input.store.columns;
    files[FILES.catalog] = await writeColumns(join(temp, FILES.catalog), CATALOG_KEYS.map((key) => [key, catalogColumns[key]]), signal);
    const interactionColumns = input.interactions.columns;
    files[FILES.interactions] = await writeColumns(
      join(temp, FILES.interactions),
      INTERACTION_KEYS.map((key) => [key, interactionColumns[key]]),
      signal,
    );
    if (input.extras && Object.keys(input.extras).length > 0)
      files[FILES.extras] = await writeColumns(join(temp, FILES.extras), Object.entries(input.extras), signal);
    const metadata: SnapshotMetadata = {
      format: SNAPSHOT_FORMAT,
      schemaVersion: SNAPSHOT_SCHEMA_VERSION,
      source: input.source,
      counts: {
        tracks: input.store.trackCount,
        artists: input.store.artistCount,
        albums: input.store.albumCount,
        genres: input.store.genreCount,
        users: input.interactions.userCount,
        interactions: input.interactions.length,
      },
      details: input.details ?? {},
      files,
    };
    for (const [name, content] of Object.entries(input.files ?? {})) {
      if (name.includes('/') || name.includes('\\') || name === FILES.metadata || name in files)
        throw new SnapshotError(`side file name "${name}" is not allowed`);
      await writeFile(join(temp, name), content, { signal });
    }
    await writeFile(join(temp, FILES.metadata), `${JSON.stringify(metadata, null, 2)}\n`, { signal });
    signal.throwIfAborted();
    if (existing) {
      const trash = `${temp}.old`;
      await rename(dir, trash);
      await rename(temp, dir);
      await rm(trash, { recursive: true, force: true });
    } else {
      await rename(temp, dir);
    }
    return metadata;
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

async function writeColumns(path: string, columns: [string, ColumnValue][], signal: AbortSignal): Promise<z.infer<typeof FileEntrySchema>> {
  const handle = await open(path, 'w');
  const entries: ColumnEntry[] = [];
  let offset = 0;
  const padding = Buffer.alloc(8);
  try {
    for (const [name, value] of columns) {
      signal.throwIfAborted();
      let bytes: Uint8Array;
      let dtype: Dtype;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++)
          if (value[i]!.includes('\0')) throw new SnapshotError(`column ${name}[${i}] contains a NUL character`);
        bytes = Buffer.from(value.join('\0'), 'utf8');
        dtype = 'utf8';
      } else {
        dtype = dtypeOf(value, name);
        bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      }
      await writeAll(handle, bytes);
      entries.push({ name, dtype, length: value.length, offset, byteLength: bytes.byteLength });
      offset += bytes.byteLength;
      const pad = (8 - (offset % 8)) % 8;
      if (pad > 0) {
        await writeAll(handle, padding.subarray(0, pad));
        offset += pad;
      }
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { byteLength: offset, columns: entries };
}

async function writeAll(handle: Awaited<ReturnType<typeof open>>, bytes: Uint8Array): Promise<void> {
  // write in 64 MiB pieces: one write call is capped near 2 GiB
  const chunk = 64 * 1024 * 1024;
  for (let start = 0; start < bytes.byteLength; start += chunk) {
    const piece = bytes.subarray(start, Math.min(bytes.byteLength, start + chunk));
    let written = 0;
    while (written < piece.byteLength) {
      const result = await handle.write(piece, written, piece.byteLength - written);
      written += result.bytesWritten;
    }
  }
}

function dtypeOf(value: NumericArray, name: string): NumericDtype {
  for (const [dtype, ctor] of Object.entries(DTYPES)) if (value instanceof ctor) return dtype as NumericDtype;
  throw new SnapshotError(`column ${name}: unsupported array type`);
}

/** Reads only metadata.json (cheap: counts, source, details). */
export async function readSnapshotMetadata(dir: string, options: SnapshotIoOptions = {}): Promise<SnapshotMetadata> {
  const path = join(dir, FILES.metadata);
  let text: string;
  try {
    text = await readFile(path, { encoding: 'utf8', signal: ioSignal(options) });
  } catch (error) {
    // raw data (a CSV folder, a Last.fm folder) is the common mistake: say how to make a dataset of it
    throw new SnapshotError(`cannot read ${path}: is ${dir} a dataset directory? (make one from raw data with \`mixtape data import --format FORMAT --input ${dir} --out DIR\`, or \`mixtape data generate --out DIR\`)`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(`${path}: not valid JSON`, { cause: error });
  }
  const parsed = SnapshotMetadataSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SnapshotError(`${path}: field "${issue.path.join('.')}": ${issue.message}`);
  }
  if (parsed.data.schemaVersion !== SNAPSHOT_SCHEMA_VERSION)
    throw new SnapshotError(`${path}: schema version ${parsed.data.schemaVersion} is not supported (expected ${SNAPSHOT_SCHEMA_VERSION})`);
  return parsed.data;
}

/** Reads a dataset directory into a CatalogStore and an InteractionLog. */
export async function readSnapshot(dir: string, options: SnapshotIoOptions = {}): Promise<Snapshot> {
  assertLittleEndian();
  const metadata = await readSnapshotMetadata(dir, options);
  const signal = ioSignal(options);
  const catalog = await readColumns(dir, FILES.catalog, metadata, signal);
  const interactions = await readColumns(dir, FILES.interactions, metadata, signal);
  const extras = metadata.files[FILES.extras] ? await readColumns(dir, FILES.extras, metadata, signal) : {};
  const catalogColumns = pick<CatalogColumns>(catalog, CATALOG_KEYS, FILES.catalog, dir);
  const interactionColumns = pick<InteractionColumns>(interactions, INTERACTION_KEYS, FILES.interactions, dir);
  let store: CatalogStore;
  let log: InteractionLog;
  try {
    store = new CatalogStore(catalogColumns);
    const tracks = interactionColumns.track;
    for (let i = 0; i < tracks.length; i++)
      if (!(tracks[i]! >= 0 && tracks[i]! < store.trackCount)) throw new RangeError(`interaction row ${i}: track index ${tracks[i]} out of range 0..${store.trackCount - 1}`);
    log = new InteractionLog(interactionColumns);
  } catch (error) {
    throw new SnapshotError(`${dir}: inconsistent snapshot: ${(error as Error).message}`, { cause: error });
  }
  return { store, interactions: log, metadata, extras };
}

function pick<T>(columns: Record<string, ColumnValue>, keys: readonly string[], file: string, dir: string): T {
  for (const key of keys) if (!(key in columns)) throw new SnapshotError(`${join(dir, file)}: missing column "${key}"`);
  return columns as T;
}

async function readColumns(dir: string, file: string, metadata: SnapshotMetadata, signal: AbortSignal): Promise<Record<string, ColumnValue>> {
  const entry = metadata.files[file];
  const path = join(dir, file);
  if (!entry) throw new SnapshotError(`${join(dir, FILES.metadata)}: no entry for ${file}`);
  const buffer = await readFile(path, { signal });
  if (buffer.byteLength !== entry.byteLength)
    throw new SnapshotError(`${path}: ${buffer.byteLength} bytes on disk, metadata says ${entry.byteLength} (truncated or replaced?)`);
  const result: Record<string, ColumnValue> = {};
  for (const column of entry.columns) {
    if (column.offset + column.byteLength > buffer.byteLength)
      throw new SnapshotError(`${path}: column ${column.name} extends past the end of the file`);
    if (column.dtype === 'utf8') {
      const strings = column.length === 0 ? [] : buffer.toString('utf8', column.offset, column.offset + column.byteLength).split('\0');
      if (strings.length !== column.length)
        throw new SnapshotError(`${path}: column ${column.name} holds ${strings.length} strings, expected ${column.length}`);
      result[column.name] = strings;
      continue;
    }
    const ctor = DTYPES[column.dtype];
    if (column.byteLength !== column.length * ctor.BYTES_PER_ELEMENT)
      throw new SnapshotError(`${path}: column ${column.name} byte length does not match ${column.length} × ${column.dtype}`);
    const start = buffer.byteOffset + column.offset;
    result[column.name] =
      start % ctor.BYTES_PER_ELEMENT === 0
        ? new ctor(buffer.buffer, start, column.length)
        : new ctor(buffer.buffer.slice(start, start + column.byteLength)); // unaligned pool buffer: copy
  }
  return result;
}
