// Tokens: folded words plus clause boundaries, the input of the lexicon's matcher and the number
// parsers. Words follow `foldedWords`, so a token sequence joins back into a `spacedKey`.
import { foldText } from './fold';

export interface Token {
  /** folded token text: a word, a number ("1.5"), a number with a unit ("45min") or a boundary mark */
  text: string;
  /** true for clause boundaries (, ; . ! ? and parentheses): matching never spans them */
  boundary: boolean;
}

const TOKEN_PATTERN = /\d+(?:\.\d+)?[a-z]*|[\p{L}\p{N}]+|[,;.!?()]/gu;
const BOUNDARY_MARKS = new Set([',', ';', '.', '!', '?', '(', ')']);

// A minus before a word, as search boxes take it ("rock -jazz"), is a negation: read as "no".
// Only after a space or at the start, before a letter, and not when the word ends in a hyphen
// ("-M-" is an artist): "k-pop", "lo-fi", "A - B" and "-5" stay. The search query language
// (@mixtape/search-index query-syntax.ts) reads a minus by the same rule.
const MINUS_OPERATOR = /(^|\s)-(?=\p{L}(?:\S*[^\s-])?(?:\s|$))/gu;

/** Folds and splits text into word and boundary tokens. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const operators = text.includes('-') ? text.replace(MINUS_OPERATOR, '$1no ') : text;
  for (const value of foldText(operators).match(TOKEN_PATTERN) ?? []) {
    tokens.push({ text: value, boundary: value.length === 1 && BOUNDARY_MARKS.has(value) });
  }
  return tokens;
}

/** The folded words of tokens[start, start + length) joined by spaces. */
export function joinTokens(tokens: readonly Token[], start: number, length: number): string {
  let text = '';
  for (let index = start; index < start + length && index < tokens.length; index += 1) {
    text = index === start ? (tokens[index] as Token).text : `${text} ${(tokens[index] as Token).text}`;
  }
  return text;
}
