// Prompted-playlist fulfilment: plan → candidates → scoring → sequencing → notes.
export { buildPlaylistContext, createPlaylistEngine } from './context';
export type { BuildPlaylistContextOptions, PlaylistContext, PlaylistEngine } from './context';
export { resolvePlan, createHardFilter, featureFit, withinFeatureRanges } from './constraints';
export type { ResolvedPlan, FeatureTarget, HardFilterOptions } from './constraints';
export { generateCandidates, poolSizeFor, relaxFilters } from './candidates';
export type { CandidatePool, CandidateOptions, Relaxation } from './candidates';
export { fulfilPlan, scoreCandidates, selectTracks, SCORE_WEIGHTS } from './fulfil';
export type { Fulfilment, FulfilOptions, FulfilmentStats, PlaylistTrack, ScoreWeights, StageCosts, UnfulfilledPart } from './fulfil';
export { sequenceTracks, camelotCode, camelotDistance, formatCamelot, arcTarget, minimumArtistGap } from './sequence';
export type { SequenceOptions, SequenceResult } from './sequence';
export { noteForTrack, describePlaylist, titleFor } from './notes';
