import { describe, expect, it } from 'vitest';
import { pickDefined } from './objects';

describe('pickDefined', () => {
  it('copies the named keys whose values are defined, keeping null, 0, false and empty strings', () => {
    const value = { a: 1, b: undefined as number | undefined, c: null, d: 0, e: false, f: '', g: 'not asked' };
    const picked = pickDefined(value, ['a', 'b', 'c', 'd', 'e', 'f']);
    expect(picked).toStrictEqual({ a: 1, c: null, d: 0, e: false, f: '' });
    expect('b' in picked).toBe(false);
    expect('g' in picked).toBe(false);
  });
});
