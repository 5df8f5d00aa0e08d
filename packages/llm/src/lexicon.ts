// The lexicon: catalog names (genres, subgenres, artists) plus curated vocabulary, compiled once
// into hash maps keyed by folded phrases. `matchTerms` scans a text left to right taking the
// longest phrase at each position, so a query costs a few map lookups per token; it backs the
// offline planner, refinements and Search's descriptive-query mapping alike.
import type { FeatureRange, PlanFeature, SequencingArc } from './plan';
import { MAX_TEMPO_BPM } from './plan';
import { compactKey, spacedKey, tokenize } from './text';
import type { Token } from './text';
import type { FeatureBounds, VocabularyEntry, VocabularyKind } from './vocabulary';
import { ALL_VOCABULARY, COMMON_WORDS, CURATED_GENRES, DECADE_WORDS, NUMBER_WORDS } from './vocabulary';

export interface LexiconArtist {
  id: string;
  name: string;
}

export interface LexiconInput {
  /** the catalog's top-level genre names, as the catalog spells them */
  genres: readonly string[];
  subgenres?: readonly string[];
  artists: readonly LexiconArtist[];
  /** "new"/"recent" are relative to this year; defaults to the current UTC year */
  currentYear?: number;
}

export type Modifier = 'none' | 'negated' | 'softened' | 'more' | 'only' | 'like' | 'by';

export type TermKind = Exclude<VocabularyKind, 'genre'> | 'genre' | 'subgenre' | 'artist' | 'year' | 'tempo';

export interface ArtistRef {
  /** the catalog's spelling */
  name: string;
  /** every catalog artist with this (folded) name */
  ids: string[];
}

/** What a term does to a plan; the planner and refinements interpret it with the term's modifier. */
export interface TermEffect {
  features?: FeatureBounds;
  comparative?: boolean;
  /** a span of years ("90s", "1996", "2010 to 2015") */
  years?: { min: number; max: number };
  /** an open bound ("before 2000", "since 2015") */
  yearBound?: { min?: number; max?: number };
  genres?: string[];
  subgenres?: string[];
  /** label kept for notes: moods, activities, curated styles the catalog lacks */
  label?: { kind: 'mood' | 'activity'; value: string };
  artist?: ArtistRef;
  arc?: SequencingArc;
  discovery?: number;
  similarToUser?: number;
  explicitAllowed?: boolean;
  trackCount?: number;
  /** "10 more songs": refinements add this many tracks */
  addTracks?: number;
  targetMinutes?: number;
  lengthScale?: number;
  /** a feature-hint-only genre the catalog does not have ("trip-hop" on a pop catalog) */
  hintOnly?: boolean;
}

export interface MatchedTerm {
  /** the folded words that matched, e.g. "trip hop" */
  text: string;
  kind: TermKind;
  /** catalog spelling, vocabulary label, or "1990-1999" for years */
  canonical: string;
  modifier: Modifier;
  effect: TermEffect;
}

export interface TermMatch {
  terms: MatchedTerm[];
  /** words that matched nothing (stopwords and cue words removed): left for lexical search */
  remainder: string[];
}

type PhraseEntry =
  | { type: 'vocabulary'; kind: TermKind; canonical: string; effect: TermEffect; priority: number }
  | { type: 'modifier'; modifier: Modifier };

interface ArtistEntry {
  ref: ArtistRef;
  /** may match without a cue ("like", "no", "by") */
  standalone: boolean;
}

export interface Lexicon {
  readonly currentYear: number;
  readonly genreNames: readonly string[];
  readonly subgenreNames: readonly string[];
  /** @internal compiled phrase index, keyed by compact key */
  readonly phrases: ReadonlyMap<string, readonly PhraseEntry[]>;
  /** @internal artists keyed by spaced key */
  readonly artists: ReadonlyMap<string, ArtistEntry>;
  /** @internal artists keyed by compact key, for a single typed word ("acdc") */
  readonly artistsCompact: ReadonlyMap<string, ArtistEntry>;
  readonly maxPhraseTokens: number;
  readonly maxArtistTokens: number;
}

