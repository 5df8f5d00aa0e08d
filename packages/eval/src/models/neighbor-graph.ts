// Shared shape of the item → item graph baselines (item-kNN, RP3β): fit builds a top-N
// neighbour graph from co-listening walks, scoring sums each query item's neighbour row.
import type { CsrMatrix } from '@mixtape/embeddings';
import { buildNeighborGraph, scoreWithGraph, transposeCsr } from '@mixtape/embeddings';
import type { FitContext, QueryBatch } from '../recommender';
import { ScoringRecommender, assertFitted } from '../recommender';

/** How one model weighs a walk item → user → item (see buildNeighborGraph). */
export interface GraphWalk {
  /** progress stage name */
  stage: string;
  userWeight: (user: number) => number;
  similarity: (from: number, to: number, walk: number) => number;
}

export abstract class NeighborGraphRecommender extends ScoringRecommender {
  private graph: CsrMatrix | undefined;

  /** `neighbors`: kept per item (0 keeps all); `label` names the model in errors. */
  protected constructor(
    protected readonly neighbors: number,
    label: string,
  ) {
    super();
    if (neighbors < 0 || !Number.isInteger(neighbors)) throw new RangeError(`${label} neighbors must be an integer ≥ 0, got ${neighbors}`);
  }

  /** The walk weights, given the training matrix and each item's listener count. */
  protected abstract walk(train: CsrMatrix, itemUsers: Float64Array): GraphWalk;

  async fit(train: CsrMatrix, context: FitContext = {}): Promise<void> {
    const byItem = transposeCsr(train);
    const itemUsers = new Float64Array(train.cols);
    for (let i = 0; i < train.cols; i++) itemUsers[i] = byItem.indptr[i + 1]! - byItem.indptr[i]!;
    this.graph = buildNeighborGraph(train, byItem, { neighbors: this.neighbors, context, ...this.walk(train, itemUsers) });
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
