import { describe, expect, it } from 'vitest';
import { pickDefined, withDefaults } from './objects';

describe('pickDefined', () => {
  it('copies the named keys whose values are defined, keeping null, 0, false and empty strings', () => {
    const value = { a: 1, b: undefined as number | undefined, c: null, d: 0, e: false, f: '', g: 'not asked' };
    const picked = pickDefined(value, ['a', 'b', 'c', 'd', 'e', 'f']);
    expect(picked).toStrictEqual({ a: 1, c: null, d: 0, e: false, f: '' });
    expect('b' in picked).toBe(false);
    expect('g' in picked).toBe(false);
  });
});

describe('withDefaults', () => {
  it('takes each field of the defaults from the options where set, as ?? does', () => {
    type Options = { dim?: number; seed?: number; mode?: string };
    const defaults: Required<Options> = { dim: 64, seed: 13, mode: 'binary' };
    expect(withDefaults<Options>(defaults, { dim: 8, seed: undefined })).toEqual({ dim: 8, seed: 13, mode: 'binary' });
    expect(withDefaults<Options>(defaults, {})).toEqual(defaults);
    expect(withDefaults<Options>(defaults, { seed: 0 })).toEqual({ dim: 64, seed: 0, mode: 'binary' });
  });

  it('copies no field the defaults do not name', () => {
    expect(withDefaults<{ dim?: number }>({ dim: 1 }, { dim: 2, extra: true } as { dim?: number })).toEqual({ dim: 2 });
  });
});
