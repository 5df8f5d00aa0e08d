// Importers for playlist-shaped Spotify CSVs: TidyTuesday 2020 "spotify_songs.csv" and the
// space-padded Kaggle 2024 "Spotify Music Dataset". One row = one track in one playlist.
//
// Mapping (documented in the README):
// - each playlist becomes a pseudo-user "playlist:<playlist_id>" with one playlist_add event per
//   row, context = playlist id; the playlist name is kept in extras "user.names". The files
//   carry no event times, so timestamps are ordinals: the row's position within its playlist.
// - a track seen in several playlists gets every playlist_genre / playlist_subgenre it appears
//   under as genres / subgenres; other fields come from its first row. A repeated track_id with
//   another title or artist is rejected (a broken id, not the same song).
// - artists have no ids in these files: id "artist:<normalized name>". The 2024 file lists
//   featured artists as "A, B": split on ", " (first = primary), except where the whole file
//   shows the comma is part of one name ("Tyler, The Creator"; see artist-credits.ts).
// - an album's artist is the primary artist of its first track.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { identityKey } from '@mixtape/language';
import { CatalogBuilder } from '../catalog-columns';
import { CatalogStore } from '../catalog-store';
import { INTERACTION_TYPE_CODE, InteractionLogBuilder } from '../interactions';
import { AUDIO_FEATURES, AUDIO_FEATURE_RANGES } from '../model';
import type { AudioFeatures, Track } from '../model';
import { ProgressTracker } from '@mixtape/base';
import { parseReleaseDate } from '../dates';
import { GrowableArray } from '../internal/growable';
import { ImportError, RejectSink, RowRejection } from './rejects';
import { importSignal, type ImportOptions, type ImportResult } from './import-options';
import type { CsvRow } from './csv-row';
import { parseNumber } from './parse-number';
import { readDelimited } from './read-delimited';
import { loadGenreEnrichment } from './genre-enrichment';
import { resolveCommaCredits } from './artist-credits';

const REQUIRED = [
  'track_id', 'track_name', 'track_artist', 'track_popularity', 'track_album_id', 'track_album_name',
  'track_album_release_date', 'playlist_name', 'playlist_id', 'playlist_genre', 'playlist_subgenre', 'duration_ms',
  ...AUDIO_FEATURES,
] as const;

interface PendingTrack {
  track: Track;
  /** the credit as written (split into names once the whole file is read) */
  artistCredit: string;
  albumTitle: string;
  genres: Set<string>;
  subgenres: Set<string>;
}

export interface SpotifyCsvFormat {
  source: 'tidytuesday' | 'spotify-2024';
  trim: boolean;
  splitArtists: boolean;
}

export const TIDYTUESDAY_FORMAT: SpotifyCsvFormat = { source: 'tidytuesday', trim: false, splitArtists: false };
export const SPOTIFY_2024_FORMAT: SpotifyCsvFormat = { source: 'spotify-2024', trim: true, splitArtists: true };

/** TidyTuesday spotify_songs.csv (a file, or a folder holding it). */
export function importTidyTuesday(input: string, options: ImportOptions = {}): Promise<ImportResult> {
  return importSpotifyCsv(input, TIDYTUESDAY_FORMAT, options);
}

/** Kaggle 2024 Spotify CSVs (a file, or a folder: every *.csv in name order). */
export function importSpotify2024(input: string, options: ImportOptions = {}): Promise<ImportResult> {
  return importSpotifyCsv(input, SPOTIFY_2024_FORMAT, options);
}

async function csvFiles(input: string): Promise<string[]> {
  const info = await stat(input).catch((error: unknown) => {
    throw new ImportError({ file: input, line: 0, field: '*', expected: 'an existing file or folder' }, { cause: error });
  });
  if (!info.isDirectory()) return [input];
  const files = (await readdir(input)).filter((name) => name.endsWith('.csv')).sort();
  if (files.length === 0) throw new ImportError({ file: input, line: 0, field: '*', expected: 'a folder containing .csv files' });
  return files.map((name) => join(input, name));
}

