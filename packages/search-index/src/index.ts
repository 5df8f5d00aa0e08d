// Public API of @mixtape/search-index: explicit named re-exports only.
export { MAX_QUERY_LENGTH, validateQuery } from './normalize';
export type { QueryProblemCode, QueryValidation, ValidateQueryOptions } from './normalize';
export { parseSearchQuery, SearchSyntaxError } from './query-syntax';
export type { ParsedQuery, RequiredWords, SearchField } from './query-syntax';
export { ENTITY_TYPES, isEntityType } from './entities';
export type { EntityType } from './entities';
export { affinityFromHistory } from './affinity';
export type { UserAffinity, AffinityFromHistoryOptions } from './affinity';
export {
  DEFAULT_FUSION,
  FIELD_BOOSTS,
  MAX_LIMIT,
  SearchEngine,
  typoTolerance,
} from './engine';
export { buildSearchIndex } from './build';
export type { BuildSearchIndexOptions, ContentSearch } from './build';
export { SearchIndexFormatError, loadSearchIndex, serializeSearchIndex } from './format';
export type { LoadSearchIndexOptions } from './format';
export type {
  FusionWeights,
  SearchEngineInfo,
  SearchHit,
  SearchOptions,
  SearchResponse,
  SuggestOptions,
} from './engine';
export type { ContentProfile } from './content-profile';
export { misspell } from './misspell';
export { SemanticModel, distinctPlaylistNames, namedPlaylists, topItems, trainSemanticModel } from './semantic';
export type { SemanticMethod, SemanticPlaylist, TrainSemanticOptions } from './semantic';
export { parseSemanticModel, serializeSemanticModel } from './semantic-format';
