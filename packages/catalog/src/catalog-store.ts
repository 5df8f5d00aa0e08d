// CatalogStore: fast in-memory lookups over CatalogColumns. Everything numeric stays in typed
// arrays; Track/Artist/Album objects are materialized only on request.
import { AUDIO_FEATURES } from './model';
import type { Album, Artist, AudioFeatureName, AudioFeatures, Catalog, Track } from './model';
import { CatalogBuilder, FEATURE_COUNT } from './catalog-columns';
import type { CatalogColumns } from './catalog-columns';
import { UNKNOWN_DAY, dayToYear, formatReleaseDate, toDayNumber } from './dates';
import { argsortIntegerKeys } from './internal/sort';

export class CatalogStore {
  readonly columns: CatalogColumns;
  /** primary artist index per track */
  readonly trackPrimaryArtist: Int32Array;
  /** release year per track, 0 when unknown */
  readonly trackReleaseYear: Int16Array;
  /** tracks with a known release year (0: a catalog without dates — Last.fm, scrobbles, MPD slices — where no year can be judged) */
  readonly datedTracks: number;

  private readonly trackIndexById: Map<string, number>;
  private readonly artistIndexById: Map<string, number>;
  private readonly albumIndexById: Map<string, number>;
  private readonly genreIndexByName: Map<string, number>;

  /** track indices, most popular first (ties: lower index first) */
  private readonly popularityOrder: Int32Array;
  private readonly popularityRankOf: Int32Array;
  /** tracks with a known release date, newest first */
  private readonly releaseOrder: Int32Array;
  private readonly albumReleaseOrder: Int32Array;

  private readonly artistTrackOffsets: Uint32Array;
  private readonly artistTracks: Int32Array;
  private readonly albumTrackOffsets: Uint32Array;
  private readonly albumTracks: Int32Array;
  private readonly genreTrackOffsets: Uint32Array;
  private readonly genreTracks: Int32Array;
  private readonly artistsByGenreOffsets: Uint32Array;
  private readonly genreArtists: Int32Array;

  private readonly featureColumns = new Map<AudioFeatureName, Float32Array>();

  constructor(columns: CatalogColumns) {
    this.columns = columns;
    const trackCount = columns.trackIds.length;
    this.trackIndexById = indexStrings(columns.trackIds, 'track');
    this.artistIndexById = indexStrings(columns.artistIds, 'artist');
    this.albumIndexById = indexStrings(columns.albumIds, 'album');
    this.genreIndexByName = indexStrings(columns.genreNames, 'genre');

    this.trackPrimaryArtist = new Int32Array(trackCount);
    this.trackReleaseYear = new Int16Array(trackCount);
    let datedTracks = 0;
    for (let i = 0; i < trackCount; i++) {
      this.trackPrimaryArtist[i] = columns.trackArtists[columns.trackArtistOffsets[i]!]!;
      const day = columns.trackReleaseDay[i]!;
      this.trackReleaseYear[i] = day === UNKNOWN_DAY ? 0 : dayToYear(day);
      if (this.trackReleaseYear[i] !== 0) datedTracks++;
    }
    this.datedTracks = datedTracks;

    // popularity is 0..100; quantize to 1e-3 for the packed integer sort
    const popularityKeys = new Uint32Array(trackCount);
    for (let i = 0; i < trackCount; i++)
      popularityKeys[i] = Math.round((100 - clamp(columns.trackPopularity[i]!, 0, 100)) * 1000);
    this.popularityOrder = argsortIntegerKeys(popularityKeys);
    this.popularityRankOf = new Int32Array(trackCount);
    for (let r = 0; r < trackCount; r++) this.popularityRankOf[this.popularityOrder[r]!] = r;

    this.releaseOrder = newestFirst(columns.trackReleaseDay);
    this.albumReleaseOrder = newestFirst(columns.albumReleaseDay);

    // inverted lists: artist and genre lists come out in popularity order because tracks are
    // visited in that order; album lists keep catalog order (the album's running order)
    const artistCount = columns.artistIds.length;
    const artistList = invertCsr(this.popularityOrder, [{ offsets: columns.trackArtistOffsets, values: columns.trackArtists }], artistCount);
    this.artistTrackOffsets = artistList.offsets;
    this.artistTracks = artistList.values;

    const trackAlbumOffsets = new Uint32Array(trackCount + 1);
    const trackAlbumValues = new Int32Array(trackCount);
    let albumLinks = 0;
    for (let i = 0; i < trackCount; i++) {
      const album = columns.trackAlbum[i]!;
      if (album >= 0) trackAlbumValues[albumLinks++] = album;
      trackAlbumOffsets[i + 1] = albumLinks;
    }
    const albumList = invertCsr(identity(trackCount), [{ offsets: trackAlbumOffsets, values: trackAlbumValues }], columns.albumIds.length);
    this.albumTrackOffsets = albumList.offsets;
    this.albumTracks = albumList.values;

    const genreCount = columns.genreNames.length;
    const genreList = invertCsr(
      this.popularityOrder,
      [
        { offsets: columns.trackGenreOffsets, values: columns.trackGenres },
        { offsets: columns.trackSubgenreOffsets, values: columns.trackSubgenres },
      ],
      genreCount,
    );
    this.genreTrackOffsets = genreList.offsets;
    this.genreTracks = genreList.values;

    const artistGenreList = invertCsr(identity(artistCount), [{ offsets: columns.artistGenreOffsets, values: columns.artistGenres }], genreCount);
    this.artistsByGenreOffsets = artistGenreList.offsets;
    this.genreArtists = artistGenreList.values;
  }

