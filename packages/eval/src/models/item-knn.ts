// Item-based kNN on co-occurrence: sim(i, j) = |U_i ∩ U_j| / (sqrt(|U_i| |U_j|) + shrink) on
// binarised data, keeping only each item's top-N neighbours (memory O(items × N), not items²).
// score(query, i) = Σ over query items j of sim(j, i).
import type { CsrMatrix } from '../csr';
import { transposeCsr } from '../csr';
import type { FitContext, QueryBatch } from '../recommender';
import { ScoringRecommender, assertFitted } from '../recommender';
import { createProgressTicker } from '../progress';
import { selectTopK } from '../top-k';

export interface ItemKnnOptions {
  /** Neighbours kept per item (default 200; 0 keeps all). */
  neighbors?: number;
  /** Added to the cosine denominator; damps similarities from few co-listeners (default 0). */
  shrink?: number;
}

export class ItemKnnRecommender extends ScoringRecommender {
  readonly name: string;
  private readonly neighbors: number;
  private readonly shrink: number;
  private graph: CsrMatrix | undefined;

  constructor(options: ItemKnnOptions = {}) {
    super();
    this.neighbors = options.neighbors ?? 200;
    this.shrink = options.shrink ?? 0;
    if (this.neighbors < 0 || !Number.isInteger(this.neighbors)) throw new RangeError(`item-knn neighbors must be an integer ≥ 0, got ${this.neighbors}`);
    if (this.shrink < 0) throw new RangeError(`item-knn shrink must be ≥ 0, got ${this.shrink}`);
    this.name = this.shrink > 0 ? `item-knn (cosine, shrink ${this.shrink})` : 'item-knn (cosine)';
  }

  async fit(train: CsrMatrix, context: FitContext = {}): Promise<void> {
    const numItems = train.cols;
    const byItem = transposeCsr(train);
    const itemUsers = new Float64Array(numItems);
    for (let i = 0; i < numItems; i++) itemUsers[i] = byItem.indptr[i + 1]! - byItem.indptr[i]!;
    const cooccurrence = new Float64Array(numItems);
    const touched = new Int32Array(numItems);
    const candidateSims = new Float32Array(numItems);
    const keep = this.neighbors === 0 ? numItems : this.neighbors;
    const topItems = new Int32Array(keep);
    const topSims = new Float32Array(keep);
    // Neighbour lists grow as we go; start with a guess and double when full.
    let indices = new Int32Array(Math.min(numItems * keep, 1 << 20));
    let values = new Float32Array(indices.length);
    const indptr = new Int32Array(numItems + 1);
    const ticker = createProgressTicker('item-knn similarities', numItems, context.onProgress);
    for (let i = 0; i < numItems; i++) {
      if ((i & 255) === 0) {
        context.signal?.throwIfAborted();
        ticker.tick(i);
      }
      let touchedCount = 0;
      for (let e = byItem.indptr[i]!; e < byItem.indptr[i + 1]!; e++) {
        const user = byItem.indices[e]!;
        for (let f = train.indptr[user]!; f < train.indptr[user + 1]!; f++) {
          const j = train.indices[f]!;
          if (j === i) continue;
          if (cooccurrence[j] === 0) touched[touchedCount++] = j;
          cooccurrence[j]! += 1;
        }
      }
      for (let t = 0; t < touchedCount; t++) {
        const j = touched[t]!;
        candidateSims[t] = cooccurrence[j]! / (Math.sqrt(itemUsers[i]! * itemUsers[j]!) + this.shrink);
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
    ticker.finish();
    const nnz = indptr[numItems]!;
    this.graph = { rows: numItems, cols: numItems, indptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz) };
  }

  /** The neighbour graph (items × items, top-N similarities per row). */
  get similarityGraph(): CsrMatrix {
    return assertFitted(this.graph, this.name);
  }

  protected get numItems(): number {
    return assertFitted(this.graph, this.name).rows;
  }

  scoreBatch(batch: QueryBatch, out: Float32Array): void {
    const graph = assertFitted(this.graph, this.name);
    const { seeds, rows } = batch;
    const numItems = graph.rows;
    for (let b = 0; b < rows.length; b++) {
      const base = b * numItems;
      for (let e = seeds.indptr[rows[b]!]!; e < seeds.indptr[rows[b]! + 1]!; e++) {
        const j = seeds.indices[e]!;
        if (j >= numItems) continue;
        for (let f = graph.indptr[j]!; f < graph.indptr[j + 1]!; f++) out[base + graph.indices[f]!]! += graph.values[f]!;
      }
    }
  }
}

export function createItemKnnRecommender(options: ItemKnnOptions = {}): ItemKnnRecommender {
  return new ItemKnnRecommender(options);
}
