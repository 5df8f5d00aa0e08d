// The columnar form of a catalog: what snapshots store and CatalogStore wraps. Strings stay in
// plain string arrays (ids, names); every number lives in a typed array.
import { AUDIO_FEATURES } from './model';
import type { Album, Artist, AudioFeatures, Catalog, Track } from './model';
import { AlbumSchema, ArtistSchema, TrackSchema } from './model';
import { DATE_PRECISION_UNKNOWN, UNKNOWN_DAY, parseReleaseDate } from './dates';
import { GrowableArray, columnArrays, growableColumns } from './internal/growable';
import type { GrowableColumns } from './internal/growable';
import { internIndex } from './internal/intern';

/** Number of audio features per track row in `trackFeatures` (AUDIO_FEATURES order). */
export const FEATURE_COUNT = AUDIO_FEATURES.length;

/**
 * A catalog as columns. Track i's artists are `trackArtists[trackArtistOffsets[i] ..
 * trackArtistOffsets[i+1])` (first = primary); genre lists use the same CSR layout and index
 * into `genreNames`, one vocabulary shared by track genres, track subgenres and artist genres.
 * `trackFeatures` is row-major: track i's features are `[i*FEATURE_COUNT, (i+1)*FEATURE_COUNT)`
 * in AUDIO_FEATURES order, NaN when the track has none (`trackHasFeatures[i] === 0`).
 * Release dates are day numbers since 1970-01-01 with a precision (see dates.ts).
 */
export interface CatalogColumns {
  trackIds: string[];
  trackTitles: string[];
  trackArtistOffsets: Uint32Array;
  trackArtists: Int32Array;
  /** album index per track, -1 when none */
  trackAlbum: Int32Array;
  trackDurationMs: Uint32Array;
  trackExplicit: Uint8Array;
  trackPopularity: Float32Array;
  trackReleaseDay: Int32Array;
  trackReleasePrecision: Uint8Array;
  trackGenreOffsets: Uint32Array;
  trackGenres: Int32Array;
  trackSubgenreOffsets: Uint32Array;
  trackSubgenres: Int32Array;
  trackFeatures: Float32Array;
  trackHasFeatures: Uint8Array;

  artistIds: string[];
  artistNames: string[];
  artistGenreOffsets: Uint32Array;
  artistGenres: Int32Array;

  albumIds: string[];
  albumTitles: string[];
  /** artist index per album */
  albumArtist: Int32Array;
  albumReleaseDay: Int32Array;
  albumReleasePrecision: Uint8Array;

  genreNames: string[];
}

export interface CatalogBuilderOptions {
  /** validate every added object with the zod schemas (default true; the generator turns it off) */
  validate?: boolean;
  /** capacity hint */
  expectedTracks?: number;
}

/** Thrown when a catalog object is inconsistent (unknown artist/album id, duplicate id). */
export class CatalogIntegrityError extends Error {
  override name = 'CatalogIntegrityError';
  readonly code = 'CATALOG_INTEGRITY';
}

/** The number columns the builder grows per track and per album, by element type (named as in CatalogColumns). */
const TRACK_COLUMNS = {
  trackArtistOffsets: Uint32Array,
  trackArtists: Int32Array,
  trackAlbum: Int32Array,
  trackDurationMs: Uint32Array,
  trackExplicit: Uint8Array,
  trackPopularity: Float32Array,
  trackReleaseDay: Int32Array,
  trackReleasePrecision: Uint8Array,
  trackGenreOffsets: Uint32Array,
  trackGenres: Int32Array,
  trackSubgenreOffsets: Uint32Array,
  trackSubgenres: Int32Array,
  trackFeatures: Float32Array,
  trackHasFeatures: Uint8Array,
};
const ALBUM_COLUMNS = { albumArtist: Int32Array, albumReleaseDay: Int32Array, albumReleasePrecision: Uint8Array };

/** Appends artists, albums and tracks straight into columns; `build()` returns CatalogColumns. */
export class CatalogBuilder {
  private readonly validate: boolean;
  private readonly trackIndexById = new Map<string, number>();
  private readonly artistIndexById = new Map<string, number>();
  private readonly albumIndexById = new Map<string, number>();
  private readonly genreIndexByName = new Map<string, number>();

  private readonly trackIds: string[] = [];
  private readonly trackTitles: string[] = [];
  private readonly tracks: GrowableColumns<typeof TRACK_COLUMNS>;

  private readonly artistIds: string[] = [];
  private readonly artistNames: string[] = [];
  // (artist, genre) pairs, grouped at build time so genres can be added after the artist
  private readonly artistGenrePairArtist = new GrowableArray(Int32Array);
  private readonly artistGenrePairGenre = new GrowableArray(Int32Array);

