// RP3β (Paudel et al. 2017; strong on Last.fm in Dacrema et al. 2019): a 3-step random walk
// item → user → item with transition probabilities raised to α, divided by the target's
// popularity^β to push down items every walk ends at:
//   W_ij = (Σ_{u ∈ U_i ∩ U_j} (1/|U_i|)^α (1/|I_u|)^α) / |U_j|^β, top-N per row.
import type { CsrMatrix } from '@mixtape/embeddings';
import { transposeCsr } from '@mixtape/embeddings';
import type { FitContext, QueryBatch } from '../recommender';
import { ScoringRecommender, assertFitted } from '../recommender';
import { buildNeighborGraph, scoreWithGraph } from '@mixtape/embeddings';

export interface Rp3BetaOptions {
  /** Exponent on transition probabilities (default 1). */
  alpha?: number;
  /** Popularity penalty exponent (default 0.5). */
  beta?: number;
  /** Neighbours kept per item (default 200; 0 keeps all). */
  neighbors?: number;
}

export class Rp3BetaRecommender extends ScoringRecommender {
  readonly name: string;
  private readonly alpha: number;
  private readonly beta: number;
  private readonly neighbors: number;
  private graph: CsrMatrix | undefined;

  constructor(options: Rp3BetaOptions = {}) {
    super();
    this.alpha = options.alpha ?? 1;
    this.beta = options.beta ?? 0.5;
    this.neighbors = options.neighbors ?? 200;
    if (!(this.alpha > 0)) throw new RangeError(`rp3beta alpha must be > 0, got ${this.alpha}`);
    if (!(this.beta >= 0)) throw new RangeError(`rp3beta beta must be ≥ 0, got ${this.beta}`);
    if (this.neighbors < 0 || !Number.isInteger(this.neighbors)) throw new RangeError(`rp3beta neighbors must be an integer ≥ 0, got ${this.neighbors}`);
    this.name = `RP3β (α=${this.alpha}, β=${this.beta})`;
  }

  async fit(train: CsrMatrix, context: FitContext = {}): Promise<void> {
    const byItem = transposeCsr(train);
    const itemUsers = new Float64Array(train.cols);
    for (let i = 0; i < train.cols; i++) itemUsers[i] = byItem.indptr[i + 1]! - byItem.indptr[i]!;
    const { alpha, beta } = this;
    this.graph = buildNeighborGraph(train, byItem, {
      neighbors: this.neighbors,
      stage: 'rp3beta transitions',
      userWeight: (u) => {
        const length = train.indptr[u + 1]! - train.indptr[u]!;
        return length > 0 ? length ** -alpha : 0;
      },
      similarity: (i, j, walk) => (walk * itemUsers[i]! ** -alpha) / itemUsers[j]! ** beta,
      context,
    });
  }

  protected get numItems(): number {
    return assertFitted(this.graph, this.name).rows;
  }

  scoreBatch(batch: QueryBatch, out: Float32Array): void {
    scoreWithGraph(assertFitted(this.graph, this.name), batch.seeds, batch.rows, out);
  }
}

export function createRp3BetaRecommender(options: Rp3BetaOptions = {}): Rp3BetaRecommender {
  return new Rp3BetaRecommender(options);
}