  /** Builds a store from plain objects, validating them with the zod schemas. */
  static fromCatalog(catalog: Catalog): CatalogStore {
    return new CatalogStore(new CatalogBuilder().addCatalog(catalog).build());
  }

  get trackCount(): number {
    return this.columns.trackIds.length;
  }
  get artistCount(): number {
    return this.columns.artistIds.length;
  }
  get albumCount(): number {
    return this.columns.albumIds.length;
  }
  get genreCount(): number {
    return this.columns.genreNames.length;
  }

  // ---- id <-> index -------------------------------------------------------------------------
  /** Track index for an id, -1 when absent. */
  trackIndex(id: string): number {
    return this.trackIndexById.get(id) ?? -1;
  }
  trackId(index: number): string {
    return this.columns.trackIds[index] ?? outOfRange('track', index);
  }
  artistIndex(id: string): number {
    return this.artistIndexById.get(id) ?? -1;
  }
  artistId(index: number): string {
    return this.columns.artistIds[index] ?? outOfRange('artist', index);
  }
  albumIndex(id: string): number {
    return this.albumIndexById.get(id) ?? -1;
  }
  albumId(index: number): string {
    return this.columns.albumIds[index] ?? outOfRange('album', index);
  }
  genreIndex(name: string): number {
    return this.genreIndexByName.get(name) ?? -1;
  }
  genreName(index: number): string {
    return this.columns.genreNames[index] ?? outOfRange('genre', index);
  }
  hasTrack(id: string): boolean {
    return this.trackIndexById.has(id);
  }

  // ---- objects ------------------------------------------------------------------------------
  /** The track as a plain object (by id or index); undefined when absent. */
  getTrack(idOrIndex: string | number): Track | undefined {
    const index = typeof idOrIndex === 'number' ? idOrIndex : this.trackIndex(idOrIndex);
    if (index < 0 || index >= this.trackCount) return undefined;
    const c = this.columns;
    const album = c.trackAlbum[index]!;
    const track: Track = {
      id: c.trackIds[index]!,
      title: c.trackTitles[index]!,
      artistIds: Array.from(this.artistsOfTrack(index), (artist) => c.artistIds[artist]!),
      durationMs: c.trackDurationMs[index]!,
      explicit: c.trackExplicit[index] === 1,
      popularity: c.trackPopularity[index]!,
      genres: Array.from(c.trackGenres.subarray(c.trackGenreOffsets[index]!, c.trackGenreOffsets[index + 1]!), (g) => c.genreNames[g]!),
      subgenres: Array.from(
        c.trackSubgenres.subarray(c.trackSubgenreOffsets[index]!, c.trackSubgenreOffsets[index + 1]!),
        (g) => c.genreNames[g]!,
      ),
    };
    if (album >= 0) track.albumId = c.albumIds[album]!;
    const releaseDate = formatReleaseDate(c.trackReleaseDay[index]!, c.trackReleasePrecision[index]!);
    if (releaseDate !== undefined) track.releaseDate = releaseDate;
    const features = this.audioFeatures(index);
    if (features) track.features = features;
    return track;
  }

  getArtist(idOrIndex: string | number): Artist | undefined {
    const index = typeof idOrIndex === 'number' ? idOrIndex : this.artistIndex(idOrIndex);
    if (index < 0 || index >= this.artistCount) return undefined;
    const c = this.columns;
    return {
      id: c.artistIds[index]!,
      name: c.artistNames[index]!,
      genres: Array.from(this.genresOfArtist(index), (g) => c.genreNames[g]!),
    };
  }

  getAlbum(idOrIndex: string | number): Album | undefined {
    const index = typeof idOrIndex === 'number' ? idOrIndex : this.albumIndex(idOrIndex);
    if (index < 0 || index >= this.albumCount) return undefined;
    const c = this.columns;
    const album: Album = { id: c.albumIds[index]!, title: c.albumTitles[index]!, artistId: c.artistIds[c.albumArtist[index]!]! };
    const releaseDate = formatReleaseDate(c.albumReleaseDay[index]!, c.albumReleasePrecision[index]!);
    if (releaseDate !== undefined) album.releaseDate = releaseDate;
    return album;
  }

