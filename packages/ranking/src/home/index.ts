// Home: candidate sources, features, learned ranker, re-ranking, shelves and the shelf bandit.
export { HOME_SOURCES, SHELF_TYPES, DAYPARTS, daypartOfHour } from './types';
export type { HomeSource, ShelfType, Daypart, HomeData, UserEvent } from './types';
export { createHomeIndex, PROFILE_FEATURES } from './home-index';
export type { HomeIndex } from './home-index';
export { buildUserProfile, profileFromEvents } from './profile';
export type { UserProfile, ProfileOptions, TasteCluster, TrackHistory } from './profile';
export {
  CandidateSet,
  acquireCandidates,
  releaseCandidates,
  generateHomeCandidates,
  generateHomeCandidatesSync,
  similarArtists,
  topCatalogGenres,
} from './candidates';
export type { HomeCandidateOptions, HomeCandidateStats } from './candidates';
export { HOME_FEATURES, HOME_FEATURE_COUNT, computeFeatures } from './features';
export type { HomeFeature } from './features';
export {
  NEIGHBOUR_SOURCES,
  buildNeighbourLists,
  matrixFromLog,
  trainItemFactors,
  foldInFactor,
  trainItemVectors,
} from './item-models';
export type {
  NeighbourSource,
  NeighbourList,
  NeighbourLists,
  NeighbourListOptions,
  NeighbourListReport,
  ItemFactors,
  FactorOptions,
  ItemVectorOptions,
} from './item-models';
export { buildHomeParts, homePartsToArrays, homePartsFromArrays, homePartBytes } from './parts';
export type { HomeParts, BuildHomePartsOptions } from './parts';
export { treeEnsembleFromXGBoost, scoreTrees, featureGains } from './trees';
export type { TreeEnsemble } from './trees';
export {
  RANKER_FORMAT,
  HOME_OBJECTIVES,
  OBJECTIVE_LABELS,
  DEFAULT_OBJECTIVE_WEIGHTS,
  RankerModelSchema,
  parseRankerModel,
  heuristicRankerModel,
  compileRanker,
  featureImportance,
  ndcgOfGroup,
} from './ranker';
export type { HomeRankerModel, HomeRankerHead, HomeObjective, CompiledRanker } from './ranker';
export { selectDiverse } from './rerank';
export type { SelectOptions } from './rerank';
export {
  createMemoryShelfStateStore,
  createMemoryRecentEventStore,
  sampleBeta,
  sampleShelfScores,
  seededRandom,
  shelfPosterior,
  IGNORED_IMPRESSION_WEIGHT,
  SHELF_PRIORS,
} from './bandit';
export type { ShelfStateStore, RecentEventStore, ShelfPosterior, ShelfOutcome } from './bandit';
export { createHomeEngine, HomeRequestError, shelfTypeOf } from './engine';
export type {
  HomeEngine,
  HomeEngineOptions,
  HomePage,
  HomePageRequest,
  HomeShelf,
  HomeItem,
  HomeStageCosts,
  HomeEventInput,
  HomeRequestErrorCode,
} from './engine';
export { trainHomeRanker, prepareRankerData, fitRankerHeads, buildItemModels, hasUsableTime, InsufficientTrainingDataError, RankerRows } from './train';
export type { RankerTrainingOptions, RankerTrainingReport, RankerDataset, HeadReport, HomeItemModels, HomeItemModelOptions } from './train';
