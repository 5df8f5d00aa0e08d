// Extra bundle files built by other packages (search index, ranker…). Each contributor gets the
// trained parts and returns files; `mixtape build` writes them into the bundle beside the rest.
import { BUNDLE_LAYOUT, type ServingBundleInput } from '@mixtape/bundle';
import type { ProgressLine } from '@mixtape/bundle';
import { formatProgress } from '@mixtape/base';
import { InsufficientTrainingDataError, trainHomeRanker } from '@mixtape/ranking';
import { buildSearchIndex, serializeSearchIndex } from '@mixtape/search-index';

export interface BuildContext {
  parts: Omit<ServingBundleInput, 'source' | 'summary' | 'extraFiles'>;
  progress: ProgressLine;
}

export interface BundleContributor {
  name: string;
  build(context: BuildContext): Promise<NonNullable<ServingBundleInput['extraFiles']>>;
}

/** Registered contributors, in build order. */
export const BUNDLE_CONTRIBUTORS: BundleContributor[] = [];

// Home ranker: learned from the log with a temporal split (labels = reward after the cutoff).
BUNDLE_CONTRIBUTORS.push({
  name: 'ranker',
  build: async ({ parts, progress }) => {
    const { store, interactions, itemVectors, itemDim, itemIndex } = parts;
    if (!itemVectors || !itemDim || !itemIndex) {
      progress('ranker: no item vectors in this build; Home serves its heuristic ranker');
      return [];
    }
    let trained;
    try {
      trained = await trainHomeRanker({ store, interactions, itemVectors, itemDim, itemIndex }, { onProgress: (event) => progress(formatProgress(event)) });
    } catch (error) {
      if (!(error instanceof InsufficientTrainingDataError)) throw error;
      progress(`ranker: not trained (${error.message}); Home serves its heuristic ranker`);
      return [];
    }
    const { model, report } = trained;
    progress(`ranker: ${report.chosen.kind} chosen, validation NDCG@10 ${Math.max(...Object.values(report.validationNdcg10)).toFixed(4)} (best single feature ${report.bestSingleFeature.name} ${report.bestSingleFeature.ndcg10})`);
    return [{ path: BUNDLE_LAYOUT.ranker, data: JSON.stringify(model), role: 'model' }];
  },
});

// Search index (MiniSearch lexical + the content index for dense retrieval), built offline so
// the search service loads it instead of indexing the catalog at startup.
BUNDLE_CONTRIBUTORS.push({
  name: 'search index',
  build: async ({ parts, progress }) => {
    const engine = buildSearchIndex(parts.store, {
      content: { index: parts.contentIndex, encoder: parts.contentEncoder },
      onProgress: (event) => progress(`  ${formatProgress(event)}`),
    });
    return [{ path: BUNDLE_LAYOUT.searchIndex, data: serializeSearchIndex(engine), role: 'index' }];
  },
});
