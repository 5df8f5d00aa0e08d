// The embedded playlist store: one append-only JSON Lines file (`playlists.jsonl`) holding every
// playlist version and every feedback record, fsync'ed before a write is acknowledged. Memory is
// bounded: versions (a few KB each) stay on disk and are read back by byte offset, with an LRU of
// recently used ones; memory keeps a small index per playlist (offsets, feedback, owner). Versions
// per playlist are capped, feedback is deduplicated by (playlist, version, track, signal), and
// creates/refines carry idempotency keys. Why a file and not a database: docs/adr/0006-playlist-store.md.
import { createHash } from 'node:crypto';
import { mkdir, open, stat, truncate } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeedbackRecord, PlaylistVersionRecord } from '@mixtape/llm';
import { FeedbackRecordSchema, PlaylistVersionRecordSchema, upgradePlan } from '@mixtape/llm';
import { z } from 'zod';

export interface StoredTrack {
  trackId: string;
  title: string;
  artists: string[];
  note: string;
}

/** A playlist version as stored and served: the DPO record plus what the listener saw. */
export interface StoredPlaylistVersion extends PlaylistVersionRecord {
  title: string;
  description: string;
  tracks: StoredTrack[];
  bundleVersion: string;
  fallbackReason?: string;
  changes?: string[];
  /** filters fulfilment relaxed because the catalog had too few tracks for them */
  relaxed?: string[];
  /** plan names the catalog does not know (ignored) */
  unresolved?: string[];
  /** what the catalog could not deliver (missing genres, artists, eras, length), one sentence each */
  unfulfilled?: { kind: string; requested: string; reason: string; substitute?: string }[];
}

/**
 * A client's promise that a write is the same write: the same `key` from the same `principal`
 * with the same request (`fingerprint`) answers with what the first one stored.
 */
export interface IdempotencyRecord {
  principal: string;
  key: string;
  /** sha256 of the request that made the write (see `fingerprintRequest`) */
  fingerprint: string;
}

/** What an idempotency key wrote. */
export interface IdempotentWrite {
  playlistId: string;
  version: number;
  fingerprint: string;
}

/** One page of playlists for an export. */
export interface PlaylistPage {
  playlistIds: string[];
  /** pass as `cursor` for the next page; undefined on the last */
  nextCursor?: string;
}

export interface PlaylistPageOptions {
  /** from a previous page's `nextCursor`; absent = from the first playlist */
  cursor?: string;
  /** playlists per page */
  limit: number;
  /** only this listener's playlists */
  userId?: string;
  /** only playlists created at or after / before these epoch ms */
  since?: number;
  until?: number;
}

export interface AppendFeedbackResult {
  /** false when the same (playlist, version, track, signal) was already stored: nothing written */
  stored: boolean;
  /** the record now in the store (the earlier one for a duplicate) */
  record: FeedbackRecord;
}

export interface PlaylistStoreStats {
  playlists: number;
  versions: number;
  feedback: number;
  /** parsed versions held in the LRU */
  cachedVersions: number;
  idempotencyKeys: number;
  /** bytes of the log file */
  fileBytes: number;
}

export interface PlaylistStore {
  /** Appends a version (`version` must follow the playlist's latest and stay within the cap). */
  appendVersion(version: StoredPlaylistVersion, idempotency?: IdempotencyRecord): Promise<void>;
  /** Appends feedback unless the same (playlist, version, track, signal) is stored already. */
  appendFeedback(feedback: FeedbackRecord): Promise<AppendFeedbackResult>;
  /** Version numbers of a playlist, oldest first; empty when unknown. */
  versionNumbers(playlistId: string): readonly number[];
  /** One version (default the latest), from the LRU or the file; undefined when absent. */
  getVersion(playlistId: string, version?: number): Promise<StoredPlaylistVersion | undefined>;
  /** Every version of a playlist from the file (not cached: exports must not evict hot versions). */
  readVersions(playlistId: string): Promise<StoredPlaylistVersion[]>;
  /** The playlist's feedback (deduplicated), in arrival order. */
  feedback(playlistId: string): readonly FeedbackRecord[];
  /** The write an idempotency key made, if remembered. */
  findIdempotentWrite(principal: string, key: string): IdempotentWrite | undefined;
  /** Playlists in creation order, filtered, one page at a time. */
  playlistPage(options: PlaylistPageOptions): PlaylistPage;
  stats(): PlaylistStoreStats;
  close(): Promise<void>;
}

