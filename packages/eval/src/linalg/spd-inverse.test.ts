import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { invertSpdInPlace, solveSpd } from './spd-inverse';

function randomSpd(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const x = Float64Array.from({ length: n * (n + 3) }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let t = 0; t < n + 3; t++) sum += x[i * (n + 3) + t]! * x[j * (n + 3) + t]!;
      a[i * n + j] = sum + (i === j ? 0.5 : 0);
    }
  return a;
}

function maxIdentityError(a: Float64Array, inverse: Float64Array, n: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += a[i * n + k]! * inverse[k * n + j]!;
      worst = Math.max(worst, Math.abs(sum - (i === j ? 1 : 0)));
    }
  return worst;
}

describe('SPD inverse', () => {
  it.each([
    [1, 4],
    [7, 4],
    [37, 8],
    [70, 16],
    [70, 64],
  ])('inverts n=%i with block size %i (A·A⁻¹ = I, symmetric)', (n, blockSize) => {
    const a = randomSpd(n, n);
    const inverse = invertSpdInPlace(a.slice(), n, { blockSize });
    expect(maxIdentityError(a, inverse, n)).toBeLessThan(1e-8);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(inverse[i * n + j]).toBe(inverse[j * n + i]);
  });

  it('reads only the lower triangle', () => {
    const n = 20;
    const a = randomSpd(n, 5);
    const garbage = a.slice();
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) garbage[i * n + j] = 1e6;
    expect(maxIdentityError(a, invertSpdInPlace(garbage, n, { blockSize: 8 }), n)).toBeLessThan(1e-8);
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => invertSpdInPlace(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite/);
  });

  it('solves a small system', () => {
    const n = 9;
    const a = randomSpd(n, 2);
    const x = new Float64Array(n);
    const b = Float64Array.from({ length: n }, (_, i) => i - 4);
    solveSpd(a, b, n, x, new Float64Array(n * n));
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += a[i * n + k]! * x[k]!;
      expect(sum).toBeCloseTo(b[i]!, 8);
    }
  });
});
