import { describe, expect, it } from 'vitest';
import { NotPositiveDefiniteError, blasThreads, choleskyInverse } from './lapack';

function randomSpd(n: number, seed: number, Type: Float64ArrayConstructor | Float32ArrayConstructor) {
  let state = seed;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5);
  const x = Array.from({ length: n * n }, next);
  const a = new Type(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let sum = i === j ? n : 0;
    for (let k = 0; k < n; k++) sum += x[i * n + k]! * x[j * n + k]!;
    a[i * n + j] = sum;
  }
  return a;
}

function maxErrorOfProduct(a: ArrayLike<number>, inverse: ArrayLike<number>, n: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += a[i * n + k]! * inverse[k * n + j]!;
    worst = Math.max(worst, Math.abs(sum - (i === j ? 1 : 0)));
  }
  return worst;
}

describe('choleskyInverse', () => {
  it.each([
    { precision: 'double', Type: Float64Array, n: 57, seed: 3, tolerance: 1e-10 },
    { precision: 'single', Type: Float32Array, n: 40, seed: 9, tolerance: 1e-4 },
  ])('inverts a symmetric positive-definite matrix in $precision precision, both triangles filled', ({ Type, n, seed, tolerance }) => {
    const a = randomSpd(n, seed, Type);
    const inverse = a.slice();
    choleskyInverse(inverse, n);
    expect(maxErrorOfProduct(a, inverse, n)).toBeLessThan(tolerance);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(inverse[i * n + j]).toBe(inverse[j * n + i]);
  });

  it('names the failing minor of a matrix that is not positive definite', () => {
    const matrix = new Float64Array([1, 2, 2, 1]);
    expect(() => choleskyInverse(matrix, 2)).toThrow(NotPositiveDefiniteError);
    expect(() => choleskyInverse(new Float64Array([1, 2, 2, 1]), 2)).toThrow(/leading minor of order 2/);
  });

  it('refuses a buffer that is not n × n', () => {
    expect(() => choleskyInverse(new Float64Array(5), 2)).toThrow(/expected n × n/);
  });

  it('reports and sets OpenBLAS threads', () => {
    const before = blasThreads();
    expect(blasThreads(1)).toBe(1);
    blasThreads(before);
  });
});
