// Million Playlist Dataset slices: a folder of mpd.slice.<start>-<end>.json files (or one
// file). Each playlist becomes a pseudo-user "mpd:<pid>" with one playlist_add event per track
// (context = "mpd:<pid>"); timestamps are the playlist's modified_at (seconds → ms) plus the
// track position, or just the position when modified_at is absent. Tracks, artists and albums
// are keyed by their Spotify URIs (an artist without one by its name; duration_ms and the album
// are optional); popularity is the log-scaled number of playlists a track is
// in; genres come only from the optional artist-genre enrichment (the artist's and its tracks'). Files are read one at a time,
// so memory holds the catalog plus one slice.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { identityKey } from '@mixtape/language';
import { CatalogStore } from '../catalog-store';
import { INTERACTION_TYPE_CODE, InteractionLogBuilder } from '../interactions';
import { ProgressTracker } from '@mixtape/base';
import { ImportError, RejectSink, RowRejection } from './rejects';
import { importSignal, type ImportOptions, type ImportResult } from './import-options';
import { POPULARITY_FROM_INTERACTIONS } from './popularity';
import { loadGenreEnrichment, parseJson } from './genre-enrichment';
import { NamedTrackCatalog } from './named-track';

async function sliceFiles(input: string): Promise<string[]> {
  const info = await stat(input).catch((error: unknown) => {
    throw new ImportError({ file: input, line: 0, field: '*', expected: 'an existing MPD slice file or folder' }, { cause: error });
  });
  if (!info.isDirectory()) return [input];
  const start = (name: string): number => Number(/mpd\.slice\.(\d+)-/.exec(name)?.[1] ?? 0);
  const files = (await readdir(input)).filter((name) => /^mpd\.slice\..*\.json$/.test(name)).sort((a, b) => start(a) - start(b) || (a < b ? -1 : 1));
  if (files.length === 0) throw new ImportError({ file: input, line: 0, field: '*', expected: 'a folder containing mpd.slice.*.json files' });
  return files.map((name) => join(input, name));
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new RowRejection(field, 'a non-empty string', value === undefined ? 'missing' : JSON.stringify(value));
  return value;
}

/** A field other tools' slices may leave out: absent or null is undefined; present, it must be a non-empty string. */
function optionalText(value: unknown, field: string): string | undefined {
  return value === undefined || value === null ? undefined : text(value, field);
}

function integer(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new RowRejection(field, 'a non-negative integer', value === undefined ? 'missing' : JSON.stringify(value));
  return value;
}

