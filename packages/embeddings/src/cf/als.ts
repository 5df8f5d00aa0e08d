// Implicit-feedback ALS (Hu, Koren & Volinsky 2008) with conjugate-gradient row updates
// (Takács et al. 2011): preference p_ui = 1 for observed pairs, confidence c_ui = 1 + α·r_ui.
// Each half-step solves (YᵀY + λI + Σ_i (c_ui − 1) y_i y_iᵀ) x_u = Σ_i c_ui y_i with a few CG
// iterations warm-started from the previous factors, so a row costs O(f² + nnz·f), never f³.
// New rows are folded in with an exact f × f solve. Shared by @mixtape/eval's ALS baseline and
// Home's learned factors.
import { ProgressTracker, solveSpd } from '@mixtape/base';
import { transposeCsr } from './csr';
import type { CsrMatrix } from './csr';
import type { FitControl } from './neighbor-graph';

export interface ImplicitAlsOptions {
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
  /** standard-normal draws for the initial factors (× 0.01) */
  normal: () => number;
}

/** Trained factors (Float64, row-major) and what folding in a new row needs. */
export interface ImplicitAlsFactors {
  dim: number;
  users: Float64Array;
  items: Float64Array;
  /** YᵀY + λI (dim × dim) */
  itemGram: Float64Array;
  alpha: number;
  weighting: 'binary' | 'log';
}

export function trainImplicitAls(train: CsrMatrix, options: ImplicitAlsOptions, control: FitControl = {}): ImplicitAlsFactors {
  const f = options.factors ?? 64;
  const regularization = options.regularization ?? 0.1;
  const alpha = options.alpha ?? 10;
  const iterations = options.iterations ?? 15;
  const cgSteps = options.cgSteps ?? 3;
  const weighting = options.weighting ?? 'binary';
  const confidence = (value: number): number => 1 + alpha * (weighting === 'log' ? Math.log1p(value) : 1);
  const byItem = transposeCsr(train);
  const userFactors = new Float64Array(train.rows * f);
  const itemFactors = new Float64Array(train.cols * f);
  const scale = 0.01;
  for (let i = 0; i < userFactors.length; i++) userFactors[i] = options.normal() * scale;
  for (let i = 0; i < itemFactors.length; i++) itemFactors[i] = options.normal() * scale;
  const progress = new ProgressTracker('als', 'iterations', iterations, control.onProgress, 0);
  for (let iteration = 0; iteration < iterations; iteration++) {
    control.signal?.throwIfAborted();
    conjugateGradientSweep(train, userFactors, itemFactors, f, regularization, cgSteps, confidence);
    control.signal?.throwIfAborted();
    conjugateGradientSweep(byItem, itemFactors, userFactors, f, regularization, cgSteps, confidence);
    progress.update(iteration + 1);
  }
  return { dim: f, users: userFactors, items: itemFactors, itemGram: gramPlusRidge(itemFactors, train.cols, f, regularization), alpha, weighting };
}

/**
 * A new row's factor: the exact solve of (YᵀY + λI + Σ (c−1) y yᵀ) x = Σ c y over its items,
 * written into `out`. `scratch` holds 2·dim² + 2·dim values.
 */