/** Stable codes of PlaylistStoreError (ADR 0002: no HTTP status here; the app maps them). */
export type PlaylistStoreErrorCode = 'STORE_CORRUPT' | 'STORE_IO' | 'STORE_CLOSED' | 'VERSION_CONFLICT' | 'VERSION_LIMIT_REACHED' | 'PLAYLIST_NOT_FOUND' | 'CURSOR_INVALID';

export class PlaylistStoreError extends Error {
  readonly code: PlaylistStoreErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(message: string, options: { code?: PlaylistStoreErrorCode; cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PlaylistStoreError';
    this.code = options.code ?? 'STORE_IO';
    if (options.details) this.details = options.details;
  }
}

const StoredTrackSchema = z.object({ trackId: z.string().min(1), title: z.string(), artists: z.array(z.string()), note: z.string() });

// The fields preference learning reads are @mixtape/llm's (offline jobs read this file with `readPlaylistLog`);
// plans stored before schema 2 are upgraded on read (their missing keys meant "none").
const StoredVersionSchema = PlaylistVersionRecordSchema.extend({
  title: z.string(),
  description: z.string(),
  tracks: z.array(StoredTrackSchema),
  bundleVersion: z.string(),
  fallbackReason: z.string().optional(),
  changes: z.array(z.string()).optional(),
  relaxed: z.array(z.string()).optional(),
  unresolved: z.array(z.string()).optional(),
  unfulfilled: z.array(z.object({ kind: z.string(), requested: z.string(), reason: z.string(), substitute: z.string().optional() })).optional(),
});

const IdempotencySchema = z.object({ principal: z.string().min(1), key: z.string().min(1), fingerprint: z.string().min(1) });

const LineSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('version'), record: StoredVersionSchema, idempotency: IdempotencySchema.optional() }),
  z.object({ kind: z.literal('feedback'), record: FeedbackRecordSchema }),
]);

export const PLAYLIST_STORE_FILE = 'playlists.jsonl';

export interface FilePlaylistStoreOptions {
  directory: string;
  /** default true; false skips fsync (benchmarks of everything but the disk) */
  fsync?: boolean;
  /** told about a torn last line that was dropped on load */
  onWarning?: (message: string) => void;
  /** versions one playlist may have (refinements past it are refused; default 50) */
  maxVersionsPerPlaylist?: number;
  /** parsed versions kept in memory, most recently used (default 500) */
  cachedVersions?: number;
  /** idempotency keys remembered, the most recent writes (default 100 000) */
  idempotencyKeys?: number;
}

/** What memory keeps per playlist: where its versions are in the file, and its feedback. */
interface PlaylistEntry {
  ordinal: number;
  userId: string | null;
  createdAt: number;
  versions: number[];
  offsets: number[];
  lengths: number[];
  feedback: FeedbackRecord[];
  feedbackKeys: Set<string>;
}

// A move is the same feedback only when it puts the track in the same place again.
const feedbackKey = (feedback: Pick<FeedbackRecord, 'version' | 'trackId' | 'signal' | 'position'>) =>
  `${feedback.version}\u0000${feedback.trackId ?? ''}\u0000${feedback.signal}${feedback.signal === 'move' ? `\u0000${feedback.position ?? ''}` : ''}`;

/** sha256 over a canonical JSON of what a request asked for: equal requests, equal fingerprints. */
export function fingerprintRequest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, entry]) => entry !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Least recently used first (Map insertion order); `get` refreshes. */
class LruMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly capacity: number) {}
  get size(): number {
    return this.map.size;
  }
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.map.delete(oldest.value);
    }
  }
}

class PlaylistIndex {
  readonly byPlaylist = new Map<string, PlaylistEntry>();
  /** playlist ids in creation order (export pages walk it) */
  readonly order: string[] = [];
  readonly idempotency: LruMap<string, IdempotentWrite>;
  versionCount = 0;
  feedbackCount = 0;

  constructor(
    readonly maxVersions: number,
    idempotencyKeys: number,
  ) {
    this.idempotency = new LruMap(idempotencyKeys);
  }

