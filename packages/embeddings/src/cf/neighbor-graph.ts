// Sparse item → item neighbour graphs from co-occurrence (item-kNN, RP3β: @mixtape/eval's
// baselines and Home's neighbour lists):
// for each item i, accumulate Σ_u w(u) over users u who have both i and j, turn that into a
// similarity, keep the top N. Cost Σ_u |I_u|², memory O(items × N).
import { ProgressTracker, selectTopK } from '@mixtape/base';
import type { ProgressCallback } from '@mixtape/base';
import type { CsrMatrix } from './csr';

/** What long collaborative fits take besides their data: cancellation and progress. */
export interface FitControl {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface NeighborGraphOptions {
  /** Neighbours kept per item; 0 keeps all. */
  neighbors: number;
  stage: string;
  /** Weight a user contributes to each co-occurrence (e.g. 1, or 1/|I_u|^α). */
  userWeight: (user: number) => number;
  /** Similarity of i → j from their weighted co-occurrence. */
  similarity: (i: number, j: number, cooccurrence: number) => number;
  context: FitControl;
}

export function buildNeighborGraph(train: CsrMatrix, byItem: CsrMatrix, options: NeighborGraphOptions): CsrMatrix {
  const numItems = train.cols;
  const userWeights = new Float64Array(train.rows);
  for (let u = 0; u < train.rows; u++) userWeights[u] = options.userWeight(u);
  const cooccurrence = new Float64Array(numItems);
  const touched = new Int32Array(numItems);
  const candidateSims = new Float32Array(numItems);
  const keep = options.neighbors === 0 ? numItems : options.neighbors;
  const topItems = new Int32Array(keep);
  const topSims = new Float32Array(keep);
  // Neighbour lists grow as we go; start with a guess and double when full.
  let indices = new Int32Array(Math.min(numItems * keep, 1 << 20));
  let values = new Float32Array(indices.length);
  const indptr = new Int32Array(numItems + 1);
  const progress = new ProgressTracker(options.stage, 'items', numItems, options.context.onProgress, 2000);
  for (let i = 0; i < numItems; i++) {
    if ((i & 255) === 0) {
      options.context.signal?.throwIfAborted();
      progress.update(i);
    }
    let touchedCount = 0;
    for (let e = byItem.indptr[i]!; e < byItem.indptr[i + 1]!; e++) {
      const user = byItem.indices[e]!;
      const weight = userWeights[user]!;
      for (let f = train.indptr[user]!; f < train.indptr[user + 1]!; f++) {
        const j = train.indices[f]!;
        if (j === i) continue;
        if (cooccurrence[j] === 0) touched[touchedCount++] = j;
        cooccurrence[j]! += weight;
      }
    }
    for (let t = 0; t < touchedCount; t++) {
      const j = touched[t]!;
      candidateSims[t] = options.similarity(i, j, cooccurrence[j]!);
      cooccurrence[j] = 0;
    }
    const count = selectTopK(candidateSims, keep, topItems, topSims, 0, touchedCount);
    const start = indptr[i]!;
    if (start + count > indices.length) {
      const grown = Math.max(indices.length * 2, start + count);
      const nextIndices = new Int32Array(grown);
      nextIndices.set(indices);
      const nextValues = new Float32Array(grown);
      nextValues.set(values);
      indices = nextIndices;
      values = nextValues;
    }
    for (let t = 0; t < count; t++) {
      indices[start + t] = touched[topItems[t]!]!;
      values[start + t] = topSims[t]!;
    }
    indptr[i + 1] = start + count;
  }
  progress.finish(numItems);
  const nnz = indptr[numItems]!;
  return { rows: numItems, cols: numItems, indptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz) };
}

/** score(query, j) = Σ over query items i of graph[i → j]; out is batch × items. */
export function scoreWithGraph(graph: CsrMatrix, seeds: CsrMatrix, rows: Int32Array, out: Float32Array): void {
  const numItems = graph.rows;
  for (let b = 0; b < rows.length; b++) {
    const base = b * numItems;
    for (let e = seeds.indptr[rows[b]!]!; e < seeds.indptr[rows[b]! + 1]!; e++) {
      const i = seeds.indices[e]!;
      if (i >= numItems) continue;
      for (let f = graph.indptr[i]!; f < graph.indptr[i + 1]!; f++) out[base + graph.indices[f]!]! += graph.values[f]!;
    }
  }
}
