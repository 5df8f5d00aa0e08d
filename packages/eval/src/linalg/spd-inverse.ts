// Inverse of a symmetric positive-definite matrix in pure JS (Float64Array, row-major), for
// EASE's P = (XᵀX + λI)⁻¹. Three blocked passes, each streaming the big matrix once per block
// of rows so the working set (a block of rows) stays in cache:
//   1. Cholesky A = L Lᵀ (right-looking, panel copied to a contiguous buffer)   ~n³/6 multiply-adds
//   2. W = L⁻¹ row by row: W_i = (e_i − Σ_{k<i} L_ik W_k) / L_ii                ~n³/6
//   3. P = Wᵀ W: P_ij = Σ_{k≥max(i,j)} W_ki W_kj                                  ~n³/6
// Everything happens in place in `a`; only O(n × block) scratch is allocated.
import type { Progress } from '../recommender';
import { createProgressTicker } from '../progress';

export interface SpdInverseOptions {
  /** Rows per block (default 64). */
  blockSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** Cholesky factor in place: on return the lower triangle of `a` holds L (upper part is garbage). */
export function choleskyInPlace(a: Float64Array, n: number, options: SpdInverseOptions = {}): void {
  if (a.length < n * n) throw new RangeError(`cholesky: buffer holds ${a.length} values, expected ${n}×${n}`);
  const nb = options.blockSize ?? 64;
  const panel = new Float64Array(n * nb);
  const ticker = createProgressTicker('cholesky', n, options.onProgress);
  for (let k0 = 0; k0 < n; k0 += nb) {
    options.signal?.throwIfAborted();
    ticker.tick(k0);
    const k1 = Math.min(n, k0 + nb);
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
    if (k1 >= n) break;
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
  }
  ticker.finish();
}

/** Replaces the Cholesky factor L (lower triangle of `a`) by L⁻¹ in place. */
function invertLowerInPlace(a: Float64Array, n: number, options: SpdInverseOptions): void {
  const nb = options.blockSize ?? 64;
  const lBlock = new Float64Array(nb * n);
  const ticker = createProgressTicker('triangular inverse', n, options.onProgress);
  for (let i0 = 0; i0 < n; i0 += nb) {
    options.signal?.throwIfAborted();
    ticker.tick(i0);
    const i1 = Math.min(n, i0 + nb);
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
  }
  ticker.finish();
}

/** Replaces W (lower triangle) by the full symmetric Wᵀ W in place. */
function lowerGramInPlace(a: Float64Array, n: number, options: SpdInverseOptions): void {
  const nb = options.blockSize ?? 64;
  const block = new Float64Array(nb * n);
  const ticker = createProgressTicker('inverse product', n, options.onProgress);
  // Ascending blocks: P rows i0..i1 need W rows k ≥ i0, which later blocks have not overwritten.
  for (let i0 = 0; i0 < n; i0 += nb) {
    options.signal?.throwIfAborted();
    ticker.tick(i0);
    const i1 = Math.min(n, i0 + nb);
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
  }
  // Mirror the lower triangle into the upper one.
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j]!;
  ticker.finish();
}

/**
 * Inverts the SPD matrix `a` (n × n, row-major) in place; only its lower triangle is read.
 * Throws RangeError if it is not positive definite.
 */
export function invertSpdInPlace(a: Float64Array, n: number, options: SpdInverseOptions = {}): Float64Array {
  choleskyInPlace(a, n, options);
  invertLowerInPlace(a, n, options);
  lowerGramInPlace(a, n, options);
  return a;
}

/**
 * Solves A x = b for a small SPD matrix A (n × n, row-major) by Cholesky, without modifying
 * A or b (scratch must hold n² values). Used per query for ALS fold-in.
 */
export function solveSpd(a: Float64Array, b: Float64Array, n: number, x: Float64Array, scratch: Float64Array): void {
  // Unblocked Cholesky: n is a factor count (tens), the whole matrix sits in L1.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!;
      for (let t = 0; t < j; t++) sum -= scratch[i * n + t]! * scratch[j * n + t]!;
      if (i === j) {
        if (!(sum > 0)) throw new RangeError(`matrix is not positive definite (pivot ${j} = ${sum})`);
        scratch[i * n + i] = Math.sqrt(sum);
      } else {
        scratch[i * n + j] = sum / scratch[j * n + j]!;
      }
    }
  }
  // L y = b
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= scratch[i * n + k]! * x[k]!;
    x[i] = sum / scratch[i * n + i]!;
  }
  // Lᵀ x = y
  for (let i = n - 1; i >= 0; i--) {
    let sum = x[i]!;
    for (let k = i + 1; k < n; k++) sum -= scratch[k * n + i]! * x[k]!;
    x[i] = sum / scratch[i * n + i]!;
  }
}
