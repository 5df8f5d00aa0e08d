// Builds the Home serving state from an opened bundle: the ranker model (when the bundle has
// one) and the engine. Shelf feedback outlives bundle swaps; live events are per bundle because
// they refer to its catalog (the next bundle's log carries them anyway).
import { datasetPart, homeRankerPart, itemIndexPart, itemVectorsPart, type OpenedBundle } from '@mixtape/bundle';
import { createHomeEngine } from '@mixtape/ranking';
import type { RecentEventStore, ShelfStateStore } from '@mixtape/ranking';
import type { HomeServing } from './app';

/** The bundle parts Home reads (only their files are downloaded); the ranker is optional. */
export const HOME_BUNDLE_PARTS = [datasetPart, itemVectorsPart, itemIndexPart, homeRankerPart] as const;
export type HomeBundle = OpenedBundle<typeof HOME_BUNDLE_PARTS>;

export interface HomeServingOptions {
  shelfState?: ShelfStateStore;
  /** Live events for one bundle version (its track indexes); default: in process, per bundle. */
  recentEventsFor?: (bundleVersion: string) => RecentEventStore;
  logger?: { info(object: object, message: string): void };
}

export function createHomeServing(bundle: HomeBundle, options: HomeServingOptions = {}): HomeServing {
  const { dataset, itemVectors, itemIndex, homeRanker: model } = bundle.parts;
  const { store, interactions } = dataset;
  const engine = createHomeEngine(
    { store, interactions, itemVectors: itemVectors.vectors, itemDim: itemVectors.dim, itemIndex },
    { model, shelfState: options.shelfState, recentEvents: options.recentEventsFor?.(bundle.version) },
  );
  options.logger?.info({ version: bundle.version, ranker: engine.model.kind, tracks: store.trackCount, users: interactions?.userCount ?? 0 }, 'home engine built');
  return { engine, bundleVersion: bundle.version };
}
