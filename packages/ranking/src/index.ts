// Public API of @mixtape/ranking: explicit named re-exports only.

// playlists
export {
  buildPlaylistContext,
  createPlaylistEngine,
  resolvePlan,
  createHardFilter,
  featureFit,
  generateCandidates,
  relaxFilters,
  fulfilPlan,
  scoreCandidates,
  selectTracks,
  SCORE_WEIGHTS,
  sequenceTracks,
  camelotCode,
  camelotDistance,
  minimumArtistGap,
  noteForTrack,
  describePlaylist,
  titleFor,
  trainRewardModel,
  createRewardScorer,
  trackFeatureStats,
  standardisedTrackFeatures,
  serializeRewardModel,
  parseRewardModel,
  REWARD_INTENT_FEATURES,
  REWARD_TRACK_FEATURES,
  rewardPairsFromFeedback,
} from './playlist/index';
export type {
  BuildPlaylistContextOptions,
  PlaylistContext,
  PlaylistEngine,
  PlaylistTextModel,
  ResolvedPlan,
  FeatureTarget,
  HardFilterOptions,
  CandidatePool,
  CandidateOptions,
  Fulfilment,
  FulfilOptions,
  FulfilmentStats,
  PlaylistTrack,
  ScoreWeights,
  StageCosts,
  UnfulfilledPart,
  SequenceOptions,
  SequenceResult,
  RewardModel,
  RewardPair,
  RewardScorer,
  RewardTrainingReport,
  TrainRewardOptions,
  RewardPairExtraction,
  RewardPairOptions,
} from './playlist/index';

// home
export {
  HOME_SOURCES,
  SHELF_TYPES,
  DAYPARTS,
  daypartOfHour,
} from './home/types';
export type {
  HomeSource,
  ShelfType,
  Daypart,
  HomeData,
  UserEvent,
} from './home/types';
export {
  createHomeIndex,
  artistTracks,
  genreTracks,
  PROFILE_FEATURES,
} from './home/home-index';
export { HOME_POPULARITY_SETTINGS, chooseHomePopularity, describeHomePopularity } from './home/popularity';
export type { HomePopularityChoice, HomePopularitySetting } from './home/popularity';
export type {
  HomeIndex,
  TrackLists,
} from './home/home-index';
export {
  buildUserProfile,
  profileFromEvents,
} from './home/profile';
export type {
  UserProfile,
  ProfileOptions,
  TasteCluster,
  TrackHistory,
} from './home/profile';
export {
  CandidateSet,
  acquireCandidates,
  releaseCandidates,
  generateHomeCandidates,
  generateHomeCandidatesSync,
  planAnnQueries,
  similarArtists,
  topCatalogGenres,
  DEFAULT_SEQUENCE_K,
  sequenceHistory,
} from './home/candidates';
export type {
  HomeCandidateOptions,
  HomeCandidateStats,
  SequenceAnswer,
  SequenceNext,
} from './home/candidates';
export {
  HOME_FEATURES,
  HOME_FEATURES_BEFORE_SUCCESSOR,
  HOME_FEATURES_BEFORE_SEQUENCE,
  HOME_FEATURE_COUNT,
  HOME_FEATURE_TAIL,
  computeFeatures,
} from './home/features';
export type {
  HomeFeature,
  FeatureOptions,
} from './home/features';
export { DEFAULT_RP3BETA_BETA, buildNeighbourLists, buildSuccessorList, trainItemVectors } from './home/item-models';
export type {
  NeighbourSource,
  NeighbourList,
  NeighbourLists,
  NeighbourListOptions,
  NeighbourListReport,
  ItemFactors,
  FactorOptions,
  ItemVectorOptions,
} from './home/item-models';
export {
  computeListenerState,
  listenerStateBytes,
} from './home/listeners';
export type {
  ListenerState,
  ListenerStateOptions,
} from './home/listeners';
export {
  buildHomeParts,
  homePartsToArrays,
  homePartsFromArrays,
  homePartBytes,
} from './home/parts';
export type {
  HomeParts,
  BuildHomePartsOptions,
} from './home/parts';
export { treeEnsembleFromXGBoost, scoreTrees, scoreTreeRows } from './home/trees';
export type {
  TreeEnsemble,
} from './home/trees';
export {
  RANKER_FORMAT,
  HOME_OBJECTIVES,
  DEFAULT_OBJECTIVE_WEIGHTS,
  RankerModelSchema,
  parseRankerModel,
  heuristicRankerModel,
  rankerReadsSequence,
  compileRanker,
  DEFAULT_TREE_ROWS,
  featureImportance,
  ndcgOfGroup,
} from './home/ranker';
export type {
  HomeRankerModel,
  HomeRankerHead,
  HomeObjective,
  CompiledRanker,
  RankerServingOptions,
} from './home/ranker';
export {
  selectDiverse,
} from './home/rerank';
export type {
  SelectOptions,
} from './home/rerank';
export {
  createMemoryShelfStateStore,
  createMemoryRecentEventStore,
  sampleBeta,
  sampleShelfScores,
  seededRandom,
  shelfPosterior,
  IGNORED_IMPRESSION_WEIGHT,
  SHELF_PRIORS,
} from './home/bandit';
export type {
  ShelfStateStore,
  RecentEventStore,
  ShelfPosterior,
  ShelfOutcome,
} from './home/bandit';
export {
  createHomeEngine,
  scoreHomeCandidates,
  HomeRequestError,
  shelfTypeOf,
} from './home/engine';
export type {
  HomeEngine,
  HomeEngineOptions,
  HomeRequestErrorCode,
  HomePage,
  HomePageContent,
  HomePageRequest,
  HomeShelf,
  HomeItem,
  HomeStageCosts,
  HomeStageDetail,
  HomeScoreStages,
  HomeEventInput,
} from './home/engine';
export {
  trainHomeRanker,
  prepareRankerData,
  fitRankerHeads,
  trainRankerHeads,
  RankerRows,
  buildItemModels,
  hasUsableTime,
  InsufficientTrainingDataError,
  DEFAULT_HEAD_ROUNDS,
  DEFAULT_HEAD_PATIENCE,
  DEFAULT_RANKER_HOLDOUT_FRACTION,
  DEFAULT_MAX_HEAD_SCALE,
  DEFAULT_BLEND_BAGS,
  DEFAULT_BLEND_REFERENCE,
} from './home/train';
export type {
  RankerTrainingOptions,
  RankerTrainingReport,
  RankerDataset,
  TrainedRankerHeads,
  HeadReport,
  HomeItemModels,
  HomeItemModelOptions,
} from './home/train';
