// Public API of @mixtape/sequence: explicit named re-exports only.
export { DEFAULT_MODEL_CONFIG, SequenceConfigError, resolveModelConfig, initializeModel, describeParameters, outputEmbeddings } from './model';
export type { SequenceModel, SequenceModelConfig } from './model';
export { DEFAULT_VALIDATION_ROWS, trainSequenceModel, validateHistories, chooseValidationRows } from './train';
export type { SequenceTrainingData, SequenceTrainingProgress, EpochRecord, TrainSequenceOptions, SequenceTrainingResult, TransitionPriorReport } from './train';
export { TRANSITION_PRIOR_GRID, TRANSITION_GROUP_GRID, DEFAULT_GROUP_SUCCESSORS, countTransitions, buildTransitionPrior, addTransitionPrior, chooseTransitionPrior, transitionPriorActive, describeTransitionSettings } from './transitions';
export type { TransitionPrior, TransitionPriorSettings, TransitionGroup, TransitionGroupSettings, TransitionCounts, TransitionValidation } from './transitions';
export { serializeSequenceModel, deserializeSequenceModel, SequenceFormatError } from './serialize';
export { createSequenceScorer } from './scorer';
export type { SequenceScorer, SequenceScorerOptions, Histories } from './scorer';
export { NextTrackOverloadedError, createNextTrackRecommender } from './serve';
export { createExactNextTracks } from './exact-next';
export type { NextTrackRecommender, NextTrackRequest, NextTrackResult, NextTrackOptions, NextTrackStats } from './serve';
export { historiesFromInteractions, extendHistory } from './histories';
export type { HistoryOptions, ListeningHistories } from './histories';
export { BACKOFF_LEVELS, DEFAULT_BACKOFF_LEVELS, PLACEHOLDER_GROUP_NAMES, isPlaceholderGroupName, parseBackoffLevels, catalogTransitionGroups } from './backoff';
export type { BackoffLevel } from './backoff';
export { refitTransitionPrior, fitTransitionPriorAlone } from './refit';
export type { RefitPriorOptions, PriorAloneOptions } from './refit';
