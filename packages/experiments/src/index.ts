// Public API of @mixtape/experiments: explicit named re-exports only.
export { bucketOf, hashString } from './hash';
export {
  ExperimentConfigSchema,
  ExperimentSchema,
  VariantSchema,
  LayerSchema,
  HoldoutSchema,
  TargetingConditionSchema,
  AnalysisPlanSchema,
  GuardrailSchema,
  ExperimentConfigError,
  parseExperimentConfig,
  validateExperimentConfig,
  checkExperimentConfig,
  isExperimentActive,
} from './definitions';
export type { ExperimentConfig, ExperimentConfigInput, ExperimentDefinition, LayerDefinition, Variant, TargetingCondition, AnalysisPlan } from './definitions';
export {
  assignVariants,
  explainAssignment,
  isHeldOut,
  mergedParams,
  parseAttributes,
  responseExperiments,
} from './assign';
export type { Assignment, AssignmentRequest, AssignedVariant, AssignmentExplanation, AssignmentStatus, AttributeValue, UserAttributes } from './assign';
export { createExperimentRegistry, createFileConfigSource, createStaticConfigSource, describeAllocation, experimentSourceFor, reshufflingChanges } from './registry';
export type { ExperimentRegistry, ExperimentRegistryOptions, ExperimentConfigSource, ExperimentSnapshot, ExperimentSourceChoices, RegistryLogger, AllocationRow } from './registry';
export {
  EVENT_TYPES,
  ExperimentRefSchema,
  ExposedItemSchema,
  ExposureRecordSchema,
  EventRecordSchema,
  ExperimentLogRecordSchema,
  ExperimentLogError,
  createJsonlLogSink,
  expandLogPaths,
  readExperimentLog,
} from './log';
export type { ExperimentEventType, ExperimentRef, ExposedItem, ExposureRecord, EventRecord, ExperimentLogRecord, ExperimentLogSink, JsonlLogSinkOptions, ReadLogOptions } from './log';
export { METRICS, METRIC_NAMES, isMetricName } from './metrics';
export type { MetricName, MetricDefinition } from './metrics';
export { analyzeExperiment, compareArms, twoSidedP, DAY_MS } from './analyze';
export type { AnalyzeOptions, ExperimentReadout, MetricReadout, SequentialLookReadout, SequentialMethod, VariantCount } from './analyze';
export { teamDraftInterleave, analyzeInterleaving, wilsonInterval } from './interleave';
export type { Team, InterleavedItem, InterleavingOptions, InterleavingReadout } from './interleave';
export { formatReadoutMarkdown, renderReadoutSvg, readoutToJson, formatInterleavingMarkdown, describeSequentialMethod } from './report';
export type { ReportOptions } from './report';
export {
  normalCdf,
  normalUpperTail,
  normalQuantile,
  studentTTwoSided,
  studentTQuantile,
} from './stats/distributions';
export { summarize, welchTest, zTest, ratioEstimate, linearizeRatio, cupedAdjust, sampleRatioCheck } from './stats/tests';
export type { Summary, Comparison, RatioEstimate, CupedResult, SampleRatioCheck } from './stats/tests';
export {
  msprtHalfWidth,
  msprtSequence,
  groupSequentialBoundaries,
  obrienFlemingSpending,
  pocockSpending,
} from './stats/sequential';
export type { SequentialLook, MsprtLookResult, GroupSequentialLook, GroupSequentialBoundary, SpendingFunction } from './stats/sequential';
export { holmAdjust, benjaminiHochbergAdjust } from './stats/multiple';
export { binomialTwoSided } from './stats/binomial';
export { createExperimentRuntime, serviceExperimentOptions, EXPERIMENT_ATTRIBUTES_HEADER, ExperimentAttributesError } from './runtime';
export type { ExperimentRuntime, ExperimentRuntimeOptions, ExperimentsDescription, RequestExperiments, ServiceExperimentReach, ServiceExperimentSettings } from './runtime';
