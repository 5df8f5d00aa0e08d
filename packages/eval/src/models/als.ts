// Implicit-feedback ALS (Hu, Koren & Volinsky 2008) with conjugate-gradient row updates
// (Takács et al. 2011): preference p_ui = 1 for observed pairs, confidence c_ui = 1 + α·r_ui.
// Each half-step solves (YᵀY + λI + Σ_i (c_ui − 1) y_i y_iᵀ) x_u = Σ_i c_ui y_i with a few CG
// iterations warm-started from the previous factors, so a row costs O(f² + nnz·f), never f³.
// Queries are folded in with an exact f × f solve against the item factors, so the same code
// serves training users, new playlists and sessions. The fit itself is @mixtape/embeddings'
// trainImplicitAls (Home's learned factors use it too).
import { foldInImplicitAls, trainImplicitAls } from '@mixtape/embeddings';
import type { ImplicitAlsFactors, ImplicitAlsOptions } from '@mixtape/embeddings';
import type { CsrMatrix } from '@mixtape/embeddings';
import { Random } from '@mixtape/base';
import type { FitContext, QueryBatch } from '../recommender';
import { FittedRecommender } from '../recommender';

/** The fit's options (see trainImplicitAls) with a seed instead of a normal sampler. */
export type AlsOptions = Omit<ImplicitAlsOptions, 'normal'> & { seed?: number };

const ALS_DEFAULTS: Required<AlsOptions> = { factors: 64, regularization: 0.1, alpha: 10, iterations: 15, cgSteps: 3, weighting: 'binary', seed: 13 };

export class AlsRecommender extends FittedRecommender<AlsOptions, ImplicitAlsFactors> {
  readonly name: string;

  constructor(options: AlsOptions = {}) {
    super(ALS_DEFAULTS, options);
    const { factors, regularization, alpha, iterations, cgSteps } = this.options;
    if (!Number.isInteger(factors) || factors < 1) throw new RangeError(`ALS factors must be a positive integer, got ${factors}`);
    if (!(regularization >= 0)) throw new RangeError(`ALS regularization must be ≥ 0, got ${regularization}`);
    if (!(alpha >= 0)) throw new RangeError(`ALS alpha must be ≥ 0, got ${alpha}`);
    if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`ALS iterations must be ≥ 1, got ${iterations}`);
    if (!Number.isInteger(cgSteps) || cgSteps < 1) throw new RangeError(`ALS cgSteps must be ≥ 1, got ${cgSteps}`);
    this.name = `ALS (f=${factors}, λ=${regularization}, α=${alpha})`;
  }

  async fit(train: CsrMatrix, context: FitContext = {}): Promise<void> {
    const rng = new Random(context.seed ?? this.options.seed, 'xoshiro128**');
    const { factors, regularization, alpha, iterations, cgSteps, weighting } = this.options;
    this.state = trainImplicitAls(train, { factors, regularization, alpha, iterations, cgSteps, weighting, normal: () => rng.gaussian() }, context);
  }

  /**
   * The learned factors (row-major, Float32): users × dim for the training rows, items × dim,
   * and YᵀY + λI (dim × dim, Float64) for folding in new rows; `confidence` maps a value to c.
   */
  get factors(): ImplicitAlsFactors {
    return this.fitted;
  }

  /** Item factors (items × factors, row-major), e.g. for diversity by vectors. */
  get itemVectors(): Float32Array {
    return Float32Array.from(this.fitted.items);
  }

  protected get numItems(): number {
    const state = this.fitted;
    return state.items.length / state.dim;
  }

  scoreBatch(batch: QueryBatch, out: Float32Array): void {
    const state = this.fitted;
    const f = state.dim;
    const numItems = state.items.length / f;
    const itemFactors = state.items;
    const scratch = new Float64Array(2 * f * f + 2 * f);
    const x = new Float64Array(f);
    const { seeds, rows } = batch;
    for (let b = 0; b < rows.length; b++) {
      const start = seeds.indptr[rows[b]!]!;
      const end = seeds.indptr[rows[b]! + 1]!;
      // rows are sorted by item, so items past the catalog (never in practice) sit at the end
      let count = 0;
      while (start + count < end && seeds.indices[start + count]! < numItems) count++;
      foldInImplicitAls(state, seeds.indices.subarray(start, end), seeds.values.subarray(start, end), count, x, scratch);
      const base = b * numItems;
      for (let i = 0; i < numItems; i++) {
        const o = i * f;
        let sum = 0;
        for (let a = 0; a < f; a++) sum += itemFactors[o + a]! * x[a]!;
        out[base + i] = sum;
      }
    }
  }
}

export function createAlsRecommender(options: AlsOptions = {}): AlsRecommender {
  return new AlsRecommender(options);
}