  private readonly albumIds: string[] = [];
  private readonly albumTitles: string[] = [];
  private readonly albums = growableColumns(ALBUM_COLUMNS);

  private readonly genreNames: string[] = [];

  constructor(options: CatalogBuilderOptions = {}) {
    this.validate = options.validate ?? true;
    const capacity = options.expectedTracks ?? 1024;
    // CSR offsets hold one value more than there are tracks (starting at 0); features FEATURE_COUNT a track
    const offsets = capacity + 1;
    this.tracks = growableColumns(TRACK_COLUMNS, capacity, { trackArtistOffsets: offsets, trackGenreOffsets: offsets, trackSubgenreOffsets: offsets, trackFeatures: capacity * FEATURE_COUNT });
    for (const column of [this.tracks.trackArtistOffsets, this.tracks.trackGenreOffsets, this.tracks.trackSubgenreOffsets]) column.push(0);
  }

  get trackCount(): number {
    return this.trackIds.length;
  }
  get artistCount(): number {
    return this.artistIds.length;
  }
  get albumCount(): number {
    return this.albumIds.length;
  }

  trackIndex(id: string): number {
    return this.trackIndexById.get(id) ?? -1;
  }
  artistIndex(id: string): number {
    return this.artistIndexById.get(id) ?? -1;
  }
  albumIndex(id: string): number {
    return this.albumIndexById.get(id) ?? -1;
  }
  artistName(index: number): string {
    return this.artistNames[index] as string;
  }
  artistId(index: number): string {
    return this.artistIds[index] as string;
  }
  /** primary artist index of a track already added */
  trackPrimaryArtist(trackIndex: number): number {
    return this.tracks.trackArtists.get(this.tracks.trackArtistOffsets.get(trackIndex));
  }
  trackGenreIndices(trackIndex: number): number[] {
    const { trackGenreOffsets, trackGenres } = this.tracks;
    const result: number[] = [];
    for (let j = trackGenreOffsets.get(trackIndex); j < trackGenreOffsets.get(trackIndex + 1); j++) result.push(trackGenres.get(j));
    return result;
  }

  genreIndex(name: string): number {
    return internIndex(this.genreNames, this.genreIndexByName, name);
  }

  addArtist(input: Artist): number {
    const artist = this.validate ? ArtistSchema.parse(input) : input;
    if (this.artistIndexById.has(artist.id)) throw new CatalogIntegrityError(`duplicate artist id "${artist.id}"`);
    const index = this.artistIds.length;
    this.artistIds.push(artist.id);
    this.artistNames.push(artist.name);
    this.artistIndexById.set(artist.id, index);
    this.addArtistGenres(index, artist.genres ?? []);
    return index;
  }

  /** Adds genres to an artist (duplicates are dropped at build time). */
  addArtistGenres(artistIndex: number, genres: readonly string[]): void {
    for (const genre of genres) {
      this.artistGenrePairArtist.push(artistIndex);
      this.artistGenrePairGenre.push(this.genreIndex(genre));
    }
  }

  addAlbum(input: Album): number {
    const album = this.validate ? AlbumSchema.parse(input) : input;
    if (this.albumIndexById.has(album.id)) throw new CatalogIntegrityError(`duplicate album id "${album.id}"`);
    const artist = this.artistIndexById.get(album.artistId);
    if (artist === undefined)
      throw new CatalogIntegrityError(`album "${album.id}" references unknown artist id "${album.artistId}"`);
    const index = this.albumIds.length;
    this.albumIds.push(album.id);
    this.albumTitles.push(album.title);
    this.albums.albumArtist.push(artist);
    const date = parseReleaseDate(album.releaseDate);
    this.albums.albumReleaseDay.push(date ? date.day : UNKNOWN_DAY);
    this.albums.albumReleasePrecision.push(date ? date.precision : DATE_PRECISION_UNKNOWN);
    this.albumIndexById.set(album.id, index);
    return index;
  }

