// Matching: scans a text left to right, taking the longest phrase at each position (a number
// phrase, a lexicon phrase or an artist name), and scopes each term with the cue before it.
// A query costs a few map lookups per token, whatever the catalog's size.
import { AND_WORDS, ARTIST_PRONOUNS, CONNECTOR_WORDS, LIKENESS_WORDS, REPLACING_CUES, REMAINDER_STOPWORDS, SCOPE_BREAK_WORDS, SCOPE_SKIP_WORDS } from './cues';
import { spacedKey } from './fold';
import { closestGenreKey } from './fuzzy';
import type { Lexicon, PhraseEntry } from './lexicon';
import { matchNumeric } from './numbers';
import type { MatchedTerm, Modifier, TermMatch } from './terms';
import type { Token } from './tokens';
import { tokenize } from './tokens';
import { COMMON_WORDS } from './vocabulary';

interface Candidate {
  length: number;
  term?: Omit<MatchedTerm, 'modifier'>;
  modifier?: Modifier;
  /** the cue's words, for modifiers ("songs by", "from") */
  cue?: string;
}

/** "by" cues strong enough that an unknown capitalized name after them is an artist ("songs by Portishead"). */
const ATTRIBUTION_CUES = new Set(['by', 'songs by', 'tracks by', 'music by', 'featuring', 'feat', 'ft']);
/** Words after an artist's name that ask for the artist's own songs ("Eminem deep cuts", "Queen songs"). */
const CATALOGUE_WORDS = new Set(['songs', 'song', 'tracks', 'hits', 'classics', 'essentials', 'discography', 'tunes', 'records', 'singles', 'deep', 'greatest', 'best', 'biggest', 'top', 'b']);

/** Scans text into matched terms with their cue modifiers ("no", "like", "less", "more", …). */
export function matchTerms(lexicon: Lexicon, text: string): TermMatch {
  const tokens = tokenize(text);
  const context: MatchContext = { capitalized: capitalizedWords(text), hasCapitals: /\p{Lu}/u.test(text), hasLowercase: /\p{Ll}/u.test(text), wholeText: tokens.length };
  const terms: MatchedTerm[] = [];
  const remainder: string[] = [];
  // A cue applies to the next term; "or"/"and"/"nor" carry it on to the one after
  // ("no drake or future"), anything else ends it ("not too upbeat r&b" softens only "upbeat").
  let scope: Modifier = 'none';
  let scopeCue = '';
  let carried: Modifier = 'none';
  // A negation that reached the term through "like" ("nothing like Drake") refuses the sound, not
  // only the artist's tracks: refinements drop such a seed, and keep it for a plain "no Drake".
  let scopeNegatesLike = false;
  let carriedNegatesLike = false;
  // the scope was carried over an "and": a "like"/"by" after it starts a new clause ("less pop and like Drake")
  let scopeAfterAnd = false;
  // the terms since the last cue ("no Drake or Future"): what "them" points back at
  let run: MatchedTerm[] = [];
  // a boundary, an unknown name or an unmatched word ends the cue and everything it carried
  const endScope = () => {
    scope = 'none';
    carried = 'none';
    scopeNegatesLike = carriedNegatesLike = scopeAfterAnd = false;
    run = [];
  };
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index] as Token;
    if (token.boundary || SCOPE_BREAK_WORDS.has(token.text)) {
      endScope();
      index += 1;
      continue;
    }
    if (scope === 'none' && carried !== 'none' && CONNECTOR_WORDS.has(token.text)) {
      scope = carried;
      scopeNegatesLike = carriedNegatesLike;
      scopeAfterAnd = AND_WORDS.has(token.text);
      carried = 'none';
      index += 1;
      continue;
    }
    const candidate = bestCandidate(lexicon, tokens, index, scope, context);
    if (candidate?.modifier) {
      // "no drake or like future" carries the negation; "less pop and like Drake" asks for Drake
      const base = scopeAfterAnd && (candidate.modifier === 'like' || candidate.modifier === 'by') ? 'none' : scope;
      scopeNegatesLike =
        ((base === 'negated' || base === 'softened') && candidate.modifier === 'like') ||
        // "nothing like songs by Drake": the "by" after it keeps what "like" said
        (base === 'negated' && candidate.modifier === 'by' && scopeNegatesLike) ||
        // "instead of Drake", "anything but Drake": asks for another direction, not only other tracks
        (candidate.modifier === 'negated' && REPLACING_CUES.has(candidate.cue ?? ''));
      scope = combineModifiers(base, candidate.modifier);
      scopeAfterAnd = false;
      scopeCue = candidate.cue ?? '';
      carried = 'none';
      run = [];
      index += candidate.length;
      continue;
    }
    if (candidate?.term) {
      const term: MatchedTerm = { ...candidate.term, modifier: scope, ...(scopeNegatesLike ? { negatesLike: true } : {}), start: index, length: candidate.length };
      terms.push(term);
      run.push(term);
      index += candidate.length;
      // "skip Drake and anything like him": the pronoun points back at Drake, so the negation refuses
      // his sound as "nothing like Drake" does; read here, or "like him" would start a new clause.
      const tail = term.modifier === 'negated' && term.effect.artist ? readLikenessTail(lexicon, tokens, index) : undefined;
      if (tail) {
        const pointsBackAtAll = tail.pronoun === undefined || tail.pronoun === 'them';
        for (const named of pointsBackAtAll ? run : [term]) if (named.modifier === 'negated' && named.effect.artist) named.negatesLike = true;
        index += tail.length;
      }
      carried = scope;
      carriedNegatesLike = scopeNegatesLike;
      scope = 'none';
      scopeNegatesLike = scopeAfterAnd = false;
      continue;
    }
    // A capitalized name after "like" or "by" that the catalog does not have: said, not dropped.
    const unknown = (scope === 'like' || (scope === 'by' && ATTRIBUTION_CUES.has(scopeCue))) && readUnknownName(tokens, index, context);
    if (unknown) {
      terms.push({ text: unknown.text, kind: 'artist', canonical: unknown.name, modifier: scope, effect: { unknownArtist: unknown.name }, start: index, length: unknown.length });
      for (let offset = 0; offset < unknown.length; offset++) remainder.push(tokens[index + offset]!.text);
      endScope();
      index += unknown.length;
      continue;
    }
    // An unmatched word ends a cue's scope unless it is filler ("no songs by Drake").
    if (!SCOPE_SKIP_WORDS.has(token.text)) {
      endScope();
    }
    if (!REMAINDER_STOPWORDS.has(token.text)) remainder.push(token.text);
    index += 1;
  }
  attributeToArtists(terms, tokens);
  return { terms, remainder };
}

