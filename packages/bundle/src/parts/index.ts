// The parts a Mixtape bundle can hold, one file per family. Composition roots pick from these:
// the CLI's build (apps/pipeline/src/build/parts.ts) and each app's serving.ts.
export { datasetPart } from './dataset';
export type { DatasetPartValue } from './dataset';
export { contentEncoderPart, contentIndexPart, contentVectorsPart, itemIndexPart, itemVectorsPart, userVectorsPart } from './embeddings';
export { experimentsPart } from './experiments';
export type { ExperimentsPartValue } from './experiments';
export { homeRankerPart } from './home-ranker';
export { searchIndexPart } from './search-index';
export { sequenceModelPart } from './sequence-model';
export type { SequenceModelPartValue } from './sequence-model';
import { datasetPart } from './dataset';
import { contentEncoderPart, contentIndexPart, contentVectorsPart, itemIndexPart, itemVectorsPart, userVectorsPart } from './embeddings';

/** The dataset and every embedding part, in build order. */
export const EMBEDDING_PARTS = [datasetPart, contentEncoderPart, contentVectorsPart, itemVectorsPart, userVectorsPart, itemIndexPart, contentIndexPart] as const;
