// EASE (Steck 2019): B = I − P · diagMat(1 / diag(P)), P = (XᵀX + λI)⁻¹, diag(B) = 0,
// score(query) = x_query · B. The dense inverse is O(n³), so the model is restricted to items
// with at least `minItemUsers` training users: an item with a single listener has no
// co-listening signal to learn from, and on Last.fm that removes ~2/3 of the catalog (17.6k →
// ~5.8k items, a ~25× cheaper inverse). Items outside the restriction are still ranked (below
// every modelled item, by popularity), so the ranking stays full-catalog. The inverse runs in
// LAPACK (OpenBLAS, @mixtape/native) when the addon is built, else in the blocked JS loop
// (fitEaseWeights, @mixtape/embeddings: Home cuts its neighbour lists from the same weights).
import type { CsrMatrix } from '@mixtape/embeddings';
import { columnCounts } from '@mixtape/embeddings';
import { fitEaseWeights } from '@mixtape/embeddings';
import type { FitContext, QueryBatch } from '../recommender';
import { ScoringRecommender, assertFitted } from '../recommender';

export interface EaseOptions {
  /** L2 regularisation λ added to the Gram diagonal (default 50). */
  lambda?: number;
  /** Items need at least this many training users to enter the dense model (default 2). */
  minItemUsers?: number;
  /**
   * Largest dense model (default 8,000 items: the O(n³) inverse takes minutes in pure JS at
   * that size); above it the most popular eligible items are kept.
   */
  maxItems?: number;
  blockSize?: number;
}

interface EaseState {
  numItems: number;
  /** catalog item → row/column in B, or -1 when the item is outside the model */
  modelIndex: Int32Array;
  /** model row/column → catalog item */
  modelItems: Int32Array;
  /** n × n weights, row = seed item, column = target item */
  weights: Float32Array;
  /** fallback order for items outside the model: popularity / (max + 1), in [0, 1) */
  fallback: Float32Array;
}

export class EaseRecommender extends ScoringRecommender {
  readonly name: string;
  private readonly lambda: number;
  private readonly minItemUsers: number;
  private readonly maxItems: number;
  private readonly blockSize: number;
  private state: EaseState | undefined;

  constructor(options: EaseOptions = {}) {
    super();
    this.lambda = options.lambda ?? 50;
    this.minItemUsers = options.minItemUsers ?? 2;
    this.maxItems = options.maxItems ?? 8_000;
    this.blockSize = options.blockSize ?? 64;
    if (!(this.lambda > 0)) throw new RangeError(`EASE lambda must be > 0, got ${this.lambda}`);
    this.name = `EASE (λ=${this.lambda})`;
  }

  /** How many items the dense model covers (after fit). */
  get modelledItems(): number {
    return assertFitted(this.state, this.name).modelItems.length;
  }

  async fit(train: CsrMatrix, context: FitContext = {}): Promise<void> {
    const model = fitEaseWeights(train, { lambda: this.lambda, minItemUsers: this.minItemUsers, maxItems: this.maxItems, blockSize: this.blockSize }, context);
    this.notes = model.notes;
    const numItems = train.cols;
    const itemUsers = columnCounts(train);
    let maxUsers = 0;
    for (let i = 0; i < numItems; i++) maxUsers = Math.max(maxUsers, itemUsers[i]!);
    const fallback = new Float32Array(numItems);
    for (let i = 0; i < numItems; i++) fallback[i] = itemUsers[i]! / (maxUsers + 1);
    this.state = { numItems, modelIndex: model.modelIndex, modelItems: model.modelItems, weights: model.weights, fallback };
  }

  protected get numItems(): number {
    return assertFitted(this.state, this.name).numItems;
  }

  scoreBatch(batch: QueryBatch, out: Float32Array): void {
    const { numItems, modelIndex, modelItems, weights, fallback } = assertFitted(this.state, this.name);
    const n = modelItems.length;
    const dense = new Float32Array(n);
    const { seeds, rows } = batch;
    for (let b = 0; b < rows.length; b++) {
      dense.fill(0);
      for (let e = seeds.indptr[rows[b]!]!; e < seeds.indptr[rows[b]! + 1]!; e++) {
        const item = seeds.indices[e]!;
        const m = item < numItems ? modelIndex[item]! : -1;
        if (m < 0) continue;
        const row = m * n;
        for (let j = 0; j < n; j++) dense[j]! += weights[row + j]!;
      }
      let lowest = 0;
      for (let j = 0; j < n; j++) lowest = Math.min(lowest, dense[j]!);
      const base = b * numItems;
      // Unmodelled items sit strictly below every modelled one, ordered by popularity.
      for (let i = 0; i < numItems; i++) out[base + i] = lowest - 2 + fallback[i]!;
      for (let j = 0; j < n; j++) out[base + modelItems[j]!] = dense[j]!;
    }
  }
}

export function createEaseRecommender(options: EaseOptions = {}): EaseRecommender {
  return new EaseRecommender(options);
}
