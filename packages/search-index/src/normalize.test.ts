import { describe, expect, it } from 'vitest';
import { MAX_QUERY_LENGTH, normalizeText, normalizeWords, validateQuery } from './normalize';

describe('normalizeText', () => {
  it('folds case and diacritics', () => {
    expect(normalizeText('Beyoncé')).toBe('beyonce');
    expect(normalizeText('ÉLECTRIQUE Zoé')).toBe('electrique zoe');
    expect(normalizeText('Sigur Rós – Ágætis byrjun')).toBe('sigur ros agaetis byrjun');
  });

  it('drops feat./ft./featuring markers but keeps the featured name', () => {
    expect(normalizeText('Crazy In Love (feat. Jay-Z)')).toBe('crazy in love jay z');
    expect(normalizeText('Song ft. Drake')).toBe('song drake');
    expect(normalizeText('Song Featuring Drake')).toBe('song drake');
  });

  it('spells "&" as "and", removes apostrophes and punctuation, collapses whitespace', () => {
    expect(normalizeText('Simon & Garfunkel')).toBe('simon and garfunkel');
    expect(normalizeText("Don't   Stop Me Now!!")).toBe('dont stop me now');
    expect(normalizeText('AC/DC - Back In Black (Remastered)')).toBe('ac dc back in black remastered');
  });

  it('never throws and returns no words for text without letters or digits', () => {
    expect(normalizeWords('  ...  ')).toEqual([]);
    expect(normalizeText('')).toBe('');
  });
});

describe('validateQuery', () => {
  it('accepts a normal query, trimmed, with its words', () => {
    expect(validateQuery('  beyonse halo ')).toEqual({ ok: true, query: 'beyonse halo', words: ['beyonse', 'halo'] });
  });

  it('rejects empty and whitespace-only queries', () => {
    expect(validateQuery('')).toMatchObject({ ok: false, code: 'EMPTY_QUERY' });
    expect(validateQuery('   ')).toMatchObject({ ok: false, code: 'EMPTY_QUERY' });
  });

  it('rejects over-long queries and says the limit', () => {
    const result = validateQuery('a'.repeat(MAX_QUERY_LENGTH + 1));
    expect(result).toMatchObject({ ok: false, code: 'QUERY_TOO_LONG' });
    expect(!result.ok && result.message).toContain(`at most ${MAX_QUERY_LENGTH}`);
    expect(validateQuery('a'.repeat(MAX_QUERY_LENGTH)).ok).toBe(true);
  });

  it('rejects control characters and says which and where', () => {
    const result = validateQuery('halo\u0000beyonce');
    expect(result).toMatchObject({ ok: false, code: 'QUERY_CONTROL_CHARACTER' });
    expect(!result.ok && result.message).toContain('(U+0000) at position 4');
    expect(validateQuery('a\nb')).toMatchObject({ ok: false, code: 'QUERY_CONTROL_CHARACTER' });
  });

  it('rejects queries with nothing searchable', () => {
    expect(validateQuery('?!')).toMatchObject({ ok: false, code: 'QUERY_NOTHING_SEARCHABLE' });
  });
});