  addTrack(input: Track): number {
    const track = this.validate ? TrackSchema.parse(input) : input;
    if (this.trackIndexById.has(track.id)) throw new CatalogIntegrityError(`duplicate track id "${track.id}"`);
    let albumIndex = -1;
    if (track.albumId !== undefined) {
      albumIndex = this.albumIndexById.get(track.albumId) ?? -1;
      if (albumIndex < 0)
        throw new CatalogIntegrityError(`track "${track.id}" references unknown album id "${track.albumId}"`);
    }
    const artistIndices: number[] = [];
    for (const artistId of track.artistIds) {
      const artist = this.artistIndexById.get(artistId);
      if (artist === undefined)
        throw new CatalogIntegrityError(`track "${track.id}" references unknown artist id "${artistId}"`);
      artistIndices.push(artist);
    }
    const index = this.trackIds.length;
    this.trackIds.push(track.id);
    this.trackTitles.push(track.title);
    this.trackIndexById.set(track.id, index);
    const columns = this.tracks;
    for (const artist of artistIndices) columns.trackArtists.push(artist);
    columns.trackArtistOffsets.push(columns.trackArtists.length);
    columns.trackAlbum.push(albumIndex);
    columns.trackDurationMs.push(track.durationMs);
    columns.trackExplicit.push(track.explicit ? 1 : 0);
    columns.trackPopularity.push(track.popularity);
    const date = parseReleaseDate(track.releaseDate);
    columns.trackReleaseDay.push(date ? date.day : UNKNOWN_DAY);
    columns.trackReleasePrecision.push(date ? date.precision : DATE_PRECISION_UNKNOWN);
    for (const genre of uniqueStrings(track.genres ?? [])) columns.trackGenres.push(this.genreIndex(genre));
    columns.trackGenreOffsets.push(columns.trackGenres.length);
    for (const genre of uniqueStrings(track.subgenres ?? [])) columns.trackSubgenres.push(this.genreIndex(genre));
    columns.trackSubgenreOffsets.push(columns.trackSubgenres.length);
    this.pushFeatures(track.features);
    return index;
  }

  private pushFeatures(features: AudioFeatures | undefined): void {
    const { trackFeatures, trackHasFeatures } = this.tracks;
    trackFeatures.reserve(FEATURE_COUNT);
    if (!features) {
      for (let f = 0; f < FEATURE_COUNT; f++) trackFeatures.push(Number.NaN);
      trackHasFeatures.push(0);
      return;
    }
    for (const name of AUDIO_FEATURES) trackFeatures.push(features[name]);
    trackHasFeatures.push(1);
  }

  /** Adds a whole plain-object catalog (artists, then albums, then tracks). */
  addCatalog(catalog: Catalog): this {
    for (const artist of catalog.artists) this.addArtist(artist);
    for (const album of catalog.albums) this.addAlbum(album);
    for (const track of catalog.tracks) this.addTrack(track);
    return this;
  }

  build(): CatalogColumns {
    const artistCount = this.artistIds.length;
    const { offsets: artistGenreOffsets, values: artistGenres } = groupPairs(
      this.artistGenrePairArtist.toArray(),
      this.artistGenrePairGenre.toArray(),
      artistCount,
    );
    return {
      trackIds: this.trackIds.slice(),
      trackTitles: this.trackTitles.slice(),
      ...columnArrays(this.tracks),
      artistIds: this.artistIds.slice(),
      artistNames: this.artistNames.slice(),
      artistGenreOffsets,
      artistGenres,
      albumIds: this.albumIds.slice(),
      albumTitles: this.albumTitles.slice(),
      ...columnArrays(this.albums),
      genreNames: this.genreNames.slice(),
    };
  }
}

function uniqueStrings(values: readonly string[]): readonly string[] {
  return values.length < 2 ? values : [...new Set(values)];
}

/** Groups (group, value) pairs into CSR, keeping first-seen order and dropping duplicates per group. */
function groupPairs(groups: Int32Array, values: Int32Array, groupCount: number): { offsets: Uint32Array; values: Int32Array } {
  const counts = new Uint32Array(groupCount + 1);
  for (let i = 0; i < groups.length; i++) counts[groups[i]! + 1]!++;
  for (let g = 0; g < groupCount; g++) counts[g + 1]! += counts[g]!;
  const cursor = counts.slice(0, groupCount);
  const grouped = new Int32Array(groups.length);
  for (let i = 0; i < groups.length; i++) grouped[cursor[groups[i]!]!++] = values[i]!;
  // drop duplicates within each group
  const offsets = new Uint32Array(groupCount + 1);
  const output = new Int32Array(groups.length);
  let written = 0;
  for (let g = 0; g < groupCount; g++) {
    const start = written;
    for (let j = counts[g]!; j < counts[g + 1]!; j++) {
      const value = grouped[j]!;
      let seen = false;
      for (let k = start; k < written; k++) if (output[k] === value) seen = true;
      if (!seen) output[written++] = value;
    }
    offsets[g + 1] = written;
  }
  return { offsets, values: output.slice(0, written) };
}
