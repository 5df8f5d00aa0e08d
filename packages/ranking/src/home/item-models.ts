// Offline item models for Home's candidates: item → item neighbour lists (top-K per item, typed
// arrays) from EASE, RP3β, co-listening (cosine) and the item vectors, plus learned user/item
// factors (implicit ALS). Built once per bundle from the log; a request merges the lists of the
// listener's tracks instead of reading the interaction log. The models are @mixtape/embeddings'
// collaborative fits — the same ones @mixtape/eval's baselines use.
import { Random, selectTopK } from '@mixtape/base';
import { INTERACTION_TYPE_CODE } from '@mixtape/catalog';
import type { InteractionLog } from '@mixtape/catalog';
import {
  VectorIndex,
  buildNeighborGraph,
  buildSessionCorpus,
  chooseFactory,
  fitEaseWeights,
  foldInImplicitAls,
  trainImplicitAls,
  trainItem2Vec,
  transposeCsr,
} from '@mixtape/embeddings';
import type { CsrMatrix, NeighborGraphOptions } from '@mixtape/embeddings';

/**
 * RP3β's popularity penalty for the Home lists: 0.3 since session 14 (0.5 before). Rule R14-1/R13-2,
 * validation only: Last.fm +0.0029 [0.0017, 0.0042] NDCG@10, synthetic −0.0007 [−0.0034, 0.0020],
 * TidyTuesday (repeatable fits) +0.0049 [0.0001, 0.0097]; 0.3 is also the β of every results
 * file's RP3β baseline (`rp3beta:beta=0.3`; that model's own default stays 0.5).
 */
export const DEFAULT_RP3BETA_BETA = 0.3;

/** The neighbour-list sources, in feature order. */
export const NEIGHBOUR_SOURCES = ['ease', 'rp3beta', 'coListening', 'itemVectors'] as const;
export type NeighbourSource = (typeof NEIGHBOUR_SOURCES)[number];

/** Top-K neighbours per item as CSR: item i's neighbours are items/scores[offsets[i] .. offsets[i+1]), best first. */
export interface NeighbourList {
  offsets: Int32Array;
  items: Int32Array;
  scores: Float32Array;
}
/**
 * The lists a bundle may hold: the four similarity sources, and `successor` — "what follows this
 * track" (first-order transitions of the log's ordered plays; a source of its own, merged over the
 * most recent plays only, with its feature columns at the end of HOME_FEATURES).
 */
export type NeighbourLists = Partial<Record<NeighbourSource | 'successor', NeighbourList>>;

