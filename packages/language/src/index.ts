// Public API of @mixtape/language: explicit named re-exports only.
export { foldText, foldedWords, spacedKey, compactKey, nameWords, nameText, identityKey, songKey } from './fold';
export { tokenize, joinTokens } from './tokens';
export { misspellLongestWord } from './typos';
export type { Token } from './tokens';
export {
  AUDIO_FEATURES,
  SEQUENCING_ARCS,
  MAX_TEMPO_BPM,
  featureScale,
  rangeSide,
  invertRange,
  softenRange,
  roundRange,
} from './ranges';
export type { AudioFeature, SequencingArc, FeatureRange, FeatureBounds } from './ranges';
export { matchNumeric, readNumber, readYearSpan } from './numbers';
export type { NumericMatch, YearSpan } from './numbers';
export { MODIFIER_PHRASES, NEGATION_WORDS, REMAINDER_STOPWORDS } from './cues';
export { buildLexicon, lookupGenre, lookupArtist } from './lexicon';
export type { Lexicon, LexiconInput, LexiconArtist, GenreLookup } from './lexicon';
export type { ArtistRef, MatchedTerm, Modifier, TermKind, TermEffect, TermMatch } from './terms';
export { matchTerms } from './match';
export { editDistance } from './fuzzy';
export { interpretQuery, createEmptyConstraints, constraintsFromTerms, summarizeTerm, invertYearBound } from './interpret';
export type { QueryConstraints, QueryInterpretation, MatchedTermSummary } from './interpret';
export { catalogVocabulary, buildCatalogLexicon } from './catalog';
export type { CatalogVocabularySource, CatalogVocabularyOptions } from './catalog';
export {
  MOODS,
  ACTIVITIES,
  FEELS,
  STYLES,
  ERAS,
  DISCOVERY,
  TASTE,
  EXPLICITNESS,
  ARCS,
  LENGTH_WORDS,
  CURATED_GENRES,
  ALL_VOCABULARY,
  DECADE_WORDS,
  NUMBER_WORDS,
  COMMON_WORDS,
} from './vocabulary';
export type { VocabularyEntry, VocabularyKind } from './vocabulary';
