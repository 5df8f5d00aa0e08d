import { describe, expect, it } from 'vitest';
import { editDistance } from './edit-distance';

describe('editDistance', () => {
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
