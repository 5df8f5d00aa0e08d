// Home: candidate sources, features, learned ranker, re-ranking, shelves and the shelf bandit.
export { HOME_SOURCES, SHELF_TYPES, DAYPARTS, daypartOfHour } from './types';
export type { HomeSource, ShelfType, Daypart, HomeData, UserEvent } from './types';
export { createHomeIndex, PROFILE_FEATURES } from './home-index';
export type { HomeIndex } from './home-index';
export { buildUserProfile, profileFromEvents } from './profile';
export type { UserProfile, ProfileOptions, TasteCluster, TrackHistory } from './profile';
export { CandidateSet, generateHomeCandidates, similarArtists, topCatalogGenres } from './candidates';
export type { HomeCandidateOptions, HomeCandidateStats } from './candidates';
export { HOME_FEATURES, HOME_FEATURE_COUNT, computeFeatures } from './features';
export {
  RANKER_FORMAT,
  DEFAULT_REWARD_WEIGHTS,
  RankerModelSchema,
  parseRankerModel,
  heuristicRankerModel,
  scoreWithModel,
  fitRidge,
  fitLogisticStandardized,
  ndcgOfGroup,
} from './ranker';
export type { HomeRankerModel, RewardWeights } from './ranker';
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
export { trainHomeRanker, eventReward, InsufficientTrainingDataError } from './train';
export type { RankerTrainingOptions, RankerTrainingReport } from './train';
export { generateHomeCandidatesSync } from './candidates';
export { HomeStackRecommender, createHomeStackRecommender } from './recommender';
export type { HomeStackRecommenderOptions, UserItemRows } from './recommender';
