// Query validation: what the service checks before searching. Folding and word splitting are the
// language package's (`nameWords`: case, diacritics, apostrophes, "&", zero-width characters,
// featuring markers), shared by indexing, querying and the playlist planner.
import { nameWords } from '@mixtape/language';

/** Longest query accepted by `validateQuery`, in characters (code points). */
export const MAX_QUERY_LENGTH = 200;

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
  const words = nameWords(query);
  if (words.length === 0) {
    return {
      ok: false,
      code: 'QUERY_NOTHING_SEARCHABLE',
      message: `${parameter} "${query}" has no letters or digits to search for`,
    };
  }
  return { ok: true, query, words };
}
