// Reads the playlists service's store file (`playlists.jsonl`, docs/adr/0006-playlist-store.md)
// for offline jobs — the reward model's training (`mixtape playlists train-reward`, the bundle's
// `playlistReward` part) — without the service: one `{"kind":"version"|"feedback","record":…}`
// per line. Versions keep what preference learning reads (prompt, plan, tracks, listener); the
// display fields (titles, notes) are not kept.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { StoredPlanSchema } from './plan';
import type { FeedbackRecord, PlaylistVersionRecord } from './preferences';
import { FeedbackRecordSchema } from './preferences';

/** The store's file name inside its directory (the service's `PLAYLISTS_DATA_DIR`). */
export const PLAYLIST_LOG_FILE = 'playlists.jsonl';

/** A stored playlist version's fields that preference learning reads (the store adds what the listener saw). */
export const PlaylistVersionRecordSchema = z.object({
  playlistId: z.string().min(1),
  version: z.number().int().min(1),
  parentVersion: z.number().int().min(1).nullable(),
  prompt: z.string(),
  plan: StoredPlanSchema,
  planner: z.string().min(1),
  trackIds: z.array(z.string()),
  templateVersion: z.string().optional(),
  userId: z.string().nullish(),
  createdAt: z.number().int().nonnegative(),
});

const LineSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('version'), record: PlaylistVersionRecordSchema }),
  z.object({ kind: z.literal('feedback'), record: FeedbackRecordSchema }),
]);

export interface PlaylistLog {
  versions: PlaylistVersionRecord[];
  feedback: FeedbackRecord[];
  /** the file read */
  path: string;
  /** a torn last line (a write interrupted by a crash, never acknowledged) was skipped */
  tornLastLine: boolean;
}

/**
 * Reads a playlist store: `path` is the store's directory or the `playlists.jsonl` file. Any
 * invalid line but a torn last one fails with `file:line`, the field and what was expected.
 */
export async function readPlaylistLog(path: string, options: { signal?: AbortSignal } = {}): Promise<PlaylistLog> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${path}: ${error.code === 'ENOENT' ? 'no such file or directory' : error.message} (expected a playlist store directory or its ${PLAYLIST_LOG_FILE})`, { cause: error });
  });
  const file = info.isDirectory() ? join(path, PLAYLIST_LOG_FILE) : path;
  const size = (await stat(file).catch(() => undefined))?.size;
  if (size === undefined) throw new Error(`${file}: no such file (expected the playlists service's store, PLAYLISTS_DATA_DIR/${PLAYLIST_LOG_FILE})`);
  const versions: PlaylistVersionRecord[] = [];
  const feedback: FeedbackRecord[] = [];
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  let bytes = 0;
  let tornLastLine = false;
  for await (const line of lines) {
    options.signal?.throwIfAborted();
    lineNumber++;
    bytes += Buffer.byteLength(line) + 1;
    if (line.trim() === '') continue;
    const last = bytes > size; // no newline after this line: possibly torn
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      if (last) {
        tornLastLine = true;
        break;
      }
      throw new Error(`${file}:${lineNumber}: not JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    }
    const parsed = LineSchema.safeParse(json);
    if (!parsed.success) {
      if (last) {
        tornLastLine = true;
        break;
      }
      const issue = parsed.error.issues[0]!;
      throw new Error(`${file}:${lineNumber}: ${issue.path.join('.') || '(line)'}: ${issue.message} (expected a {"kind":"version"|"feedback","record":…} line of the playlist store)`);
    }
    if (parsed.data.kind === 'version') {
      const { templateVersion, userId, ...rest } = parsed.data.record;
      versions.push({ ...rest, ...(templateVersion !== undefined ? { templateVersion } : {}), userId: userId ?? null });
    } else {
      feedback.push(parsed.data.record);
    }
  }
  return { versions, feedback, path: file, tornLastLine };
}
