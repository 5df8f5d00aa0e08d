// Public API of @mixtape/eval: explicit named re-exports only.
export {
  hitsAtK,
  recallAtK,
  ndcgAtK,
  reciprocalRankAtK,
  hitRateAtK,
  averagePrecisionAtK,
  intraListDiversityByVectors,
  intraListDiversityByArtist,
  noveltyAtK,
  averagePopularityAtK,
  catalogCoverageAtK,
} from './metrics';
export type { RelevanceSet } from './metrics';
export { bootstrapMean, pairedBootstrapDifference } from './bootstrap';
export type { ConfidenceInterval, BootstrapOptions } from './bootstrap';
export { userHoldoutSplit, temporalLastNSplit, leaveOneOutSplit, playlistContinuationSplit } from './splits';
export type {
  Split,
  SeededSplitOptions,
  UserHoldoutOptions,
  TimedInteractions,
  TemporalSplitOptions,
  LeaveOneOutOptions,
  PlaylistContinuationOptions,
} from './splits';
export { ScoringRecommender, requireSequences } from './recommender';
export type {
  Recommender,
  FitContext,
  QueryBatch,
  RecommendOptions,
  Recommendations,
} from './recommender';
export { createPopularityRecommender } from './models/popularity';
export { createRandomRecommender } from './models/random';
export { createItemKnnRecommender } from './models/item-knn';
export type { ItemKnnOptions } from './models/item-knn';
export { createAlsRecommender } from './models/als';
export type { AlsOptions } from './models/als';
export { createEaseRecommender } from './models/ease';
export type { EaseOptions } from './models/ease';
export { createRp3BetaRecommender } from './models/rp3beta';
export type { Rp3BetaOptions } from './models/rp3beta';
export { createItem2VecRecommender } from './models/item2vec';
export type { Item2VecRecommenderOptions } from './models/item2vec';
export { createBlendRecommender } from './models/blend';
export { createTransitionRecommender } from './models/transition';
export { createSasRecRecommender } from './models/sasrec';
export type { SasRecRecommenderOptions } from './models/sasrec';
export type { BlendComponent, BlendOptions } from './models/blend';
export { ModelRegistry, createModelRegistry, parseModelSpec } from './models/registry';
export { createHomeStackRecommender, logFromRows } from './models/home-stack';
export type { HomeStackRecommenderOptions } from './models/home-stack';
export type { ModelSpec, ModelParameters, RecommenderFactory } from './models/registry';
export { evaluateModel, runExperiment, assertNoLeakage } from './evaluate';
export type { EvaluationOptions, ExperimentOptions, ExperimentResult, ModelEvaluation, MetricSummary } from './evaluate';
export { formatMarkdownReport, renderSvgChart, compareModels, resultToJson } from './report';
export type { MarkdownReportOptions, SvgChartOptions, ComparisonOptions, Comparison } from './report';
export { loadEvalDataset, datasetFromInteractionLog, DatasetError } from './data';
export type { EvalDataset, DatasetFromLogOptions, LoadDatasetOptions } from './data';
export { poolExperimentResults, formatSplitTable } from './pool';
export type { PoolOptions } from './pool';
export { EVAL_TASKS, isEvalTaskName, splitForTask, runEvalTask } from './tasks';
export type { EvalTaskName, SplitTaskOptions, RunTaskOptions } from './tasks';
export { createSimulatedListeners, DEFAULT_BROWSING } from './simulator/listeners';
export type { SimulatedListeners, BrowsingModel, ListenOutcome } from './simulator/listeners';
export { simulateWorld, simulateHomeWorlds, SIMULATION_DAY_MS } from './simulator/world';
export type { WorldOptions, WorldLog, WorldName, WorldState, ArmSurface, HomeWorldsOptions } from './simulator/world';
export { degradeRankerModel } from './simulator/degrade';
export { runAaStudy, runAbStudy, runInterleavingStudy } from './simulator/studies';
export type { AaStudyOptions, AaStudyResult, AbStudyOptions, AbStudyResult, InterleavingStudyOptions, InterleavingStudyResult, PowerPoint, Rate } from './simulator/studies';
export {
  PROMPT_CLASSES,
  PROMPT_BENCHMARK_DEV,
  PROMPT_BENCHMARK_TEST,
  LEGACY_QUALITY_PROMPTS,
  evaluateCheck,
  runPromptSuite,
  formatPromptSuiteReport,
  runRewardCurve,
  formatRewardCurveReport,
  HIDDEN_TASTES,
} from './prompts/index';
export type {
  PromptClass,
  PromptCheck,
  CheckFeature,
  SuitePrompt,
  BenchmarkPrompt,
  CheckResult,
  CheckSubject,
  PromptOutcome,
  ClassRate,
  PromptSuiteReport,
  PromptSuiteOptions,
  FormatPromptSuiteOptions,
  HiddenTaste,
  RewardCurveOptions,
  RewardCurvePoint,
  RewardCurveReport,
} from './prompts/index';
export { DESCRIPTIVE_CHECKS, QUALITY_CATEGORIES, formatQualityReport, runSearchQualitySuite } from './search-quality';
export type { DescriptiveCheckResult, QualityCategory, MissAnatomy, QualityCategoryRow, QualityReport, QualitySuiteOptions } from './search-quality';
export { loadQualityCatalog } from './catalog-input';
export type { QualityCatalog } from './catalog-input';
export { formatSemanticSearchReport, playlistsByName, runSemanticSearchEval } from './semantic-search';
export type { NamedPlaylist, SemanticSearchContent, SemanticSearchOptions, SemanticSearchReport, SemanticSearchRow } from './semantic-search';
export { labelNextItemTargets, breakdownTable, diagnoseTrainingOf, checkDiagnoseRecipe } from './next-items-diagnosis';
export type { NextItemTargetLabel, TargetRelation, DiagnoseTraining } from './next-items-diagnosis';