const MODIFIER_PHRASES: Record<Exclude<Modifier, 'none'>, readonly string[]> = {
  negated: [
    'no', 'not', 'without', 'except', 'excluding', 'exclude', 'avoid', 'minus', 'skip', 'nothing', 'none', 'dont',
    'do not', 'never', 'but no', 'no more', 'remove', 'drop', 'cut', 'lose', 'get rid of', 'take out', 'ban', 'ditch',
    'not any', 'zero', 'hold the', 'instead of', 'rather than', 'anything but', 'other than', 'apart from', 'hate',
  ],
  softened: [
    'not too', 'not very', 'not so', 'not overly', 'not super', 'not that', 'not really', 'less', 'a bit less',
    'a little less', 'slightly less', 'tone down', 'reduce', 'lower', 'not as',
  ],
  more: [
    'more', 'a bit more', 'a little more', 'extra', 'even more', 'add', 'add some', 'add more', 'add in', 'with more',
    'throw in', 'include', 'plus', 'increase', 'bring in', 'bring back', 'mix in', 'some more', 'lots of', 'loads of',
  ],
  only: ['only', 'just', 'nothing but', 'exclusively', 'strictly', 'purely', 'all'],
  like: [
    'like', 'similar to', 'similar', 'sounds like', 'sound like', 'in the style of', 'style of', 'inspired by',
    'vibes of', 'a la', 'reminiscent of', 'in the vein of', 'such as', 'the likes of', 'kind of like',
    'along the lines of', 'fans of', 'for fans of', 'if you like', 'think', 'similar artists to', 'artists like',
  ],
  by: ['by', 'from', 'featuring', 'feat', 'ft', 'songs by', 'tracks by', 'music by', 'songs from'],
};

/** Words a cue's scope passes over: "no songs by Drake", "without any reggaeton or trap". */
const SCOPE_SKIP_WORDS = new Set([
  'and', 'or', 'nor', 'any', 'some', 'the', 'a', 'an', 'too', 'very', 'much', 'of', 'want', 'wanna', 'anything',
  'songs', 'song', 'tracks', 'track', 'music', 'stuff', 'please', 'really', 'so', 'i', 'me', 'artists', 'artist',
  'bands', 'band', 'tunes', 'vibes', 'vibe', 'style', 'kind', 'type', 'sort', 'genre', 'with', 'for',
]);

const CONNECTOR_WORDS = new Set(['and', 'or', 'nor', 'plus']);

/** Words that end a cue's scope: "like Daft Punk but slower". */
const SCOPE_BREAK_WORDS = new Set(['but', 'yet', 'though', 'although', 'while', 'then']);

const REMAINDER_STOPWORDS = new Set([
  ...SCOPE_SKIP_WORDS,
  'playlist', 'mix', 'give', 'make', 'me', 'my', 'to', 'in', 'on', 'at', 'is', 'it', 'that', 'this', 'be', 'get',
  'put', 'together', 'create', 'can', 'you', 'something', 'good', 'great', 'best', 'some', 'few', 'list', 'but',
  'while', 'when', 'im', 'am', 'are', 'was', 'during', 'great', 'nice', 'cool', 'awesome', 'perfect', 'ideal',
  'day', 'days', 'time', 'era', 'decade', 'years', 'year', 'from', 'about', 'around', 'up', 'out', 'down', 'into',
  'need', 'would', 'could', 'should', 'love', 'play', 'let', 'lets', 'hear', 'listen', 'listening',
]);

// Priorities decide which feature range wins when two terms disagree (a "chill workout" is chill).
const PRIORITY: Record<string, number> = {
  genre: 1,
  activity: 2,
  mood: 3,
  style: 3,
  feel: 4,
  tempo: 5,
};

