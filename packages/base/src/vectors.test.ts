import { describe, expect, it } from 'vitest';
import { Random } from './random';
import { cosineBetween, cosineSimilarity, dot, dotRowsInto, l2Norm, normalizeInPlace, normalizeRows, squaredNorm } from './vectors';

describe('vectors', () => {
  it('dotRowsInto gives each listed row exactly dot\'s sum (four-row lanes and the tail), repeated rows included', () => {
    const random = new Random(17);
    for (let trial = 0; trial < 300; trial++) {
      const dim = 1 + random.int(70);
      const matrixRows = 1 + random.int(40);
      const matrix = Float32Array.from({ length: matrixRows * dim }, () => random.next() * 2 - 1);
      const vector = Float32Array.from({ length: dim }, () => random.next() * 2 - 1);
      const count = random.int(12);
      const rows = Int32Array.from({ length: count + random.int(3) }, () => random.int(matrixRows));
      const out = new Float64Array(count + 1).fill(Number.NaN);
      dotRowsInto(matrix, rows, count, dim, vector, out);
      for (let i = 0; i < count; i++) expect(out[i]).toBe(dot(matrix, rows[i]! * dim, vector, 0, dim));
      // nothing past count is written
      expect(out[count]).toBeNaN();
    }
    expect(() => dotRowsInto(new Float32Array(4), new Int32Array(2), 3, 2, new Float32Array(2), new Float64Array(3))).toThrow('dotRowsInto: 3 rows asked, 2 given and room for 3');
  });

  it('dot and norms read rows by offset', () => {
    const matrix = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const query = Float32Array.from([1, 0, -1]);
    expect(dot(matrix, 3, query, 0, 3)).toBe(4 - 6);
    expect(squaredNorm(matrix, 0, 3)).toBe(14);
    expect(l2Norm(Float32Array.from([3, 4]))).toBe(5);
  });

  it('normalizes one row in place and leaves a zero row zero', () => {
    const values = Float32Array.from([9, 3, 4, 0, 0]);
    expect(normalizeInPlace(values, 1, 2)).toBe(values);
    expect(Array.from(values)).toEqual([9, Math.fround(0.6), Math.fround(0.8), 0, 0]);
    expect(Array.from(normalizeInPlace(values, 3, 2).subarray(3))).toEqual([0, 0]);
    expect(() => normalizeInPlace(values, 4, 2)).toThrow(/row \[4, 6\) is outside an array of 5 values/);
  });

  it('normalizes every row and refuses a length that is not a multiple of dim', () => {
    const rows = normalizeRows(Float32Array.from([3, 4, 0, 0, 0, 2]), 2);
    expect(Array.from(rows)).toEqual([Math.fround(0.6), Math.fround(0.8), 0, 0, 0, 1]);
    expect(() => normalizeRows(new Float32Array(5), 2)).toThrow(/length 5 is not a multiple of dim 2/);
  });

  it('cosine is scale-free and 0 against a zero row', () => {
    const matrix = Float32Array.from([1, 1, 2, 2, 0, 0, 1, -1]);
    expect(cosineSimilarity(matrix, 2, 0, 1)).toBeCloseTo(1, 12);
    expect(cosineSimilarity(matrix, 2, 0, 2)).toBe(0);
    expect(cosineBetween(matrix, 0, matrix, 6, 2)).toBe(0);
  });
  it('dot adds the products one by one in index order (the same double as the plain loop, for every dim)', () => {
    let state = 3;
    const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
    // magnitudes from 1e-3 to 1e4: a sum in another order rounds differently
    const left = Float32Array.from({ length: 80 }, (_, i) => next() * 10 ** ((i % 8) - 3));
    const right = Float32Array.from({ length: 90 }, next);
    for (let dim = 0; dim <= 70; dim++) {
      let plain = 0;
      for (let d = 0; d < dim; d++) plain += left[3 + d]! * right[7 + d]!;
      expect(Object.is(dot(left, 3, right, 7, dim), plain)).toBe(true);
    }
  });
});
