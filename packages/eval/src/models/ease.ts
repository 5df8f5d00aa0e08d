// EASE (Steck 2019): B = I − P · diagMat(1 / diag(P)), P = (XᵀX + λI)⁻¹, diag(B) = 0,
// score(query) = x_query · B. The dense inverse is O(n³), so the model is restricted to items
// with at least `minItemUsers` training users: an item with a single listener has no
// co-listening signal to learn from, and on Last.fm that removes ~2/3 of the catalog (17.6k →
// ~5.8k items, a ~25× cheaper inverse). Items outside the restriction are still ranked (below
// every modelled item, by popularity), so the ranking stays full-catalog.
import type { CsrMatrix } from '../csr';
import { columnCounts } from '../csr';
import { invertSpdInPlace } from '@mixtape/base';
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
    const numItems = train.cols;
    const itemUsers = columnCounts(train);
    const modelIndex = new Int32Array(numItems).fill(-1);
    let eligible = 0;
    for (let i = 0; i < numItems; i++) if (itemUsers[i]! >= this.minItemUsers) eligible++;
    let chosen = new Int32Array(eligible);
    for (let i = 0, w = 0; i < numItems; i++) if (itemUsers[i]! >= this.minItemUsers) chosen[w++] = i;
    // Above maxItems keep the most popular eligible items (ties to the lower index).
    if (eligible > this.maxItems) {
      chosen = chosen.sort((a, b) => itemUsers[b]! - itemUsers[a]! || a - b).slice(0, this.maxItems).sort();
    }
    const n = chosen.length;
    let threshold = n === 0 ? this.minItemUsers : Number.POSITIVE_INFINITY;
    for (let m = 0; m < n; m++) {
      modelIndex[chosen[m]!] = m;
      threshold = Math.min(threshold, itemUsers[chosen[m]!]!);
    }
    this.notes =
      `dense model over ${n} of ${numItems} items (≥ ${threshold} training users` +
      `${eligible > this.maxItems ? `, capped at maxItems ${this.maxItems}` : ''}); the others are ranked below them by popularity`;
    const modelItems = new Int32Array(n);
    for (let i = 0; i < numItems; i++) if (modelIndex[i]! >= 0) modelItems[modelIndex[i]!] = i;
    context.logger?.info({ model: this.name, modelledItems: n, catalogItems: numItems }, 'EASE: building Gram matrix');
    // Lower triangle of XᵀX (binary X) + λI.
    const gram = new Float64Array(n * n);
    const rowItems = new Int32Array(numItems);
    for (let u = 0; u < train.rows; u++) {
      let count = 0;
      for (let e = train.indptr[u]!; e < train.indptr[u + 1]!; e++) {
        const m = modelIndex[train.indices[e]!]!;
        if (m >= 0) rowItems[count++] = m;
      }
      for (let a = 0; a < count; a++) {
        const ia = rowItems[a]!;
        for (let b = 0; b <= a; b++) {
          const ib = rowItems[b]!;
          if (ia >= ib) gram[ia * n + ib]! += 1;
          else gram[ib * n + ia]! += 1;
        }
      }
    }
    for (let i = 0; i < n; i++) gram[i * n + i]! += this.lambda;
    context.signal?.throwIfAborted();
    const inverse = invertSpdInPlace(gram, n, { blockSize: this.blockSize, signal: context.signal, onProgress: context.onProgress });
    const weights = new Float32Array(n * n);
    const inverseDiagonal = new Float64Array(n);
    for (let j = 0; j < n; j++) inverseDiagonal[j] = 1 / inverse[j * n + j]!;
    for (let i = 0; i < n; i++) {
      const row = i * n;
      for (let j = 0; j < n; j++) weights[row + j] = i === j ? 0 : -inverse[row + j]! * inverseDiagonal[j]!;
    }
    let maxUsers = 0;
    for (let i = 0; i < numItems; i++) maxUsers = Math.max(maxUsers, itemUsers[i]!);
    const fallback = new Float32Array(numItems);
    for (let i = 0; i < numItems; i++) fallback[i] = itemUsers[i]! / (maxUsers + 1);
    this.state = { numItems, modelIndex, modelItems, weights, fallback };
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