/** Filler words allowed between the connector and "like" ("or anyone else who sounds like him"). */
const MAX_LIKENESS_WORDS = 4;

interface LikenessTail {
  /** tokens the tail spans, from the one after the artist */
  length: number;
  /** "him" / "her" / "it" point back at the last artist, "them" (or no pronoun) at every artist the negation named */
  pronoun?: string;
}

/**
 * What follows a negated artist and refuses his sound too:
 * - a connector, a few likeness words, a "like" cue and a pronoun ("and anything like him", "or artists similar to them");
 * - the same without a pronoun when the clause ends there and the words name the others ("or anything similar",
 *   "or similar artists", "or anything like that");
 * - after a comma, either of them led by a negation of its own ("no Drake, nothing like him either", "no Drake, and
 *   nothing similar"): "no Drake, but anything like him is fine" and "no Drake, similar energy though" are not tails.
 */
function readLikenessTail(lexicon: Lexicon, tokens: readonly Token[], start: number): LikenessTail | undefined {
  let index = start;
  const afterComma = tokens[index]?.text === ',';
  if (afterComma) index += 1;
  const connector = tokens[index]?.text ?? '';
  if (CONNECTOR_WORDS.has(connector)) index += 1;
  else if (!afterComma) return undefined;
  // "no Drake, nor anything like him": "nor" negates on its own
  if (afterComma && connector !== 'nor') {
    const negation = negationCueLength(lexicon, tokens, index);
    if (negation === 0) return undefined;
    index += negation;
  }
  let namesOthers = false;
  for (let words = 0; words <= MAX_LIKENESS_WORDS; words++) {
    const cue = likeCueLength(lexicon, tokens, index);
    if (cue > 0) return readTailEnd(tokens, start, index, cue, namesOthers);
    if (!LIKENESS_WORDS.has(tokens[index]?.text ?? '')) return undefined;
    namesOthers = true;
    index += 1;
  }
  return undefined;
}

/** Words that close a likeness tail: "nothing like him either", "and anything like her too". */
const TAIL_CLOSERS = new Set(['either', 'neither', 'too', 'also']);

