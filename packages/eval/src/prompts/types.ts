// The prompt benchmark's vocabulary: a prompt, the class of phrasing it tests, and the
// machine-checkable constraints a satisfying playlist meets. Checks are written from what the
// prompt asks for (read as a person would), never from what a planner produced.

/** Classes of phrasing the benchmark reports separately. */
export const PROMPT_CLASSES = [
  'negation',
  'comparison',
  'era',
  'numbers',
  'occasion',
  'audio',
  'spelling',
  'multilingual',
  'artist',
  'honesty',
] as const;
export type PromptClass = (typeof PROMPT_CLASSES)[number];

/** Catalog columns a share check can read (Spotify's audio features; mode is 0 minor / 1 major). */
export type CheckFeature =
  | 'energy'
  | 'valence'
  | 'danceability'
  | 'acousticness'
  | 'instrumentalness'
  | 'speechiness'
  | 'liveness'
  | 'tempo'
  | 'mode';

/** A constraint on the result; `share` = the least fraction of tracks that must satisfy it. */
export type PromptCheck =
  /** tracks carrying one of the genres (as genre or subgenre) */
  | { kind: 'genreShare'; genres: string[]; share: number }
  | { kind: 'yearShare'; min: number; max: number; share: number }
  | { kind: 'featureShare'; feature: CheckFeature; min?: number; max?: number; share: number }
  /** tracks whose own length (minutes) lies in the range */
  | { kind: 'trackMinutesShare'; min?: number; max?: number; share: number }
  /** no track by these artists */
  | { kind: 'excludeArtists'; artists: string[] }
  /** no track carrying these genres */
  | { kind: 'excludeGenres'; genres: string[] }
  /** share of tracks by any of the artists, at least `min` (and at most `max`) */
  | { kind: 'artistShare'; artists: string[]; min: number; max?: number }
  | { kind: 'trackCount'; count: number }
  | { kind: 'trackCountAtLeast'; count: number }
  /** total playlist length */
  | { kind: 'durationMinutes'; min: number; max: number }
  /** comparison: the playlist's mean of a feature (or release year) is below/above the artist's catalog mean */
  | { kind: 'meanVersusArtist'; feature: CheckFeature | 'year'; artist: string; direction: 'below' | 'above' }
  /** similarity: share of tracks carrying the artist's most common top-level genre */
  | { kind: 'seedGenreShare'; artist: string; share: number }
  /** honesty: the response's `unfulfilled` names this (folded substring match) */
  | { kind: 'unfulfilled'; mentions: string }
  /** honesty: the title names none of these */
  | { kind: 'titleOmits'; words: string[] }
  /** honesty: the description names this */
  | { kind: 'descriptionMentions'; words: string[] }
  /** honesty: the response reports a relaxation or an unfulfilled part */
  | { kind: 'relaxedReported' }
  /** no false exclusions: the plan excludes nothing beyond these artists and genres */
  | { kind: 'onlyExclusions'; artists: string[]; genres: string[] };

/** A prompt of any suite: `class` is the group it is reported under. */
export interface SuitePrompt {
  prompt: string;
  class: string;
  checks: PromptCheck[];
  /** the prompt restricts artists ("songs by Queen"): artist spacing cannot apply */
  restrictsArtists?: boolean;
  /** the catalog cannot fill the requested length ("songs by The Beatles"): fewer tracks are honest */
  allowShort?: boolean;
  /** the caller's length (the API's `length`) */
  length?: number;
}

/** A prompt of the benchmark: one of its ten classes. */
export interface BenchmarkPrompt extends SuitePrompt {
  class: PromptClass;
}