/** Compiles catalog names and the curated vocabulary into lookup maps. O(names) once per catalog. */
export function buildLexicon(input: LexiconInput): Lexicon {
  const phrases = new Map<string, PhraseEntry[]>();
  let maxPhraseTokens = 1;
  const addPhrase = (phrase: string, entry: PhraseEntry) => {
    const key = compactKey(phrase);
    if (key.length === 0) return;
    const list = phrases.get(key);
    if (list) {
      if (!list.some((existing) => sameEntry(existing, entry))) list.push(entry);
    } else {
      phrases.set(key, [entry]);
    }
    maxPhraseTokens = Math.max(maxPhraseTokens, tokenize(phrase).length);
  };

  for (const [modifier, list] of Object.entries(MODIFIER_PHRASES) as [Exclude<Modifier, 'none'>, readonly string[]][]) {
    for (const phrase of list) addPhrase(phrase, { type: 'modifier', modifier });
  }

  // Vocabulary before catalog genres: when a word is both ("chill" as a Spotify genre), the
  // descriptive reading (a feature range) is the one a listener means.
  for (const entry of ALL_VOCABULARY) {
    const effect = vocabularyEffect(entry, input.currentYear ?? new Date().getUTCFullYear());
    for (const phrase of entry.phrases) {
      addPhrase(phrase, { type: 'vocabulary', kind: entry.kind, canonical: entry.canonical, effect, priority: PRIORITY[entry.kind] ?? 3 });
    }
  }

  const genreNames = uniqueNames(input.genres);
  const subgenreNames = uniqueNames(input.subgenres ?? []);
  const genreByKey = new Map(genreNames.map((name) => [compactKey(name), name]));
  const subgenreByKey = new Map(subgenreNames.map((name) => [compactKey(name), name]));
  for (const name of genreNames) {
    addPhrase(name, { type: 'vocabulary', kind: 'genre', canonical: name, effect: { genres: [name] }, priority: 1 });
  }
  for (const name of subgenreNames) {
    addPhrase(name, { type: 'vocabulary', kind: 'subgenre', canonical: name, effect: { subgenres: [name] }, priority: 1 });
  }

  // Curated genres: aliases of a catalog genre when the catalog has it under any of its
  // spellings; otherwise feature hints plus whatever related genres the catalog does have.
  for (const entry of CURATED_GENRES) {
    const directGenres = new Set<string>();
    const directSubgenres = new Set<string>();
    for (const phrase of [entry.canonical, ...entry.phrases]) {
      const key = compactKey(phrase);
      const genre = genreByKey.get(key);
      const subgenre = subgenreByKey.get(key);
      if (genre) directGenres.add(genre);
      if (subgenre) directSubgenres.add(subgenre);
    }
    const direct = directGenres.size + directSubgenres.size > 0;
    const genres = new Set(directGenres);
    const subgenres = new Set(directSubgenres);
    if (!direct) {
      for (const related of entry.relatedGenres ?? []) {
        const key = compactKey(related);
        const genre = genreByKey.get(key);
        const subgenre = subgenreByKey.get(key);
        if (genre) genres.add(genre);
        if (subgenre) subgenres.add(subgenre);
      }
    }
    const effect: TermEffect = {
      ...(genres.size > 0 ? { genres: [...genres] } : {}),
      ...(subgenres.size > 0 ? { subgenres: [...subgenres] } : {}),
      ...(direct ? {} : { features: entry.features, label: { kind: 'mood', value: entry.canonical }, hintOnly: true }),
    };
    const kind: TermKind = directGenres.size === 0 && directSubgenres.size > 0 ? 'subgenre' : 'genre';
    const canonical = direct ? [...directGenres, ...directSubgenres][0] ?? entry.canonical : entry.canonical;
    for (const phrase of entry.phrases) {
      const key = compactKey(phrase);
      // A phrase that is itself a catalog name was indexed above with its exact meaning.
      if (genreByKey.has(key) || subgenreByKey.has(key)) continue;
      addPhrase(phrase, { type: 'vocabulary', kind, canonical, effect, priority: 1 });
    }
  }

  const artists = new Map<string, ArtistEntry>();
  const artistsCompact = new Map<string, ArtistEntry>();
  let maxArtistTokens = 1;
  for (const artist of input.artists) {
    const spaced = spacedKey(artist.name);
    if (spaced.length === 0) continue;
    const existing = artists.get(spaced);
    if (existing) {
      if (!existing.ref.ids.includes(artist.id)) existing.ref.ids.push(artist.id);
      continue;
    }
    const words = spaced.split(' ');
    maxArtistTokens = Math.max(maxArtistTokens, Math.min(words.length, 10));
    const standalone = isStandaloneArtistName(words, phrases);
    const entry: ArtistEntry = { ref: { name: artist.name, ids: [artist.id] }, standalone };
    artists.set(spaced, entry);
    // "The Weeknd" also answers to "weeknd" (but "The Game" does not make "game" an artist).
    if (words.length > 1 && words[0] === 'the') {
      const rest = words.slice(1);
      const withoutArticle = rest.join(' ');
      if (!artists.has(withoutArticle)) artists.set(withoutArticle, { ref: entry.ref, standalone: isStandaloneArtistName(rest, phrases) });
    }
    const compact = words.join('');
    if (words.length > 1 && compact.length >= 4 && !artistsCompact.has(compact)) artistsCompact.set(compact, entry);
  }

  return {
    currentYear: input.currentYear ?? new Date().getUTCFullYear(),
    genreNames,
    subgenreNames,
    phrases,
    artists,
    artistsCompact,
    maxPhraseTokens,
    maxArtistTokens,
  };
}

