// What the matcher reports: a matched term, the cue that scopes it, and what it does to a plan
// or a query. Shared by the lexicon, the number parsers and the interpreters.
import type { FeatureBounds, SequencingArc } from './ranges';
import type { VocabularyKind } from './vocabulary';

export type Modifier = 'none' | 'negated' | 'softened' | 'more' | 'only' | 'like' | 'by';

export type TermKind = Exclude<VocabularyKind, 'genre'> | 'genre' | 'subgenre' | 'artist' | 'year' | 'tempo';

/** Mean audio features and release year of an artist's catalog tracks ("like X but slower"). */
export type ArtistProfile = Partial<Record<'energy' | 'valence' | 'danceability' | 'tempo' | 'acousticness' | 'year', number>>;

export interface ArtistRef {
  /** the catalog's spelling */
  name: string;
  /** every catalog artist with this (folded) name */
  ids: string[];
  /** means over the artist's tracks, when the lexicon was built from a catalog */
  profile?: ArtistProfile;
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
  /** a track-length bound in minutes ("songs under 3 minutes", "longer than 6 minutes") */
  trackMinutes?: { min?: number; max?: number };
  /** single years nearby widen by this many years each way ("in high school in 2008") */
  widenYears?: number;
  /** relative era: "older" / "newer" than the seed artists (or than today without seeds) */
  yearDirection?: 'older' | 'newer';
  /** the feature ranges a negation of this term means, when it is not the plain complement */
  negatedFeatures?: FeatureBounds;
  /** why the term maps to these ranges or years, for the listener ("music from a grandparent's youth") */
  rationale?: string;
  /** a name after "like"/"by" that the catalog does not have ("like Massive Attack") */
  unknownArtist?: string;
}

export interface MatchedTerm {
  /** the folded words that matched, e.g. "trip hop" */
  text: string;
  kind: TermKind;
  /** catalog spelling, vocabulary label, or "1990-1999" for years */
  canonical: string;
  modifier: Modifier;
  /** the negation came through "like" ("nothing like Drake", "not similar to X"): the sound is refused, not only the tracks */
  negatesLike?: true;
  effect: TermEffect;
  /** token position where the term starts and how many tokens it spans */
  start?: number;
  length?: number;
}

export interface TermMatch {
  terms: MatchedTerm[];
  /** words that matched nothing (stopwords and cue words removed): left for lexical search */
  remainder: string[];
}
