/**
 * A typo a person would make: two neighbouring letters swapped in the middle of the longest
 * word (deterministic, so demos and load tests send the same queries every run). Words shorter
 * than four letters are left alone.
 */
export function misspellLongestWord(text: string): string {
  const words = text.split(' ');
  const longest = words.reduce((best, word, i) => (word.length > (words[best]?.length ?? 0) ? i : best), 0);
  const word = words[longest] ?? '';
  if (word.length < 4) return text;
  const middle = Math.floor(word.length / 2);
  words[longest] = word.slice(0, middle - 1) + word[middle] + word[middle - 1] + word.slice(middle + 1);
  return words.join(' ');
}
