// The catalog → vocabulary builder, written once for every surface (Search, Playlists, the
// planners): top-level genres are the genres tracks carry as genres, subgenres the ones they carry
// as subgenres, artists every catalog artist. Artist-level genres (from genre enrichment) are left
// out: no track carries them, so a filter on one could only ever match nothing.
//
// The source is structural (CatalogStore's columns fit it), so this package sits below the
// catalog package and the catalog can fold its own names through it.
import type { Lexicon, LexiconInput } from './lexicon';
import { buildLexicon } from './lexicon';

/** The catalog columns the vocabulary is built from; `CatalogStore` satisfies it. */
export interface CatalogVocabularySource {
  readonly columns: {
    readonly genreNames: readonly string[];
    readonly trackGenres: ArrayLike<number>;
    readonly trackSubgenres: ArrayLike<number>;
    readonly artistIds: readonly string[];
    readonly artistNames: readonly string[];
  };
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
  const artists = new Array<{ id: string; name: string }>(columns.artistNames.length);
  for (let a = 0; a < artists.length; a++) artists[a] = { id: columns.artistIds[a]!, name: columns.artistNames[a]! };
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