function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const name of names) {
    const trimmed = name.trim();
    const key = compactKey(trimmed);
    if (key.length === 0 || seen.has(key)) continue;
    seen.add(key);
    result.push(trimmed);
  }
  return result;
}

function sameEntry(a: PhraseEntry, b: PhraseEntry): boolean {
  if (a.type === 'modifier') return b.type === 'modifier' && a.modifier === b.modifier;
  return b.type === 'vocabulary' && a.kind === b.kind && a.canonical === b.canonical;
}

function isStandaloneArtistName(words: string[], phrases: ReadonlyMap<string, readonly PhraseEntry[]>): boolean {
  if (phrases.has(words.join(''))) return false;
  if (words.every((word) => COMMON_WORDS.has(word) || /^\d+$/.test(word))) return false;
  if (words.length === 1) return (words[0]?.length ?? 0) >= 4;
  return true;
}

function vocabularyEffect(entry: VocabularyEntry, currentYear: number): TermEffect {
  const effect: TermEffect = {};
  if (entry.features) effect.features = entry.features;
  if (entry.comparative) effect.comparative = true;
  if (entry.years) {
    effect.years =
      'recentYears' in entry.years
        ? { min: currentYear - entry.years.recentYears, max: currentYear }
        : { min: entry.years[0], max: entry.years[1] };
  }
  if (entry.kind === 'activity') effect.label = { kind: 'activity', value: entry.canonical };
  // Moods, styles and non-comparative feels are kept as labels for titles and per-track notes.
  else if (entry.kind === 'mood' || entry.kind === 'style' || (entry.kind === 'feel' && !entry.comparative)) {
    effect.label = { kind: 'mood', value: entry.canonical };
  }
  if (entry.arc) effect.arc = entry.arc;
  if (entry.discovery !== undefined) effect.discovery = entry.discovery;
  if (entry.similarToUser !== undefined) effect.similarToUser = entry.similarToUser;
  if (entry.explicitAllowed !== undefined) effect.explicitAllowed = entry.explicitAllowed;
  if (entry.trackCount !== undefined) effect.trackCount = entry.trackCount;
  if (entry.lengthScale !== undefined) effect.lengthScale = entry.lengthScale;
  return effect;
}

// ---------------------------------------------------------------------------------------------
// Matching

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
  const numeric = matchNumeric(lexicon, tokens, start);
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

// ---------------------------------------------------------------------------------------------
// Numbers: years, decades, ranges, lengths, durations, BPM

const YEAR_TOKEN = /^(1[89]\d\d|20\d\d)$/;
const DECADE_TOKEN = /^(?:(1[89]|20)?(\d)0s)$/;
const TRACK_UNITS = new Set(['songs', 'song', 'tracks', 'track', 'tunes', 'tune', 'bangers', 'jams', 'hits', 'records', 'cuts']);
const MINUTE_UNITS = new Set(['min', 'mins', 'minute', 'minutes', 'm']);
const HOUR_UNITS = new Set(['hour', 'hours', 'hr', 'hrs', 'h']);
const ONWARD_WORDS = new Set(['on', 'onwards', 'onward', 'forward', 'plus']);
const RANGE_CONNECTORS = new Set(['to', 'through', 'thru', 'till', 'until', 'and']);
const UPPER_BOUND_WORDS = new Set(['before', 'pre', 'until', 'till', 'prior', 'older']);
const LOWER_BOUND_WORDS = new Set(['after', 'since', 'post', 'newer']);
const BELOW_WORDS = new Set(['under', 'below', 'less', 'slower', 'max', 'maximum', 'lower']);
const ABOVE_WORDS = new Set(['over', 'above', 'more', 'faster', 'min', 'minimum', 'higher', 'least']);

