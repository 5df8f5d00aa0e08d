import { describe, expect, it } from 'vitest';
import { selectTopK } from './top-k';

describe('selectTopK', () => {
  it('returns the best items first, ties to the lower index, skipping -Infinity', () => {
    const scores = Float32Array.from([0.5, 2, -Infinity, 2, 1, 0.1]);
    const items = new Int32Array(3);
    const out = new Float32Array(3);
    expect(selectTopK(scores, 3, items, out)).toBe(3);
    expect(Array.from(items)).toEqual([1, 3, 4]);
    expect(Array.from(out)).toEqual([2, 2, 1]);
  });

  it('pads with -1 when fewer candidates than K', () => {
    const items = new Int32Array(4);
    const out = new Float32Array(4);
    expect(selectTopK(Float32Array.from([-Infinity, 3, 1]), 4, items, out)).toBe(2);
    expect(Array.from(items)).toEqual([1, 2, -1, -1]);
  });

  it('agrees with a full sort on random data', () => {
    const scores = new Float32Array(1000);
    for (let i = 0; i < scores.length; i++) scores[i] = Math.round(Math.sin(i * 12.9898) * 43758.5453) % 97;
    const items = new Int32Array(25);
    selectTopK(scores, 25, items, new Float32Array(25));
    const expected = Array.from(scores.keys())
      .sort((a, b) => scores[b]! - scores[a]! || a - b)
      .slice(0, 25);
    expect(Array.from(items)).toEqual(expected);
  });
});
