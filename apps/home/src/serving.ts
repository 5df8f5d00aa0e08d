// Builds the Home serving state from an opened bundle: the ranker (LambdaMART heads, or the
// hand-set one with the reason stated), the offline candidate lists and factors, the engine and
// Up next (when the bundle has a next-track model). Shelf feedback outlives bundle swaps; live
// events are per bundle because they refer to its catalog (the next bundle's log carries them anyway).
import { datasetPart, experimentsPart, homeCandidatesPart, homeRankerPart, itemIndexPart, itemVectorsPart, sequenceModelPart, type OpenedBundle } from '@mixtape/bundle';
import { createHomeEngine, createMemoryRecentEventStore, createMemoryShelfStateStore, heuristicRankerModel, homePartBytes, rankerReadsSequence } from '@mixtape/ranking';
import type { HomeObjective, RecentEventStore, ShelfStateStore } from '@mixtape/ranking';
import type { HomeServing } from './app';
import { createVariantEngines } from './experiments';
import { createPageStore } from './page-store';
import { createUpNextServing, upNextAbsence } from './up-next';

/** The bundle parts Home reads (only their files are downloaded); ranker, candidates, the next-track model and experiment definitions are optional (absent from old bundles). */
export const HOME_BUNDLE_PARTS = [datasetPart, itemVectorsPart, itemIndexPart, homeRankerPart, homeCandidatesPart, sequenceModelPart, experimentsPart] as const;
export type HomeBundle = OpenedBundle<typeof HOME_BUNDLE_PARTS>;

export interface HomeServingOptions {
  shelfState?: ShelfStateStore;
  /** Live events for one bundle version (its track indexes); default: in process, per bundle. */
  recentEventsFor?: (bundleVersion: string) => RecentEventStore;
  /** served weight per ranker head (HOME_OBJECTIVE_WEIGHTS) */
  objectiveWeights?: Partial<Record<HomeObjective, number>>;
  logger?: { info(object: object, message: string): void; warn?(object: object, message: string): void };
  /** keep finished pages up to this many bytes (ADR 0013; absent or 0: every page is computed) */
  pageCacheBytes?: number;
  /** the clock of the engine's stage times (default wall clock; bench:cpu passes CPU time) */
  stageClock?: () => number;
}

export function createHomeServing(bundle: HomeBundle, options: HomeServingOptions = {}): HomeServing {
  const { dataset, itemVectors, itemIndex, homeRanker, homeCandidates, sequenceModel } = bundle.parts;
  const { store, interactions } = dataset;
  const model = homeRanker ?? heuristicRankerModel(`bundle ${bundle.version} has no models/ranker.json (built before Home v2)`);
  // one live-event store per bundle, read by the shelves and by Up next; experiment variants get
  // engines over the same index and listener state (explicit stores, so they share them)
  const recentEvents = options.recentEventsFor?.(bundle.version) ?? createMemoryRecentEventStore();
  const upNext = sequenceModel ? createUpNextServing(sequenceModel, interactions, recentEvents) : undefined;
  // a ranker trained with the sequence source asks the bundle's next-track model for each page (the engine asks only then)
  const sequence = upNext ? (history: Int32Array, k: number) => upNext.recommender.recommend({ history, k }) : undefined;
  // a failed or refused model call (e.g. /next's queue is full) serves the page without the sequence source: said once, counted by the engine
  const onSequenceError = (error: unknown): void =>
    options.logger?.warn?.({ version: bundle.version, err: error instanceof Error ? error.message : String(error) }, 'the next-track model failed a Home page call: pages are served without the sequence source while it fails (logged once per engine)');
  const engineOptions = { model, objectiveWeights: options.objectiveWeights, shelfState: options.shelfState ?? createMemoryShelfStateStore(), recentEvents, sequence, onSequenceError, stageClock: options.stageClock };
  const engine = createHomeEngine(
    {
      store,
      interactions,
      itemVectors: itemVectors.vectors,
      itemDim: itemVectors.dim,
      itemIndex,
      neighbours: homeCandidates?.neighbours ?? {},
      factors: homeCandidates?.factors,
      factorIndex: homeCandidates?.factorIndex,
      listeners: homeCandidates?.listeners,
      // the popularity the ranker was trained with (the log's listener counts on MPD / Last.fm imports)
      popularity: model.popularity,
    },
    engineOptions,
  );
  const bytes = homeCandidates ? homePartBytes(homeCandidates) : {};
  options.logger?.info(
    {
      version: bundle.version,
      ranker: engine.ranker.kind,
      popularity: model.popularity ?? 'catalog',
      heads: engine.ranker.heads.map((head) => `${head.objective}×${head.weight}`),
      neighbourSources: Object.keys(homeCandidates?.neighbours ?? {}),
      homePartsMiB: Math.round((Object.values(bytes).reduce((sum, value) => sum + value, 0) / 2 ** 20) * 10) / 10,
      upNext: Boolean(upNext),
      tracks: store.trackCount,
      users: interactions?.userCount ?? 0,
    },
    'home engine built',
  );
  if (model.kind === 'heuristic') options.logger?.warn?.({ version: bundle.version, fallback: model.fallback }, 'home serves the hand-set ranker');
  if (rankerReadsSequence(model) && !upNext) {
    options.logger?.warn?.({ version: bundle.version }, 'the ranker was trained with the sequence source, but the bundle has no sequenceModel part: pages are served without it (build the bundle with sequenceModel)');
  }
  const pages = options.pageCacheBytes ? createPageStore({ maxBytes: options.pageCacheBytes }) : undefined;
  return { engine, bundleVersion: bundle.version, upNext, ...(upNext ? {} : { upNextAbsence: upNextAbsence(bundle.version, bundle.manifest.metadata) }), engineFor: createVariantEngines(engine, engineOptions), ...(pages ? { pages } : {}) };
}
