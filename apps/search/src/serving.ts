// What the search service builds from a bundle: the engine (lexical + dense) and user affinity.
import { BUNDLE_LAYOUT, type BundleParts, type ServingBundle } from '@mixtape/bundle';
import { readFile } from 'node:fs/promises';
import { affinityFromHistory, buildSearchIndex, loadSearchIndex, type SearchEngine, type UserAffinity } from '@mixtape/search-index';
import type { Logger } from '@mixtape/base';

const SEARCH_INDEX_PATH = BUNDLE_LAYOUT.searchIndex;

export const SEARCH_BUNDLE_PARTS: BundleParts = {
  catalog: true,
  interactions: true, // personal affinity: the user's top artists and genres
  contentIndex: true,
  extraPaths: [SEARCH_INDEX_PATH],
};

export interface SearchServing {
  engine: SearchEngine;
  affinity: (userId: string) => UserAffinity | undefined;
}

export async function createSearchServing(bundle: ServingBundle, logger: Logger): Promise<SearchServing> {
  const content = bundle.contentIndex ? { index: bundle.contentIndex, encoder: bundle.contentEncoder } : false;
  const hasIndex = bundle.manifest.files.some((file) => file.path === SEARCH_INDEX_PATH);
  let engine: SearchEngine;
  if (hasIndex) {
    engine = loadSearchIndex(await readFile(bundle.localPath(SEARCH_INDEX_PATH)), bundle.store, bundle.contentIndex, { logger });
  } else {
    // Older bundles (or ones built without the search contributor): build it here, slower start.
    logger.warn({ version: bundle.version }, `bundle has no ${SEARCH_INDEX_PATH}; building the search index at startup`);
    engine = buildSearchIndex(bundle.store, { content, logger });
  }
  const interactions = bundle.interactions;
  const affinity = (userId: string): UserAffinity | undefined => {
    if (!interactions) return undefined;
    const user = interactions.userIndex(userId);
    return user < 0 ? undefined : affinityFromHistory(interactions.history(user, bundle.store));
  };
  return { engine, affinity };
}
