// Symmetric positive-definite systems in pure JS (Float64Array, row-major n × n):
//   choleskyInPlace   A = L Lᵀ, blocked so a block of rows stays in cache (EASE's thousands of items)
//   solveSpdInPlace   A X = B for m right-hand sides (ridge normal equations, IRLS steps)
//   solveSpd          A x = b without touching A or b (ALS fold-in, one query at a time)
//   invertSpdInPlace  A⁻¹ in place (EASE's P = (XᵀX + λI)⁻¹)
// The inverse is three blocked passes, each streaming the big matrix once per block of rows:
//   1. Cholesky A = L Lᵀ (right-looking, panel copied to a contiguous buffer)   ~n³/6 multiply-adds
//   2. W = L⁻¹ row by row: W_i = (e_i − Σ_{k<i} L_ik W_k) / L_ii                ~n³/6
//   3. P = Wᵀ W: P_ij = Σ_{k≥max(i,j)} W_ki W_kj                                  ~n³/6
// Everything happens in place; only O(n × block) scratch is allocated.
import { ProgressTracker, type ProgressCallback } from './progress';

export interface SpdOptions {
  /** Rows per block (default 64). With block ≥ n the factorisation is the plain unblocked one. */
  blockSize?: number;
  signal?: AbortSignal;
  /** Progress of each pass (phases "cholesky", "triangular inverse", "inverse product"; unit "rows"). */
  onProgress?: ProgressCallback;
}