/** 1-based line of the n-th occurrence of `"pid": <pid>` — good enough to point a person at the playlist. */
function lineOfPlaylist(source: string, pid: unknown): number {
  const match = new RegExp(`"pid"\\s*:\\s*${typeof pid === 'number' ? pid : -1}\\b`).exec(source);
  if (!match) return 0;
  let line = 1;
  for (let i = 0; i < match.index; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

export async function importMpd(input: string, options: ImportOptions = {}): Promise<ImportResult> {
  const signal = importSignal(options);
  const sink = new RejectSink(options.skipInvalid ?? false);
  const enrichment = options.genreEnrichment ? await loadGenreEnrichment(options.genreEnrichment, signal) : undefined;
  const files = await sliceFiles(input);
  const progress = new ProgressTracker('read mpd', 'slices', files.length, options.onProgress);

  const catalog = new NamedTrackCatalog(enrichment, 1 << 16);
  const log = new InteractionLogBuilder(1 << 16);
  const PLAYLIST_ADD = INTERACTION_TYPE_CODE.playlist_add;
  let playlistsRead = 0;
  // playlist names by user index (what the learned text → track model and its evaluation read)
  const names: string[] = [];
  // One artist per folded name when rows leave out artist_uri (slices written by other tools): a
  // row without the URI joins the artist its name was first seen with, and the first URI seen for
  // a name known only without one joins that artist (either order, across slices).
  const artistByName = new Map<string, string>();
  const nameKeyed = new Set<string>();
  const uriAlias = new Map<string, string>();
  const artistIdOf = (name: string, uri: string | undefined): string => {
    const key = identityKey(name);
    const known = artistByName.get(key);
    if (uri === undefined) {
      if (known !== undefined) return known;
      const id = `mpd-artist:${key}`;
      artistByName.set(key, id);
      nameKeyed.add(id);
      return id;
    }
    const alias = uriAlias.get(uri);
    if (alias !== undefined) return alias;
    if (!catalog.hasArtist(uri) && known !== undefined && nameKeyed.delete(known)) {
      uriAlias.set(uri, known);
      return known;
    }
    if (known === undefined) artistByName.set(key, uri);
    return uri;
  };

  for (let f = 0; f < files.length; f++) {
    const file = files[f]!;
    signal.throwIfAborted();
    const source = await readFile(file, { encoding: 'utf8', signal });
    let json: unknown;
    try {
      json = parseJson(source, file, 1);
    } catch (error) {
      if (!(error instanceof ImportError)) throw error;
      sink.reject(error.reject); // strict: throws; skip-invalid: the whole file is skipped
      continue;
    }
    const playlists = (json as { playlists?: unknown }).playlists;
    if (!Array.isArray(playlists)) {
      sink.reject({ file, line: 1, field: 'playlists', expected: 'an array of playlists' });
      continue;
    }
    playlists.forEach((playlist: Record<string, unknown>, p) => {
      const path = `playlists[${p}]`;
      try {
        const pid = integer(playlist?.pid, `${path}.pid`);
        const tracks = playlist.tracks;
        if (!Array.isArray(tracks)) throw new RowRejection(`${path}.tracks`, 'an array of tracks', 'missing');
        // validate the whole playlist before adding anything, so a rejected playlist leaves no trace
        const parsed = tracks.map((track: Record<string, unknown>, t) => {
          const at = `${path}.tracks[${t}]`;
          return {
            pos: integer(track?.pos ?? t, `${at}.pos`),
            trackUri: text(track?.track_uri, `${at}.track_uri`),
            trackName: text(track?.track_name, `${at}.track_name`),
            artistName: text(track?.artist_name, `${at}.artist_name`),
            artistUri: optionalText(track?.artist_uri, `${at}.artist_uri`),
            albumName: optionalText(track?.album_name, `${at}.album_name`),
            albumUri: optionalText(track?.album_uri, `${at}.album_uri`),
            durationMs: track?.duration_ms === undefined || track.duration_ms === null ? 0 : integer(track.duration_ms, `${at}.duration_ms`),
          };
        });
        const modifiedAt = typeof playlist.modified_at === 'number' ? playlist.modified_at * 1000 : 0;
        const user = log.userIndex(`mpd:${pid}`);
        names[user] = typeof playlist.name === 'string' ? playlist.name.trim() : '';
        const context = log.contextIndex(`mpd:${pid}`);
        for (const { artistUri: givenArtist, albumUri: givenAlbum, ...track } of parsed) {
          // slices written by other tools may leave out the optional fields: an artist is then
          // keyed by its name (artistIdOf), an album without a URI by its artist and name, a track
          // has no album without album_name, duration 0 is unknown
          const artistUri = artistIdOf(track.artistName, givenArtist);
          const albumUri = track.albumName === undefined ? undefined : (givenAlbum ?? `mpd-album:${artistUri}:${identityKey(track.albumName)}`);
          const index = catalog.add({
            id: track.trackUri,
            title: track.trackName,
            artistId: artistUri,
            artistName: track.artistName,
            artistUri,
            ...(albumUri !== undefined ? { album: { id: albumUri, title: track.albumName! } } : {}),
            durationMs: track.durationMs,
          });
          log.pushEncoded(user, index, modifiedAt + track.pos, PLAYLIST_ADD, 0, 1, context);
        }
        playlistsRead++;
      } catch (error) {
        if (!(error instanceof RowRejection)) throw error;
        sink.reject({ file, line: lineOfPlaylist(source, playlist?.pid), field: error.field, expected: error.expected, value: error.value });
      }
    });
    progress.update(f + 1);
  }
  progress.finish(files.length);
  const store = new CatalogStore(catalog.build());
  return {
    store,
    interactions: log.build(),
    source: 'mpd',
    details: {
      files: files.map((file) => basename(file)),
      playlists: playlistsRead,
      users: 'one pseudo-user per playlist ("mpd:<pid>"), playlist_add events',
      timestamps: 'modified_at (ms) + track position',
      popularity: 'log-scaled number of playlist appearances',
      ...POPULARITY_FROM_INTERACTIONS,
      genreEnrichment: options.genreEnrichment ? { path: options.genreEnrichment, artistsMatched: catalog.enrichedArtists } : undefined,
      rejected: sink.count,
    },
    extras: { 'user.names': Array.from({ length: log.userCount }, (_, user) => names[user] ?? '') },
    rejects: sink.rejects,
    rejectedCount: sink.count,
  };
}
