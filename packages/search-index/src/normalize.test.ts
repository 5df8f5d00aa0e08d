import { describe, expect, it } from 'vitest';
import { MAX_QUERY_LENGTH, validateQuery } from './normalize';

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

  it('accepts a query of symbols (an emoji title), variation selectors dropped', () => {
    expect(validateQuery(' 🔥🔥🔥 ')).toEqual({ ok: true, query: '🔥🔥🔥', words: ['🔥🔥🔥', '🔥'] });
    expect(validateQuery('👍🏽🎸')).toMatchObject({ ok: true, words: ['👍🎸', '👍', '🎸'] });
    expect(validateQuery('❤️ ☕')).toMatchObject({ ok: true, words: ['❤', '☕'] });
  });
});
