// The catalog a quality suite runs on (known-item search, "playlist name → its tracks"): a
// dataset directory written by `mixtape data import|generate`, or a raw file/folder in one of the
// catalog's import formats, read through the catalog's own importers (no second parser here).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { importDataset, readSnapshot, type CatalogStore, type ImportFormat, type InteractionLog } from '@mixtape/catalog';

export interface QualityCatalog {
  /** short name for reports: the snapshot's or the import's source ("tidytuesday", "spotify-2024", …) */
  name: string;
  store: CatalogStore;
  interactions: InteractionLog;
  /** per user, the playlist's name when users are playlists (importers' extras "user.names") */
  playlistNames: readonly (string | undefined)[] | undefined;
}

/**
 * A dataset directory (metadata.json), or raw input in `format`; without a format a raw path must
 * be TidyTuesday's spotify_songs.csv or the folder holding it (what the suites were first run on).
 * Raw input is imported leniently (bad rows skipped): a quality suite reads a catalog, it does
 * not validate one.
 */
export async function loadQualityCatalog(path: string, format?: ImportFormat): Promise<QualityCatalog> {
  if (!existsSync(path)) throw new Error(`${path}: no such file or folder (expected a dataset directory or a raw catalog in an import format)`);
  if (format === undefined && existsSync(join(path, 'metadata.json'))) {
    const snapshot = await readSnapshot(path);
    return { name: snapshot.metadata.source, store: snapshot.store, interactions: snapshot.interactions, playlistNames: names(snapshot.extras['user.names']) };
  }
  let input = path;
  if (format === undefined) {
    input = statSync(path).isDirectory() ? join(path, 'spotify_songs.csv') : path;
    if (!existsSync(input))
      throw new Error(`${path}: expected a dataset directory (metadata.json), a TidyTuesday spotify_songs.csv, or raw input with its format named (e.g. --format spotify-2024)`);
  }
  const imported = await importDataset(format ?? 'tidytuesday', input, { skipInvalid: true });
  return { name: imported.source, store: imported.store, interactions: imported.interactions, playlistNames: names(imported.extras['user.names']) };
}

function names(value: unknown): readonly (string | undefined)[] | undefined {
  return Array.isArray(value) ? (value as (string | undefined)[]) : undefined;
}
