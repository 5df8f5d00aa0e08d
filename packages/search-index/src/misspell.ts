// Query typos for quality suites and benchmarks: one random edit of a word.

/** Exactly one edit: substitution, deletion, insertion or transposition of adjacent letters. */
export function misspell(word: string, random: () => number): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (;;) {
    const kind = Math.floor(random() * 4);
    const at = Math.floor(random() * word.length);
    let result = word;
    if (kind === 0) {
      const letter = letters[Math.floor(random() * 26)]!;
      result = word.slice(0, at) + letter + word.slice(at + 1);
    } else if (kind === 1) result = word.slice(0, at) + word.slice(at + 1);
    else if (kind === 2) result = word.slice(0, at) + letters[Math.floor(random() * 26)]! + word.slice(at);
    else if (at < word.length - 1) result = word.slice(0, at) + word[at + 1]! + word[at]! + word.slice(at + 2);
    if (result !== word) return result;
  }
}