  trackTitle(index: number): string {
    return this.columns.trackTitles[index] ?? outOfRange('track', index);
  }
  artistName(index: number): string {
    return this.columns.artistNames[index] ?? outOfRange('artist', index);
  }

  /** Plain-object copy of the whole catalog (small catalogs, tests, exports). */
  toCatalog(): Catalog {
    const tracks: Track[] = [];
    for (let i = 0; i < this.trackCount; i++) tracks.push(this.getTrack(i)!);
    const artists: Artist[] = [];
    for (let i = 0; i < this.artistCount; i++) artists.push(this.getArtist(i)!);
    const albums: Album[] = [];
    for (let i = 0; i < this.albumCount; i++) albums.push(this.getAlbum(i)!);
    return { tracks, artists, albums };
  }

  // ---- relations (all return views; do not mutate) -----------------------------------------
  artistsOfTrack(trackIndex: number): Int32Array {
    const c = this.columns;
    return c.trackArtists.subarray(c.trackArtistOffsets[trackIndex]!, c.trackArtistOffsets[trackIndex + 1]!);
  }
  /** Genre and subgenre indices of a track. */
  genresOfTrack(trackIndex: number): { genres: Int32Array; subgenres: Int32Array } {
    const c = this.columns;
    return {
      genres: c.trackGenres.subarray(c.trackGenreOffsets[trackIndex]!, c.trackGenreOffsets[trackIndex + 1]!),
      subgenres: c.trackSubgenres.subarray(c.trackSubgenreOffsets[trackIndex]!, c.trackSubgenreOffsets[trackIndex + 1]!),
    };
  }
  genresOfArtist(artistIndex: number): Int32Array {
    const c = this.columns;
    return c.artistGenres.subarray(c.artistGenreOffsets[artistIndex]!, c.artistGenreOffsets[artistIndex + 1]!);
  }
  /** Tracks of an artist (any credited position), most popular first. */
  tracksByArtist(artistIndex: number): Int32Array {
    return this.artistTracks.subarray(this.artistTrackOffsets[artistIndex]!, this.artistTrackOffsets[artistIndex + 1]!);
  }
  /** Tracks of an album in catalog order. */
  tracksByAlbum(albumIndex: number): Int32Array {
    return this.albumTracks.subarray(this.albumTrackOffsets[albumIndex]!, this.albumTrackOffsets[albumIndex + 1]!);
  }
  /** Tracks tagged with a genre or subgenre, most popular first. */
  tracksByGenre(genreIndex: number): Int32Array {
    return this.genreTracks.subarray(this.genreTrackOffsets[genreIndex]!, this.genreTrackOffsets[genreIndex + 1]!);
  }
  artistsByGenre(genreIndex: number): Int32Array {
    return this.genreArtists.subarray(this.artistsByGenreOffsets[genreIndex]!, this.artistsByGenreOffsets[genreIndex + 1]!);
  }

  // ---- popularity and recency --------------------------------------------------------------
  /** 0 = most popular. */
  popularityRank(trackIndex: number): number {
    return this.popularityRankOf[trackIndex] ?? outOfRange('track', trackIndex);
  }
  /** Track indices, most popular first (a view of length min(limit, trackCount)). */
  mostPopular(limit = this.trackCount): Int32Array {
    return this.popularityOrder.subarray(0, Math.min(limit, this.trackCount));
  }
  /** Tracks released on or after `since` (Date, epoch ms or YYYY[-MM[-DD]]), newest first. */
  newReleasesSince(since: Date | number | string, limit = Number.POSITIVE_INFINITY): Int32Array {
    return this.takeSince(this.releaseOrder, this.columns.trackReleaseDay, toDayNumber(since), limit);
  }
  /** Albums released on or after `since`, newest first. */
  newAlbumsSince(since: Date | number | string, limit = Number.POSITIVE_INFINITY): Int32Array {
    return this.takeSince(this.albumReleaseOrder, this.columns.albumReleaseDay, toDayNumber(since), limit);
  }
  /** Release day (days since 1970-01-01) of a track, undefined when unknown. */
  releaseDay(trackIndex: number): number | undefined {
    const day = this.columns.trackReleaseDay[trackIndex];
    return day === undefined || day === UNKNOWN_DAY ? undefined : day;
  }

