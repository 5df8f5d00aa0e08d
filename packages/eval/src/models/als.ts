// Implicit-feedback ALS (Hu, Koren & Volinsky 2008) with conjugate-gradient row updates
// (Takács et al. 2011): preference p_ui = 1 for observed pairs, confidence c_ui = 1 + α·r_ui.
// Each half-step solves (YᵀY + λI + Σ_i (c_ui − 1) y_i y_iᵀ) x_u = Σ_i c_ui y_i with a few CG
// iterations warm-started from the previous factors, so a row costs O(f² + nnz·f), never f³.
// Queries are folded in with an exact f × f solve against the item factors, so the same code
// serves training users, new playlists and sessions.
import type { CsrMatrix } from '../csr';
import { transposeCsr } from '../csr';
import { Random, ProgressTracker, solveSpd } from '@mixtape/base';
import type { FitContext, QueryBatch } from '../recommender';
import { ScoringRecommender, assertFitted } from '../recommender';

export interface AlsOptions {
  factors?: number;
  /** λ (default 0.1). */
  regularization?: number;
  /** α in c = 1 + α·r (default 10). */
  alpha?: number;
  iterations?: number;
  /** CG steps per row per half-iteration (default 3). */
  cgSteps?: number;
  /** r = 1 for every interaction ('binary', default) or log(1 + value) ('log'). */
  weighting?: 'binary' | 'log';
  seed?: number;
}

interface AlsState {
  numItems: number;
  factors: number;
  itemFactors: Float64Array;
  /** YᵀY + λI, for fold-in */
  itemGram: Float64Array;
  alpha: number;
}

function gramPlusRidge(factors: Float64Array, rows: number, f: number, regularization: number): Float64Array {
  const gram = new Float64Array(f * f);
  for (let r = 0; r < rows; r++) {
    const o = r * f;
    for (let a = 0; a < f; a++) {
      const va = factors[o + a]!;
      if (va === 0) continue;
      const ga = a * f;
      for (let b = 0; b <= a; b++) gram[ga + b]! += va * factors[o + b]!;
    }
  }
  for (let a = 0; a < f; a++) {
    for (let b = 0; b < a; b++) gram[b * f + a] = gram[a * f + b]!;
    gram[a * f + a]! += regularization;
  }
  return gram;
}

export class AlsRecommender extends ScoringRecommender {
  readonly name: string;
  private readonly options: Required<AlsOptions>;
  private state: AlsState | undefined;