export interface NeighbourListOptions {
  /** neighbours kept per item (default 100) */
  k?: number;
  /**
   * EASE settings, or false to skip (default λ 50, items with ≥ 2 listeners, at most 8,000
   * items; `k` 500 weights per item, the largest in magnitude: the negative ones matter — summed
   * over a listener's tracks they push items down, and dropping them costs ~3% NDCG@10)
   */
  ease?: false | { lambda?: number; minItemUsers?: number; maxItems?: number; k?: number };
  /** RP3β settings, or false to skip (default α 1, β `DEFAULT_RP3BETA_BETA`) */
  rp3beta?: false | { alpha?: number; beta?: number };
  coListening?: false | { shrink?: number };
  /** unit item vectors (trackCount × dim) and their FAISS index (ids = track positions' ids); false skips */
  itemVectors?: false | { vectors: Float32Array; dim: number; index?: VectorIndex; labelToTrack?: Int32Array };
  /** "what follows this track" lists from the log's ordered plays (default false: not built; buildItemModels builds them) */
  successor?: false | SuccessorListOptions;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

export interface NeighbourListReport {
  source: NeighbourSource | 'successor';
  /** items with at least one neighbour */
  items: number;
  neighbours: number;
  seconds: number;
  notes?: string;
}

export interface SuccessorListOptions {
  /** successors kept per track (default 50) */
  k?: number;
}

/**
 * First-order successor lists: for each track, the tracks played right after it (each listener's
 * non-skip plays in time order, repeats of the same track collapsed), scored P(next | track) =
 * count(track → next) / count(track → any). Top-k per track, best first.
 */
export function buildSuccessorList(log: InteractionLog, trackCount: number, options: SuccessorListOptions = {}): NeighbourList {
  const k = options.k ?? 50;
  const { track, type } = log.columns;
  const skip = INTERACTION_TYPE_CODE.skip;
  // pass 1: transitions per source track; pass 2: the pairs grouped by source track (CSR)
  const outgoing = new Int32Array(trackCount + 1);
  const eachTransition = (visit: (from: number, to: number) => void) => {
    for (let u = 0; u < log.userCount; u++) {
      const { start, end } = log.rowsOfUser(u);
      let previous = -1;
      for (let e = start; e < end; e++) {
        if (type[e] === skip) continue;
        const next = track[e]!;
        if (next === previous) continue;
        if (previous >= 0) visit(previous, next);
        previous = next;
      }
    }
  };
  eachTransition((from) => outgoing[from + 1]!++);
  for (let t = 0; t < trackCount; t++) outgoing[t + 1]! += outgoing[t]!;
  const targets = new Int32Array(outgoing[trackCount]!);
  const fill = outgoing.slice(0, trackCount);
  eachTransition((from, to) => (targets[fill[from]!++] = to));
  const offsets = new Int32Array(trackCount + 1);
  const items: number[] = [];
  const scores: number[] = [];
  const counts = new Float32Array(trackCount);
  const touched = new Int32Array(trackCount);
  const topRows = new Int32Array(k);
  const topScores = new Float32Array(k);
  const gather = new Float32Array(trackCount);
  for (let t = 0; t < trackCount; t++) {
    const start = outgoing[t]!;
    const end = outgoing[t + 1]!;
    let distinct = 0;
    for (let p = start; p < end; p++) {
      const to = targets[p]!;
      if (counts[to] === 0) touched[distinct++] = to;
      counts[to]!++;
    }
    for (let j = 0; j < distinct; j++) gather[j] = counts[touched[j]!]!;
    const kept = selectTopK(gather, k, topRows, topScores, 0, distinct);
    for (let j = 0; j < kept; j++) {
      items.push(touched[topRows[j]!]!);
      scores.push(topScores[j]! / (end - start));
    }
    for (let j = 0; j < distinct; j++) counts[touched[j]!] = 0;
    offsets[t + 1] = items.length;
  }
  return { offsets, items: Int32Array.from(items), scores: Float32Array.from(scores) };
}

/** The log's positive (non-skip) user × track pairs as a binary CSR matrix (rows = log users). */
export function matrixFromLog(log: InteractionLog, trackCount: number): CsrMatrix {
  const m = log.userItemMatrix({ weighting: 'binary' });
  return { rows: log.userCount, cols: trackCount, indptr: Int32Array.from(m.offsets), indices: m.items, values: m.weights };
}

function fromCsr(graph: CsrMatrix): NeighbourList {
  // buildNeighborGraph keeps each row's top-N, best first
  return { offsets: graph.indptr, items: graph.indices, scores: graph.values };
}

/** Tracks with at least one neighbour. */
export function countCovered(list: NeighbourList): number {
  let covered = 0;
  for (let i = 0; i + 1 < list.offsets.length; i++) if (list.offsets[i + 1]! > list.offsets[i]!) covered++;
  return covered;
}

/** Builds every enabled neighbour list from the user × item matrix (and item vectors). */
export function buildNeighbourLists(matrix: CsrMatrix, options: NeighbourListOptions = {}): { lists: NeighbourLists; reports: NeighbourListReport[] } {
  const k = options.k ?? 100;
  const lists: NeighbourLists = {};
  const reports: NeighbourListReport[] = [];
  const progress = options.onProgress ?? (() => {});
  const timed = (source: NeighbourSource, build: () => { list: NeighbourList; notes?: string }) => {
    options.signal?.throwIfAborted();
    const started = performance.now();
    const { list, notes } = build();
    lists[source] = list;
    const report = { source, items: countCovered(list), neighbours: list.items.length, seconds: (performance.now() - started) / 1000, notes };
    reports.push(report);
    progress(`neighbours ${source}: ${report.items.toLocaleString('en')} items, ${report.neighbours.toLocaleString('en')} pairs in ${report.seconds.toFixed(1)} s${notes ? ` (${notes})` : ''}`);
  };
  const context = { signal: options.signal };
  const needsGraph = options.rp3beta !== false || options.coListening !== false;
  const byItem = needsGraph ? transposeCsr(matrix) : undefined;
  const itemUsers = new Float64Array(matrix.cols);
  for (let e = 0; e < matrix.indices.length; e++) itemUsers[matrix.indices[e]!]!++;
  /** rp3beta and co-listening: the top-k of a weighted co-occurrence walk, differing in weights and similarity */
  const graphList = (stage: string, userWeight: NeighborGraphOptions['userWeight'], similarity: NeighborGraphOptions['similarity']) =>
    fromCsr(buildNeighborGraph(matrix, byItem!, { neighbors: k, stage, userWeight, similarity, context }));

  if (options.ease !== false) {
    const settings = options.ease ?? {};
    timed('ease', () => {
      const model = fitEaseWeights(matrix, { lambda: settings.lambda ?? 50, minItemUsers: settings.minItemUsers ?? 2, maxItems: settings.maxItems ?? 8_000 }, context);
      return { list: easeLists(model.modelItems, model.weights, matrix.cols, settings.k ?? 500), notes: `${model.notes}; ${model.solver === 'lapack' ? 'LAPACK' : 'JS'} inverse` };
    });
  }
  if (options.rp3beta !== false) {
    const alpha = options.rp3beta?.alpha ?? 1;
    const beta = options.rp3beta?.beta ?? DEFAULT_RP3BETA_BETA;
    timed('rp3beta', () => ({
      list: graphList(
        'rp3beta',
        (u) => {
          const length = matrix.indptr[u + 1]! - matrix.indptr[u]!;
          return length > 0 ? length ** -alpha : 0;
        },
        (i, j, walk) => (walk * itemUsers[i]! ** -alpha) / itemUsers[j]! ** beta,
      ),
      notes: `α ${alpha}, β ${beta}`,
    }));
  }
  if (options.coListening !== false) {
    const shrink = options.coListening?.shrink ?? 0;
    timed('coListening', () => ({
      list: graphList('co-listening', () => 1, (i, j, together) => together / (Math.sqrt(itemUsers[i]! * itemUsers[j]!) + shrink)),
      notes: shrink > 0 ? `cosine, shrink ${shrink}` : 'cosine',
    }));
  }
  if (options.itemVectors) {
    const vectors = options.itemVectors;
    timed('itemVectors', () => ({ list: vectorLists(vectors.vectors, vectors.dim, matrix.cols, k, vectors.index, vectors.labelToTrack), notes: vectors.index ? 'FAISS batch' : 'exact' }));
  }
  return { lists, reports };
}

/** The K largest-magnitude EASE weights of every modelled item's row, by magnitude (quickselect per row: O(n) each). */
function easeLists(modelItems: Int32Array, weights: Float32Array, trackCount: number, wanted: number): NeighbourList {
  const n = modelItems.length;
  const k = Math.min(wanted, Math.max(0, n - 1));
  const magnitude = new Float32Array(n);
  const perRow = new Int32Array(k);
  const order = new Int32Array(trackCount).fill(-1);
  for (let m = 0; m < n; m++) order[modelItems[m]!] = m;
  const offsets = new Int32Array(trackCount + 1);
  const items = new Int32Array(n * k);
  const scores = new Float32Array(n * k);
  let written = 0;
  for (let t = 0; t < trackCount; t++) {
    offsets[t] = written;
    const m = order[t]!;
    if (m < 0 || k === 0) continue;
    const row = m * n;
    for (let j = 0; j < n; j++) magnitude[j] = Math.abs(weights[row + j]!);
    const threshold = kthLargest(magnitude.slice(), k);
    let count = 0;
    for (let j = 0; j < n && count < k; j++) if (magnitude[j]! > threshold && weights[row + j] !== 0) perRow[count++] = j;
    for (let j = 0; j < n && count < k; j++) if (magnitude[j] === threshold && weights[row + j] !== 0) perRow[count++] = j;
    const chosen = perRow.subarray(0, count).sort((a, b) => magnitude[b]! - magnitude[a]! || a - b);
    for (let c = 0; c < count; c++) {
      items[written] = modelItems[chosen[c]!]!;
      scores[written++] = weights[row + chosen[c]!]!;
    }
  }
  offsets[trackCount] = written;
  return { offsets, items: items.slice(0, written), scores: scores.slice(0, written) };
}

/** The k-th largest value (1-based) of `values`, reordering them (Hoare quickselect). */
function kthLargest(values: Float32Array, k: number): number {
  let low = 0;
  let high = values.length - 1;
  const target = k - 1;
  while (low < high) {
    const pivot = values[(low + high) >>> 1]!;
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i]! > pivot) i++;
      while (values[j]! < pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i++] = values[j]!;
        values[j--] = swap;
      }
    }
    if (target <= j) high = j;
    else if (target >= i) low = i;
    else return values[target]!;
  }
  return values[target]!;
}

