// Typo-tolerant genre matching: a word (or two joined) within one edit of a genre name the lexicon
// knows ("reggeaton", "clasic rock"). Only for longer words that matched nothing else, so common
// words never turn into genres ("hours" is not "house").
import { COMMON_WORDS } from './vocabulary';

/** Shortest word (or joined pair) tried; one edit allowed, two from `TWO_EDITS_FROM` letters. */
const MIN_LETTERS = 7;
const TWO_EDITS_FROM = 10;

/** The closest genre key within the allowed edits, or undefined. */
export function closestGenreKey(genreKeys: readonly string[], word: string): string | undefined {
  if (word.length < MIN_LETTERS || COMMON_WORDS.has(word) || !/^[a-z]+$/.test(word)) return undefined;
  const allowed = word.length >= TWO_EDITS_FROM ? 2 : 1;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const key of genreKeys) {
    if (Math.abs(key.length - word.length) > allowed || key.length < MIN_LETTERS - 1) continue;
    const distance = editDistance(word, key, bestDistance - 1);
    if (distance < bestDistance) [best, bestDistance] = [key, distance];
  }
  return best;
}

/** Optimal-string-alignment distance (adjacent swaps count one), or limit + 1 once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const cols = b.length + 1;
  // three rows in one reused buffer (called for every genre key on every unmatched long word)
  if (rowsBuffer.length < 3 * cols) rowsBuffer = new Int32Array(6 * cols);
  const rows = rowsBuffer;
  let previous2 = 0;
  let previous = cols;
  let current = 2 * cols;
  for (let j = 0; j < cols; j++) rows[previous + j] = j;
  for (let i = 1; i <= a.length; i++) {
    rows[current] = i;
    let rowMin = i;
    const charA = a.charCodeAt(i - 1);
    for (let j = 1; j < cols; j++) {
      const cost = charA === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min(rows[previous + j]! + 1, rows[current + j - 1]! + 1, rows[previous + j - 1]! + cost);
      if (i > 1 && j > 1 && charA === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) value = Math.min(value, rows[previous2 + j - 2]! + 1);
      rows[current + j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    const oldest = previous2;
    previous2 = previous;
    previous = current;
    current = oldest;
  }
  return rows[previous + cols - 1]!;
}
let rowsBuffer = new Int32Array(96);