  constructor(options: AlsOptions = {}) {
    super();
    this.options = {
      factors: options.factors ?? 64,
      regularization: options.regularization ?? 0.1,
      alpha: options.alpha ?? 10,
      iterations: options.iterations ?? 15,
      cgSteps: options.cgSteps ?? 3,
      weighting: options.weighting ?? 'binary',
      seed: options.seed ?? 13,
    };
    const { factors, regularization, alpha, iterations, cgSteps } = this.options;
    if (!Number.isInteger(factors) || factors < 1) throw new RangeError(`ALS factors must be a positive integer, got ${factors}`);
    if (!(regularization >= 0)) throw new RangeError(`ALS regularization must be ≥ 0, got ${regularization}`);
    if (!(alpha >= 0)) throw new RangeError(`ALS alpha must be ≥ 0, got ${alpha}`);
    if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`ALS iterations must be ≥ 1, got ${iterations}`);
    if (!Number.isInteger(cgSteps) || cgSteps < 1) throw new RangeError(`ALS cgSteps must be ≥ 1, got ${cgSteps}`);
    this.name = `ALS (f=${factors}, λ=${regularization}, α=${alpha})`;
  }

  private confidence(value: number): number {
    const r = this.options.weighting === 'log' ? Math.log1p(value) : 1;
    return 1 + this.options.alpha * r;
  }

  async fit(train: CsrMatrix, context: FitContext = {}): Promise<void> {
    const { factors: f, regularization, iterations, cgSteps } = this.options;
    const rng = new Random(context.seed ?? this.options.seed, 'xoshiro128**');
    const byItem = transposeCsr(train);
    const userFactors = new Float64Array(train.rows * f);
    const itemFactors = new Float64Array(train.cols * f);
    const scale = 0.01;
    for (let i = 0; i < userFactors.length; i++) userFactors[i] = rng.gaussian() * scale;
    for (let i = 0; i < itemFactors.length; i++) itemFactors[i] = rng.gaussian() * scale;
    const progress = new ProgressTracker('als', 'iterations', iterations, context.onProgress, 0);
    for (let iteration = 0; iteration < iterations; iteration++) {
      context.signal?.throwIfAborted();
      this.conjugateGradientSweep(train, userFactors, itemFactors, f, regularization, cgSteps);
      context.signal?.throwIfAborted();
      this.conjugateGradientSweep(byItem, itemFactors, userFactors, f, regularization, cgSteps);
      progress.update(iteration + 1);
    }
    this.state = {
      numItems: train.cols,
      factors: f,
      itemFactors,
      itemGram: gramPlusRidge(itemFactors, train.cols, f, regularization),
      alpha: this.options.alpha,
    };
  }

  /** Updates every row of `target` given the fixed factors of the other side. */
  private conjugateGradientSweep(
    matrix: CsrMatrix,
    target: Float64Array,
    fixed: Float64Array,
    f: number,
    regularization: number,
    cgSteps: number,
  ): void {
    const gram = gramPlusRidge(fixed, matrix.cols, f, regularization);
    const residual = new Float64Array(f);
    const direction = new Float64Array(f);
    const product = new Float64Array(f);
    // A v = (YᵀY + λI) v + Σ_i (c_i − 1)(y_i · v) y_i
    const applyA = (row: number, v: Float64Array, out: Float64Array): void => {
      for (let a = 0; a < f; a++) {
        let sum = 0;
        const ga = a * f;
        for (let b = 0; b < f; b++) sum += gram[ga + b]! * v[b]!;
        out[a] = sum;
      }
      for (let e = matrix.indptr[row]!; e < matrix.indptr[row + 1]!; e++) {
        const o = matrix.indices[e]! * f;
        let dot = 0;
        for (let a = 0; a < f; a++) dot += fixed[o + a]! * v[a]!;
        const weight = (this.confidence(matrix.values[e]!) - 1) * dot;
        for (let a = 0; a < f; a++) out[a]! += weight * fixed[o + a]!;
      }
    };
    const x = new Float64Array(f);
    for (let row = 0; row < matrix.rows; row++) {
      const xo = row * f;
      for (let a = 0; a < f; a++) x[a] = target[xo + a]!;
      // r = b − A x, b = Σ c_i y_i
      applyA(row, x, product);
      for (let a = 0; a < f; a++) residual[a] = -product[a]!;
      for (let e = matrix.indptr[row]!; e < matrix.indptr[row + 1]!; e++) {
        const o = matrix.indices[e]! * f;
        const c = this.confidence(matrix.values[e]!);
        for (let a = 0; a < f; a++) residual[a]! += c * fixed[o + a]!;
      }
      direction.set(residual);
      let rsOld = 0;
      for (let a = 0; a < f; a++) rsOld += residual[a]! ** 2;
      for (let step = 0; step < cgSteps && rsOld > 1e-20; step++) {
        applyA(row, direction, product);
        let pAp = 0;
        for (let a = 0; a < f; a++) pAp += direction[a]! * product[a]!;
        if (!(pAp > 0)) break;
        const stepSize = rsOld / pAp;
        let rsNew = 0;
        for (let a = 0; a < f; a++) {
          x[a]! += stepSize * direction[a]!;
          residual[a]! -= stepSize * product[a]!;
          rsNew += residual[a]! ** 2;
        }
        const beta = rsNew / rsOld;
        for (let a = 0; a < f; a++) direction[a] = residual[a]! + beta * direction[a]!;
        rsOld = rsNew;
      }
      for (let a = 0; a < f; a++) target[xo + a] = x[a]!;
    }
  }

  /** Item factors (items × factors, row-major), e.g. for diversity by vectors. */
  get itemVectors(): Float32Array {
    return Float32Array.from(assertFitted(this.state, this.name).itemFactors);
  }

  protected get numItems(): number {
    return assertFitted(this.state, this.name).numItems;
  }

  scoreBatch(batch: QueryBatch, out: Float32Array): void {
    const { numItems, factors: f, itemFactors, itemGram } = assertFitted(this.state, this.name);
    const system = new Float64Array(f * f);
    const rhs = new Float64Array(f);
    const x = new Float64Array(f);
    const scratch = new Float64Array(f * f);
    const { seeds, rows } = batch;
    for (let b = 0; b < rows.length; b++) {
      system.set(itemGram);
      rhs.fill(0);
      for (let e = seeds.indptr[rows[b]!]!; e < seeds.indptr[rows[b]! + 1]!; e++) {
        const item = seeds.indices[e]!;
        if (item >= numItems) continue;
        const o = item * f;
        const c = this.confidence(seeds.values[e]!);
        for (let a = 0; a < f; a++) {
          const va = itemFactors[o + a]!;
          rhs[a]! += c * va;
          const scaled = (c - 1) * va;
          for (let bb = 0; bb < f; bb++) system[a * f + bb]! += scaled * itemFactors[o + bb]!;
        }
      }
      solveSpd(system, rhs, f, x, scratch);
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
