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
export function editDistance(a: string, b: string, limit: number): number {
  if (a === b) return 0;
  const rows = a.length + 1;
  const cols = b.length + 1;
  let previous2 = new Array<number>(cols).fill(0);
  let previous = Array.from({ length: cols }, (_unused, j) => j);
  let current = new Array<number>(cols).fill(0);
  for (let i = 1; i < rows; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, previous2[j - 2]! + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    [previous2, previous, current] = [previous, current, previous2];
  }
  return previous[cols - 1]!;
}