/** The end of a likeness tail from its "like" cue at cueStart: a pronoun, or (without one) likeness words up to the clause's end. */
function readTailEnd(tokens: readonly Token[], start: number, cueStart: number, cueLength: number, namesOthers: boolean): LikenessTail | undefined {
  let index = cueStart + cueLength;
  const closed = (end: number) => (TAIL_CLOSERS.has(tokens[end]?.text ?? '') ? end + 1 : end);
  const pronoun = tokens[index]?.text ?? '';
  if (ARTIST_PRONOUNS.has(pronoun)) return { length: closed(index + 1) - start, pronoun };
  // Without a pronoun the words must name the others ("anything similar", "similar artists", "like that"), or
  // "similar" say it alone ("or similar"): a bare "like" is as often filler ("no Drake and like, upbeat stuff").
  for (let words = 0; words < 2 && LIKENESS_WORDS.has(tokens[index]?.text ?? ''); words++) {
    namesOthers = true;
    index += 1;
  }
  if (!namesOthers && tokens[cueStart]?.text !== 'similar') return undefined;
  index = closed(index);
  // ...and the clause must end there: "or anything similar to pop", "and similar energy" say something else.
  const next = tokens[index];
  const clauseEnds = !next || next.boundary || SCOPE_BREAK_WORDS.has(next.text) || CONNECTOR_WORDS.has(next.text);
  return clauseEnds ? { length: index - start } : undefined;
}

/** Each lexicon phrase that starts at `start` (shortest first), with its entry and length in tokens. */
function* phrasesAt(lexicon: Lexicon, tokens: readonly Token[], start: number): Generator<{ entry: PhraseEntry; length: number }> {
  let compact = '';
  for (let length = 1; length <= lexicon.maxPhraseTokens && start + length <= tokens.length; length++) {
    const token = tokens[start + length - 1]!;
    if (token.boundary) break;
    compact += token.text;
    const entry = pickPhraseEntry(lexicon.phrases.get(compact) ?? []);
    if (entry) yield { entry, length };
  }
}

/**
 * The length of a negation cue at start ("nothing", "no", "not any"), or 0. The longest phrase decides:
 * "nothing but" asks for only, not for less.
 */
function negationCueLength(lexicon: Lexicon, tokens: readonly Token[], start: number): number {
  let longest: { entry: PhraseEntry; length: number } | undefined;
  for (const phrase of phrasesAt(lexicon, tokens, start)) longest = phrase;
  return longest?.entry.type === 'modifier' && longest.entry.modifier === 'negated' ? longest.length : 0;
}

/** The length of the longest "like" cue ("like", "similar to", "sounds like") at start, or 0. */
function likeCueLength(lexicon: Lexicon, tokens: readonly Token[], start: number): number {
  let best = 0;
  for (const { entry, length } of phrasesAt(lexicon, tokens, start)) if (entry.type === 'modifier' && entry.modifier === 'like') best = length;
  return best;
}

/** "Eminem deep cuts", "Taylor Swift and Ed Sheeran songs": names followed by a word for their songs mean "by". */
function attributeToArtists(terms: MatchedTerm[], tokens: readonly Token[]): void {
  let nextStart = -1;
  let attribute = false;
  for (let t = terms.length - 1; t >= 0; t--) {
    const term = terms[t]!;
    const end = (term.start ?? 0) + (term.length ?? 1);
    const isArtist = term.kind === 'artist' && term.effect.artist !== undefined && term.modifier === 'none';
    if (isArtist) {
      const following = tokens[end]?.text ?? '';
      if (CATALOGUE_WORDS.has(following) || following === 's') attribute = true;
      // "X and Y songs": Y's attribution carries back over "and" / "&" / ",".
      else if (!(attribute && nextStart >= 0 && joinedBy(tokens, end, nextStart))) attribute = false;
      if (attribute) term.modifier = 'by';
    } else {
      attribute = false;
    }
    nextStart = term.start ?? -1;
  }
}

function joinedBy(tokens: readonly Token[], from: number, to: number): boolean {
  for (let index = from; index < to; index++) {
    const text = tokens[index]!.text;
    if (text !== 'and' && text !== ',' && text !== 'plus') return false;
  }
  return true;
}

/** Consecutive capitalized words that match nothing ("Massive Attack"), in text that also uses lowercase. */
function readUnknownName(tokens: readonly Token[], start: number, context: MatchContext): { name: string; text: string; length: number } | undefined {
  if (!context.hasCapitals || !context.hasLowercase) return undefined;
  const words: string[] = [];
  for (let index = start; index < tokens.length && words.length < 5; index++) {
    const token = tokens[index]!;
    if (token.boundary || !context.capitalized.has(token.text) || SCOPE_BREAK_WORDS.has(token.text)) break;
    if (words.length === 0 && (REMAINDER_STOPWORDS.has(token.text) || COMMON_WORDS.has(token.text))) return undefined;
    words.push(token.text);
  }
  if (words.length === 0) return undefined;
  const name = words.map((word) => context.capitalized.get(word) ?? capitalize(word)).join(' ');
  return { name, text: words.join(' '), length: words.length };
}

