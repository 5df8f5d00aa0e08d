// Tracks, artists and albums share one code space so one lexical index and one suggest index
// hold all three: codes [0, T) are tracks, [T, T+A) artists, [T+A, T+A+B) albums.
import type { CatalogStore } from '@mixtape/catalog';
import { searchText } from './normalize';

export const ENTITY_TYPES = ['track', 'artist', 'album'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export function isEntityType(value: string): value is EntityType {
  return (ENTITY_TYPES as readonly string[]).includes(value);
}

export class EntitySpace {
  readonly trackCount: number;
  readonly artistCount: number;
  readonly albumCount: number;
  /** popularity prior per code, 0..1 (tracks: popularity/100; artists and albums: their most popular track) */
  readonly prior: Float32Array;
  /** normalized name per code (track title, artist name, album title) */
  readonly names: string[];

  constructor(
    readonly store: CatalogStore,
    names?: string[],
  ) {
    this.trackCount = store.trackCount;
    this.artistCount = store.artistCount;
    this.albumCount = store.albumCount;
    const total = this.size;
    this.prior = new Float32Array(total);
    const popularity = store.columns.trackPopularity;
    for (let t = 0; t < this.trackCount; t++) this.prior[t] = clamp01(popularity[t]! / 100);
    for (let a = 0; a < this.artistCount; a++) {
      const tracks = store.tracksByArtist(a); // most popular first
      this.prior[this.trackCount + a] = tracks.length > 0 ? this.prior[tracks[0]!]! : 0;
    }
    for (let b = 0; b < this.albumCount; b++) {
      const tracks = store.tracksByAlbum(b);
      let best = 0;
      for (let j = 0; j < tracks.length; j++) best = Math.max(best, this.prior[tracks[j]!]!);
      this.prior[this.trackCount + this.artistCount + b] = best;
    }
    if (names) {
      if (names.length !== total) throw new Error(`search index names: expected ${total} entries, got ${names.length}`);
      this.names = names;
    } else {
      this.names = new Array<string>(total);
      const columns = store.columns;
      for (let t = 0; t < this.trackCount; t++) this.names[t] = searchText(columns.trackTitles[t]!);
      for (let a = 0; a < this.artistCount; a++) this.names[this.trackCount + a] = searchText(columns.artistNames[a]!);
      for (let b = 0; b < this.albumCount; b++) this.names[this.trackCount + this.artistCount + b] = searchText(columns.albumTitles[b]!);
    }
  }

  get size(): number {
    return this.trackCount + this.artistCount + this.albumCount;
  }

  typeOf(code: number): EntityType {
    if (code < this.trackCount) return 'track';
    return code < this.trackCount + this.artistCount ? 'artist' : 'album';
  }

  /** Index of the entity inside its own kind (track index, artist index, album index). */
  indexOf(code: number): number {
    if (code < this.trackCount) return code;
    if (code < this.trackCount + this.artistCount) return code - this.trackCount;
    return code - this.trackCount - this.artistCount;
  }

  trackCode(track: number): number {
    return track;
  }
  artistCode(artist: number): number {
    return this.trackCount + artist;
  }
  albumCode(album: number): number {
    return this.trackCount + this.artistCount + album;
  }

  idOf(code: number): string {
    const index = this.indexOf(code);
    switch (this.typeOf(code)) {
      case 'track':
        return this.store.trackId(index);
      case 'artist':
        return this.store.artistId(index);
      default:
        return this.store.albumId(index);
    }
  }

  /** Display name as the catalog spells it. */
  displayName(code: number): string {
    const index = this.indexOf(code);
    const columns = this.store.columns;
    switch (this.typeOf(code)) {
      case 'track':
        return columns.trackTitles[index]!;
      case 'artist':
        return columns.artistNames[index]!;
      default:
        return columns.albumTitles[index]!;
    }
  }

  /** Artist indices credited on the entity: a track's artists, an album's artist, an artist itself. */
  artistsOf(code: number): ArrayLike<number> {
    const index = this.indexOf(code);
    switch (this.typeOf(code)) {
      case 'track':
        return this.store.artistsOfTrack(index);
      case 'artist':
        return [index];
      default:
        return [this.store.columns.albumArtist[index]!];
    }
  }

  /** Primary artist's normalized name for a track code ('' for other kinds). */
  primaryArtistName(code: number): string {
    if (code >= this.trackCount) return '';
    return this.names[this.artistCode(this.store.trackPrimaryArtist[code]!)]!;
  }

  /** Genre indices of the entity: a track's genres and subgenres (its artist's when it has none), an artist's genres. */
  genresOf(code: number): number[] {
    const index = this.indexOf(code);
    const type = this.typeOf(code);
    const out: number[] = [];
    if (type === 'track') {
      const { genres, subgenres } = this.store.genresOfTrack(index);
      for (let j = 0; j < genres.length; j++) out.push(genres[j]!);
      for (let j = 0; j < subgenres.length; j++) if (!out.includes(subgenres[j]!)) out.push(subgenres[j]!);
      if (out.length > 0) return out;
      const artistGenres = this.store.genresOfArtist(this.store.trackPrimaryArtist[index]!);
      for (let j = 0; j < artistGenres.length; j++) out.push(artistGenres[j]!);
      return out;
    }
    if (type === 'artist') {
      const genres = this.store.genresOfArtist(index);
      for (let j = 0; j < genres.length; j++) out.push(genres[j]!);
    }
    return out;
  }
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
