// Item-based kNN on co-occurrence: sim(i, j) = |U_i ∩ U_j| / (sqrt(|U_i| |U_j|) + shrink) on
// binarised data, keeping only each item's top-N neighbours (memory O(items × N), not items²).
// score(query, i) = Σ over query items j of sim(j, i).
import type { CsrMatrix } from '@mixtape/embeddings';
import { transposeCsr } from '@mixtape/embeddings';
import type { FitContext, QueryBatch } from '../recommender';
import { ScoringRecommender, assertFitted } from '../recommender';
import { buildNeighborGraph, scoreWithGraph } from '@mixtape/embeddings';

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
    const byItem = transposeCsr(train);
    const itemUsers = new Float64Array(train.cols);
    for (let i = 0; i < train.cols; i++) itemUsers[i] = byItem.indptr[i + 1]! - byItem.indptr[i]!;
    const shrink = this.shrink;
    this.graph = buildNeighborGraph(train, byItem, {
      neighbors: this.neighbors,
      stage: 'item-knn similarities',
      userWeight: () => 1,
      similarity: (i, j, cooccurrence) => cooccurrence / (Math.sqrt(itemUsers[i]! * itemUsers[j]!) + shrink),
      context,
    });
  }

  /** The neighbour graph (items × items, top-N similarities per row). */
  get similarityGraph(): CsrMatrix {
    return assertFitted(this.graph, this.name);
  }

  protected get numItems(): number {
    return assertFitted(this.graph, this.name).rows;
  }

  scoreBatch(batch: QueryBatch, out: Float32Array): void {
    scoreWithGraph(assertFitted(this.graph, this.name), batch.seeds, batch.rows, out);
  }
}

export function createItemKnnRecommender(options: ItemKnnOptions = {}): ItemKnnRecommender {
  return new ItemKnnRecommender(options);
}
