import { describe, expect, it } from 'vitest';
import { misspellLongestWord } from './typos';

describe('misspellLongestWord', () => {
  it('swaps the two middle letters of the longest word only', () => {
    expect(misspellLongestWord('halo beyonce')).toBe('halo beoynce');
    expect(misspellLongestWord('purple rain')).toBe('puprle rain');
  });

  it('leaves words shorter than four letters alone', () => {
    expect(misspellLongestWord('abc de')).toBe('abc de');
  });
});
