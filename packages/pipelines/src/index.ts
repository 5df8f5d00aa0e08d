// Public API of @mixtape/pipelines: explicit named re-exports only. The Beam SDK is loaded by
// runAggregationPipeline on first use; everything else (reading outputs, the single-process
// path) works without it.
export { DEFAULT_AGGREGATION_OPTIONS, EVENT_TYPES, LABEL_TYPE_CODES } from './options';
export type { AggregationOptions } from './options';
export { readManifest, readRecords } from './files';
export type {
  AggregatesManifest,
  ArtistPopularityRecord,
  CatalogStatsRecord,
  DeadLetterRecord,
  HistoryRecord,
  InputCountRecord,
  ItemPopularityRecord,
  NeighbourRecord,
  OutputName,
  RankerLabelRecord,
  SessionRecord,
  StageReport,
} from './files';
export { runLocalAggregation } from './local';
export type { LocalAggregationOptions, LocalSessions } from './local';
export { deadLetterShare, rankerExamples, readAggregates, readDeadLetters } from './read';
export type { Aggregates, FutureLabelSets, RankerLabels, ReadAggregatesOptions } from './read';
export { LABEL_FLAGS, holdoutUnit, rankerLabelsOf } from './beam/labels';
export { RUNNERS, planChunks, runAggregationPipeline } from './beam/pipeline';
export type { PipelineRunOptions, RunnerName } from './beam/pipeline';
export { parseCatalogLine, parseEventLine } from './beam/functions';
export { exportDatasetAsJsonLines } from './export';
export { isS3Uri, joinS3, parseS3Uri } from './s3';
export type { PipelineS3 } from './s3';