interface YearSpan {
  min: number;
  max: number;
  length: number;
  label: string;
}

function readYearSpan(lexicon: Lexicon, tokens: readonly Token[], start: number): YearSpan | undefined {
  const first = tokens[start]?.text;
  if (first === undefined) return undefined;
  const part = first === 'early' || first === 'mid' || first === 'late' ? first : undefined;
  const offset = part ? 1 : 0;
  const word = tokens[start + offset]?.text;
  if (word === undefined) return undefined;
  let decade: number | undefined;
  let label = word;
  const decadeMatch = DECADE_TOKEN.exec(word);
  if (decadeMatch) {
    const century = decadeMatch[1];
    const digit = Number(decadeMatch[2]);
    if (century) decade = Number(century) * 100 + digit * 10;
    // Two-digit decades: "20s" and "10s" and "00s" are this century, "30s".."90s" the last one.
    else decade = digit <= Math.floor((lexicon.currentYear % 100) / 10) ? 2000 + digit * 10 : 1900 + digit * 10;
    label = `${decade}s`;
  } else if (DECADE_WORDS[word] !== undefined) {
    decade = DECADE_WORDS[word];
    label = `${decade}s`;
  }
  if (decade !== undefined) {
    if (part === 'early') return { min: decade, max: decade + 3, length: 2, label: `early ${label}` };
    if (part === 'mid') return { min: decade + 3, max: decade + 6, length: 2, label: `mid ${label}` };
    if (part === 'late') return { min: decade + 6, max: decade + 9, length: 2, label: `late ${label}` };
    return { min: decade, max: decade + 9, length: 1, label };
  }
  if (!part && YEAR_TOKEN.test(word)) {
    const year = Number(word);
    return { min: year, max: year, length: 1, label: word };
  }
  return undefined;
}

function readNumber(tokens: readonly Token[], start: number): { value: number; length: number } | undefined {
  const first = tokens[start]?.text;
  if (first === undefined) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(first)) return { value: Number(first), length: 1 };
  const word = NUMBER_WORDS[first];
  if (word === undefined) return undefined;
  // "a dozen", "a couple of", "an hour and a half" handled by callers; "twenty five" here.
  const next = tokens[start + 1]?.text;
  if ((first === 'a' || first === 'an') && next !== undefined && (next === 'dozen' || next === 'hundred' || next === 'couple' || next === 'few')) {
    const after = tokens[start + 2]?.text === 'of' ? 3 : 2;
    return { value: NUMBER_WORDS[next] ?? 1, length: after };
  }
  if (word >= 20 && word < 100 && next !== undefined) {
    const ones = NUMBER_WORDS[next];
    if (ones !== undefined && ones >= 1 && ones <= 9 && next !== 'a' && next !== 'an') return { value: word + ones, length: 2 };
  }
  if ((first === 'couple' || first === 'few') && tokens[start + 1]?.text === 'of') return { value: word, length: 2 };
  return { value: word, length: 1 };
}

const NUMERIC_TRIGGERS = new Set([
  ...UPPER_BOUND_WORDS, ...LOWER_BOUND_WORDS, ...BELOW_WORDS, ...ABOVE_WORDS, ...Object.keys(DECADE_WORDS), ...Object.keys(NUMBER_WORDS),
  'between', 'from', 'early', 'mid', 'late', 'half', 'around', 'about', 'at',
]);