export async function importSpotifyCsv(input: string, format: SpotifyCsvFormat, options: ImportOptions = {}): Promise<ImportResult> {
  const signal = importSignal(options);
  const sink = new RejectSink(options.skipInvalid ?? false);
  const enrichment = options.genreEnrichment ? await loadGenreEnrichment(options.genreEnrichment, signal) : undefined;
  const files = await csvFiles(input);
  const progress = new ProgressTracker(`read ${format.source}`, 'rows', undefined, options.onProgress);

  const pending = new Map<string, PendingTrack>();
  const trackOrder: string[] = [];
  const playlists = new Map<string, { index: number; name: string; rows: number }>();
  // events as (playlist, track key position) pairs, resolved to indices after the catalog is built
  const eventPlaylist = new GrowableArray(Int32Array);
  const eventTrack = new GrowableArray(Int32Array);
  const trackPosition = new Map<string, number>();
  let totalRows = 0;

  for (const file of files) {
    totalRows += await readDelimited(file, {
      trim: format.trim,
      required: REQUIRED,
      signal,
      sink,
      onLines: (rows) => progress.update(totalRows + rows),
      onRow: (row) => {
        const trackId = row.requiredText('track_id');
        const playlistId = row.requiredText('playlist_id');
        const genre = row.text('playlist_genre');
        const subgenre = row.text('playlist_subgenre');
        let entry = pending.get(trackId);
        if (!entry) {
          entry = parseTrack(row, trackId);
          pending.set(trackId, entry);
          trackPosition.set(trackId, trackOrder.length);
          trackOrder.push(trackId);
        } else if (row.text('track_name') !== entry.track.title || row.text('track_artist') !== entry.artistCredit) {
          // a repeated id is the same track in another playlist; another song under it is a broken id
          // (its playlist add would silently point at the first song)
          throw new RowRejection('track_id', `one song per id (${trackId} is first ${entry.track.title} — ${entry.artistCredit})`, `${row.text('track_name')} — ${row.text('track_artist')}`);
        }
        if (genre) entry.genres.add(genre);
        if (subgenre) entry.subgenres.add(subgenre);
        let playlist = playlists.get(playlistId);
        if (!playlist) {
          playlist = { index: playlists.size, name: row.text('playlist_name'), rows: 0 };
          playlists.set(playlistId, playlist);
        }
        playlist.rows++;
        eventPlaylist.push(playlist.index);
        eventTrack.push(trackPosition.get(trackId)!);
      },
    });
  }
  progress.finish(totalRows);

  const credits = format.splitArtists ? resolveCommaCredits([...pending.values()].map((entry) => entry.artistCredit)) : undefined;
  const builder = new CatalogBuilder({ validate: true, expectedTracks: trackOrder.length });
  let enrichedArtists = 0;
  const artistIndex = (name: string): number => {
    const id = `artist:${identityKey(name)}`;
    const existing = builder.artistIndex(id);
    if (existing >= 0) return existing;
    const genres = enrichment?.lookup(name);
    if (genres) enrichedArtists++;
    return builder.addArtist({ id, name, genres: genres ? [...genres] : [] });
  };
  for (const trackId of trackOrder) {
    const entry = pending.get(trackId)!;
    const artistNames = credits ? credits.get(entry.artistCredit)! : [entry.artistCredit];
    const artistIds = artistNames.map((name) => builder.artistId(artistIndex(name)));
    const albumId = entry.track.albumId!;
    if (builder.albumIndex(albumId) < 0)
      builder.addAlbum({ id: albumId, title: entry.albumTitle, artistId: artistIds[0]!, releaseDate: entry.track.releaseDate });
    builder.addTrack({ ...entry.track, artistIds, genres: [...entry.genres], subgenres: [...entry.subgenres] });
  }
  const store = new CatalogStore(builder.build());

  const log = new InteractionLogBuilder(eventPlaylist.length);
  const names: string[] = [];
  for (const [playlistId, playlist] of playlists) {
    log.userIndex(`playlist:${playlistId}`);
    names[playlist.index] = playlist.name;
  }
  const positionInPlaylist = new Uint32Array(playlists.size);
  const contextOf = [...playlists.keys()].map((playlistId) => log.contextIndex(playlistId));
  const PLAYLIST_ADD = INTERACTION_TYPE_CODE.playlist_add;
  for (let e = 0; e < eventPlaylist.length; e++) {
    const playlist = eventPlaylist.get(e);
    // trackOrder positions equal catalog indices: tracks were added in first-seen order
    log.pushEncoded(playlist, eventTrack.get(e), positionInPlaylist[playlist]!++, PLAYLIST_ADD, 0, 1, contextOf[playlist]!);
  }
  const interactions = log.build();
  options.logger?.info({ source: format.source, tracks: store.trackCount, playlists: playlists.size, rejected: sink.count }, 'import finished');
  return {
    store,
    interactions,
    source: format.source,
    details: {
      files,
      rows: totalRows,
      playlists: playlists.size,
      users: 'one pseudo-user per playlist ("playlist:<playlist_id>"), playlist_add events',
      timestamps: 'ordinal: position of the row within its playlist (the files have no event times)',
      genreEnrichment: options.genreEnrichment ? { path: options.genreEnrichment, artistsMatched: enrichedArtists } : undefined,
      rejected: sink.count,
    },
    extras: { 'user.names': names },
    rejects: sink.rejects,
    rejectedCount: sink.count,
  };
}

function parseTrack(row: CsvRow, trackId: string): PendingTrack {
  const title = row.requiredText('track_name');
  const artistCredit = row.requiredText('track_artist');
  const albumId = row.requiredText('track_album_id');
  const albumTitle = row.requiredText('track_album_name');
  const releaseText = row.text('track_album_release_date');
  if (releaseText !== '' && !parseReleaseDate(releaseText))
    throw new RowRejection('track_album_release_date', 'a date YYYY, YYYY-MM or YYYY-MM-DD', releaseText);
  const durationText = row.text('duration_ms');
  // an empty duration means unknown (one 2024 row has no audio data at all): stored as 0
  const durationMs = durationText === '' ? 0 : parseNumber(durationText, 'duration_ms', { min: 0, integer: true });
  const popularity = parseNumber(row.text('track_popularity'), 'track_popularity', { min: 0, max: 100 });
  let features: AudioFeatures | undefined;
  if (AUDIO_FEATURES.some((name) => row.text(name) !== '')) {
    const values: Record<string, number> = {};
    for (const name of AUDIO_FEATURES) values[name] = parseNumber(row.text(name), name, AUDIO_FEATURE_RANGES[name]);
    features = values as AudioFeatures;
  }
  const track: Track = {
    id: trackId,
    title,
    artistIds: ['pending'],
    albumId,
    durationMs,
    explicit: false, // neither file has an explicit flag
    popularity,
    releaseDate: releaseText === '' ? undefined : releaseText,
    genres: [],
    subgenres: [],
    features,
  };
  return { track, artistCredit, albumTitle, genres: new Set(), subgenres: new Set() };
}