  private takeSince(order: Int32Array, days: Int32Array, sinceDay: number, limit: number): Int32Array {
    // order is newest first: find the first position whose day < sinceDay
    let low = 0;
    let high = order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (days[order[mid]!]! >= sinceDay) low = mid + 1;
      else high = mid;
    }
    return order.subarray(0, Math.min(low, limit));
  }

  // ---- audio features -----------------------------------------------------------------------
  /** Row view (AUDIO_FEATURES order) into the row-major feature matrix; NaN when missing. */
  featureRow(trackIndex: number): Float32Array {
    return this.columns.trackFeatures.subarray(trackIndex * FEATURE_COUNT, (trackIndex + 1) * FEATURE_COUNT);
  }
  hasFeatures(trackIndex: number): boolean {
    return this.columns.trackHasFeatures[trackIndex] === 1;
  }
  /** The row-major n × FEATURE_COUNT matrix itself. */
  get featureMatrix(): Float32Array {
    return this.columns.trackFeatures;
  }
  /** One feature for every track as its own column (copied once, then cached). */
  featureColumn(name: AudioFeatureName): Float32Array {
    let column = this.featureColumns.get(name);
    if (!column) {
      const offset = AUDIO_FEATURES.indexOf(name);
      if (offset < 0) throw new RangeError(`unknown audio feature "${String(name)}": expected one of ${AUDIO_FEATURES.join(', ')}`);
      column = new Float32Array(this.trackCount);
      const matrix = this.columns.trackFeatures;
      for (let i = 0; i < this.trackCount; i++) column[i] = matrix[i * FEATURE_COUNT + offset]!;
      this.featureColumns.set(name, column);
    }
    return column;
  }
  audioFeatures(trackIndex: number): AudioFeatures | undefined {
    if (!this.hasFeatures(trackIndex)) return undefined;
    const row = this.featureRow(trackIndex);
    const features: Record<string, number> = {};
    AUDIO_FEATURES.forEach((name, f) => {
      // key and mode are integers; loudness etc. keep float32 precision rounded to 6 digits
      const value = row[f]!;
      features[name] = name === 'key' || name === 'mode' ? Math.round(value) : Number(value.toPrecision(6));
    });
    return features as AudioFeatures;
  }
}

function indexStrings(values: readonly string[], kind: string): Map<string, number> {
  const map = new Map<string, number>();
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (map.has(value)) throw new Error(`duplicate ${kind} id "${value}" at index ${i}`);
    map.set(value, i);
  }
  return map;
}

function newestFirst(days: Int32Array): Int32Array {
  let known = 0;
  let maxDay = -Infinity;
  let minDay = Infinity;
  for (let i = 0; i < days.length; i++) {
    const day = days[i]!;
    if (day === UNKNOWN_DAY) continue;
    known++;
    if (day > maxDay) maxDay = day;
    if (day < minDay) minDay = day;
  }
  const indices = new Int32Array(known);
  const keys = new Uint32Array(known);
  let k = 0;
  for (let i = 0; i < days.length; i++) {
    const day = days[i]!;
    if (day === UNKNOWN_DAY) continue;
    indices[k] = i;
    keys[k++] = maxDay - day;
  }
  const order = argsortIntegerKeys(keys);
  const result = new Int32Array(known);
  for (let r = 0; r < known; r++) result[r] = indices[order[r]!]!;
  return result;
}

function identity(count: number): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return order;
}

interface Csr {
  offsets: Uint32Array;
  values: Int32Array;
}

/**
 * Inverts item → groups CSR lists into group → items, visiting items in `order` (so each
 * group's list keeps that order). With several sources (genres + subgenres) a group listed
 * twice for the same item is emitted once.
 */
function invertCsr(order: Int32Array, sources: readonly Csr[], groupCount: number): Csr {
  const offsets = new Uint32Array(groupCount + 1);
  // lastItem[g] = last item emitted for group g: dedups across sources without allocation
  const lastItem = new Int32Array(groupCount).fill(-1);
  for (let r = 0; r < order.length; r++) {
    const item = order[r]!;
    for (const source of sources)
      for (let j = source.offsets[item]!; j < source.offsets[item + 1]!; j++) {
        const group = source.values[j]!;
        if (lastItem[group] === item) continue;
        lastItem[group] = item;
        offsets[group + 1]!++;
      }
  }
  for (let g = 0; g < groupCount; g++) offsets[g + 1]! += offsets[g]!;
  const values = new Int32Array(offsets[groupCount]!);
  const cursor = offsets.slice(0, groupCount);
  lastItem.fill(-1);
  for (let r = 0; r < order.length; r++) {
    const item = order[r]!;
    for (const source of sources)
      for (let j = source.offsets[item]!; j < source.offsets[item + 1]!; j++) {
        const group = source.values[j]!;
        if (lastItem[group] === item) continue;
        lastItem[group] = item;
        values[cursor[group]!++] = item;
      }
  }
  return { offsets, values };
}

function clamp(value: number, low: number, high: number): number {
  return Number.isNaN(value) ? low : value < low ? low : value > high ? high : value;
}

function outOfRange(kind: string, index: number): never {
  throw new RangeError(`${kind} index ${index} out of range`);
}