/** 1 for each row of a row-major `rows × dim` matrix with a non-zero entry: an all-zero row is "no vector" (never learned). */
export function nonZeroRows(vectors: Float32Array, rows: number, dim: number): Uint8Array {
  const mask = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < dim; d++) {
      if (vectors[r * dim + d] !== 0) {
        mask[r] = 1;
        break;
      }
    }
  }
  return mask;
}

/** Nearest items by inner product of unit vectors (FAISS batch when an index is given, else exact). */
function vectorLists(vectors: Float32Array, dim: number, trackCount: number, k: number, index: VectorIndex | undefined, labelToTrack: Int32Array | undefined): NeighbourList {
  const offsets = new Int32Array(trackCount + 1);
  const items = new Int32Array(trackCount * k);
  const scores = new Float32Array(trackCount * k);
  let written = 0;
  const hasVector = nonZeroRows(vectors, trackCount, dim);
  const batch = 1024;
  const exact = new Float32Array(trackCount);
  const topItems = new Int32Array(k + 1);
  const topScores = new Float32Array(k + 1);
  for (let start = 0; start < trackCount; start += batch) {
    const end = Math.min(trackCount, start + batch);
    const result = index ? index.searchBatch(vectors.subarray(start * dim, end * dim), k + 1) : undefined;
    for (let t = start; t < end; t++) {
      offsets[t] = written;
      if (!hasVector[t]) continue;
      if (result) {
        const q = t - start;
        for (let j = 0; j < result.k; j++) {
          const label = result.labels[q * result.k + j]!;
          if (label < 0) break;
          const track = labelToTrack ? labelToTrack[label]! : label;
          if (track === t || track < 0 || written - offsets[t]! >= k) continue;
          items[written] = track;
          scores[written++] = result.scores[q * result.k + j]!;
        }
      } else {
        for (let u = 0; u < trackCount; u++) {
          let dot = 0;
          if (hasVector[u] && u !== t) for (let d = 0; d < dim; d++) dot += vectors[t * dim + d]! * vectors[u * dim + d]!;
          exact[u] = hasVector[u] && u !== t ? dot : Number.NEGATIVE_INFINITY;
        }
        const count = selectTopK(exact, k, topItems, topScores, 0, trackCount);
        for (let j = 0; j < count; j++) {
          if (topScores[j] === Number.NEGATIVE_INFINITY) break;
          items[written] = topItems[j]!;
          scores[written++] = topScores[j]!;
        }
      }
    }
  }
  offsets[trackCount] = written;
  return { offsets, items: items.slice(0, written), scores: scores.slice(0, written) };
}

