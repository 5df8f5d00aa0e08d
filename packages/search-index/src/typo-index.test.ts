import { describe, expect, it } from 'vitest';
import { TypoIndex, maxEdits, queryEdits } from './typo-index';

const terms = ['beyonce', 'girl', 'halo', 'hello', 'garfunkel', 'lady', 'love', 'the'].sort();
const index = TypoIndex.build(terms);
const found = (word: string) => index.candidates(word).map(({ term, distance }) => `${terms[term]}:${distance}`);

describe('TypoIndex (deletion neighbourhood)', () => {
  it('scales allowed edits with word length and never edits numbers', () => {
    expect([maxEdits('the'), maxEdits('halo'), maxEdits('beyonce'), maxEdits('garfunkel'), maxEdits('1999')]).toEqual([0, 1, 1, 2, 0]);
    expect([queryEdits('gil'), queryEdits('ab'), queryEdits('2pc')]).toEqual([1, 0, 0]);
  });

  it('finds first-letter typos and swapped neighbours as one edit', () => {
    expect(found('geyonce')).toEqual(['beyonce:1']);
    expect(found('layd')).toEqual(['lady:1']);
    expect(found('hlao')).toEqual(['halo:1']);
  });

  it('allows two edits only from eight letters', () => {
    expect(found('grafunkle')).toEqual(['garfunkel:2']);
    expect(found('beyoncce')).toEqual(['beyonce:1']);
    expect(found('hallo')).toEqual(expect.arrayContaining(['halo:1', 'hello:1']));
    expect(found('hxllx')).toEqual([]);
  });

  it('lets a three-letter word regain a dropped letter, and leaves the word itself out', () => {
    expect(found('gil')).toEqual(['girl:1']);
    expect(found('love')).not.toContain('love:0');
  });
});
