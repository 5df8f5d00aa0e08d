// Public API of @mixtape/embeddings: explicit named re-exports only.

// vector index
export { VectorIndex, chooseFactory, faissBuildInfo, setFaissThreads } from './vector-index';
export type { Metric, SearchParams, VectorIndexInfo, Neighbors, BatchNeighbors, FilteredSearchOptions } from './vector-index';
export { trackIndexByLabel } from './track-labels';
export { createSearchBatcher } from './search-batcher';
export type { SearchBatcher, SearchBatcherOptions, SearchBatcherStats } from './search-batcher';

// collaborative item models (CSR matrices, EASE, co-occurrence neighbour graphs, implicit ALS)
export {
  buildCsr,
  sortAndMergeRows,
  transposeCsr,
  rowLength,
  rowIndices,
  rowValues,
  binarize,
  columnCounts,
  selectRows,
  emptyCsr,
  buildNeighborGraph,
  scoreWithGraph,
  fitEaseWeights,
  trainImplicitAls,
  foldInImplicitAls,
} from './cf/index';
export type {
  CsrMatrix,
  CooColumns,
  DuplicatePolicy,
  BuildCsrOptions,
  NeighborGraphOptions,
  FitControl,
  EaseWeights,
  EaseWeightOptions,
  ImplicitAlsOptions,
  ImplicitAlsFactors,
} from './cf/index';

// trainers
export { trainItem2Vec } from './train/item2vec';
export type { SequenceCorpus, Item2VecOptions, Item2VecModel, Item2VecStats, TrainingProgress } from './train/item2vec';
export { CONTENT_AUDIO_FEATURES, createContentEncoder, encodeContentQuery, encodeCatalogContent, fitCatalogFeatureStats } from './train/content-vectors';
export type { ContentSource, ContentAudioFeature, ContentFeatureStats, ContentBlockWeights, ContentEncoderOptions, ContentBlock, ContentEncoder, FeatureConstraint, ContentQuery } from './train/content-vectors';
export { computeUserVectors, chooseClusterCount } from './train/user-vectors';
export type { UserHistories, UserVectorOptions, UserVectors } from './train/user-vectors';
export { fillColdStartVectors } from './train/cold-start';
export { kmeans } from './train/kmeans';
export type { KMeansOptions, KMeansResult } from './train/kmeans';
export { buildSessionCorpus } from './train/sessions';
export type { SessionCorpusOptions, SessionCorpus } from './train/sessions';
export { buildTrackIndex, trainItemVectors, trainUserVectors } from './train/catalog-vectors';
export type { ItemVectorOptions, ItemVectors, StepRunner, TrackIndexOptions, TrackVectors } from './train/catalog-vectors';
