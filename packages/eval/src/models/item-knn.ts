// Item-based kNN on co-occurrence: sim(i, j) = |U_i ∩ U_j| / (sqrt(|U_i| |U_j|) + shrink) on
// binarised data, keeping only each item's top-N neighbours (memory O(items × N), not items²).
// score(query, i) = Σ over query items j of sim(j, i).
import { NeighborGraphRecommender, type GraphWalk } from './neighbor-graph';

export interface ItemKnnOptions {
  /** Neighbours kept per item (default 200; 0 keeps all). */
  neighbors?: number;
  /** Added to the cosine denominator; damps similarities from few co-listeners (default 0). */
  shrink?: number;
}

export class ItemKnnRecommender extends NeighborGraphRecommender {
  readonly name: string;
  private readonly shrink: number;

  constructor(options: ItemKnnOptions = {}) {
    super(options.neighbors ?? 200, 'item-knn');
    this.shrink = options.shrink ?? 0;
    if (this.shrink < 0) throw new RangeError(`item-knn shrink must be ≥ 0, got ${this.shrink}`);
    this.name = this.shrink > 0 ? `item-knn (cosine, shrink ${this.shrink})` : 'item-knn (cosine)';
  }

  protected walk(_train: unknown, itemUsers: Float64Array): GraphWalk {
    const shrink = this.shrink;
    return {
      stage: 'item-knn similarities',
      userWeight: () => 1,
      similarity: (i, j, cooccurrence) => cooccurrence / (Math.sqrt(itemUsers[i]! * itemUsers[j]!) + shrink),
    };
  }
}

export function createItemKnnRecommender(options: ItemKnnOptions = {}): ItemKnnRecommender {
  return new ItemKnnRecommender(options);
}
