// The parts a Mixtape bundle can hold, one file per family. Composition roots pick from these:
// the CLI's build (apps/pipeline/src/build/parts.ts) and each app's serving.ts.
export { aggregatesPart, checkPipelineOutput } from './aggregates';
export type { AggregatesPartValue, PipelineOutputLocation } from './aggregates';
export { datasetPart } from './dataset';
export type { DatasetPartValue } from './dataset';
export { contentEncoderPart, contentIndexPart, contentVectorsPart, itemIndexPart, itemVectorsPart, userVectorsPart } from './embeddings';
export { experimentsPart } from './experiments';
export type { ExperimentsPartValue } from './experiments';
export { homeCandidatesPart, homeRankerPart } from './home-ranker';
export type { HomeCandidatesPartValue } from './home-ranker';
export { playlistRewardPart } from './playlist-reward';
export { searchIndexPart, semanticModelPart } from './search-index';
export { sequenceModelPart } from './sequence-model';
export type { SequenceModelPartValue } from './sequence-model';
import { aggregatesPart } from './aggregates';
import { datasetPart } from './dataset';
import { contentEncoderPart, contentIndexPart, contentVectorsPart, itemIndexPart, itemVectorsPart, userVectorsPart } from './embeddings';

/** The dataset, its aggregates and every embedding part, in build order. */
export const EMBEDDING_PARTS = [datasetPart, aggregatesPart, contentEncoderPart, contentVectorsPart, itemVectorsPart, userVectorsPart, itemIndexPart, contentIndexPart] as const;