  /** Throws (nothing written yet) unless `version` may follow the playlist's latest. */
  checkVersion(version: Pick<StoredPlaylistVersion, 'playlistId' | 'version'>, enforceCap: boolean): void {
    const entry = this.byPlaylist.get(version.playlistId);
    const last = entry?.versions.at(-1);
    if (last !== undefined && version.version <= last) {
      throw new PlaylistStoreError(`playlist ${version.playlistId}: version ${version.version} after version ${last}`, {
        code: 'VERSION_CONFLICT',
        details: { playlistId: version.playlistId, latest: last },
      });
    }
    if (enforceCap && entry && entry.versions.length >= this.maxVersions) {
      throw new PlaylistStoreError(
        `Playlist ${version.playlistId} has reached the limit of ${this.maxVersions} versions; create a new playlist (POST /v1/playlists) to keep refining`,
        { code: 'VERSION_LIMIT_REACHED', details: { playlistId: version.playlistId, maxVersions: this.maxVersions } },
      );
    }
  }

  addVersion(version: StoredPlaylistVersion, offset: number, length: number, idempotency: IdempotencyRecord | undefined): void {
    let entry = this.byPlaylist.get(version.playlistId);
    if (!entry) {
      entry = { ordinal: this.order.length, userId: version.userId ?? null, createdAt: version.createdAt, versions: [], offsets: [], lengths: [], feedback: [], feedbackKeys: new Set() };
      this.byPlaylist.set(version.playlistId, entry);
      this.order.push(version.playlistId);
    }
    entry.versions.push(version.version);
    entry.offsets.push(offset);
    entry.lengths.push(length);
    this.versionCount++;
    if (idempotency) {
      this.idempotency.set(`${idempotency.principal}\n${idempotency.key}`, { playlistId: version.playlistId, version: version.version, fingerprint: idempotency.fingerprint });
    }
  }

  /** The stored duplicate, or undefined when this feedback is new. */
  duplicateOf(feedback: FeedbackRecord): FeedbackRecord | undefined {
    const entry = this.byPlaylist.get(feedback.playlistId);
    if (!entry?.feedbackKeys.has(feedbackKey(feedback))) return undefined;
    const key = feedbackKey(feedback);
    return entry.feedback.find((record) => feedbackKey(record) === key);
  }

  addFeedback(feedback: FeedbackRecord, where: string): void {
    const entry = this.byPlaylist.get(feedback.playlistId);
    if (!entry) throw new PlaylistStoreError(`${where}: feedback for playlist ${feedback.playlistId}, which has no version before it`, { code: 'STORE_CORRUPT' });
    const key = feedbackKey(feedback);
    // Files written before deduplication may hold repeats: keep the first, as new writes would.
    if (entry.feedbackKeys.has(key)) return;
    entry.feedbackKeys.add(key);
    entry.feedback.push(feedback);
    this.feedbackCount++;
  }

  location(playlistId: string, version: number | undefined): { offset: number; length: number; version: number } | undefined {
    const entry = this.byPlaylist.get(playlistId);
    if (!entry) return undefined;
    const position = version === undefined ? entry.versions.length - 1 : entry.versions.indexOf(version);
    if (position < 0) return undefined;
    return { offset: entry.offsets[position]!, length: entry.lengths[position]!, version: entry.versions[position]! };
  }
}

/**
 * Opens (creating when missing) the store in `directory`. A line that is not valid JSON or not a
 * valid record fails the load with file:line and the problem, except a torn final line (no
 * trailing newline: a write interrupted by a crash, never acknowledged), which is dropped. The
 * file is read in chunks, so opening a large store does not hold it in memory.
 */
