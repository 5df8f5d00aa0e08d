// The embedded playlist store: one append-only JSON Lines file (`playlists.jsonl`) holding every
// playlist version and every feedback record, fsync'ed before a write is acknowledged, read back
// whole at startup. Why this and not a database: Node 20 has no node:sqlite, the data is small
// (a few KB per version), append-only writes make a crash lose at most the write in flight (a
// torn last line is dropped on load and trimmed before the next append), and the file is
// readable with `jq`. Replicas need a shared store instead (the PlaylistStore interface).
import { mkdir, open, readFile, truncate } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeedbackRecord, PlaylistVersionRecord } from '@mixtape/llm';
import { FeedbackRecordSchema, StoredPlanSchema } from '@mixtape/llm';
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

export interface PlaylistStore {
  appendVersion(version: StoredPlaylistVersion): Promise<void>;
  appendFeedback(feedback: FeedbackRecord): Promise<void>;
  /** every version of a playlist, oldest first; empty when unknown */
  versions(playlistId: string): readonly StoredPlaylistVersion[];
  allVersions(): readonly StoredPlaylistVersion[];
  allFeedback(): readonly FeedbackRecord[];
  close(): Promise<void>;
}

const StoredTrackSchema = z.object({ trackId: z.string().min(1), title: z.string(), artists: z.array(z.string()), note: z.string() });

const StoredVersionSchema = z.object({
  playlistId: z.string().min(1),
  version: z.number().int().min(1),
  parentVersion: z.number().int().min(1).nullable(),
  prompt: z.string(),
  // Plans stored before schema 2 are upgraded on read (their missing keys meant "none").
  plan: StoredPlanSchema,
  planner: z.string().min(1),
  trackIds: z.array(z.string()),
  templateVersion: z.string().optional(),
  userId: z.string().nullish(),
  createdAt: z.number().int().nonnegative(),
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

const LineSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('version'), record: StoredVersionSchema }),
  z.object({ kind: z.literal('feedback'), record: FeedbackRecordSchema }),
]);

export class PlaylistStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PlaylistStoreError';
  }
}

/** In-memory indexes shared by both stores. */
class PlaylistIndex {
  readonly byPlaylist = new Map<string, StoredPlaylistVersion[]>();
  readonly versions: StoredPlaylistVersion[] = [];
  readonly feedback: FeedbackRecord[] = [];

  checkVersion(version: StoredPlaylistVersion): void {
    const last = this.byPlaylist.get(version.playlistId)?.at(-1);
    if (last && version.version <= last.version) {
      throw new PlaylistStoreError(`playlist ${version.playlistId}: version ${version.version} after version ${last.version}`);
    }
  }

  addVersion(version: StoredPlaylistVersion): void {
    this.checkVersion(version);
    const list = this.byPlaylist.get(version.playlistId) ?? [];
    list.push(version);
    this.byPlaylist.set(version.playlistId, list);
    this.versions.push(version);
  }
}

export const PLAYLIST_STORE_FILE = 'playlists.jsonl';

export interface FilePlaylistStoreOptions {
  directory: string;
  /** default true; false skips fsync (benchmarks of everything but the disk) */
  fsync?: boolean;
  /** told about a torn last line that was dropped on load */
  onWarning?: (message: string) => void;
}

/**
 * Opens (creating when missing) the store in `directory`. A line that is not valid JSON or not a
 * valid record fails the load with file:line and the problem, except a torn final line (no
 * trailing newline: a write interrupted by a crash, never acknowledged), which is dropped.
 */
export async function openFilePlaylistStore(options: FilePlaylistStoreOptions): Promise<PlaylistStore> {
  const { directory } = options;
  const fsync = options.fsync ?? true;
  await mkdir(directory, { recursive: true });
  const path = join(directory, PLAYLIST_STORE_FILE);
  const index = new PlaylistIndex();

  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new PlaylistStoreError(`${path}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  const complete = text.endsWith('\n') || text.length === 0 ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  if (complete.length !== text.length) {
    options.onWarning?.(`${path}: dropped a torn last line (${text.length - complete.length} bytes) left by an interrupted write`);
    await truncate(path, Buffer.byteLength(complete, 'utf8'));
  }
  const lines = complete.split('\n');
  for (let lineNumber = 1; lineNumber <= lines.length; lineNumber++) {
    const line = lines[lineNumber - 1]!;
    if (line.trim().length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new PlaylistStoreError(`${path}:${lineNumber}: not valid JSON (${(error as Error).message}); expected one record per line`, { cause: error });
    }
    const parsed = LineSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PlaylistStoreError(`${path}:${lineNumber}: field ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}; expected a {kind: "version"|"feedback", record} line`);
    }
    if (parsed.data.kind === 'version') {
      const { record } = parsed.data;
      index.addVersion(withoutUndefined(record) as StoredPlaylistVersion);
    } else index.feedback.push(parsed.data.record);
  }

  let handle: FileHandle | undefined = await open(path, 'a');
  // Group commit: appends that arrive while a write + fsync is in flight are written together by
  // the next one (one fsync for the group), in call order; each resolves only once durable.
  let pending: { line: string; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let flushing: Promise<void> | undefined;
  const flush = async (): Promise<void> => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      try {
        if (!handle) throw new PlaylistStoreError(`${path}: the store is closed`);
        await handle.appendFile(batch.map((entry) => `${entry.line}\n`).join(''));
        if (fsync) await handle.datasync();
        for (const entry of batch) entry.resolve();
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    flushing = undefined;
  };
  const append = (line: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      pending.push({ line, resolve, reject });
      flushing ??= flush();
    });

  return {
    async appendVersion(version) {
      // Checked before the write, so the file never holds a record memory refused.
      index.checkVersion(version);
      const line = JSON.stringify({ kind: 'version', record: version });
      await append(line);
      index.addVersion(version);
    },
    async appendFeedback(feedback) {
      await append(JSON.stringify({ kind: 'feedback', record: feedback }));
      index.feedback.push(feedback);
    },
    versions: (playlistId) => index.byPlaylist.get(playlistId) ?? [],
    allVersions: () => index.versions,
    allFeedback: () => index.feedback,
    async close() {
      await flushing;
      const current = handle;
      handle = undefined;
      await current?.close();
    },
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
