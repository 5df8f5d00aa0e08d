// What the search service builds from a bundle: the engine (lexical + dense) and user affinity.
import { contentEncoderPart, contentIndexPart, datasetPart, experimentsPart, searchIndexPart, semanticModelPart, type OpenedBundle } from '@mixtape/bundle';
import type { Logger } from '@mixtape/base';
import { affinityFromHistory, buildSearchIndex, type SearchEngine, type UserAffinity } from '@mixtape/search-index';

/** The bundle parts Search reads: the catalog and log (personal affinity), dense retrieval, the learned text model, the prebuilt index. */
export const SEARCH_BUNDLE_PARTS = [datasetPart, contentIndexPart, contentEncoderPart, semanticModelPart, searchIndexPart, experimentsPart] as const;
export type SearchBundle = OpenedBundle<typeof SEARCH_BUNDLE_PARTS>;

export interface SearchServing {
  engine: SearchEngine;
  affinity: (userId: string) => UserAffinity | undefined;
}

export function createSearchServing(bundle: SearchBundle, logger: Logger): SearchServing {
  const { dataset, contentIndex, contentEncoder, semanticModel } = bundle.parts;
  let engine: SearchEngine | undefined = bundle.parts.searchIndex;
  if (!engine) {
    // Older bundles (or ones built without the searchIndex part): build it here, slower start.
    logger.warn({ version: bundle.version }, `bundle has no ${searchIndexPart.name} part; building the search index at startup`);
    engine = buildSearchIndex(dataset.store, { content: { index: contentIndex, encoder: contentEncoder }, ...(semanticModel ? { semantic: semanticModel } : {}), logger });
  }
  const { store, interactions } = dataset;
  const affinity = (userId: string): UserAffinity | undefined => {
    const user = interactions.userIndex(userId);
    return user < 0 ? undefined : affinityFromHistory(interactions.history(user, store));
  };
  return { engine, affinity };
}
