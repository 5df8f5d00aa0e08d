import { describe, expect, it } from 'vitest';
import { editDistance } from './fuzzy';

describe('editDistance (optimal string alignment)', () => {
  it('counts substitutions, insertions, deletions and adjacent transpositions as one edit', () => {
    expect(editDistance('beyonse', 'beyonce')).toBe(1);
    expect(editDistance('halo', 'hallo')).toBe(1);
    expect(editDistance('halo', 'hao')).toBe(1);
    expect(editDistance('teh', 'the')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('stops past the limit', () => {
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3);
  });
});

describe('editDistance scratch rows', () => {
  it('gives the same answers after a longer word grew the shared buffer', () => {
    expect(editDistance('a'.repeat(200), 'a'.repeat(199) + 'b')).toBe(1);
    expect(editDistance('clasic', 'classic', 1)).toBe(1);
    expect(editDistance('reggeaton', 'reggaeton', 1)).toBe(1);
  });
});
