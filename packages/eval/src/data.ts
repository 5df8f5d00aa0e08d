// What the tasks evaluate on: interactions as typed columns (row, item, weight, time) plus
// optional item → artist labels. Built from a @mixtape/catalog snapshot (the normal path) or,
// for convenience, from a raw Last.fm HetRec folder.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INTERACTION_TYPE_CODE, readSnapshot } from '@mixtape/catalog';
import type { CatalogStore, InteractionLog } from '@mixtape/catalog';

export interface EvalDataset {
  /** Short name for reports, e.g. "lastfm-hetrec2k". */
  name: string;
  /** Where it came from (path, generator settings). */
  source: string;
  /** What a row is: users (listening histories) or playlists (ordered track lists). */
  rowKind: 'users' | 'playlists';
  numRows: number;
  numItems: number;
  row: Int32Array;
  item: Int32Array;
  /** Interaction strength (play count, 1 for a single event). */
  weight: Float32Array;
  /** Epoch ms (or playlist position) per interaction; order inside a row. */
  time: Float64Array;
  /** Primary artist of each item (-1 unknown); enables ILD by artist when items are tracks. */
  itemArtist?: Int32Array;
}

export interface DatasetFromLogOptions {
  name: string;
  source: string;
  /**
   * 'user' (default): one row per user. 'context': one row per (context) — e.g. a playlist —
   * ordered by timestamp, for playlist continuation.
   */
  rowsBy?: 'user' | 'context';
  /** Drop skip events (default true): a skip is not a positive signal. */
  dropSkips?: boolean;
}

/** Converts a catalog InteractionLog (+ store for artists) into evaluation columns. */
export function datasetFromInteractionLog(log: InteractionLog, store: CatalogStore | undefined, options: DatasetFromLogOptions): EvalDataset {
  const columns = log.columns;
  const rowsBy = options.rowsBy ?? 'user';
  const dropSkips = options.dropSkips ?? true;
  const skip = INTERACTION_TYPE_CODE.skip;
  let kept = 0;
  for (let e = 0; e < columns.user.length; e++) {
    if (dropSkips && columns.type[e] === skip) continue;
    if (rowsBy === 'context' && columns.context[e]! < 0) continue;
    kept++;
  }
  const row = new Int32Array(kept);
  const item = new Int32Array(kept);
  const weight = new Float32Array(kept);
  const time = new Float64Array(kept);
  let maxItem = -1;
  let w = 0;
  for (let e = 0; e < columns.user.length; e++) {
    if (dropSkips && columns.type[e] === skip) continue;
    if (rowsBy === 'context' && columns.context[e]! < 0) continue;
    row[w] = rowsBy === 'context' ? columns.context[e]! : columns.user[e]!;
    item[w] = columns.track[e]!;
    weight[w] = Math.max(1, columns.count[e]!);
    time[w] = columns.timestamp[e]!;
    maxItem = Math.max(maxItem, columns.track[e]!);
    w++;
  }
  const numItems = store ? store.trackCount : maxItem + 1;
  let itemArtist: Int32Array | undefined;
  if (store) {
    itemArtist = new Int32Array(numItems);
    for (let i = 0; i < numItems; i++) itemArtist[i] = store.artistsOfTrack(i)[0] ?? -1;
  }
  return {
    name: options.name,
    source: options.source,
    rowKind: rowsBy === 'context' ? 'playlists' : 'users',
    numRows: rowsBy === 'context' ? columns.contexts.length : log.userCount,
    numItems,
    row,
    item,
    weight,
    time,
    itemArtist,
  };
}

export class DatasetError extends Error {
  readonly code = 'EVAL_DATASET_INVALID';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatasetError';
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Minimal reader for HetRec 2011 Last.fm `user_artists.dat` (userID \t artistID \t weight).
 * TEMPORARY: a duplicate of the @mixtape/catalog Last.fm importer, here only until that
 * importer is committed; items are artists, rows are users, weight is the play count.
 */
export async function readLastfmUserArtists(dir: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<EvalDataset> {
  const path = join(dir, 'user_artists.dat');
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const text = await readFile(path, { encoding: 'utf8', signal });
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.trim().split('\t') ?? [];
  if (header[0] !== 'userID' || header[1] !== 'artistID' || header[2] !== 'weight') {
    throw new DatasetError(`${path}:1: expected header "userID\\tartistID\\tweight", got "${lines[0] ?? ''}"`);
  }
  const userIndex = new Map<string, number>();
  const artistIndex = new Map<string, number>();
  const row = new Int32Array(lines.length);
  const item = new Int32Array(lines.length);
  const weight = new Float32Array(lines.length);
  let n = 0;
  for (let l = 1; l < lines.length; l++) {
    const line = lines[l]!;
    if (line.trim() === '') continue;
    const fields = line.split('\t');
    if (fields.length !== 3) throw new DatasetError(`${path}:${l + 1}: expected 3 tab-separated fields, got ${fields.length}`);
    const [user, artist, plays] = fields as [string, string, string];
    const count = Number(plays);
    if (!Number.isFinite(count) || count < 0) throw new DatasetError(`${path}:${l + 1}: field "weight" must be a non-negative number, got "${plays}"`);
    let u = userIndex.get(user);
    if (u === undefined) userIndex.set(user, (u = userIndex.size));
    let a = artistIndex.get(artist);
    if (a === undefined) artistIndex.set(artist, (a = artistIndex.size));
    row[n] = u;
    item[n] = a;
    weight[n] = count;
    n++;
  }
  return {
    name: 'lastfm-hetrec2k',
    source: path,
    rowKind: 'users',
    numRows: userIndex.size,
    numItems: artistIndex.size,
    row: row.slice(0, n),
    item: item.slice(0, n),
    weight: weight.slice(0, n),
    // HetRec user–artist pairs carry no time; entry order stands in.
    time: Float64Array.from({ length: n }, (_, e) => e),
    // Items are artists, so "artist of item" is the item itself.
    itemArtist: Int32Array.from({ length: artistIndex.size }, (_, i) => i),
  };
}

export interface LoadDatasetOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  rowsBy?: 'user' | 'context';
}

/**
 * Loads a snapshot directory (metadata.json, from `mixtape data generate|import`) or a raw
 * Last.fm HetRec folder (user_artists.dat).
 */
export async function loadEvalDataset(path: string, options: LoadDatasetOptions = {}): Promise<EvalDataset> {
  if (await exists(join(path, 'metadata.json'))) {
    const snapshot = await readSnapshot(path, { signal: options.signal, timeoutMs: options.timeoutMs });
    return datasetFromInteractionLog(snapshot.interactions, snapshot.store, {
      name: snapshot.metadata.source,
      source: path,
      rowsBy: options.rowsBy,
    });
  }
  if (await exists(join(path, 'user_artists.dat'))) return readLastfmUserArtists(path, options);
  throw new DatasetError(
    `${path}: not a dataset — expected a snapshot directory with metadata.json (mixtape data generate/import) ` +
      `or a Last.fm HetRec folder with user_artists.dat`,
  );
}
