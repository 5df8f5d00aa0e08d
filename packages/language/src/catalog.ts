// The catalog → vocabulary builder, written once for every surface (Search, Playlists, the
// planners): top-level genres are the genres tracks carry as genres, subgenres the ones they carry
// as subgenres, artists every catalog artist. Artist-level genres (from genre enrichment) are left
// out: no track carries them, so a filter on one could only ever match nothing.
//
// The source is structural (CatalogStore's columns fit it), so this package sits below the
// catalog package and the catalog can fold its own names through it.
import type { Lexicon, LexiconArtist, LexiconInput } from './lexicon';
import { buildLexicon } from './lexicon';
import type { ArtistProfile } from './terms';

/** Features an artist profile averages ("like X but slower" moves relative to them). */
const PROFILE_FEATURES = ['energy', 'valence', 'danceability', 'tempo', 'acousticness'] as const;

/** The catalog columns the vocabulary is built from; `CatalogStore` satisfies it. */
export interface CatalogVocabularySource {
  readonly columns: {
    readonly genreNames: readonly string[];
    readonly trackGenres: ArrayLike<number>;
    readonly trackSubgenres: ArrayLike<number>;
    readonly artistIds: readonly string[];
    readonly artistNames: readonly string[];
    readonly trackArtistOffsets?: ArrayLike<number>;
    readonly trackArtists?: ArrayLike<number>;
  };
  /** per track, 0 = unknown */
  readonly trackReleaseYear?: ArrayLike<number>;
  /** per-track audio feature column (NaN = unknown) */
  featureColumn?(name: (typeof PROFILE_FEATURES)[number]): ArrayLike<number>;
}

export interface CatalogVocabularyOptions {
  /** "new"/"recent" are relative to this year; defaults to the current UTC year */
  currentYear?: number;
}

/** The lexicon input (genres, subgenres, artists) of a catalog, in genre-index order. */
export function catalogVocabulary(source: CatalogVocabularySource, options: CatalogVocabularyOptions = {}): LexiconInput {
  const { columns } = source;
  const genreIndices = new Set<number>();
  for (let j = 0; j < columns.trackGenres.length; j++) genreIndices.add(columns.trackGenres[j]!);
  const subgenreIndices = new Set<number>();
  for (let j = 0; j < columns.trackSubgenres.length; j++) {
    const genre = columns.trackSubgenres[j]!;
    if (!genreIndices.has(genre)) subgenreIndices.add(genre);
  }
  const byIndex = (a: number, b: number) => a - b;
  const profiles = artistProfiles(source);
  const artists = new Array<LexiconArtist>(columns.artistNames.length);
  for (let a = 0; a < artists.length; a++) {
    const profile = profiles?.[a];
    artists[a] = { id: columns.artistIds[a]!, name: columns.artistNames[a]!, ...(profile ? { profile } : {}) };
  }
  return {
    genres: [...genreIndices].sort(byIndex).map((genre) => columns.genreNames[genre]!),
    subgenres: [...subgenreIndices].sort(byIndex).map((genre) => columns.genreNames[genre]!),
    artists,
    ...(options.currentYear !== undefined ? { currentYear: options.currentYear } : {}),
  };
}

/** The catalog's lexicon: `buildLexicon(catalogVocabulary(source))`. Build once per catalog. */
export function buildCatalogLexicon(source: CatalogVocabularySource, options: CatalogVocabularyOptions = {}): Lexicon {
  return buildLexicon(catalogVocabulary(source, options));
}

/** Mean features and release year over each artist's tracks (every credited artist), when the source has them. */
function artistProfiles(source: CatalogVocabularySource): (ArtistProfile | undefined)[] | undefined {
  const { columns } = source;
  const offsets = columns.trackArtistOffsets;
  const trackArtists = columns.trackArtists;
  if (!offsets || !trackArtists || !source.featureColumn || offsets.length < 2) return undefined;
  const artistCount = columns.artistNames.length;
  const trackCount = offsets.length - 1;
  const names = [...PROFILE_FEATURES, 'year'] as const;
  const sums = names.map(() => new Float64Array(artistCount));
  const counts = names.map(() => new Uint32Array(artistCount));
  const columnsByName = names.map((name) => (name === 'year' ? source.trackReleaseYear : source.featureColumn!(name)));
  for (let track = 0; track < trackCount; track++) {
    for (let f = 0; f < names.length; f++) {
      const column = columnsByName[f];
      if (!column) continue;
      const value = column[track]!;
      if (Number.isNaN(value) || (names[f] === 'year' && value === 0)) continue;
      for (let j = offsets[track]!; j < offsets[track + 1]!; j++) {
        const artist = trackArtists[j]!;
        sums[f]![artist]! += value;
        counts[f]![artist]! += 1;
      }
    }
  }
  const profiles = new Array<ArtistProfile | undefined>(artistCount);
  for (let artist = 0; artist < artistCount; artist++) {
    let profile: ArtistProfile | undefined;
    for (let f = 0; f < names.length; f++) {
      const n = counts[f]![artist]!;
      if (n === 0) continue;
      profile ??= {};
      profile[names[f]!] = Math.round((sums[f]![artist]! / n) * 1000) / 1000;
    }
    profiles[artist] = profile;
  }
  return profiles;
}
