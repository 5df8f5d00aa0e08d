// Text folding: the one way Mixtape compares words. Case, diacritics, apostrophes, "&" and
// zero-width characters never decide whether two words are the same: "Beyoncé" = "beyonce",
// "90's" = "90s", "R&B" = "r and b", "trip-hop" = "trip hop" = "triphop" (through compact keys).
// Search's index, the catalog's artist keys, the lexicon and the planner all fold through here.

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

// eslint-disable-next-line no-control-regex
const ASCII_ONLY = /^[\u0000-\u007f]*$/;
const NEEDS_PUNCTUATION_FOLD = /['’‘`´&]/;
/** ZWSP, ZWNJ, ZWJ, word joiner, BOM: pasted inside a word, they must not split it. */
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;

/** Lowercase, strip diacritics and zero-width characters, drop apostrophes, spell out "&". */
export function foldText(text: string): string {
  // Most names and queries are plain ASCII: skip Unicode normalization for them (3x faster).
  const lower = ASCII_ONLY.test(text) ? text.toLowerCase() : foldUnicode(text);
  return NEEDS_PUNCTUATION_FOLD.test(lower) ? lower.replace(/['’‘`´]/g, '').replace(/&/g, ' and ') : lower;
}

function foldUnicode(text: string): string {
  return text
    .replace(ZERO_WIDTH, '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(SPECIAL_LETTER_PATTERN, (letter) => SPECIAL_LETTERS[letter] ?? letter);
}

// A word is a number with an optional decimal part and unit ("1.5", "45min", "90s") or a run of
// letters and digits. ASCII text (nearly every name) takes the non-Unicode pattern, several times faster.
const ASCII_WORD_PATTERN = /\d+(?:\.\d+)?[a-z]*|[a-z0-9]+/g;
const WORD_PATTERN = /\d+(?:\.\d+)?[a-z]*|[\p{L}\p{N}]+/gu;

/** Folded words of a text: "AC/DC – Back in Black" → ["ac", "dc", "back", "in", "black"]. Never throws. */
export function foldedWords(text: string): string[] {
  const folded = foldText(text);
  return folded.match(ASCII_ONLY.test(folded) ? ASCII_WORD_PATTERN : WORD_PATTERN) ?? [];
}

/** Words of a name, folded, joined by single spaces: "AC/DC" → "ac dc", "Beyoncé" → "beyonce". */
export function spacedKey(text: string): string {
  return foldedWords(text).join(' ');
}

/** Words of a name with no separators: "Trip-Hop" → "triphop", "R&B" → "randb". */
export function compactKey(text: string): string {
  return foldedWords(text).join('');
}

const CREDIT_MARKERS = new Set(['feat', 'ft', 'featuring']);

/**
 * Words of a title, name or search query as they are indexed and matched: folded, with the
 * credit markers "feat." / "ft." / "featuring" dropped (the featured name stays).
 */
export function nameWords(text: string): string[] {
  const words = foldedWords(text);
  let kept = 0;
  for (const word of words) if (!CREDIT_MARKERS.has(word)) words[kept++] = word;
  words.length = kept;
  return words;
}

/** `nameWords` joined by single spaces: "Crazy In Love (feat. Jay-Z)" → "crazy in love jay z". */
export function nameText(text: string): string {
  return nameWords(text).join(' ');
}

/**
 * The identity key of a name across sources (artist ids of importers that have none, genre
 * enrichment by artist name): its folded words, or — for a name with no letters or digits, such
 * as "!!!" — the name itself, lowercased, so such names never collide on an empty key.
 */
export function identityKey(name: string): string {
  const key = spacedKey(name);
  return key.length > 0 ? key : name.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * The key under which two recordings are the same song for a playlist: "Song (Remastered 2011)
 * - Radio Edit" and "song" match. Brackets and a " - suffix" are dropped before folding.
 */
export function songKey(title: string): string {
  const base = title.replace(/\s*[([].*?[)\]]/g, '').replace(/\s+-\s+.*$/, '');
  const key = spacedKey(base);
  if (key.length > 0) return key;
  return identityKey(title);
}
