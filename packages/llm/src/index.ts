// Public API of @mixtape/llm: explicit named re-exports only.
export {
  PLAN_SCHEMA_VERSION,
  PLAN_FEATURES,
  SEQUENCING_ARCS,
  MAX_TEMPO_BPM,
  MAX_TRACK_COUNT,
  PlanSchema,
  PLAN_JSON_SCHEMA,
  createPlanJsonSchema,
  createEmptyPlan,
  validatePlan,
  parsePlanOutput,
  upgradePlan,
  StoredPlanSchema,
} from './plan';
export type { Plan, PlanFeature, PlanFeatures, FeatureRange, SeedTrack, SequencingArc, PlanValidation, PlanJsonSchemaOptions } from './plan';
export { planFromPrompt, planFromConstraints, titleForPlan, AVERAGE_TRACK_MINUTES } from './offline-planner';
export type { OfflinePlanOptions, OfflinePlanResult } from './offline-planner';
export { refinePlan } from './refine';
export type { RefinementResult } from './refine';
export { canonicalizePlan } from './canonicalize';
export type { CanonicalPlan, UnresolvedNames } from './canonicalize';
export { MAX_PROMPT_CHARACTERS, encodeUserText, findUnsafePlanStrings } from './guardrails';
export { createPlanExampleBank, selectExamples, compactPlanJson, promptSimilarity, promptWords, estimateTokens } from './examples';
export type { PlanExample, PlanExampleSource, PlanExampleBank, ExampleSelectionOptions } from './examples';
export { createLruCache } from './cache';
export type { PlanCache, LruCache, LruCacheOptions } from './cache';
export { createOpenAiCompatibleClient, ChatError, parseRetryAfter } from './chat-client';
export type {
  ChatClient,
  ChatRequest,
  ChatCompletion,
  ChatErrorCode,
  ResponseFormat,
  OpenAiCompatibleClientOptions,
} from './chat-client';
export {
  PLAN_TEMPLATE_VERSION,
  renderSystemPrompt,
  renderPlanRequest,
  renderRefineRequest,
  renderRepairRequest,
  renderExamples,
} from './prompts/index';
export type { ChatMessage, SystemPromptOptions, RenderedExample } from './prompts/index';
export { createOfflinePlanner, createLlmPlanner } from './planners';
export type {
  PlanProvider,
  PlanRequest,
  RefineRequest,
  PlanResult,
  PlannerName,
  OfflinePlannerOptions,
  LlmPlannerOptions,
  StructuredOutputMode,
} from './planners';
export { FEEDBACK_SIGNALS, FeedbackRecordSchema, buildPreferencePairs, toJsonLines, versionsByPlaylist } from './preferences';
export { readPlaylistLog, PlaylistVersionRecordSchema, PLAYLIST_LOG_FILE } from './playlist-log';
export type { PlaylistLog } from './playlist-log';
export type {
  FeedbackSignal,
  FeedbackRecord,
  PlaylistVersionRecord,
  DpoPair,
  PreferencePairKind,
  PreferenceExportOptions,
} from './preferences';
