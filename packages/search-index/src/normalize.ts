// Query validation: what the service checks before searching. Folding and word splitting are the
// language package's (`nameWords`: case, diacritics, apostrophes, "&", zero-width characters,
// featuring markers), shared by indexing, querying and the playlist planner.
import { nameWords } from '@mixtape/language';
import { parseSearchQuery, SearchSyntaxError } from './query-syntax';

// A name or query with no letter or digit ("🔥🔥🔥", "☕ ♥") is matched by its symbols: each
// whitespace-separated run that holds a symbol (emoji, ♥, $), then the run's distinct characters
// (grapheme clusters), so the one emoji a person types first ("🔥") finds "🔥🔥🔥" as typeahead does.
// Variation selectors and skin tones are dropped so "❤️" and "❤", "👍🏽" and "👍" are one word.
// Only then: a title with words keeps its words alone (the index of every other catalog is
// unchanged), and punctuation alone ("?!", "...") stays unsearchable.
const SYMBOL = /\p{S}/u;
const VARIATION_SELECTORS_AND_SKIN_TONES = /\uFE0E|\uFE0F|[\u{1F3FB}-\u{1F3FF}]/gu;
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The words a name or query is indexed and matched by: `nameWords` (folded letters and digits),
 * or, when it has none, its runs of symbols, each followed by its other distinct characters
 * ("🔥🔥🔥" → ["🔥🔥🔥", "🔥"], "👍🏽" → ["👍"]).
 */
export function searchWords(text: string): string[] {
  const words = nameWords(text);
  if (words.length > 0 || !SYMBOL.test(text)) return words;
  const symbols: string[] = [];
  for (const run of text.normalize('NFKC').replace(VARIATION_SELECTORS_AND_SKIN_TONES, '').split(/\s+/u)) {
    if (!SYMBOL.test(run)) continue;
    symbols.push(run);
    for (const { segment } of GRAPHEMES.segment(run)) if (SYMBOL.test(segment) && !symbols.includes(segment)) symbols.push(segment);
  }
  return symbols;
}

/** `searchWords` joined by single spaces: an entity's indexed name. */
export function searchText(text: string): string {
  return searchWords(text).join(' ');
}

/** Longest query accepted by `validateQuery`, in characters (code points). */
export const MAX_QUERY_LENGTH = 200;

export type QueryProblemCode = 'EMPTY_QUERY' | 'QUERY_TOO_LONG' | 'QUERY_CONTROL_CHARACTER' | 'QUERY_NOTHING_SEARCHABLE' | 'SEARCH_SYNTAX';

export type QueryValidation =
  | { ok: true; /** the query, trimmed */ query: string; /** its normalized words */ words: string[] }
  | { ok: false; code: QueryProblemCode; message: string };

export interface ValidateQueryOptions {
  /** default MAX_QUERY_LENGTH (200) */
  maxLength?: number;
  /** name of the parameter in messages (default "q") */
  parameter?: string;
  /** default true: refuse what the query language cannot read (SEARCH_SYNTAX: a field without a word); false for typeahead, which reads no operators */
  syntax?: boolean;
}

// C0 and C1 control characters, DEL included; tabs and newlines count (a search box never sends them).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * What the service checks before searching: not empty, not longer than `maxLength`, no control
 * characters, and at least one letter, digit or symbol (an emoji title is searchable). Returns a code and a message a person can act on.
 */
export function validateQuery(raw: string, options: ValidateQueryOptions = {}): QueryValidation {
  const maxLength = options.maxLength ?? MAX_QUERY_LENGTH;
  const parameter = options.parameter ?? 'q';
  const control = CONTROL_CHARACTER.exec(raw);
  if (control) {
    const codePoint = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return {
      ok: false,
      code: 'QUERY_CONTROL_CHARACTER',
      message: `${parameter} contains a control character (U+${codePoint}) at position ${control.index}; send plain text without tabs, newlines or other control characters`,
    };
  }
  const query = raw.trim();
  if (query.length === 0) {
    return { ok: false, code: 'EMPTY_QUERY', message: `${parameter} is empty; send the text to search for, e.g. ${parameter}=daft+punk` };
  }
  const length = [...query].length;
  if (length > maxLength) {
    return {
      ok: false,
      code: 'QUERY_TOO_LONG',
      message: `${parameter} is ${length} characters long; at most ${maxLength} are allowed`,
    };
  }
  const words = searchWords(query);
  if (words.length === 0) {
    return {
      ok: false,
      code: 'QUERY_NOTHING_SEARCHABLE',
      message: `${parameter} "${query}" has no letters, digits or symbols to search for`,
    };
  }
  try {
    if (options.syntax !== false) parseSearchQuery(query);
  } catch (error) {
    if (!(error instanceof SearchSyntaxError)) throw error;
    return { ok: false, code: 'SEARCH_SYNTAX', message: `${parameter}: ${error.message}` };
  }
  return { ok: true, query, words };
}
