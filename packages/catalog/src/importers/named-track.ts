// Scrobbles (lastfm-scrobbles) and playlists (mpd) bring a track with its artist's and album's
// names and no catalog: both importers add what is new of it — the artist (with the --genres
// enrichment's genres), the album when named, the track — by one rule, here, and count the
// track's occurrences for its popularity.
import { CatalogBuilder, type CatalogColumns } from '../catalog-columns';
import { GrowableArray } from '../internal/growable';
import type { GenreEnrichment } from './genre-enrichment';
import { popularityFromCounts } from './popularity';

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
 * The catalog an import of named tracks grows, one per import: it owns the builder, each track's
 * occurrences (its popularity) and the count of artists the enrichment knew, so an importer makes
 * one `add` per track it reads and one `build` at the end.
 */
export class NamedTrackCatalog {
  private readonly builder = new CatalogBuilder({ validate: false });
  /** occurrences of each track, indexed like the builder's tracks */
  private readonly occurrences: GrowableArray<Uint32Array>;
  private enriched = 0;

  constructor(
    private readonly enrichment: GenreEnrichment | undefined,
    initialTrackCapacity: number,
  ) {
    this.occurrences = new GrowableArray(Uint32Array, initialTrackCapacity);
  }

  /** New artists the enrichment knew (the details' `artistsMatched`). */
  get enrichedArtists(): number {
    return this.enriched;
  }

  hasArtist(id: string): boolean {
    return this.builder.artistIndex(id) >= 0;
  }

  /**
   * Adds the track's artist, album and the track itself where they are new, counts one occurrence
   * of the track and returns the track's index. The first spelling seen is kept. The track carries
   * its artist's genres (Spotify's genres are artists'), so genre shelves, filters and content
   * vectors see them.
   */
  add(track: NamedTrack): number {
    const { builder, occurrences } = this;
    const genres = this.enrichment?.lookup(track.artistName, track.artistUri);
    if (builder.artistIndex(track.artistId) < 0) {
      if (genres) this.enriched++;
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
        popularity: 0, // set from the occurrences in build, once all are read
        genres: genres ? [...genres] : [],
        subgenres: [],
      });
      occurrences.push(0);
    }
    occurrences.set(index, occurrences.get(index) + 1);
    return index;
  }

  /** The catalog's columns, each track's popularity log-scaled from its occurrences. */
  build(): CatalogColumns {
    const columns = this.builder.build();
    popularityFromCounts(this.occurrences.toArray(), columns.trackPopularity);
    return columns;
  }
}