function matchNumeric(lexicon: Lexicon, tokens: readonly Token[], start: number): Candidate | undefined {
  const first = tokens[start]?.text ?? '';
  // Most words cannot start a number phrase: skip the pattern work for them (runs per token).
  const code = first.charCodeAt(0);
  if (!(code >= 48 && code <= 57) && !NUMERIC_TRIGGERS.has(first)) return undefined;

  // Open year bounds: "before 2000", "pre-2000", "since 2015", "prior to the 90s".
  if (UPPER_BOUND_WORDS.has(first) || LOWER_BOUND_WORDS.has(first)) {
    let offset = 1;
    if (tokens[start + offset]?.text === 'to' || tokens[start + offset]?.text === 'than') offset += 1;
    if (tokens[start + offset]?.text === 'the') offset += 1;
    const span = readYearSpan(lexicon, tokens, start + offset);
    if (span) {
      const upper = UPPER_BOUND_WORDS.has(first);
      const bound = upper ? { max: span.min - 1 } : { min: first === 'after' || first === 'post' ? span.max + 1 : span.min };
      const label = upper ? `before ${span.label}` : `${first} ${span.label}`;
      return { length: offset + span.length, term: { text: joinTokens(tokens, start, offset + span.length), kind: 'year', canonical: label, effect: { yearBound: bound } } };
    }
  }

  // Year spans, optionally a range: "1996", "90s", "late 90s", "2010 to 2015", "2010-2015".
  {
    let offset = first === 'between' || first === 'from' ? 1 : 0;
    if (offset === 1 && tokens[start + 1]?.text === 'the') offset += 1;
    const span = readYearSpan(lexicon, tokens, start + offset);
    if (span && !isFollowedByUnit(tokens, start + offset + span.length)) {
      let length = offset + span.length;
      let min = span.min;
      let max = span.max;
      let label = span.label;
      let connector = length;
      if (RANGE_CONNECTORS.has(tokens[start + connector]?.text ?? '')) connector += 1;
      if (tokens[start + connector]?.text === 'the') connector += 1;
      const end = readYearSpan(lexicon, tokens, start + connector);
      const isRange = end && (connector > length || YEAR_TOKEN.test(tokens[start + length]?.text ?? ''));
      // "90s and 2000s" is a range only after "between"; otherwise each is its own span (same union).
      if (end && isRange && (tokens[start + length]?.text !== 'and' || first === 'between') && end.max >= min) {
        max = end.max;
        min = Math.min(min, end.min);
        label = `${span.label}-${end.label}`;
        length = connector + end.length;
      } else if (ONWARD_WORDS.has(tokens[start + length]?.text ?? '')) {
        // "from 2015 on", "2015 onwards": an open lower bound.
        length += 1;
        return { length, term: { text: joinTokens(tokens, start, length), kind: 'year', canonical: `since ${span.label}`, effect: { yearBound: { min: span.min } } } };
      }
      return { length, term: { text: joinTokens(tokens, start, length), kind: 'year', canonical: label, effect: { years: { min, max } } } };
    }
  }

  // BPM: "120 bpm", "under 100 bpm", "at least 128 bpm".
  {
    let offset = 0;
    let direction: 'below' | 'above' | 'around' = 'around';
    const second = tokens[start + 1]?.text;
    if (first === 'at' && (second === 'least' || second === 'most')) {
      direction = second === 'least' ? 'above' : 'below';
      offset = 2;
    } else if (BELOW_WORDS.has(first) || ABOVE_WORDS.has(first) || first === 'around' || first === 'about') {
      direction = BELOW_WORDS.has(first) ? 'below' : ABOVE_WORDS.has(first) ? 'above' : 'around';
      offset = second === 'than' ? 2 : 1;
    }
    const token = tokens[start + offset]?.text ?? '';
    const joined = /^(\d{2,3})bpm$/.exec(token);
    const number = joined ? Number(joined[1]) : /^\d{2,3}$/.test(token) && tokens[start + offset + 1]?.text === 'bpm' ? Number(token) : undefined;
    if (number !== undefined && number > 0 && number <= MAX_TEMPO_BPM) {
      const length = offset + (joined ? 1 : 2);
      const tempo: [number, number] =
        direction === 'below' ? [0, number] : direction === 'above' ? [number, MAX_TEMPO_BPM] : [Math.max(0, number - 8), Math.min(MAX_TEMPO_BPM, number + 8)];
      return { length, term: { text: joinTokens(tokens, start, length), kind: 'tempo', canonical: `${tempo[0]}-${tempo[1]} bpm`, effect: { features: { tempo: tempo } } } };
    }
  }

  // Durations: "45 min", "45min", "an hour", "1.5 hours", "two hours", "half an hour", "an hour and a half".
  {
    if (first === 'half' && (tokens[start + 1]?.text === 'an' || tokens[start + 1]?.text === 'a') && HOUR_UNITS.has(tokens[start + 2]?.text ?? '')) {
      return durationCandidate(tokens, start, 3, 30);
    }
    if (first === 'half' && HOUR_UNITS.has(tokens[start + 1]?.text ?? '')) return durationCandidate(tokens, start, 2, 30);
    const joined = /^(\d+(?:\.\d+)?)(min|mins|m|h|hr|hrs)$/.exec(first);
    if (joined) {
      const value = Number(joined[1]);
      const minutes = MINUTE_UNITS.has(joined[2] ?? '') ? value : value * 60;
      return durationCandidate(tokens, start, 1, minutes);
    }
    const number = readNumber(tokens, start);
    if (number) {
      const unit = tokens[start + number.length]?.text ?? '';
      if (MINUTE_UNITS.has(unit) || HOUR_UNITS.has(unit)) {
        let minutes = MINUTE_UNITS.has(unit) ? number.value : number.value * 60;
        let length = number.length + 1;
        // "an hour and a half"
        if (HOUR_UNITS.has(unit) && tokens[start + length]?.text === 'and' && tokens[start + length + 1]?.text === 'a' && tokens[start + length + 2]?.text === 'half') {
          minutes += 30;
          length += 3;
        }
        if (tokens[start + length]?.text === 'long') length += 1;
        return durationCandidate(tokens, start, length, minutes);
      }
      // "10 more songs": an addition, only meaningful to a refinement.
      if ((unit === 'more' || unit === 'extra') && TRACK_UNITS.has(tokens[start + number.length + 1]?.text ?? '')) {
        const length = number.length + 2;
        const count = Math.round(number.value);
        return { length, term: { text: joinTokens(tokens, start, length), kind: 'length', canonical: `+${count} tracks`, effect: { addTracks: count } } };
      }
      if (TRACK_UNITS.has(unit) && number.value >= 1) {
        const length = number.length + 1;
        return { length, term: { text: joinTokens(tokens, start, length), kind: 'length', canonical: `${Math.round(number.value)} tracks`, effect: { trackCount: Math.round(number.value) } } };
      }
      // "20 chill songs", "a dozen happy tracks": the count is read here and the words between
      // are left for their own terms. "a"/"an" alone never count ("a happy song").
      if (number.value >= 2 && first !== 'a' && first !== 'an' || number.length > 1) {
        for (let ahead = start + number.length + 1; ahead < Math.min(tokens.length, start + number.length + 4); ahead += 1) {
          const word = tokens[ahead] as Token;
          if (word.boundary) break;
          if (TRACK_UNITS.has(word.text)) {
            const count = Math.round(number.value);
            return { length: number.length, term: { text: joinTokens(tokens, start, number.length), kind: 'length', canonical: `${count} tracks`, effect: { trackCount: count } } };
          }
        }
      }
    }
  }
  return undefined;
}