export function foldInImplicitAls(
  factors: { dim: number; items: ArrayLike<number>; itemGram: Float64Array; alpha: number; weighting?: 'binary' | 'log' },
  items: ArrayLike<number>,
  values: ArrayLike<number> | undefined,
  count: number,
  out: { [index: number]: number },
  scratch: Float64Array,
): void {
  const f = factors.dim;
  const system = scratch.subarray(0, f * f);
  const cholesky = scratch.subarray(f * f, 2 * f * f);
  const rhs = scratch.subarray(2 * f * f, 2 * f * f + f);
  const solution = scratch.subarray(2 * f * f + f, 2 * f * f + 2 * f);
  system.set(factors.itemGram);
  rhs.fill(0);
  const y = factors.items;
  const confidence = (n: number): number => 1 + factors.alpha * (factors.weighting === 'log' && values ? Math.log1p(values[n]!) : 1);
  // Four items at a time, two rows of the system at a time: each entry of the system (and of the
  // right-hand side) still adds its items' terms one by one in item order — the same doubles as
  // one item at a time —, but is loaded and stored once per four items, and each item value read
  // serves two rows (a page's fold-in of ~100 items: ~2.5× faster).
  let n = 0;
  for (; n + 4 <= count; n += 4) {
    const o0 = items[n]! * f;
    const o1 = items[n + 1]! * f;
    const o2 = items[n + 2]! * f;
    const o3 = items[n + 3]! * f;
    const c0 = confidence(n);
    const c1 = confidence(n + 1);
    const c2 = confidence(n + 2);
    const c3 = confidence(n + 3);
    for (let a = 0; a < f; a++) {
      let r = rhs[a]!;
      r += c0 * y[o0 + a]!;
      r += c1 * y[o1 + a]!;
      r += c2 * y[o2 + a]!;
      r += c3 * y[o3 + a]!;
      rhs[a] = r;
    }
    let a = 0;
    for (; a + 2 <= f; a += 2) {
      const s0 = (c0 - 1) * y[o0 + a]!;
      const s1 = (c1 - 1) * y[o1 + a]!;
      const s2 = (c2 - 1) * y[o2 + a]!;
      const s3 = (c3 - 1) * y[o3 + a]!;
      const t0 = (c0 - 1) * y[o0 + a + 1]!;
      const t1 = (c1 - 1) * y[o1 + a + 1]!;
      const t2 = (c2 - 1) * y[o2 + a + 1]!;
      const t3 = (c3 - 1) * y[o3 + a + 1]!;
      if (s0 === 0 || s1 === 0 || s2 === 0 || s3 === 0 || t0 === 0 || t1 === 0 || t2 === 0 || t3 === 0) {
        addFourToRow(system, y, a * f, a, s0, s1, s2, s3, o0, o1, o2, o3);
        addFourToRow(system, y, (a + 1) * f, a + 1, t0, t1, t2, t3, o0, o1, o2, o3);
        continue;
      }
      const row = a * f;
      const next = row + f;
      for (let b = 0; b <= a; b++) {
        const y0 = y[o0 + b]!;
        const y1 = y[o1 + b]!;
        const y2 = y[o2 + b]!;
        const y3 = y[o3 + b]!;
        let u = system[row + b]!;
        u += s0 * y0;
        u += s1 * y1;
        u += s2 * y2;
        u += s3 * y3;
        system[row + b] = u;
        let w = system[next + b]!;
        w += t0 * y0;
        w += t1 * y1;
        w += t2 * y2;
        w += t3 * y3;
        system[next + b] = w;
      }
      let w = system[next + a + 1]!;
      w += t0 * y[o0 + a + 1]!;
      w += t1 * y[o1 + a + 1]!;
      w += t2 * y[o2 + a + 1]!;
      w += t3 * y[o3 + a + 1]!;
      system[next + a + 1] = w;
    }
    if (a < f) {
      const s = (c: number, o: number): number => (c - 1) * y[o + a]!;
      addFourToRow(system, y, a * f, a, s(c0, o0), s(c1, o1), s(c2, o2), s(c3, o3), o0, o1, o2, o3);
    }
  }
  for (; n < count; n++) {
    const o = items[n]! * f;
    const c = confidence(n);
    for (let a = 0; a < f; a++) {
      const va = y[o + a]!;
      rhs[a]! += c * va;
      const scaled = (c - 1) * va;
      if (scaled === 0) continue;
      for (let b = 0; b <= a; b++) system[a * f + b]! += scaled * y[o + b]!;
    }
  }
  solveSpd(system, rhs, f, solution, cholesky);
  for (let a = 0; a < f; a++) out[a] = solution[a]!;
}

/**
 * Row `a` of the fold-in's system (entries 0..a, from `row`) gets four items' terms s_j × y_j[b],
 * added one by one in item order; an item whose term is 0 adds nothing to the row (as when the
 * items were added one at a time).
 */
function addFourToRow(system: Float64Array, y: ArrayLike<number>, row: number, a: number, s0: number, s1: number, s2: number, s3: number, o0: number, o1: number, o2: number, o3: number): void {
  if (s0 === 0 || s1 === 0 || s2 === 0 || s3 === 0) {
    if (s0 !== 0) for (let b = 0; b <= a; b++) system[row + b]! += s0 * y[o0 + b]!;
    if (s1 !== 0) for (let b = 0; b <= a; b++) system[row + b]! += s1 * y[o1 + b]!;
    if (s2 !== 0) for (let b = 0; b <= a; b++) system[row + b]! += s2 * y[o2 + b]!;
    if (s3 !== 0) for (let b = 0; b <= a; b++) system[row + b]! += s3 * y[o3 + b]!;
    return;
  }
  for (let b = 0; b <= a; b++) {
    let value = system[row + b]!;
    value += s0 * y[o0 + b]!;
    value += s1 * y[o1 + b]!;
    value += s2 * y[o2 + b]!;
    value += s3 * y[o3 + b]!;
    system[row + b] = value;
  }
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

/** Updates every row of `target` given the fixed factors of the other side. */
function conjugateGradientSweep(
matrix: CsrMatrix,
target: Float64Array,
fixed: Float64Array,
f: number,
regularization: number,
cgSteps: number,
confidence: (value: number) => number,
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
      const weight = (confidence(matrix.values[e]!) - 1) * dot;
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
      const c = confidence(matrix.values[e]!);
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