function combineModifiers(current: Modifier, next: Modifier): Modifier {
  // "no songs by X", "nothing like X": the negation carries through the attribution cue.
  if (current === 'negated' && (next === 'by' || next === 'like')) return 'negated';
  // "less like Drake" softens the artist (it seeded him before) and, as "nothing like Drake", moves
  // away from his sound: a refinement drops him as the seed and leaves his tracks out.
  if (current === 'softened' && next === 'like') return 'softened';
  if (current === 'more' && (next === 'like' || next === 'by')) return 'more';
  return next;
}

interface MatchContext {
  /** folded words written with a capital letter in the original text → as written */
  capitalized: ReadonlyMap<string, string>;
  /** an all-lowercase text says nothing through case */
  hasCapitals: boolean;
  /** an all-capitals text says nothing through case either */
  hasLowercase: boolean;
  wholeText: number;
}

/** Folded words written with a capital letter → as written ("bjork" → "Björk"), so an unknown name is said the listener's way. */
function capitalizedWords(text: string): Map<string, string> {
  const words = new Map<string, string>();
  for (const match of text.matchAll(/\p{Lu}[\p{L}\p{M}\p{N}]*/gu)) {
    const parts = spacedKey(match[0]).split(' ');
    for (const word of parts) if (!words.has(word)) words.set(word, parts.length === 1 ? match[0] : capitalize(word));
  }
  return words;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
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
            ? { length, modifier: entry.modifier, cue: spaced }
            : { length, term: { text: spaced, kind: entry.kind, canonical: entry.canonical, effect: entry.effect } };
      }
    }
    if (length <= lexicon.maxArtistTokens) {
      const entry = lexicon.artists.get(spaced) ?? (length === 1 ? lexicon.artistsCompact.get(compact) : undefined);
      // Without a cue, a one-word name must look like a name where the writer uses capitals
      // ("Drake" yes, "coast" in "West Coast Rap" no), or be the whole query. With a cue, a
      // one-word name that is also a common word needs the same evidence ("Songs from the heart"
      // is not the band Heart; "no future", all lowercase, is the rapper Future).
      const writtenAsName = !context.hasCapitals || context.capitalized.has(token.text);
      const standalone = entry?.standalone && (length > 1 || writtenAsName || context.wholeText === 1);
      const cued = artistCue && (length > 1 || entry?.standalone || writtenAsName);
      if (entry && (cued || standalone)) {
        artist = { length, term: { text: spaced, kind: 'artist', canonical: entry.ref.name, effect: { artist: entry.ref } } };
      }
    }
  }
  const candidates = [numeric, phrase, artist].filter((candidate): candidate is Candidate => candidate !== undefined);
  if (candidates.length === 0) return fuzzyGenre(lexicon, tokens, start);
  const preferArtist = scope === 'like' || scope === 'by';
  candidates.sort((a, b) => {
    if (a.length !== b.length) return b.length - a.length;
    const rank = (candidate: Candidate) =>
      candidate === numeric ? 0 : candidate === artist ? (preferArtist ? 1 : 3) : candidate.modifier ? 2 : preferArtist ? 2 : 1;
    return rank(a) - rank(b);
  });
  return candidates[0];
}

/** A misspelt genre ("reggeaton", "clasic rock"): two words joined first, then one. */
function fuzzyGenre(lexicon: Lexicon, tokens: readonly Token[], start: number): Candidate | undefined {
  const first = tokens[start];
  if (!first || first.boundary) return undefined;
  const second = tokens[start + 1];
  const attempts: [string, number][] = [];
  if (second && !second.boundary) attempts.push([first.text + second.text, 2]);
  attempts.push([first.text, 1]);
  for (const [word, length] of attempts) {
    if (length === 2 && (REMAINDER_STOPWORDS.has(second!.text) || lexicon.phrases.has(second!.text))) continue;
    const key = closestGenreKey(lexicon.genreKeys, word);
    if (!key) continue;
    const entry = lexicon.phrases.get(key)?.find((candidate) => candidate.type === 'vocabulary' && (candidate.kind === 'genre' || candidate.kind === 'subgenre'));
    if (entry?.type === 'vocabulary') {
      return { length, term: { text: length === 2 ? `${first.text} ${second!.text}` : first.text, kind: entry.kind, canonical: entry.canonical, effect: entry.effect } };
    }
  }
  return undefined;
}

function pickPhraseEntry(entries: readonly PhraseEntry[]): PhraseEntry | undefined {
  // Modifiers and vocabulary come first in insertion order; keep the first, it is the most specific.
  return entries[0];
}
