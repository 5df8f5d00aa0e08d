// Public API of @mixtape/sequence: explicit named re-exports only.
export { DEFAULT_MODEL_CONFIG, SequenceConfigError, resolveModelConfig, initializeModel, describeParameters, outputEmbeddings } from './model';
export type { SequenceModel, SequenceModelConfig } from './model';
export { trainSequenceModel, validateHistories } from './train';
export type { SequenceTrainingData, SequenceTrainingProgress, EpochRecord, TrainSequenceOptions, SequenceTrainingResult, TransitionPriorReport } from './train';
export { TRANSITION_PRIOR_GRID, countTransitions, buildTransitionPrior, addTransitionPrior, chooseTransitionPrior } from './transitions';
export type { TransitionPrior, TransitionPriorSettings, TransitionCounts, TransitionValidation } from './transitions';
export { serializeSequenceModel, deserializeSequenceModel, SequenceFormatError } from './serialize';
export { createSequenceScorer } from './scorer';
export type { SequenceScorer, SequenceScorerOptions, Histories } from './scorer';
export { NextTrackOverloadedError, createNextTrackRecommender } from './serve';
export { createExactNextTracks } from './exact-next';
export type { NextTrackRecommender, NextTrackRequest, NextTrackResult, NextTrackOptions, NextTrackStats } from './serve';
export { historiesFromInteractions, extendHistory } from './histories';
export type { HistoryOptions } from './histories';
