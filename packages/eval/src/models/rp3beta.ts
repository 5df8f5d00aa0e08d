// RP3β (Paudel et al. 2017; strong on Last.fm in Dacrema et al. 2019): a 3-step random walk
// item → user → item with transition probabilities raised to α, divided by the target's
// popularity^β to push down items every walk ends at:
//   W_ij = (Σ_{u ∈ U_i ∩ U_j} (1/|U_i|)^α (1/|I_u|)^α) / |U_j|^β, top-N per row.
import type { CsrMatrix } from '@mixtape/embeddings';
import { NeighborGraphRecommender, type GraphWalk } from './neighbor-graph';

export interface Rp3BetaOptions {
  /** Exponent on transition probabilities (default 1). */
  alpha?: number;
  /** Popularity penalty exponent (default 0.5). */
  beta?: number;
  /** Neighbours kept per item (default 200; 0 keeps all). */
  neighbors?: number;
}

export class Rp3BetaRecommender extends NeighborGraphRecommender {
  readonly name: string;
  private readonly alpha: number;
  private readonly beta: number;

  constructor(options: Rp3BetaOptions = {}) {
    super(options.neighbors ?? 200, 'rp3beta');
    this.alpha = options.alpha ?? 1;
    this.beta = options.beta ?? 0.5;
    if (!(this.alpha > 0)) throw new RangeError(`rp3beta alpha must be > 0, got ${this.alpha}`);
    if (!(this.beta >= 0)) throw new RangeError(`rp3beta beta must be ≥ 0, got ${this.beta}`);
    this.name = `RP3β (α=${this.alpha}, β=${this.beta})`;
  }

  protected walk(train: CsrMatrix, itemUsers: Float64Array): GraphWalk {
    const { alpha, beta } = this;
    return {
      stage: 'rp3beta transitions',
      userWeight: (u) => {
        const length = train.indptr[u + 1]! - train.indptr[u]!;
        return length > 0 ? length ** -alpha : 0;
      },
      similarity: (i, j, walk) => (walk * itemUsers[i]! ** -alpha) / itemUsers[j]! ** beta,
    };
  }
}

export function createRp3BetaRecommender(options: Rp3BetaOptions = {}): Rp3BetaRecommender {
  return new Rp3BetaRecommender(options);
}
