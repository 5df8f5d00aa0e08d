// Matching: scans a text left to right, taking the longest phrase at each position (a number
// phrase, a lexicon phrase or an artist name), and scopes each term with the cue before it.
// A query costs a few map lookups per token, whatever the catalog's size.
import { CONNECTOR_WORDS, REMAINDER_STOPWORDS, SCOPE_BREAK_WORDS, SCOPE_SKIP_WORDS } from './cues';
import { spacedKey } from './fold';
import type { Lexicon, PhraseEntry } from './lexicon';
import { matchNumeric } from './numbers';
import type { MatchedTerm, Modifier, TermMatch } from './terms';
import type { Token } from './tokens';
import { tokenize } from './tokens';

interface Candidate {
  length: number;
  term?: Omit<MatchedTerm, 'modifier'>;
  modifier?: Modifier;
}

/** Scans text into matched terms with their cue modifiers ("no", "like", "less", "more", …). */
export function matchTerms(lexicon: Lexicon, text: string): TermMatch {
  const tokens = tokenize(text);
  const context: MatchContext = { capitalized: capitalizedWords(text), hasCapitals: /\p{Lu}/u.test(text), wholeText: tokens.length };
  const terms: MatchedTerm[] = [];
  const remainder: string[] = [];
  // A cue applies to the next term; "or"/"and"/"nor" carry it on to the one after
  // ("no drake or future"), anything else ends it ("not too upbeat r&b" softens only "upbeat").
  let scope: Modifier = 'none';
  let carried: Modifier = 'none';
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index] as Token;
    if (token.boundary || SCOPE_BREAK_WORDS.has(token.text)) {
      scope = 'none';
      carried = 'none';
      index += 1;
      continue;
    }
    if (scope === 'none' && carried !== 'none' && CONNECTOR_WORDS.has(token.text)) {
      scope = carried;
      carried = 'none';
      index += 1;
      continue;
    }
    const candidate = bestCandidate(lexicon, tokens, index, scope, context);
    if (candidate?.modifier) {
      scope = combineModifiers(scope, candidate.modifier);
      carried = 'none';
      index += candidate.length;
      continue;
    }
    if (candidate?.term) {
      terms.push({ ...candidate.term, modifier: scope });
      carried = scope;
      scope = 'none';
      index += candidate.length;
      continue;
    }
    // An unmatched word ends a cue's scope unless it is filler ("no songs by Drake").
    if (!SCOPE_SKIP_WORDS.has(token.text)) {
      scope = 'none';
      carried = 'none';
    }
    if (!REMAINDER_STOPWORDS.has(token.text)) remainder.push(token.text);
    index += 1;
  }
  return { terms, remainder };
}

function combineModifiers(current: Modifier, next: Modifier): Modifier {
  // "no songs by X", "nothing like X": the negation carries through the attribution cue.
  if (current === 'negated' && (next === 'by' || next === 'like')) return 'negated';
  if (current === 'more' && (next === 'like' || next === 'by')) return 'more';
  return next;
}

interface MatchContext {
  /** folded words written with a capital letter in the original text */
  capitalized: ReadonlySet<string>;
  /** an all-lowercase text says nothing through case */
  hasCapitals: boolean;
  wholeText: number;
}

function capitalizedWords(text: string): Set<string> {
  const words = new Set<string>();
  for (const match of text.matchAll(/\p{Lu}[\p{L}\p{M}\p{N}]*/gu)) {
    for (const word of spacedKey(match[0]).split(' ')) words.add(word);
  }
  return words;
}

function bestCandidate(lexicon: Lexicon, tokens: readonly Token[], start: number, scope: Modifier, context: MatchContext): Candidate | undefined {
  const numeric = matchNumeric(tokens, start, lexicon.currentYear);
  let phrase: Candidate | undefined;
  let artist: Candidate | undefined;
  const artistCue = scope === 'like' || scope === 'by' || scope === 'negated' || scope === 'more' || scope === 'only' || scope === 'softened';

  let compact = '';
  let spaced = '';
  const limit = Math.min(tokens.length - start, Math.max(lexicon.maxPhraseTokens, lexicon.maxArtistTokens));
  for (let length = 1; length <= limit; length += 1) {
    const token = tokens[start + length - 1] as Token;
    if (token.boundary) break;
    compact += token.text;
    spaced = length === 1 ? token.text : `${spaced} ${token.text}`;
    if (length <= lexicon.maxPhraseTokens) {
      const entries = lexicon.phrases.get(compact);
      const entry = entries && pickPhraseEntry(entries);
      if (entry) {
        phrase =
          entry.type === 'modifier'
            ? { length, modifier: entry.modifier }
            : { length, term: { text: spaced, kind: entry.kind, canonical: entry.canonical, effect: entry.effect } };
      }
    }
    if (length <= lexicon.maxArtistTokens) {
      const entry = lexicon.artists.get(spaced) ?? (length === 1 ? lexicon.artistsCompact.get(compact) : undefined);
      // Without a cue, a one-word name must look like a name where the writer uses capitals
      // ("Drake" yes, "coast" in "West Coast Rap" no), or be the whole query.
      const standalone =
        entry?.standalone && (length > 1 || !context.hasCapitals || context.capitalized.has(token.text) || context.wholeText === 1);
      if (entry && (artistCue || standalone)) {
        artist = { length, term: { text: spaced, kind: 'artist', canonical: entry.ref.name, effect: { artist: entry.ref } } };
      }
    }
  }
  const candidates = [numeric, phrase, artist].filter((candidate): candidate is Candidate => candidate !== undefined);
  if (candidates.length === 0) return undefined;
  const preferArtist = scope === 'like' || scope === 'by';
  candidates.sort((a, b) => {
    if (a.length !== b.length) return b.length - a.length;
    const rank = (candidate: Candidate) =>
      candidate === numeric ? 0 : candidate === artist ? (preferArtist ? 1 : 3) : candidate.modifier ? 2 : preferArtist ? 2 : 1;
    return rank(a) - rank(b);
  });
  return candidates[0];
}

function pickPhraseEntry(entries: readonly PhraseEntry[]): PhraseEntry | undefined {
  // Modifiers and vocabulary come first in insertion order; keep the first, it is the most specific.
  return entries[0];
}
