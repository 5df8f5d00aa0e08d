// Which parts of a result's name to highlight, from the query and the engine's `matched` labels
// ("title: Halo", "typo: beyonse→Beyoncé", "prefix: lov→Love", "artist: Beyoncé", "genre: trip-hop": labels carry the catalog's spelling, folded here).

export interface Segment {
  text: string;
  hit: boolean;
}

/** Lowercase without diacritics: "Beyoncé" → "beyonce". */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const WORD = /[\p{L}\p{N}']+/gu;

/** The words a result was found by: each label's target (after →) plus the query's own words. */
export function matchTerms(query: string, matched: readonly string[]): string[] {
  const terms = new Set<string>();
  const add = (text: string) => {
    for (const word of fold(text).match(WORD) ?? []) if (word.length >= 2) terms.add(word);
  };
  add(query);
  for (const label of matched) {
    const colon = label.indexOf(':');
    if (colon < 0) continue;
    const value = label.slice(colon + 1);
    const arrow = value.lastIndexOf('→');
    add(arrow >= 0 ? value.slice(arrow + 1) : value);
  }
  return [...terms];
}

/**
 * Splits `text` into highlighted and plain segments: a word is highlighted when it starts with
 * one of `terms` (prefix typing) or one of `terms` starts with it (the last, partial query word).
 */
export function highlightSegments(text: string, terms: readonly string[]): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  const push = (segment: Segment) => {
    if (segment.text === '') return;
    const previous = segments.at(-1);
    if (previous && previous.hit === segment.hit) previous.text += segment.text;
    else segments.push(segment);
  };
  for (const match of text.matchAll(WORD)) {
    const word = fold(match[0]);
    const hit = terms.some((term) => word.startsWith(term) || (word.length >= 3 && term.startsWith(word)));
    push({ text: text.slice(last, match.index), hit: false });
    push({ text: match[0], hit });
    last = match.index + match[0].length;
  }
  push({ text: text.slice(last), hit: false });
  return segments;
}
