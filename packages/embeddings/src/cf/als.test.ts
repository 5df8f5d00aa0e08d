import { Random, solveSpd } from '@mixtape/base';
import { describe, expect, it } from 'vitest';
import { foldInImplicitAls } from './als';

/** The fold-in one item at a time, as it was before the four-item blocks: the blocked one must equal it bit for bit. */
function foldInOneByOne(
  factors: { dim: number; items: ArrayLike<number>; itemGram: Float64Array; alpha: number; weighting?: 'binary' | 'log' },
  items: ArrayLike<number>,
  values: ArrayLike<number> | undefined,
  count: number,
  out: Float64Array,
): void {
  const f = factors.dim;
  const system = Float64Array.from(factors.itemGram);
  const rhs = new Float64Array(f);
  for (let n = 0; n < count; n++) {
    const o = items[n]! * f;
    const r = factors.weighting === 'log' && values ? Math.log1p(values[n]!) : 1;
    const c = 1 + factors.alpha * r;
    for (let a = 0; a < f; a++) {
      const va = factors.items[o + a]!;
      rhs[a]! += c * va;
      const scaled = (c - 1) * va;
      if (scaled === 0) continue;
      for (let b = 0; b <= a; b++) system[a * f + b]! += scaled * factors.items[o + b]!;
    }
  }
  solveSpd(system, rhs, f, out, new Float64Array(f * f));
}

describe('foldInImplicitAls', () => {
  it('equals the one-item-at-a-time solve bit for bit (float32 and float64 factors, zeros, log weights, any count)', () => {
    const random = new Random(3);
    for (let trial = 0; trial < 140; trial++) {
      const f = [1, 2, 3, 8, 16, 63, 64][trial % 7]!;
      const rows = 40;
      const wide = trial % 2 === 0;
      const items = wide ? new Float64Array(rows * f) : new Float32Array(rows * f);
      // some exact zeros, so an item's term is skipped in some rows of a block and not in others
      for (let i = 0; i < items.length; i++) items[i] = random.chance(0.1) ? 0 : random.gaussian() * 0.3;
      const gram = new Float64Array(f * f);
      for (let r = 0; r < rows; r++) for (let a = 0; a < f; a++) for (let b = 0; b < f; b++) gram[a * f + b]! += items[r * f + a]! * items[r * f + b]!;
      for (let a = 0; a < f; a++) gram[a * f + a]! += 0.1;
      const log = trial % 3 === 0;
      const factors = { dim: f, items, itemGram: gram, alpha: trial % 7 === 0 ? 0 : 10, weighting: log ? ('log' as const) : ('binary' as const) };
      const count = random.int(rows);
      const picked = Int32Array.from({ length: count }, () => random.int(rows));
      const values = Float64Array.from({ length: count }, () => random.int(20));
      const expected = new Float64Array(f);
      foldInOneByOne(factors, picked, log ? values : undefined, count, expected);
      const actual = new Float64Array(f);
      foldInImplicitAls(factors, picked, log ? values : undefined, count, actual, new Float64Array(2 * f * f + 2 * f));
      expect(Array.from(actual)).toEqual(Array.from(expected));
      // and the same written into float32, as Home's factor is
      const narrow = new Float32Array(f);
      foldInImplicitAls(factors, picked, log ? values : undefined, count, narrow, new Float64Array(2 * f * f + 2 * f));
      expect(Array.from(narrow)).toEqual(Array.from(Float32Array.from(expected)));
    }
  });
});
