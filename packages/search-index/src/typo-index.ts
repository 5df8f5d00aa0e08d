// Typo tolerance over the vocabulary by deletion neighbourhood (SymSpell): every term is stored
// under each string obtained by deleting up to its allowed number of letters; a query word looks
// up its own deletions and keeps the terms within its allowed edit distance (optimal string
// alignment, so a swap of neighbours is one edit). Unlike prefix tries, a first-letter typo
// ("geyonce") is found like any other. Stored as two sorted Uint32Arrays (hash of the deletion,
// term id), so the bundle holds it as raw bytes.
import { lowerBound } from '@mixtape/base';
import { editDistance } from '@mixtape/language';

const HAS_LETTER = /\p{L}/u;

/**
 * Allowed edits grow with word length: none up to 3 characters, 1 up to 7, 2 from 8; never in
 * words with digits ("2pac" is a name, "1999" a year) or without letters ("🔥🔥🔥": an edit of
 * UTF-16 units would split an emoji).
 */
export function maxEdits(word: string): number {
  if (word.length <= 3 || /\d/.test(word) || !HAS_LETTER.test(word)) return 0;
  return word.length <= 7 ? 1 : 2;
}

/**
 * Edits a query word may have: maxEdits, and one for a three-letter word — matched only against
 * longer terms (a dropped letter: "gil" → "girl"), since three-letter terms are not indexed.
 */
export function queryEdits(word: string): number {
  return word.length === 3 && !/\d/.test(word) && HAS_LETTER.test(word) ? 1 : maxEdits(word);
}

export interface TypoArrays {
  hashes: Uint32Array;
  termIds: Uint32Array;
}

export interface TypoCandidate {
  term: number;
  distance: number;
}

export class TypoIndex {
  constructor(
    readonly arrays: TypoArrays,
    private readonly terms: readonly string[],
  ) {}

  static build(terms: readonly string[]): TypoIndex {
    let hashes: number[] = [];
    let ids: number[] = [];
    const seen = new Set<string>();
    for (let id = 0; id < terms.length; id++) {
      const term = terms[id]!;
      const edits = maxEdits(term);
      if (edits === 0) continue;
      seen.clear();
      deletions(term, edits, seen);
      for (const variant of seen) {
        hashes.push(fnv1a(variant));
        ids.push(id);
      }
    }
    const order = Array.from(hashes, (_, i) => i).sort((a, b) => hashes[a]! - hashes[b]! || ids[a]! - ids[b]!);
    const sortedHashes = Uint32Array.from(order, (i) => hashes[i]!);
    const sortedIds = Uint32Array.from(order, (i) => ids[i]!);
    hashes = [];
    ids = [];
    return new TypoIndex({ hashes: sortedHashes, termIds: sortedIds }, terms);
  }

  get size(): number {
    return this.arrays.hashes.length;
  }

  /**
   * Vocabulary terms within `queryEdits(word)` edits of the word (the word itself excluded),
   * nearest first, then by `rank` (lower first: e.g. more frequent terms).
   */
  candidates(word: string, limit = 16, rank: (term: number) => number = (term) => term): TypoCandidate[] {
    const edits = queryEdits(word);
    if (edits === 0) return [];
    const variants = new Set<string>();
    deletions(word, edits, variants);
    const found = new Map<number, number>();
    const { hashes, termIds } = this.arrays;
    for (const variant of variants) {
      const hash = fnv1a(variant);
      for (let j = lowerBound(hashes, hash); j < hashes.length && hashes[j] === hash; j++) {
        const id = termIds[j]!;
        if (found.has(id)) continue;
        const term = this.terms[id]!;
        if (term === word) continue;
        const distance = editDistance(word, term, edits);
        found.set(id, distance <= Math.min(edits, Math.max(1, maxEdits(term))) ? distance : -1);
      }
    }
    const out: TypoCandidate[] = [];
    for (const [term, distance] of found) if (distance > 0) out.push({ term, distance });
    out.sort((a, b) => a.distance - b.distance || rank(a.term) - rank(b.term) || a.term - b.term);
    return out.length > limit ? out.slice(0, limit) : out;
  }
}

/** The word and every string made by deleting up to `edits` of its letters. */
function deletions(word: string, edits: number, out: Set<string>): void {
  out.add(word);
  if (edits === 0 || word.length <= 1) return;
  for (let i = 0; i < word.length; i++) {
    const shorter = word.slice(0, i) + word.slice(i + 1);
    if (!out.has(shorter) || edits > 1) deletions(shorter, edits - 1, out);
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