export async function openFilePlaylistStore(options: FilePlaylistStoreOptions): Promise<PlaylistStore> {
  const { directory } = options;
  const fsync = options.fsync ?? true;
  const maxVersions = positive(options.maxVersionsPerPlaylist ?? 50, 'maxVersionsPerPlaylist');
  const cache = new LruMap<string, StoredPlaylistVersion>(positive(options.cachedVersions ?? 500, 'cachedVersions'));
  await mkdir(directory, { recursive: true });
  const path = join(directory, PLAYLIST_STORE_FILE);
  const index = new PlaylistIndex(maxVersions, positive(options.idempotencyKeys ?? 100_000, 'idempotencyKeys'));

  let size = await scanFile(path, index, options.onWarning);
  let appender: FileHandle | undefined = await open(path, 'a');
  let reader: FileHandle | undefined = await open(path, 'r');
  let broken: Error | undefined;

  // Group commit: appends that arrive while a write + fsync is in flight are written together by
  // the next one (one fsync for the group), in call order; each resolves with its byte offset once durable.
  let pending: { line: string; resolve: (offset: number) => void; reject: (error: unknown) => void }[] = [];
  let flushing: Promise<void> | undefined;
  const flush = async (): Promise<void> => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      const start = size;
      try {
        if (!appender) throw new PlaylistStoreError(`${path}: the store is closed`, { code: 'STORE_CLOSED' });
        if (broken) throw broken;
        const text = batch.map((entry) => `${entry.line}\n`).join('');
        await appender.appendFile(text);
        if (fsync) await appender.datasync();
        let offset = start;
        size = start + Buffer.byteLength(text, 'utf8');
        for (const entry of batch) {
          entry.resolve(offset);
          offset += Buffer.byteLength(entry.line, 'utf8') + 1;
        }
      } catch (error) {
        // A failed write may have left part of the batch: cut the file back to what was
        // acknowledged, or refuse further writes (offsets would no longer be known).
        if (appender && !broken && !(error instanceof PlaylistStoreError)) {
          await truncate(path, start).catch((truncateError: unknown) => {
            broken = new PlaylistStoreError(`${path}: a write failed and the file could not be restored; restart the service`, { code: 'STORE_IO', cause: truncateError });
          });
        }
        for (const entry of batch) entry.reject(error instanceof PlaylistStoreError ? error : new PlaylistStoreError(`${path}: write failed: ${(error as Error).message}`, { code: 'STORE_IO', cause: error }));
      }
    }
    flushing = undefined;
  };
  const feedbackInFlight = new Map<string, Promise<AppendFeedbackResult>>();
  const append = (line: string): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      pending.push({ line, resolve, reject });
      flushing ??= flush();
    });

  const readAt = async (location: { offset: number; length: number }): Promise<StoredPlaylistVersion> => {
    if (!reader) throw new PlaylistStoreError(`${path}: the store is closed`, { code: 'STORE_CLOSED' });
    const buffer = Buffer.allocUnsafe(location.length);
    const { bytesRead } = await reader.read(buffer, 0, location.length, location.offset);
    if (bytesRead !== location.length) {
      throw new PlaylistStoreError(`${path}: expected ${location.length} bytes at offset ${location.offset}, read ${bytesRead}; was the file changed under the service?`, { code: 'STORE_CORRUPT' });
    }
    // Validated when it was written or loaded; only parse (and upgrade a plan stored in an older schema).
    const parsed = JSON.parse(buffer.toString('utf8')) as { record: StoredPlaylistVersion };
    return { ...parsed.record, plan: upgradePlan(parsed.record.plan) as StoredPlaylistVersion['plan'] };
  };

  return {
    async appendVersion(version, idempotency) {
      // Checked before the write, so the file never holds a record memory refused.
      index.checkVersion(version, true);
      const line = JSON.stringify({ kind: 'version', record: version, ...(idempotency ? { idempotency } : {}) });
      const offset = await append(line);
      index.addVersion(version, offset, Buffer.byteLength(line, 'utf8'), idempotency);
      cache.set(`${version.playlistId}\n${version.version}`, version);
    },
    async appendFeedback(feedback) {
      const duplicate = index.duplicateOf(feedback);
      if (duplicate) return { stored: false, record: duplicate };
      if (!index.byPlaylist.has(feedback.playlistId)) {
        throw new PlaylistStoreError(`Playlist ${feedback.playlistId} not found`, { code: 'PLAYLIST_NOT_FOUND' });
      }
      // The same feedback sent twice at once: the second waits for the first instead of writing again.
      const key = `${feedback.playlistId}\n${feedbackKey(feedback)}`;
      const inFlight = feedbackInFlight.get(key);
      if (inFlight) return { stored: false, record: (await inFlight).record };
      const write = (async (): Promise<AppendFeedbackResult> => {
        await append(JSON.stringify({ kind: 'feedback', record: feedback }));
        index.addFeedback(feedback, path);
        return { stored: true, record: feedback };
      })();
      feedbackInFlight.set(key, write);
      try {
        return await write;
      } finally {
        feedbackInFlight.delete(key);
      }
    },
    versionNumbers: (playlistId) => index.byPlaylist.get(playlistId)?.versions ?? [],
    async getVersion(playlistId, version) {
      const location = index.location(playlistId, version);
      if (!location) return undefined;
      const key = `${playlistId}\n${location.version}`;
      const cached = cache.get(key);
      if (cached) return cached;
      const record = await readAt(location);
      cache.set(key, record);
      return record;
    },
    async readVersions(playlistId) {
      const entry = index.byPlaylist.get(playlistId);
      if (!entry) return [];
      const records: StoredPlaylistVersion[] = [];
      for (let position = 0; position < entry.versions.length; position++) {
        records.push(await readAt({ offset: entry.offsets[position]!, length: entry.lengths[position]! }));
      }
      return records;
    },
    feedback: (playlistId) => index.byPlaylist.get(playlistId)?.feedback ?? [],
    findIdempotentWrite: (principal, key) => index.idempotency.get(`${principal}\n${key}`),
    playlistPage({ cursor, limit, userId, since, until }) {
      let position = cursor === undefined ? 0 : decodeCursor(cursor);
      const playlistIds: string[] = [];
      while (position < index.order.length && playlistIds.length < limit) {
        const id = index.order[position++]!;
        const entry = index.byPlaylist.get(id)!;
        if (userId !== undefined && entry.userId !== userId) continue;
        if (since !== undefined && entry.createdAt < since) continue;
        if (until !== undefined && entry.createdAt >= until) continue;
        playlistIds.push(id);
      }
      return { playlistIds, ...(position < index.order.length ? { nextCursor: encodeCursor(position) } : {}) };
    },
    stats: () => ({
      playlists: index.byPlaylist.size,
      versions: index.versionCount,
      feedback: index.feedbackCount,
      cachedVersions: cache.size,
      idempotencyKeys: index.idempotency.size,
      fileBytes: size,
    }),
    async close() {
      await flushing;
      const handles = [appender, reader];
      appender = undefined;
      reader = undefined;
      await Promise.all(handles.map((handle) => handle?.close()));
    },
  };
}

