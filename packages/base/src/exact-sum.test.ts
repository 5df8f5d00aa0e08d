import { describe, expect, it } from 'vitest';
import { Random } from './random';
import { addExact, exactSum, roundExact } from './exact-sum';

describe('exact sums', () => {
  it('give the correctly rounded sum whatever the order (naive sums do not)', () => {
    expect(exactSum([1e16, 1, -1e16])).toBe(1);
    expect(exactSum([0.1, 0.2, 0.3])).toBe(0.6);
    const random = new Random(3);
    const values = Array.from({ length: 5_000 }, () => Math.fround((random.next() - 0.5) * 10 ** Math.floor(random.next() * 8)));
    const forward = exactSum(values);
    const reversed = exactSum([...values].reverse());
    const shuffled = exactSum([...values].sort(() => random.next() - 0.5));
    expect(reversed).toBe(forward);
    expect(shuffled).toBe(forward);
    // merging two halves' partials gives the same answer (a combiner's merge)
    const left: number[] = [];
    const right: number[] = [];
    values.forEach((value, k) => addExact(k % 2 ? left : right, value));
    for (const partial of right) addExact(left, partial);
    expect(roundExact(left)).toBe(forward);
    expect(exactSum([])).toBe(0);
  });
});
