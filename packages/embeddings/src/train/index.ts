// Public API of the trainers; re-exported from the package root.
export { trainItem2Vec, validateSequenceCorpus } from './item2vec';
export type { SequenceCorpus, Item2VecOptions, Item2VecModel, Item2VecStats, TrainingProgress } from './item2vec';
export {
  CONTENT_AUDIO_FEATURES,
  DEFAULT_CONTENT_FEATURE_STATS,
  createContentEncoder,
  fitContentFeatureStats,
  encodeTrackContent,
  encodeContentVectors,
  encodeContentQuery,
  encodeCatalogContent,
  fitCatalogFeatureStats,
} from './content-vectors';
export type {
  ContentSource,
  ContentAudioFeature,
  ContentFeatureStats,
  ContentBlockWeights,
  ContentEncoderOptions,
  ContentBlock,
  ContentEncoder,
  FeatureConstraint,
  ContentQuery,
} from './content-vectors';
export { computeUserVectors, chooseClusterCount } from './user-vectors';
export type { UserHistories, UserVectorOptions, UserVectors } from './user-vectors';
export { fitContentProjection, projectContent, fillColdStartVectors } from './cold-start';
export type { ContentProjection, ContentProjectionOptions } from './cold-start';
export { kmeans } from './kmeans';
export type { KMeansOptions, KMeansResult } from './kmeans';
export { createSeededRandom } from './random';
export type { SeededRandom } from './random';
export { buildSessionCorpus } from './sessions';
export type { SessionCorpusOptions, SessionCorpus } from './sessions';
export { generateTasteSessions } from './synthetic-sessions';
export type { TasteSessionsOptions, TasteSessions } from './synthetic-sessions';
export { EVENT_WEIGHTS, buildTrackIndex, eventWeights, trainItemVectors, trainUserVectors } from './catalog-vectors';
export type { ItemVectorOptions, ItemVectors, StepRunner, TrackIndexOptions, TrackVectors } from './catalog-vectors';
