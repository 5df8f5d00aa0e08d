// What the tasks evaluate on: interactions as typed columns (row, item, weight, time) plus
// optional item → artist labels. Built from a @mixtape/catalog snapshot (the normal path) or,
// for convenience, straight from a raw Last.fm HetRec or MPD folder through the catalog's
// importers (no second parser here).
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { INTERACTION_TYPE_CODE, importLastfmHetrec, importMpd, readSnapshot } from '@mixtape/catalog';
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
  /** The catalog behind the items (item i = track i), for models that read metadata. */
  store?: CatalogStore;
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
    store,
  };
}

export class DatasetError extends Error {
  override name = 'DatasetError';
  readonly code = 'EVAL_DATASET_INVALID';
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export interface LoadDatasetOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Rows are users (default; MPD playlists are pseudo-users) or contexts (e.g. playlists in an event log). */
  rowsBy?: 'user' | 'context';
}

/**
 * Loads a snapshot directory (metadata.json, from `mixtape data generate|import`), or imports
 * a raw Last.fm HetRec folder (user_artists.dat) or MPD slice folder (mpd.slice.*.json) on the fly.
 */
export async function loadEvalDataset(path: string, options: LoadDatasetOptions = {}): Promise<EvalDataset> {
  const io = { signal: options.signal, timeoutMs: options.timeoutMs };
  if (await exists(join(path, 'metadata.json'))) {
    const snapshot = await readSnapshot(path, io);
    return datasetFromInteractionLog(snapshot.interactions, snapshot.store, {
      name: snapshot.metadata.source,
      source: path,
      rowsBy: options.rowsBy,
    });
  }
  if (await exists(join(path, 'user_artists.dat'))) {
    const imported = await importLastfmHetrec(path, io);
    return datasetFromInteractionLog(imported.interactions, imported.store, { name: 'lastfm-hetrec2k', source: path, rowsBy: options.rowsBy });
  }
  const isMpd = await readdir(path)
    .then((names) => names.some((name) => /^mpd\.slice\..*\.json$/.test(name)))
    .catch(() => /mpd\.slice\..*\.json$/.test(path));
  if (isMpd) {
    const imported = await importMpd(path, io);
    return datasetFromInteractionLog(imported.interactions, imported.store, { name: 'mpd', source: path, rowsBy: options.rowsBy });
  }
  throw new DatasetError(
    `${path}: not a dataset — expected a snapshot directory with metadata.json (mixtape data generate/import), ` +
      `a Last.fm HetRec folder with user_artists.dat, or an MPD folder with mpd.slice.*.json files`,
  );
}
