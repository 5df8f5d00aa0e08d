// Scrobbles (lastfm-scrobbles) and playlists (mpd) bring a track with its artist's and album's
// names and no catalog: both importers add what is new of it — the artist (with the --genres
// enrichment's genres), the album when named, the track — by one rule, here, and count the
// track's occurrences for its popularity.
import type { CatalogBuilder } from '../catalog-columns';
import type { GrowableArray } from '../internal/growable';
import type { GenreEnrichment } from './genre-enrichment';

export interface NamedTrack {
  id: string;
  title: string;
  artistId: string;
  artistName: string;
  /** the artist's URI for the enrichment's lookup (by URI first, then by name) */
  artistUri?: string;
  /** the album, when the row names one */
  album?: { id: string; title: string };
  /** 0 when unknown */
  durationMs: number;
}

/**
 * Adds the track's artist, album and the track itself where they are new, counts one occurrence
 * of the track in `occurrences` (indexed like the builder's tracks) and returns the track's
 * index. The first spelling seen is kept. The track carries its artist's genres (Spotify's genres
 * are artists'), so genre shelves, filters and content vectors see them; `onEnrichedArtist` is
 * called once per new artist the enrichment knows.
 */
export function addNamedTrack(
  builder: CatalogBuilder,
  occurrences: GrowableArray<Uint32Array>,
  enrichment: GenreEnrichment | undefined,
  onEnrichedArtist: () => void,
  track: NamedTrack,
): number {
  const genres = enrichment?.lookup(track.artistName, track.artistUri);
  if (builder.artistIndex(track.artistId) < 0) {
    if (genres) onEnrichedArtist();
    builder.addArtist({ id: track.artistId, name: track.artistName, genres: genres ? [...genres] : [] });
  }
  if (track.album !== undefined && builder.albumIndex(track.album.id) < 0) builder.addAlbum({ id: track.album.id, title: track.album.title, artistId: track.artistId });
  let index = builder.trackIndex(track.id);
  if (index < 0) {
    index = builder.addTrack({
      id: track.id,
      title: track.title,
      artistIds: [track.artistId],
      ...(track.album !== undefined ? { albumId: track.album.id } : {}),
      durationMs: track.durationMs,
      explicit: false,
      popularity: 0, // set from the occurrences once all are read
      genres: genres ? [...genres] : [],
      subgenres: [],
    });
    occurrences.push(0);
  }
  occurrences.set(index, occurrences.get(index) + 1);
  return index;
}
