// Query and name normalization shared by indexing and querying, so both sides fold alike:
// case and diacritics ("Beyoncé" = "beyonce", via the lexicon's foldText: NFKD + strip marks),
// apostrophes ("Don't" = "dont"), "&" = "and", punctuation and runs of whitespace become one
// space, and the "feat." / "ft." / "featuring" markers are dropped (the featured name stays).
import { foldText } from '@mixtape/llm';

/** Longest query accepted by `validateQuery`, in characters (code points). */
export const MAX_QUERY_LENGTH = 200;

const FEATURING_MARKERS = new Set(['feat', 'ft', 'featuring']);

// ASCII text (nearly every name and query) takes a non-Unicode pattern, several times faster.
// eslint-disable-next-line no-control-regex
const ASCII_ONLY = /^[\u0000-\u007f]*$/;
const ASCII_WORD = /[a-z0-9]+/g;
const UNICODE_WORD = /[\p{L}\p{N}]+/gu;
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;

/** Words of a text after folding, featuring markers removed. Never throws; may be empty. */
export function normalizeWords(text: string): string[] {
  // Zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM) pasted inside a word must not split it.
  const folded = foldText(ASCII_ONLY.test(text) ? text : text.replace(ZERO_WIDTH, ''));
  const words = folded.match(ASCII_ONLY.test(folded) ? ASCII_WORD : UNICODE_WORD) ?? [];
  let kept = 0;
  for (const word of words) if (!FEATURING_MARKERS.has(word)) words[kept++] = word;
  words.length = kept;
  return words;
}

/** `normalizeWords` joined by single spaces: the form every index field and query is kept in. */
export function normalizeText(text: string): string {
  return normalizeWords(text).join(' ');
}

export type QueryProblemCode = 'EMPTY_QUERY' | 'QUERY_TOO_LONG' | 'QUERY_CONTROL_CHARACTER' | 'QUERY_NOTHING_SEARCHABLE';

export type QueryValidation =
  | { ok: true; /** the query, trimmed */ query: string; /** its normalized words */ words: string[] }
  | { ok: false; code: QueryProblemCode; message: string };

export interface ValidateQueryOptions {
  /** default MAX_QUERY_LENGTH (200) */
  maxLength?: number;
  /** name of the parameter in messages (default "q") */
  parameter?: string;
}

// C0 and C1 control characters, DEL included; tabs and newlines count (a search box never sends them).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * What the service checks before searching: not empty, not longer than `maxLength`, no control
 * characters, and at least one letter or digit. Returns a code and a message a person can act on.
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
  const words = normalizeWords(query);
  if (words.length === 0) {
    return {
      ok: false,
      code: 'QUERY_NOTHING_SEARCHABLE',
      message: `${parameter} "${query}" has no letters or digits to search for`,
    };
  }
  return { ok: true, query, words };
}
