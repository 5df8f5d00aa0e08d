// Builds the Home serving state from an opened bundle: the ranker model (when the bundle has
// one) and the engine. Shelf feedback outlives bundle swaps; live events are per bundle because
// they refer to its catalog (the next bundle's log carries them anyway).
import { datasetPart, experimentsPart, homeRankerPart, itemIndexPart, itemVectorsPart, sequenceModelPart, type OpenedBundle } from '@mixtape/bundle';
import { createHomeEngine, createMemoryRecentEventStore, createMemoryShelfStateStore } from '@mixtape/ranking';
import type { RecentEventStore, ShelfStateStore } from '@mixtape/ranking';
import type { HomeServing } from './app';
import { createVariantEngines } from './experiments';
import { createUpNextServing } from './up-next';

/** The bundle parts Home reads (only their files are downloaded); the ranker, the next-track model and experiment definitions are optional. */
export const HOME_BUNDLE_PARTS = [datasetPart, itemVectorsPart, itemIndexPart, homeRankerPart, sequenceModelPart, experimentsPart] as const;
export type HomeBundle = OpenedBundle<typeof HOME_BUNDLE_PARTS>;

export interface HomeServingOptions {
  shelfState?: ShelfStateStore;
  /** Live events for one bundle version (its track indexes); default: in process, per bundle. */
  recentEventsFor?: (bundleVersion: string) => RecentEventStore;
  logger?: { info(object: object, message: string): void };
}

export function createHomeServing(bundle: HomeBundle, options: HomeServingOptions = {}): HomeServing {
  const { dataset, itemVectors, itemIndex, homeRanker: model, sequenceModel } = bundle.parts;
  const { store, interactions } = dataset;
  // one live-event store per bundle, read by the shelves and by Up next; experiment variants get
  // engines over the same index and listener state (explicit stores, so they share them)
  const recentEvents = options.recentEventsFor?.(bundle.version) ?? createMemoryRecentEventStore();
  const engineOptions = { model, shelfState: options.shelfState ?? createMemoryShelfStateStore(), recentEvents };
  const engine = createHomeEngine({ store, interactions, itemVectors: itemVectors.vectors, itemDim: itemVectors.dim, itemIndex }, engineOptions);
  const upNext = sequenceModel ? createUpNextServing(sequenceModel, interactions, recentEvents) : undefined;
  options.logger?.info({ version: bundle.version, ranker: engine.model.kind, upNext: Boolean(upNext), tracks: store.trackCount, users: interactions?.userCount ?? 0 }, 'home engine built');
  return { engine, bundleVersion: bundle.version, upNext, engineFor: createVariantEngines(engine, engineOptions) };
}