/** Learned factors (implicit ALS): rows of `users` follow the log's user indices. */
export interface ItemFactors {
  dim: number;
  users: Float32Array;
  items: Float32Array;
  /** YᵀY + λI (dim × dim) for folding in a listener who is not in the log */
  itemGram: Float64Array;
  /** confidence c = 1 + alpha for an observed pair (binary weighting) */
  alpha: number;
}

export interface FactorOptions {
  dim?: number;
  regularization?: number;
  alpha?: number;
  iterations?: number;
  seed?: number;
  signal?: AbortSignal;
}

export async function trainItemFactors(matrix: CsrMatrix, options: FactorOptions = {}): Promise<ItemFactors> {
  const random = new Random(options.seed ?? 13);
  const fitted = trainImplicitAls(
    matrix,
    { factors: options.dim ?? 64, regularization: options.regularization ?? 0.1, alpha: options.alpha ?? 10, iterations: options.iterations ?? 15, normal: () => random.gaussian() },
    { signal: options.signal },
  );
  return { dim: fitted.dim, users: Float32Array.from(fitted.users), items: Float32Array.from(fitted.items), itemGram: fitted.itemGram, alpha: fitted.alpha };
}

/**
 * A listener's factor from their tracks: the exact ALS row solve, written into `out`.
 * `scratch` holds 2·dim² + 2·dim values.
 */
