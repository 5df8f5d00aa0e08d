// The lexicon: catalog names (genres, subgenres, artists) plus curated vocabulary and cue words,
// compiled once into hash maps keyed by folded phrases. `matchTerms` (match.ts) scans a text
// against it; the offline planner, refinements and Search's descriptive queries all read through it.
import { pickDefined } from '@mixtape/base';
import { MODIFIER_PHRASES } from './cues';
import { compactKey, spacedKey } from './fold';
import type { ArtistProfile, ArtistRef, Modifier, TermEffect, TermKind } from './terms';
import { tokenize } from './tokens';
import type { VocabularyEntry } from './vocabulary';
import { ALL_VOCABULARY, COMMON_WORDS, CURATED_GENRES } from './vocabulary';

export interface LexiconArtist {
  id: string;
  name: string;
  /** means over the artist's tracks ("like X but slower" moves relative to them) */
  profile?: ArtistProfile;
}

export interface LexiconInput {
  /** the catalog's top-level genre names, as the catalog spells them */
  genres: readonly string[];
  subgenres?: readonly string[];
  artists: readonly LexiconArtist[];
  /** "new"/"recent" are relative to this year; defaults to the current UTC year */
  currentYear?: number;
}

export type PhraseEntry =
  | { type: 'vocabulary'; kind: TermKind; canonical: string; effect: TermEffect; priority: number }
  | { type: 'modifier'; modifier: Modifier };

export interface ArtistEntry {
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
  /** @internal compact keys of genre phrases (catalog and curated) of 5+ letters, for typo-tolerant matching */
  readonly genreKeys: readonly string[];
}

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
    const entry: ArtistEntry = { ref: { name: artist.name, ids: [artist.id], ...(artist.profile ? { profile: artist.profile } : {}) }, standalone };
    artists.set(spaced, entry);
    // "The Weeknd" also answers to "weeknd" — an alias, so only when what is left is evidence of
    // the name by itself: "The The" does not make "the" an artist, nor "The Him" "him".
    if (words.length > 1 && words[0] === 'the') {
      const rest = words.slice(1);
      const withoutArticle = rest.join(' ');
      const distinctive = !rest.every((word) => COMMON_WORDS.has(word) || /^\d+$/.test(word));
      if (distinctive && !artists.has(withoutArticle)) artists.set(withoutArticle, { ref: entry.ref, standalone: isStandaloneArtistName(rest, phrases) });
    }
    const compact = words.join('');
    if (words.length > 1 && compact.length >= 4 && !artistsCompact.has(compact)) artistsCompact.set(compact, entry);
  }

  const genreKeys: string[] = [];
  for (const [key, entries] of phrases) {
    if (key.length >= 5 && entries.some((entry) => entry.type === 'vocabulary' && (entry.kind === 'genre' || entry.kind === 'subgenre'))) genreKeys.push(key);
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
    genreKeys,
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
  if (entry.negatedFeatures) effect.negatedFeatures = entry.negatedFeatures;
  if (entry.widenYears !== undefined) effect.widenYears = entry.widenYears;
  if (entry.yearDirection) effect.yearDirection = entry.yearDirection;
  if (entry.rationale) effect.rationale = entry.rationale;
  if (entry.arc) effect.arc = entry.arc;
  return { ...effect, ...pickDefined(entry, ['discovery', 'similarToUser', 'explicitAllowed', 'trackCount', 'lengthScale']) };
}

export interface GenreLookup {
  genres: string[];
  subgenres: string[];
  /** set when the name is a curated style the catalog lacks ("trip-hop"): keep it as a label */
  label?: string;
}

/** A genre or subgenre name in any spelling, or a curated alias, as the catalog's names. */
export function lookupGenre(lexicon: Lexicon, name: string): GenreLookup | undefined {
  const entries = lexicon.phrases.get(compactKey(name));
  if (!entries) return undefined;
  for (const entry of entries) {
    if (entry.type !== 'vocabulary' || (entry.kind !== 'genre' && entry.kind !== 'subgenre')) continue;
    const { effect } = entry;
    return {
      genres: [...(effect.genres ?? [])],
      subgenres: [...(effect.subgenres ?? [])],
      ...(effect.hintOnly ? { label: entry.canonical } : {}),
    };
  }
  return undefined;
}

/** An artist by name, folding case, diacritics, punctuation and a leading "the". */
export function lookupArtist(lexicon: Lexicon, name: string): ArtistRef | undefined {
  const spaced = spacedKey(name);
  const entry = lexicon.artists.get(spaced) ?? lexicon.artists.get(spaced.replace(/^the /, '')) ?? lexicon.artistsCompact.get(compactKey(name));
  return entry?.ref;
}
