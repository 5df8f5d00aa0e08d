// Prompted-playlist fulfilment: plan → candidates → scoring → sequencing → notes.
export { buildPlaylistContext, createPlaylistEngine } from './context';
export type { BuildPlaylistContextOptions, PlaylistContext, PlaylistEngine, PlaylistTextModel } from './context';
export { resolvePlan, createHardFilter, featureFit, withinFeatureRanges } from './constraints';
export type { ResolvedPlan, FeatureTarget, HardFilterOptions } from './constraints';
export { generateCandidates, poolSizeFor, relaxFilters } from './candidates';
export type { CandidatePool, CandidateOptions, Relaxation } from './candidates';
export { fulfilPlan, scoreCandidates, selectTracks, SCORE_WEIGHTS } from './fulfil';
export type { Fulfilment, FulfilOptions, FulfilmentStats, PlaylistTrack, ScoreWeights, StageCosts, UnfulfilledPart } from './fulfil';
export { sequenceTracks, camelotCode, camelotDistance, formatCamelot, arcTarget, minimumArtistGap } from './sequence';
export type { SequenceOptions, SequenceResult } from './sequence';
export { noteForTrack, describePlaylist, titleFor } from './notes';
export { trainRewardModel, createRewardScorer, intentFeatures, trackFeatureStats, standardisedTrackFeatures, serializeRewardModel, parseRewardModel, REWARD_INTENT_FEATURES, REWARD_TRACK_FEATURES, REWARD_MODEL_FORMAT } from './reward';
export type { RewardModel, RewardPair, RewardScorer, RewardTrainingReport, TrainRewardOptions } from './reward';
export { rewardPairsFromFeedback } from './reward-pairs';
export type { RewardPairExtraction, RewardPairOptions } from './reward-pairs';
