// Builds the Home serving state from an opened bundle: the ranker model (when the bundle has
// one) and the engine. Shelf feedback outlives bundle swaps; live events are per bundle because
// they refer to its catalog (the next bundle's log carries them anyway).
import { readFile } from 'node:fs/promises';
import type { ServingBundle } from '@mixtape/bundle';
import { createHomeEngine, parseRankerModel } from '@mixtape/ranking';
import type { HomeRankerModel, RecentEventStore, ShelfStateStore } from '@mixtape/ranking';
import type { HomeServing } from './app';

export const RANKER_MODEL_PATH = 'models/ranker.json';

/** What Home asks the bundle runtime to download. */
export const HOME_BUNDLE_PARTS = { catalog: true, interactions: true, itemVectors: true, itemIndex: true, extraPaths: [RANKER_MODEL_PATH] } as const;

export interface HomeServingOptions {
  shelfState?: ShelfStateStore;
  /** Live events for one bundle version (its track indexes); default: in process, per bundle. */
  recentEventsFor?: (bundleVersion: string) => RecentEventStore;
  logger?: { info(object: object, message: string): void };
}

export async function createHomeServing(bundle: ServingBundle, options: HomeServingOptions = {}): Promise<HomeServing> {
  const { itemVectors, itemIndex, itemDim, store, interactions } = bundle;
  if (!itemVectors || !itemIndex) throw new Error(`bundle ${bundle.version} has no item vectors or item index; Home needs both`);
  let model: HomeRankerModel | undefined;
  if (bundle.manifest.files.some((file) => file.path === RANKER_MODEL_PATH)) {
    model = parseRankerModel(await readFile(bundle.localPath(RANKER_MODEL_PATH), 'utf8'), `bundle ${bundle.version}: ${RANKER_MODEL_PATH}`);
  }
  const engine = createHomeEngine({ store, interactions, itemVectors, itemDim, itemIndex }, { model, shelfState: options.shelfState, recentEvents: options.recentEventsFor?.(bundle.version) });
  options.logger?.info({ version: bundle.version, ranker: engine.model.kind, tracks: store.trackCount, users: interactions?.userCount ?? 0 }, 'home engine built');
  return { engine, bundleVersion: bundle.version };
}
