// LAPACK through OpenBLAS: the dense SPD inverse EASE needs (n³ flops; OpenBLAS runs it an
// order of magnitude faster than a JS loop and uses every BLAS thread it is given).
import { nativeAddon } from './addon';

export class NotPositiveDefiniteError extends Error {
  override name = 'NotPositiveDefiniteError';
  constructor(readonly order: number, n: number) {
    super(`choleskyInverse: the leading minor of order ${order} of the ${n} × ${n} matrix is not positive definite (raise the regularization)`);
  }
}

/**
 * Replaces the symmetric positive-definite n × n matrix (row-major, Float64Array or
 * Float32Array) by its inverse: Cholesky factorization (potrf) then inverse (potri), both
 * triangles filled. Throws NotPositiveDefiniteError (matrix contents then undefined).
 */
export function choleskyInverse(matrix: Float64Array | Float32Array, n: number): void {
  if (!Number.isInteger(n) || n <= 0 || matrix.length !== n * n) {
    throw new RangeError(`choleskyInverse: matrix holds ${matrix.length} values, expected n × n with n = ${n}`);
  }
  const info = nativeAddon().choleskyInverse(matrix, n);
  if (info > 0) throw new NotPositiveDefiniteError(info, n);
  if (info < 0) throw new Error(`choleskyInverse: LAPACK rejected argument ${-info}`);
}

/** OpenBLAS threads: sets them when `threads` is given; returns the count in effect. */
export function blasThreads(threads?: number): number {
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) throw new RangeError(`blasThreads: expected a positive integer, got ${threads}`);
  return nativeAddon().blasThreads(threads);
}