function checkSquare(what: string, a: Float64Array, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what}: n must be a non-negative integer, got ${n}`);
  if (a.length < n * n) throw new RangeError(`${what}: buffer holds ${a.length} values, expected ${n}×${n}`);
}

/** A tracker only when someone listens: the small solves run once per query. */
function tracker(phase: string, n: number, options: SpdOptions): ProgressTracker | undefined {
  return options.onProgress ? new ProgressTracker(phase, 'rows', n, options.onProgress, 2000) : undefined;
}

/** Rows per block of the blocked passes. */
function blockRows(options: SpdOptions): number {
  return Math.max(1, options.blockSize ?? 64);
}

/**
 * The frame of the three blocked passes: `pass(i0, i1)` for each block of rows [i0, i1) in
 * ascending order, the abort signal checked and progress reported (as `phase`) per block.
 */
function forEachRowBlock(phase: string, n: number, options: SpdOptions, pass: (i0: number, i1: number) => void): void {
  const nb = blockRows(options);
  const progress = tracker(phase, n, options);
  for (let i0 = 0; i0 < n; i0 += nb) {
    options.signal?.throwIfAborted();
    progress?.update(i0);
    pass(i0, Math.min(n, i0 + nb));
  }
  progress?.finish(n);
}

/**
 * Cholesky factor in place: on return the lower triangle of `a` holds L (the upper part is
 * left as it was). Only the lower triangle is read. Throws RangeError naming the pivot when
 * `a` is not positive definite.
 */
export function choleskyInPlace(a: Float64Array, n: number, options: SpdOptions = {}): void {
  checkSquare('cholesky', a, n);
  const nb = blockRows(options);
  let panel: Float64Array | undefined; // only needed when there is more than one block
  forEachRowBlock('cholesky', n, options, (k0, k1) => {
    const width = k1 - k0;
    // Diagonal block and panel below it: row-wise forward substitution against earlier columns of the block.
    for (let i = k0; i < n; i++) {
      const rowI = i * n;
      const last = Math.min(i, k1 - 1);
      for (let j = k0; j <= last; j++) {
        const rowJ = j * n;
        let sum = a[rowI + j]!;
        for (let t = k0; t < j; t++) sum -= a[rowI + t]! * a[rowJ + t]!;
        if (i === j) {
          if (!(sum > 0)) throw new RangeError(`matrix is not positive definite (pivot ${j} = ${sum})`);
          a[rowI + j] = Math.sqrt(sum);
        } else {
          a[rowI + j] = sum / a[rowJ + j]!;
        }
      }
    }
    if (k1 >= n) return;
    panel ??= new Float64Array(n * nb);
    // Copy the panel L[k1.., k0..k1) contiguously, then update the trailing lower triangle.
    for (let i = k1; i < n; i++) {
      const src = i * n + k0;
      const dst = (i - k1) * width;
      for (let t = 0; t < width; t++) panel[dst + t] = a[src + t]!;
    }
    for (let i = k1; i < n; i++) {
      const pi = (i - k1) * width;
      const rowI = i * n;
      let j = k1;
      // Four dot products at once: each panel value of row i is loaded once for four rows j.
      for (; j + 3 <= i; j += 4) {
        const p0 = (j - k1) * width;
        const p1 = p0 + width;
        const p2 = p1 + width;
        const p3 = p2 + width;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let t = 0; t < width; t++) {
          const v = panel[pi + t]!;
          s0 += v * panel[p0 + t]!;
          s1 += v * panel[p1 + t]!;
          s2 += v * panel[p2 + t]!;
          s3 += v * panel[p3 + t]!;
        }
        a[rowI + j]! -= s0;
        a[rowI + j + 1]! -= s1;
        a[rowI + j + 2]! -= s2;
        a[rowI + j + 3]! -= s3;
      }
      for (; j <= i; j++) {
        const pj = (j - k1) * width;
        let sum = 0;
        for (let t = 0; t < width; t++) sum += panel[pi + t]! * panel[pj + t]!;
        a[rowI + j]! -= sum;
      }
    }
  });
}

/**
 * Given the Cholesky factor L (lower triangle of `l`, n × n), solves L Lᵀ X = B in place for the
 * n × m row-major right-hand side `b` (m = 1: a vector).
 */
export function solveCholeskyInPlace(l: Float64Array, n: number, b: Float64Array, m = 1): void {
  checkSquare('solveCholesky', l, n);
  if (b.length < n * m) throw new RangeError(`solveCholesky: right-hand side holds ${b.length} values, expected ${n}×${m}`);
  for (let c = 0; c < m; c++) {
    // forward: L y = b
    for (let i = 0; i < n; i++) {
      let sum = b[i * m + c]!;
      for (let k = 0; k < i; k++) sum -= l[i * n + k]! * b[k * m + c]!;
      b[i * m + c] = sum / l[i * n + i]!;
    }
    // backward: Lᵀ x = y
    for (let i = n - 1; i >= 0; i--) {
      let sum = b[i * m + c]!;
      for (let k = i + 1; k < n; k++) sum -= l[k * n + i]! * b[k * m + c]!;
      b[i * m + c] = sum / l[i * n + i]!;
    }
  }
}

/**
 * Solves A X = B in place for SPD `a` (n × n, only its lower triangle read, overwritten by L)
 * and the n × m row-major right-hand side `b` (overwritten by X). Unblocked: for the small
 * systems (tens to a few hundred unknowns) of ridge regressions and Newton steps.
 */
export function solveSpdInPlace(a: Float64Array, n: number, b: Float64Array, m = 1): void {
  choleskyInPlace(a, n, { blockSize: Math.max(1, n) });
  solveCholeskyInPlace(a, n, b, m);
}

/**
 * Solves A x = b for a small SPD matrix A (n × n, row-major) without modifying A or b; the
 * factor goes to `scratch` (n² values) and the solution to `x`. Allocation-free, for per-query use.
 */
export function solveSpd(a: Float64Array, b: Float64Array, n: number, x: Float64Array, scratch: Float64Array): void {
  checkSquare('solveSpd', a, n);
  if (scratch.length < n * n) throw new RangeError(`solveSpd: scratch holds ${scratch.length} values, expected ${n * n}`);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) scratch[i * n + j] = a[i * n + j]!;
  for (let i = 0; i < n; i++) x[i] = b[i]!;
  solveSpdInPlace(scratch, n, x, 1);
}

/** Replaces the Cholesky factor L (lower triangle of `a`) by L⁻¹ in place. */
function invertLowerInPlace(a: Float64Array, n: number, options: SpdOptions): void {
  const lBlock = new Float64Array(blockRows(options) * n);
  forEachRowBlock('triangular inverse', n, options, (i0, i1) => {
    // Save this block's rows of L (columns 0..i), then clear them to accumulate W.
    for (let i = i0; i < i1; i++) {
      const src = i * n;
      const dst = (i - i0) * n;
      for (let k = 0; k <= i; k++) lBlock[dst + k] = a[src + k]!;
      a.fill(0, src, src + i + 1);
    }
    // Contributions of finished rows k < i0: W_i -= L_ik W_k, four k at a time.
    let k = 0;
    for (; k + 3 < i0; k += 4) {
      const w0 = k * n;
      const w1 = w0 + n;
      const w2 = w1 + n;
      const w3 = w2 + n;
      for (let i = i0; i < i1; i++) {
        const lb = (i - i0) * n;
        const c0 = lBlock[lb + k]!;
        const c1 = lBlock[lb + k + 1]!;
        const c2 = lBlock[lb + k + 2]!;
        const c3 = lBlock[lb + k + 3]!;
        const wi = i * n;
        // W_k is zero beyond column k, so each row contributes up to its own index.
        for (let j = 0; j <= k; j++) a[wi + j]! -= c0 * a[w0 + j]! + c1 * a[w1 + j]! + c2 * a[w2 + j]! + c3 * a[w3 + j]!;
        a[wi + k + 1]! -= c1 * a[w1 + k + 1]! + c2 * a[w2 + k + 1]! + c3 * a[w3 + k + 1]!;
        a[wi + k + 2]! -= c2 * a[w2 + k + 2]! + c3 * a[w3 + k + 2]!;
        a[wi + k + 3]! -= c3 * a[w3 + k + 3]!;
      }
    }
    for (; k < i0; k++) {
      const wk = k * n;
      for (let i = i0; i < i1; i++) {
        const c = lBlock[(i - i0) * n + k]!;
        const wi = i * n;
        for (let j = 0; j <= k; j++) a[wi + j]! -= c * a[wk + j]!;
      }
    }
    // Rows inside the block, in order (each needs the ones before it).
    for (let i = i0; i < i1; i++) {
      const lb = (i - i0) * n;
      const wi = i * n;
      for (let kk = i0; kk < i; kk++) {
        const c = lBlock[lb + kk]!;
        const wk = kk * n;
        for (let j = 0; j <= kk; j++) a[wi + j]! -= c * a[wk + j]!;
      }
      a[wi + i]! += 1;
      const inverseDiagonal = 1 / lBlock[lb + i]!;
      for (let j = 0; j <= i; j++) a[wi + j]! *= inverseDiagonal;
    }
  });
}

/** Replaces W (lower triangle) by the full symmetric Wᵀ W in place. */
function lowerGramInPlace(a: Float64Array, n: number, options: SpdOptions): void {
  const block = new Float64Array(blockRows(options) * n);
  // Ascending blocks: P rows i0..i1 need W rows k ≥ i0, which later blocks have not overwritten.
  forEachRowBlock('inverse product', n, options, (i0, i1) => {
    block.fill(0, 0, (i1 - i0) * n);
    let k = i0;
    for (; k + 3 < n; k += 4) {
      const w0 = k * n;
      const w1 = w0 + n;
      const w2 = w1 + n;
      const w3 = w2 + n;
      const iEnd = Math.min(i1, k + 4);
      for (let i = i0; i < iEnd; i++) {
        // Rows k..k+3 with k+r < i contribute nothing (W is lower triangular).
        const c0 = i <= k ? a[w0 + i]! : 0;
        const c1 = i <= k + 1 ? a[w1 + i]! : 0;
        const c2 = i <= k + 2 ? a[w2 + i]! : 0;
        const c3 = a[w3 + i]!;
        const bi = (i - i0) * n;
        for (let j = 0; j <= i; j++) block[bi + j]! += c0 * a[w0 + j]! + c1 * a[w1 + j]! + c2 * a[w2 + j]! + c3 * a[w3 + j]!;
      }
    }
    for (; k < n; k++) {
      const wk = k * n;
      const iEnd = Math.min(i1, k + 1);
      for (let i = i0; i < iEnd; i++) {
        const c = a[wk + i]!;
        const bi = (i - i0) * n;
        for (let j = 0; j <= i; j++) block[bi + j]! += c * a[wk + j]!;
      }
    }
    for (let i = i0; i < i1; i++) {
      const bi = (i - i0) * n;
      for (let j = 0; j <= i; j++) a[i * n + j] = block[bi + j]!;
    }
  });
  // Mirror the lower triangle into the upper one.
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j]!;
}

/**
 * Inverts the SPD matrix `a` (n × n, row-major) in place; only its lower triangle is read.
 * Throws RangeError if it is not positive definite.
 */
export function invertSpdInPlace(a: Float64Array, n: number, options: SpdOptions = {}): Float64Array {
  choleskyInPlace(a, n, options);
  invertLowerInPlace(a, n, options);
  lowerGramInPlace(a, n, options);
  return a;
}
