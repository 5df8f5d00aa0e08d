import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from './progress';
import { Random } from './random';
import { choleskyInPlace, invertSpdInPlace, solveCholeskyInPlace, solveSpd, solveSpdInPlace } from './spd';

function randomSpd(n: number, seed: number): Float64Array {
  const random = new Random(seed);
  const x = Float64Array.from({ length: n * (n + 3) }, () => random.gaussian());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let t = 0; t < n + 3; t++) sum += x[i * (n + 3) + t]! * x[j * (n + 3) + t]!;
      a[i * n + j] = sum + (i === j ? 0.5 : 0);
    }
  return a;
}

function multiply(a: Float64Array, b: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let c = 0; c < m; c++) out[i * m + c]! += a[i * n + k]! * b[k * m + c]!;
  return out;
}

function maxIdentityError(a: Float64Array, inverse: Float64Array, n: number): number {
  const product = multiply(a, inverse, n, n);
  let worst = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(product[i * n + j]! - (i === j ? 1 : 0)));
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

  it('refuses a matrix that is not positive definite, naming the pivot', () => {
    expect(() => invertSpdInPlace(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite \(pivot 1/);
    expect(() => choleskyInPlace(new Float64Array(3), 2)).toThrow(/buffer holds 3 values, expected 2×2/);
  });

  it('reports progress per pass with rows as the unit', () => {
    const events: ProgressEvent[] = [];
    invertSpdInPlace(randomSpd(30, 1), 30, { blockSize: 8, onProgress: (event) => events.push(event) });
    expect(events.map((event) => event.phase)).toEqual(['cholesky', 'triangular inverse', 'inverse product']);
    for (const event of events) expect(event).toMatchObject({ done: 30, total: 30, unit: 'rows' });
  });
});

describe('SPD solves', () => {
  it('solveSpd solves a small system without touching A or b', () => {
    const n = 9;
    const a = randomSpd(n, 2);
    const b = Float64Array.from({ length: n }, (_, i) => i - 4);
    const before = [a.slice(), b.slice()];
    const x = new Float64Array(n);
    solveSpd(a, b, n, x, new Float64Array(n * n));
    const product = multiply(a, x, n, 1);
    for (let i = 0; i < n; i++) expect(product[i]).toBeCloseTo(b[i]!, 8);
    expect([a, b]).toEqual(before);
  });

  it('solveSpdInPlace solves several right-hand sides at once, and agrees with solveSpd bit for bit', () => {
    const n = 12;
    const m = 3;
    const a = randomSpd(n, 4);
    const random = new Random(8);
    const b = Float64Array.from({ length: n * m }, () => random.gaussian());
    const x = b.slice();
    solveSpdInPlace(a.slice(), n, x, m);
    const product = multiply(a, x, n, m);
    for (let i = 0; i < n * m; i++) expect(product[i]).toBeCloseTo(b[i]!, 8);
    const column = new Float64Array(n);
    solveSpd(a, Float64Array.from({ length: n }, (_, i) => b[i * m + 1]!), n, column, new Float64Array(n * n));
    expect(Array.from(column)).toEqual(Array.from({ length: n }, (_, i) => x[i * m + 1]!));
  });

  it('the blocked factor matches the unblocked one to rounding', () => {
    const n = 90;
    const a = randomSpd(n, 6);
    const blocked = a.slice();
    const plain = a.slice();
    choleskyInPlace(blocked, n, { blockSize: 16 });
    choleskyInPlace(plain, n, { blockSize: n });
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) expect(blocked[i * n + j]).toBeCloseTo(plain[i * n + j]!, 9);
    const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const x = b.slice();
    solveCholeskyInPlace(blocked, n, x);
    const product = multiply(a, x, n, 1);
    for (let i = 0; i < n; i++) expect(product[i]).toBeCloseTo(b[i]!, 7);
  });
});
