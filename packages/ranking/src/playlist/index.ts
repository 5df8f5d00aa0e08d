// Prompted-playlist fulfilment: plan → candidates → scoring → sequencing → notes.
export { buildPlaylistContext, createPlaylistEngine } from './context';
export type { BuildPlaylistContextOptions, PlaylistContext, PlaylistEngine } from './context';
export { resolvePlan, createHardFilter, featureFit, withinFeatureRanges } from './constraints';
export type { ResolvedPlan, FeatureTarget, HardFilterOptions } from './constraints';
export { generateCandidates, poolSizeFor } from './candidates';
export type { CandidatePool, CandidateOptions } from './candidates';
export { fulfilPlan, scoreCandidates, selectTracks, SCORE_WEIGHTS } from './fulfil';
export type { Fulfilment, FulfilOptions, FulfilmentStats, PlaylistTrack, ScoreWeights, StageCosts } from './fulfil';
export { sequenceTracks, camelotCode, camelotDistance, formatCamelot, arcTarget, minimumArtistGap } from './sequence';
export type { SequenceOptions, SequenceResult } from './sequence';
export { noteForTrack, describePlaylist, titleFor } from './notes';
export { runPromptQualitySuite, formatPromptQualityReport, evaluateCheck, TIDYTUESDAY_QUALITY_PROMPTS } from './quality';
export type {
  QualityPrompt,
  PromptCategory,
  PromptCheck,
  CheckResult,
  PromptResult,
  CategoryRate,
  PromptQualityReport,
  PromptQualityOptions,
} from './quality';
