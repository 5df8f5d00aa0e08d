import { describe, expect, it } from 'vitest';
import { indexOfSorted, lowerBound } from './sorted';

describe('lowerBound', () => {
  it('finds the first position whose value is at least the one asked for, in numbers, typed arrays and strings', () => {
    const values = new Uint32Array([1, 3, 3, 3, 7, 9]);
    expect([0, 1, 3, 4, 7, 9, 10].map((value) => lowerBound(values, value))).toEqual([0, 0, 1, 4, 4, 5, 6]);
    expect(lowerBound([0.5, 1.5, 2.5], 2)).toBe(2);
    expect(lowerBound(['abba', 'beat', 'bee', 'cold'], 'be')).toBe(1);
    expect(lowerBound([], 3)).toBe(0);
  });

  it('searches only inside [from, to)', () => {
    const values = [1, 2, 3, 4, 5, 6];
    expect(lowerBound(values, 1, 2, 5)).toBe(2);
    expect(lowerBound(values, 5, 2, 4)).toBe(4);
    expect(lowerBound(values, 4, 2, 5)).toBe(3);
  });

  it('indexOfSorted gives the position of a value present in the range, −1 otherwise', () => {
    const values = new Uint32Array([2, 4, 4, 8]);
    expect(indexOfSorted(values, 4)).toBe(1);
    expect(indexOfSorted(values, 5)).toBe(-1);
    expect(indexOfSorted(values, 9)).toBe(-1);
    expect(indexOfSorted(values, 2, 1)).toBe(-1);
    expect(indexOfSorted(values, 8, 0, 3)).toBe(-1);
  });
});
