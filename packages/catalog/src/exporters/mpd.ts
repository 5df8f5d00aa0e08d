// Writes a dataset's playlists (every listener's playlist_add events, in time order) in the
// Million Playlist Dataset slice format, so any playlist-shaped import (TidyTuesday, the 2024
// CSV, an event log) can be read back through the MPD importer and evaluated like MPD.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CatalogStore } from '../catalog-store';
import { INTERACTION_TYPE_CODE } from '../interactions';
import type { InteractionLog } from '../interactions';

export interface MpdExportOptions {
  /** playlists per slice file (default 1000, as in the MPD) */
  sliceSize?: number;
  /** playlist names by log user index (e.g. the TidyTuesday import's extras "user.names") */
  names?: readonly string[];
  /** playlists with fewer tracks are left out (default 1) */
  minTracks?: number;
}

/** `spotify:track:<id>` unless the id already is a URI. */
function uri(kind: 'track' | 'artist' | 'album', id: string): string {
  return id.startsWith('spotify:') ? id : `spotify:${kind}:${id}`;
}

/** Writes mpd.slice.<start>-<end>.json files into `dir`; returns the files and the playlist count. */
export async function exportMpdSlices(store: CatalogStore, log: InteractionLog, dir: string, options: MpdExportOptions = {}): Promise<{ files: string[]; playlists: number; tracks: number }> {
  const sliceSize = options.sliceSize ?? 1000;
  const minTracks = options.minTracks ?? 1;
  const c = log.columns;
  const playlists: Array<Record<string, unknown>> = [];
  let tracks = 0;
  for (let u = 0; u < log.userCount; u++) {
    const { start, end } = log.rowsOfUser(u);
    const items: Array<Record<string, unknown>> = [];
    const seen = new Set<number>();
    for (let i = start; i < end; i++) {
      if (c.type[i] !== INTERACTION_TYPE_CODE.playlist_add || seen.has(c.track[i]!)) continue;
      const track = c.track[i]!;
      seen.add(track);
      const artist = store.trackPrimaryArtist[track]!;
      const album = store.columns.trackAlbum[track]!;
      items.push({
        pos: items.length,
        track_uri: uri('track', store.trackId(track)),
        track_name: store.trackTitle(track),
        artist_name: store.artistName(artist),
        artist_uri: uri('artist', store.artistId(artist)),
        album_name: album >= 0 ? store.columns.albumTitles[album]! : store.trackTitle(track),
        album_uri: uri('album', album >= 0 ? store.albumId(album) : `single-${store.trackId(track)}`),
        duration_ms: store.columns.trackDurationMs[track]!,
      });
    }
    if (items.length < minTracks) continue;
    playlists.push({ pid: playlists.length, name: options.names?.[u] ?? log.userId(u), num_tracks: items.length, tracks: items });
    tracks += items.length;
  }
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (let from = 0; from < playlists.length; from += sliceSize) {
    const slice = playlists.slice(from, from + sliceSize);
    const file = join(dir, `mpd.slice.${from}-${from + sliceSize - 1}.json`);
    await writeFile(file, JSON.stringify({ info: { generated_on: 'mixtape data export-mpd', slice: `${from}-${from + sliceSize - 1}` }, playlists: slice }));
    files.push(file);
  }
  return { files, playlists: playlists.length, tracks };
}
