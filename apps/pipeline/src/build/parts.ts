// What `mixtape build` puts in a bundle: these parts (defined in packages/bundle/src/parts/) and
// everything they depend on. A new part is one entry here (its dependencies come along by themselves).
import { EMBEDDING_PARTS, createPartRegistry, experimentsPart, homeCandidatesPart, homeRankerPart, playlistRewardPart, searchIndexPart, sequenceModelPart } from '@mixtape/bundle';

export const BUNDLE_PARTS = [...EMBEDDING_PARTS, homeRankerPart, homeCandidatesPart, searchIndexPart, sequenceModelPart, experimentsPart, playlistRewardPart] as const;

export const bundleRegistry = createPartRegistry(BUNDLE_PARTS);
