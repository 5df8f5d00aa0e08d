// Public API of @mixtape/embeddings: explicit named re-exports only.

// vector index
export { VectorIndex, chooseFactory, faissBuildInfo, setFaissThreads } from './vector-index';
export type { Metric, SearchParams, VectorIndexInfo, Neighbors, BatchNeighbors, FilteredSearchOptions } from './vector-index';
export { trackIndexByLabel } from './track-labels';
export { createSearchBatcher } from './search-batcher';
export type { SearchBatcher, SearchBatcherOptions, SearchBatcherStats } from './search-batcher';

// collaborative item models over CSR user × item matrices: what @mixtape/eval's baselines fit and
// what Home's offline candidates are cut from (CSR, co-occurrence neighbour graphs, EASE, implicit ALS)
export { buildCsr, sortAndMergeRows, transposeCsr, rowLength, rowIndices, rowValues, binarize, columnCounts, selectRows, emptyCsr } from './cf/csr';
export type { CsrMatrix, CooColumns, DuplicatePolicy, BuildCsrOptions } from './cf/csr';
export { buildNeighborGraph, scoreWithGraph } from './cf/neighbor-graph';
export type { NeighborGraphOptions, FitControl } from './cf/neighbor-graph';
export { fitEaseWeights } from './cf/ease';
export type { EaseWeights, EaseWeightOptions } from './cf/ease';
export { trainImplicitAls, foldInImplicitAls } from './cf/als';
export type { ImplicitAlsOptions, ImplicitAlsFactors } from './cf/als';

// trainers
export { trainItem2Vec } from './train/item2vec';
export type { SequenceCorpus, Item2VecOptions, Item2VecModel, Item2VecStats, TrainingProgress } from './train/item2vec';
export { CONTENT_AUDIO_FEATURES, createContentEncoder, encodeContentQuery, encodeCatalogContent, fitCatalogFeatureStats, statsFromSums as contentFeatureStatsFromSums } from './train/content-vectors';
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