function isFollowedByUnit(tokens: readonly Token[], index: number): boolean {
  const next = tokens[index]?.text ?? '';
  return TRACK_UNITS.has(next) || MINUTE_UNITS.has(next) || HOUR_UNITS.has(next) || next === 'bpm';
}

function durationCandidate(tokens: readonly Token[], start: number, length: number, minutes: number): Candidate {
  const rounded = Math.round(minutes);
  return {
    length,
    term: { text: joinTokens(tokens, start, length), kind: 'length', canonical: `${rounded} min`, effect: { targetMinutes: rounded } },
  };
}

function joinTokens(tokens: readonly Token[], start: number, length: number): string {
  return tokens
    .slice(start, start + length)
    .map((token) => token.text)
    .join(' ');
}

// ---------------------------------------------------------------------------------------------
// Range helpers shared by the planner and refinements

export function featureScale(feature: PlanFeature): { min: number; max: number } {
  return feature === 'tempo' ? { min: 0, max: MAX_TEMPO_BPM } : { min: 0, max: 1 };
}

/** Which end of the scale a range sits at: "high" ([0.6, 1]), "low" ([0, 0.5]) or "middle". */
export function rangeSide(feature: PlanFeature, range: FeatureRange): 'low' | 'high' | 'middle' {
  const scale = featureScale(feature);
  // Tempo is open-ended in practice: nothing plays below 40 or above 200 BPM.
  const touchesLow = range.min <= (feature === 'tempo' ? 40 : scale.min + 1e-9);
  const touchesHigh = range.max >= (feature === 'tempo' ? 200 : scale.max - 1e-9);
  if (touchesLow && !touchesHigh) return 'low';
  if (touchesHigh && !touchesLow) return 'high';
  return 'middle';
}
