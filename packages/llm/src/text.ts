// Text folding and tokenization shared by the lexicon, the planner and refinement. Folding makes
// matching robust to case, diacritics and punctuation: "Beyoncé" = "beyonce", "trip-hop" =
// "trip hop" = "triphop" (through compact keys), "r&b" = "r and b", "90's" = "90s".

const SPECIAL_LETTERS: Record<string, string> = {
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
};
const SPECIAL_LETTER_PATTERN = /[øæœßłđðþıħ]/g;

/** Lowercase, strip diacritics, unify apostrophes, spell out "&" and "+" between words. */
export function foldText(text: string): string {
  // Most names and queries are plain ASCII: skip Unicode normalization for them (3x faster).
  const lower = ASCII_ONLY.test(text) ? text.toLowerCase() : foldUnicode(text);
  return NEEDS_PUNCTUATION_FOLD.test(lower) ? lower.replace(/['’‘`´]/g, '').replace(/&/g, ' and ') : lower;
}

// eslint-disable-next-line no-control-regex
const ASCII_ONLY = /^[\u0000-\u007f]*$/;
const NEEDS_PUNCTUATION_FOLD = /['’‘`´&]/;

function foldUnicode(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(SPECIAL_LETTER_PATTERN, (letter) => SPECIAL_LETTERS[letter] ?? letter);
}

export interface Token {
  /** folded token text: a word, a number ("1.5"), a number with a unit ("45min") or a boundary mark */
  text: string;
  /** true for clause boundaries (, ; . ! ? and parentheses): matching never spans them */
  boundary: boolean;
}

const TOKEN_PATTERN = /\d+(?:\.\d+)?[a-z]*|[\p{L}\p{N}]+|[,;.!?()]/gu;

/** Folds and splits text into word and boundary tokens. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const value of foldText(text).match(TOKEN_PATTERN) ?? []) {
    tokens.push({ text: value, boundary: value.length === 1 && BOUNDARY_MARKS.has(value) });
  }
  return tokens;
}

const BOUNDARY_MARKS = new Set([',', ';', '.', '!', '?', '(', ')']);

/** Words of a name, folded, joined by single spaces: "AC/DC" → "ac dc", "Beyoncé" → "beyonce". */
export function spacedKey(text: string): string {
  const folded = foldText(text);
  // ASCII text (nearly every name) takes a non-Unicode regex, several times faster.
  const pattern = ASCII_ONLY.test(folded) ? ASCII_WORD_PATTERN : WORD_PATTERN;
  return (folded.match(pattern) ?? []).join(' ');
}

const ASCII_WORD_PATTERN = /\d+(?:\.\d+)?[a-z]*|[a-z0-9]+/g;

const WORD_PATTERN = /\d+(?:\.\d+)?[a-z]*|[\p{L}\p{N}]+/gu;

/** Words of a name with no separators: "Trip-Hop" → "triphop", "R&B" → "randb". */
export function compactKey(text: string): string {
  return spacedKey(text).replace(/ /g, '');
}
