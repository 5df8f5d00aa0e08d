// Home's bundle parts as named typed arrays (what a typed-array pack stores) and back: the
// neighbour lists of every source and the learned factors. The ranker is JSON (ranker.ts); the
// factor index is a FAISS buffer. I/O and the container format belong to the bundle package.
import { VectorIndex, chooseFactory } from '@mixtape/embeddings';
import { NEIGHBOUR_SOURCES } from './item-models';
import type { ItemFactors, NeighbourListReport, NeighbourLists, NeighbourSource } from './item-models';
import { createHomeIndex } from './home-index';
import { computeListenerState, listenerStateBytes } from './listeners';
import type { ListenerState } from './listeners';
import { heuristicRankerModel } from './ranker';
import type { HomeRankerModel } from './ranker';
import { InsufficientTrainingDataError, buildItemModels, trainHomeRanker } from './train';
import type { RankerTrainingOptions, RankerTrainingReport } from './train';
import type { HomeData } from './types';

type PartArray = Float32Array | Float64Array | Int32Array;

export interface HomeParts {
  neighbours: NeighbourLists;
  factors?: ItemFactors;
  factorIndex?: VectorIndex;
  /** per-listener taste clusters and ANN answers (computeListenerState) */
  listeners?: ListenerState;
  ranker: HomeRankerModel;
}

type StoredParts = Pick<HomeParts, 'neighbours' | 'factors' | 'listeners'>;
const LISTENER_ARRAYS = [
  ['slotOfUser', Int32Array],
  ['clusterOffsets', Int32Array],
  ['centroids', Float32Array],
  ['assignmentOffsets', Int32Array],
  ['assignments', Int32Array],
  ['queryOffsets', Int32Array],
  ['itemLabels', Int32Array],
  ['itemScores', Float32Array],
  ['factorOffsets', Int32Array],
  ['factorLabels', Int32Array],
  ['factorScores', Float32Array],
] as const;
// stored new releases came later: a pack without them serves new releases live
const RELEASE_ARRAYS = [
  ['releaseOffsets', Int32Array],
  ['releaseTracks', Int32Array],
  ['releaseScores', Float32Array],
] as const;

/** Neighbour lists + factors (+ listener state) → named arrays and a small JSON meta. */
export function homePartsToArrays(parts: StoredParts): { arrays: Record<string, PartArray>; meta: Record<string, unknown> } {
  const arrays: Record<string, PartArray> = {};
  const sources: NeighbourSource[] = [];
  // the successor list came later: it is flagged on its own so older readers' `sources` stay the four lists
  for (const source of [...NEIGHBOUR_SOURCES, 'successor'] as const) {
    const list = parts.neighbours[source];
    if (!list) continue;
    if (source !== 'successor') sources.push(source);
    arrays[`${source}.offsets`] = list.offsets;
    arrays[`${source}.items`] = list.items;
    arrays[`${source}.scores`] = list.scores;
  }
  const meta: Record<string, unknown> = { format: 'mixtape-home-parts', version: 1, sources };
  if (parts.neighbours.successor) meta.successor = true;
  if (parts.factors) {
    arrays['factors.users'] = parts.factors.users;
    arrays['factors.items'] = parts.factors.items;
    arrays['factors.itemGram'] = parts.factors.itemGram;
    meta.factors = { dim: parts.factors.dim, alpha: parts.factors.alpha };
  }
  const listeners = parts.listeners;
  if (listeners) {
    for (const [name] of [...LISTENER_ARRAYS, ...RELEASE_ARRAYS]) arrays[`listeners.${name}`] = listeners[name];
    meta.listeners = { annK: listeners.annK, factorK: listeners.factorK, itemDim: listeners.itemDim, itemK: listeners.itemK, newReleaseDays: listeners.newReleaseDays };
  }
  return { arrays, meta };
}

