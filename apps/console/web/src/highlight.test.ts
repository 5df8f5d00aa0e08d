import { describe, expect, it } from 'vitest';
import { fold, highlightSegments, matchTerms } from './highlight';

describe('highlight', () => {
  it('highlights the corrected word of a typo and keeps the rest plain', () => {
    const terms = matchTerms('hlao', ['typo: hlao→halo', 'popular']);
    expect(highlightSegments('Halo (Live)', terms)).toEqual([
      { text: 'Halo', hit: true },
      { text: ' (Live)', hit: false },
    ]);
  });

  it('highlights prefix completions and folds diacritics', () => {
    expect(fold('Beyoncé')).toBe('beyonce');
    const terms = matchTerms('lov beyo', ['prefix: lov→love', 'artist: beyonce']);
    expect(highlightSegments('Lovely Day', terms).filter((segment) => segment.hit).map((segment) => segment.text)).toEqual(['Lovely']);
    expect(highlightSegments('Beyoncé', terms)).toEqual([{ text: 'Beyoncé', hit: true }]);
  });

  it('returns the text unhighlighted when nothing matches', () => {
    expect(highlightSegments('Purple Rain', matchTerms('jazz', ['genre: jazz']))).toEqual([{ text: 'Purple Rain', hit: false }]);
  });
});