/** Cursors are positions in creation order, written so clients treat them as opaque. */
function encodeCursor(position: number): string {
  return `p${position.toString(36)}`;
}

export function decodeCursor(cursor: string): number {
  const match = /^p([0-9a-z]{1,11})$/.exec(cursor);
  if (!match) throw new PlaylistStoreError(`cursor "${cursor.slice(0, 40)}" is not one this service issued; pass the nextCursor of the previous page`, { code: 'CURSOR_INVALID' });
  return Number.parseInt(match[1]!, 36);
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name}: expected a positive integer, got ${value}`);
  return value;
}

/**
 * Reads the log in 1 MB chunks, validating every line and indexing byte offsets; trims a torn
 * last line. Returns the file size after trimming.
 */
async function scanFile(path: string, index: PlaylistIndex, onWarning: ((message: string) => void) | undefined): Promise<number> {
  let fileSize: number;
  try {
    fileSize = (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new PlaylistStoreError(`${path}: cannot read: ${(error as Error).message}`, { code: 'STORE_IO', cause: error });
  }
  const handle = await open(path, 'r');
  const chunk = Buffer.allocUnsafe(1 << 20);
  let carry = Buffer.alloc(0);
  let carryOffset = 0; // file offset of carry[0]
  let position = 0;
  let lineNumber = 0;
  try {
    while (position < fileSize) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let start = 0;
      for (let newline = data.indexOf(10, start); newline !== -1; newline = data.indexOf(10, start)) {
        lineNumber++;
        indexLine(path, index, lineNumber, data.subarray(start, newline), carryOffset + start);
        start = newline + 1;
      }
      // Copy: `chunk` is reused by the next read.
      carry = Buffer.from(data.subarray(start));
      carryOffset += start;
    }
  } finally {
    await handle.close();
  }
  if (carry.length > 0) {
    onWarning?.(`${path}: dropped a torn last line (${carry.length} bytes) left by an interrupted write`);
    await truncate(path, carryOffset);
    return carryOffset;
  }
  return fileSize;
}

function indexLine(path: string, index: PlaylistIndex, lineNumber: number, bytes: Buffer, offset: number): void {
  const text = bytes.toString('utf8');
  if (text.trim().length === 0) return;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PlaylistStoreError(`${path}:${lineNumber}: not valid JSON (${(error as Error).message}); expected one record per line`, { code: 'STORE_CORRUPT', cause: error });
  }
  const parsed = LineSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlaylistStoreError(
      `${path}:${lineNumber}: field ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}; expected a {kind: "version"|"feedback", record} line`,
      { code: 'STORE_CORRUPT' },
    );
  }
  const where = `${path}:${lineNumber}`;
  if (parsed.data.kind === 'version') {
    const record = parsed.data.record as StoredPlaylistVersion;
    try {
      // History may hold more versions than today's cap (the cap may have been lowered): load them.
      index.checkVersion(record, false);
    } catch (error) {
      throw new PlaylistStoreError(`${where}: ${(error as Error).message}`, { code: 'STORE_CORRUPT', cause: error });
    }
    index.addVersion(record, offset, bytes.length, parsed.data.idempotency);
  } else {
    index.addFeedback(parsed.data.record, where);
  }
}