/** The inverse of homePartsToArrays; checks every array is there with a sane shape. */
export function homePartsFromArrays(arrays: Record<string, unknown>, meta: Record<string, unknown>, trackCount: number, where = 'home parts'): StoredParts {
  if (meta.format !== 'mixtape-home-parts' || meta.version !== 1) throw new Error(`${where}: not Home parts (format ${String(meta.format)} version ${String(meta.version)}; expected mixtape-home-parts 1)`);
  const take = <T extends PartArray>(name: string, type: new (...args: never[]) => T): T => {
    const array = arrays[name];
    if (!(array instanceof type)) throw new Error(`${where}: "${name}" is missing or not a ${type.name}`);
    return array;
  };
  const neighbours: NeighbourLists = {};
  const listNames: Array<NeighbourSource | 'successor'> = [...((meta.sources as NeighbourSource[] | undefined) ?? [])];
  for (const source of listNames) if (!NEIGHBOUR_SOURCES.includes(source as NeighbourSource)) throw new Error(`${where}: unknown neighbour source "${source}" (known: ${NEIGHBOUR_SOURCES.join(', ')})`);
  // absent from packs built without the successor lists (the default): that source stays silent
  if (meta.successor === true) listNames.push('successor');
  for (const source of listNames) {
    const offsets = take(`${source}.offsets`, Int32Array);
    const items = take(`${source}.items`, Int32Array);
    const scores = take(`${source}.scores`, Float32Array);
    if (offsets.length !== trackCount + 1 || items.length !== scores.length || offsets[trackCount] !== items.length) {
      throw new Error(`${where}: ${source} lists do not fit a catalog of ${trackCount} tracks (offsets ${offsets.length}, items ${items.length}, scores ${scores.length})`);
    }
    neighbours[source] = { offsets, items, scores };
  }
  let factors: ItemFactors | undefined;
  const factorMeta = meta.factors as { dim: number; alpha: number } | undefined;
  if (factorMeta) {
    factors = { dim: factorMeta.dim, alpha: factorMeta.alpha, users: take('factors.users', Float32Array), items: take('factors.items', Float32Array), itemGram: take('factors.itemGram', Float64Array) };
    if (factors.items.length !== trackCount * factors.dim) throw new Error(`${where}: factors hold ${factors.items.length / factors.dim} items for ${trackCount} tracks`);
  }
  // absent from packs written before the listener state existed: those listeners are served live
  let listeners: ListenerState | undefined;
  const listenerMeta = meta.listeners as { annK: number; factorK: number; itemDim: number; itemK: number; newReleaseDays?: number } | undefined;
  if (listenerMeta) {
    const stored = listenerMeta.newReleaseDays === undefined ? LISTENER_ARRAYS : [...LISTENER_ARRAYS, ...RELEASE_ARRAYS];
    const read = Object.fromEntries(stored.map(([name, type]) => [name, take<Int32Array | Float32Array>(`listeners.${name}`, type as new (...args: never[]) => Int32Array | Float32Array)]));
    const slots = (read.queryOffsets?.length ?? 1) - 1;
    // −1 matches no request's window: every page ranks new releases live
    const releases = listenerMeta.newReleaseDays === undefined ? { newReleaseDays: -1, releaseOffsets: new Int32Array(slots + 1), releaseTracks: new Int32Array(0), releaseScores: new Float32Array(0) } : {};
    listeners = { ...listenerMeta, ...releases, ...read } as unknown as ListenerState;
    const consistent =
      [listeners.clusterOffsets, listeners.assignmentOffsets, listeners.factorOffsets, listeners.releaseOffsets].every((offsets) => offsets.length === slots + 1) &&
      listeners.releaseTracks.length === listeners.releaseOffsets[slots] &&
      listeners.releaseScores.length === listeners.releaseTracks.length &&
      listeners.centroids.length === listeners.clusterOffsets[slots]! * listeners.itemDim &&
      listeners.assignments.length === listeners.assignmentOffsets[slots] &&
      listeners.itemLabels.length === listeners.queryOffsets[slots]! * listeners.itemK &&
      listeners.itemScores.length === listeners.itemLabels.length &&
      listeners.factorLabels.length === listeners.factorOffsets[slots] &&
      listeners.factorScores.length === listeners.factorLabels.length &&
      listeners.slotOfUser.every((slot) => slot < slots);
    if (!consistent) throw new Error(`${where}: the listener state's arrays do not agree with each other (${slots} listeners; rebuild the bundle)`);
  }
  return { neighbours, factors, ...(listeners ? { listeners } : {}) };
}

/** Bytes each part takes in memory (for the bundle's memory statement). */
export function homePartBytes(parts: StoredParts): Record<string, number> {
  const out: Record<string, number> = {};
  for (const source of [...NEIGHBOUR_SOURCES, 'successor'] as const) {
    const list = parts.neighbours[source];
    if (list) out[`neighbours.${source}`] = list.offsets.byteLength + list.items.byteLength + list.scores.byteLength;
  }
  if (parts.factors) out.factors = parts.factors.users.byteLength + parts.factors.items.byteLength + parts.factors.itemGram.byteLength;
  if (parts.listeners) out.listeners = listenerStateBytes(parts.listeners);
  return out;
}

export interface BuildHomePartsOptions extends RankerTrainingOptions {
  /** fail instead of serving the hand-set ranker when the log cannot train one (default false: the fallback is stated) */
  requireRanker?: boolean;
}

/**
 * What `mixtape build` (and the eval's home-stack) computes for Home: the LambdaMART ranker
 * trained on a split of the log, then the neighbour lists, factors and factor index over the
 * whole log. Without enough data for a ranker the hand-set one is returned with the reason in
 * `ranker.fallback` — or, with `requireRanker`, the build fails with that reason.
 */
export async function buildHomeParts(data: HomeData, options: BuildHomePartsOptions = {}): Promise<HomeParts & { report?: RankerTrainingReport; neighbourReports: NeighbourListReport[] }> {
  const interactions = data.interactions;
  if (!interactions || interactions.length === 0) {
    if (options.requireRanker) throw new InsufficientTrainingDataError('Home parts: the dataset has no interactions, so no ranker, neighbour lists or factors can be learned');
    return { neighbours: {}, ranker: heuristicRankerModel('the dataset has no interactions to learn from'), neighbourReports: [] };
  }
  let ranker: HomeRankerModel;
  let report: RankerTrainingReport | undefined;
  try {
    ({ model: ranker, report } = await trainHomeRanker(data, options));
  } catch (error) {
    if (!(error instanceof InsufficientTrainingDataError) || options.requireRanker) throw error;
    ranker = heuristicRankerModel(error.message);
    options.log?.(`ranker: NOT trained — ${error.message}; the bundle serves the hand-set ranker and says so`);
  }
  const models = await buildItemModels({ ...data, interactions }, options);
  let factorIndex: VectorIndex | undefined;
  if (models.factors) {
    const ids = Array.from({ length: data.store.trackCount }, (_unused, t) => data.store.trackId(t));
    factorIndex = VectorIndex.build({ dim: models.factors.dim, factory: chooseFactory(ids.length, models.factors.dim), metric: 'ip', ids, vectors: models.factors.items, deterministic: true });
  }
  const listeners = computeListenerState(createHomeIndex({ ...data, interactions, neighbours: models.neighbours, factors: models.factors, factorIndex }), { candidates: options.candidates });
  return { neighbours: models.neighbours, factors: models.factors, factorIndex, listeners, ranker, report, neighbourReports: models.reports };
}
