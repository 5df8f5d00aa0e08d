// Public API of @mixtape/embeddings: explicit named re-exports only.

// vector index
export { VectorIndex, chooseFactory, faissBuildInfo, setFaissThreads, DEFAULT_MAX_FETCH } from './vector-index';
export type { Metric, SearchParams, VectorIndexInfo, Neighbors, BatchNeighbors, FilteredSearchOptions } from './vector-index';
export { trackIndexByLabel } from './track-labels';
export { createSearchBatcher } from './search-batcher';
export type { SearchBatcher, SearchBatcherOptions, SearchBatcherStats } from './search-batcher';

// trainers
export {
  trainItem2Vec,
  validateSequenceCorpus,
  CONTENT_AUDIO_FEATURES,
  DEFAULT_CONTENT_FEATURE_STATS,
  createContentEncoder,
  fitContentFeatureStats,
  encodeTrackContent,
  encodeContentVectors,
  encodeContentQuery,
  encodeCatalogContent,
  fitCatalogFeatureStats,
  computeUserVectors,
  chooseClusterCount,
  fitContentProjection,
  projectContent,
  fillColdStartVectors,
  kmeans,
  createSeededRandom,
  generateTasteSessions,
  buildSessionCorpus,
  EVENT_WEIGHTS,
  buildTrackIndex,
  eventWeights,
  trainItemVectors,
  trainUserVectors,
} from './train';
export type {
  SequenceCorpus,
  Item2VecOptions,
  Item2VecModel,
  Item2VecStats,
  TrainingProgress,
  ContentSource,
  ContentAudioFeature,
  ContentFeatureStats,
  ContentBlockWeights,
  ContentEncoderOptions,
  ContentBlock,
  ContentEncoder,
  FeatureConstraint,
  ContentQuery,
  UserHistories,
  UserVectorOptions,
  UserVectors,
  ContentProjection,
  ContentProjectionOptions,
  KMeansOptions,
  KMeansResult,
  SeededRandom,
  TasteSessionsOptions,
  TasteSessions,
  SessionCorpusOptions,
  SessionCorpus,
  ItemVectorOptions,
  ItemVectors,
  StepRunner,
  TrackIndexOptions,
  TrackVectors,
} from './train';