export function foldInFactor(factors: ItemFactors, tracks: ArrayLike<number>, count: number, out: Float32Array, scratch: Float64Array): void {
  foldInImplicitAls(factors, tracks, undefined, count, out, scratch);
}

export interface ItemVectorOptions {
  dim?: number;
  window?: number;
  epochs?: number;
  negatives?: number;
  learningRate?: number;
  minCount?: number;
  seed?: number;
  /** 1 (default) gives identical vectors for identical inputs */
  threads?: number;
  signal?: AbortSignal;
}

/**
 * item2vec over the log's listening sessions (a seeded shuffle of each listener's tracks when
 * the log has no usable time), unit rows, and a FAISS index over the tracks that got a vector:
 * what `mixtape build` puts in the bundle, for callers that train on a part of a log (the
 * ranker's past split, offline evaluation).
 */
export async function trainItemVectors(
  store: { trackCount: number; trackId(track: number): string },
  log: InteractionLog,
  options: ItemVectorOptions = {},
): Promise<{ itemVectors: Float32Array; itemDim: number; itemIndex: VectorIndex }> {
  const dim = options.dim ?? 64;
  const seed = options.seed ?? 1;
  const c = log.columns;
  const include = new Uint8Array(log.length);
  for (let i = 0; i < include.length; i++) include[i] = c.type[i] === INTERACTION_TYPE_CODE.skip ? 0 : 1;
  let items = c.track;
  let timestamps = c.timestamp;
  let timed = false;
  for (let i = 1; i < timestamps.length && !timed; i++) timed = timestamps[i] !== timestamps[0];
  if (!timed) {
    // one bag per listener in a seeded random order (a fixed order would pair items by index)
    items = c.track.slice();
    let state = seed >>> 0 || 1;
    const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
    for (let u = 0; u < log.userCount; u++) {
      const { start, end } = log.rowsOfUser(u);
      for (let i = end - 1; i > start; i--) {
        const j = start + Math.floor(next() * (i - start + 1));
        const swap = items[i]!;
        items[i] = items[j]!;
        items[j] = swap;
        const flag = include[i]!;
        include[i] = include[j]!;
        include[j] = flag;
      }
    }
    timestamps = new Float64Array(items.length);
  }
  const corpus = buildSessionCorpus(items, timestamps, log.userOffsets, { include, maxGapMs: timed ? 30 * 60_000 : Number.POSITIVE_INFINITY });
  const model = await trainItem2Vec(corpus, {
    numItems: store.trackCount,
    dim,
    window: options.window ?? (timed ? 10 : 50),
    epochs: options.epochs ?? 10,
    negatives: options.negatives ?? 10,
    learningRate: options.learningRate ?? 0.05,
    minCount: options.minCount ?? 2,
    seed,
    threads: options.threads ?? 1,
    signal: options.signal,
  });
  const vectors = model.vectors;
  const ids: string[] = [];
  const rows: number[] = [];
  for (let t = 0; t < store.trackCount; t++) {
    if (!model.hasVector[t]) continue;
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += vectors[t * dim + d]! ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dim; d++) vectors[t * dim + d]! *= scale;
    ids.push(store.trackId(t));
    rows.push(t);
  }
  const indexed = new Float32Array(rows.length * dim);
  rows.forEach((track, row) => indexed.set(vectors.subarray(track * dim, (track + 1) * dim), row * dim));
  const itemIndex = VectorIndex.build({ dim, factory: chooseFactory(ids.length, dim), metric: 'ip', ids, vectors: indexed, deterministic: true });
  return { itemVectors: vectors, itemDim: dim, itemIndex };
}
