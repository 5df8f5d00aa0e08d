// Free text → constraints, independent of any planner: the offline planner builds plans from
// this, and Search maps descriptive queries ("sad songs 2000s") into the same constraints.
import type { Lexicon } from './lexicon';
import { matchTerms } from './match';
import type { AudioFeature, FeatureBounds, FeatureRange, SequencingArc } from './ranges';
import { AUDIO_FEATURES, featureScale, invertRange, rangeSide, roundRange, softenRange } from './ranges';
import type { ArtistRef, MatchedTerm } from './terms';

export interface QueryConstraints {
  genres: { include: string[]; exclude: string[] };
  subgenres: { include: string[]; exclude: string[] };
  artists: {
    /** "like X", or a bare artist name: seeds for similarity */
    seed: ArtistRef[];
    /** "by X", "only X": restrict to these artists */
    include: ArtistRef[];
    /** "no X", "without X" */
    exclude: ArtistRef[];
  };
  features: Partial<Record<AudioFeature, FeatureRange>>;
  releaseYear: { min: number; max: number } | null;
  moods: string[];
  activities: string[];
  trackCount: number | null;
  targetMinutes: number | null;
  arc: SequencingArc | null;
  explicitAllowed: boolean | null;
  discovery: number | null;
  similarToUser: number | null;
  /** length of each track, in minutes ("songs under 3 minutes") */
  trackMinutes: { min: number; max: number } | null;
  /** names asked for that the catalog does not have: curated genres it lacks, unknown artists after "like"/"by" */
  unavailable: { genres: string[]; artists: string[] };
  /** why people and occasions mapped to the ranges and years they did */
  rationale: string[];
}

/** A matched term as reported to callers: what matched, how it was read, and under which cue. */
export interface MatchedTermSummary {
  text: string;
  kind: MatchedTerm['kind'];
  canonical: string;
  modifier: MatchedTerm['modifier'];
}

export interface QueryInterpretation {
  matchedTerms: MatchedTermSummary[];
  constraints: QueryConstraints;
  /** words no term explained, for lexical search */
  remainder: string;
}

export function createEmptyConstraints(): QueryConstraints {
  return {
    genres: { include: [], exclude: [] },
    subgenres: { include: [], exclude: [] },
    artists: { seed: [], include: [], exclude: [] },
    features: {},
    releaseYear: null,
    moods: [],
    activities: [],
    trackCount: null,
    targetMinutes: null,
    arc: null,
    explicitAllowed: null,
    discovery: null,
    similarToUser: null,
    trackMinutes: null,
    unavailable: { genres: [], artists: [] },
    rationale: [],
  };
}

/** Maps free text to constraints using the lexicon. Pure and fast: safe to call per request. */
export function interpretQuery(lexicon: Lexicon, text: string): QueryInterpretation {
  const { terms, remainder } = matchTerms(lexicon, text);
  return {
    matchedTerms: terms.map(summarizeTerm),
    constraints: constraintsFromTerms(terms, { currentYear: lexicon.currentYear }),
    remainder: remainder.join(' '),
  };
}

export function summarizeTerm(term: MatchedTerm): MatchedTermSummary {
  return { text: term.text, kind: term.kind, canonical: term.canonical, modifier: term.modifier };
}

interface WeightedRange {
  range: FeatureRange;
  priority: number;
}

const TERM_PRIORITY: Partial<Record<MatchedTerm['kind'], number>> = {
  genre: 1,
  subgenre: 1,
  activity: 2,
  mood: 3,
  style: 3,
  feel: 4,
  tempo: 5,
};

export interface ConstraintOptions {
  /** "newer" without a seed means up to this year; defaults to the current UTC year */
  currentYear?: number;
}

/** A request to move away from the seed artists on one axis ("like X but slower"). */
interface RelativeRequest {
  feature: AudioFeature | 'year';
  direction: 'below' | 'above';
}

/** How far past a seed's mean a comparison moves: enough to be heard, not so far it leaves the seed's sound. */
const RELATIVE_STEP: Record<AudioFeature | 'year', number> = {
  energy: 0.05,
  valence: 0.05,
  danceability: 0.05,
  acousticness: 0.05,
  instrumentalness: 0.05,
  speechiness: 0.02,
  liveness: 0.05,
  mode: 0,
  tempo: 5,
  year: 3,
};

/**
 * Prompt semantics: "no X" excludes (and inverts the one feature that defines a mood), "not too X"
 * softens it, "like X" seeds, "X but slower" moves away from the seeds, bare terms include.
 */
export function constraintsFromTerms(terms: readonly MatchedTerm[], options: ConstraintOptions = {}): QueryConstraints {
  const constraints = createEmptyConstraints();
  const currentYear = options.currentYear ?? new Date().getUTCFullYear();
  const ranges = new Map<AudioFeature, WeightedRange[]>();
  const spans: { min: number; max: number }[] = [];
  const vagueSpans: { min: number; max: number }[] = [];
  const relative: RelativeRequest[] = [];
  let lowerBound: number | undefined;
  let upperBound: number | undefined;
  let widenYears = 0;
  // artists whose sound the prompt refuses ("skip Drake and anything like him"), not only their tracks
  const refusedSounds = new Set<string>();

  const addRange = (feature: AudioFeature, range: FeatureRange, priority: number) => {
    const list = ranges.get(feature) ?? [];
    list.push({ range, priority });
    ranges.set(feature, list);
  };

  for (const term of terms) {
    const { effect, modifier } = term;
    const negated = modifier === 'negated';
    const softened = modifier === 'softened';
    const priority = TERM_PRIORITY[term.kind] ?? 3;

    if (effect.features) {
      // The first feature of a word defines it ("sad" is low valence; its low energy only colours it):
      // negating or softening a word moves that one feature, so "no sad songs" does not force energy.
      const defining = primaryFeature(effect.features);
      if (negated && effect.negatedFeatures) {
        for (const feature of AUDIO_FEATURES) {
          const bounds = effect.negatedFeatures[feature];
          if (bounds) addRange(feature, { min: bounds[0], max: bounds[1] }, priority);
        }
      } else if (!(effect.hintOnly && negated)) {
        // A genre the catalog lacks only hints; a negated hint-only genre says nothing about features.
        for (const feature of AUDIO_FEATURES) {
          const bounds = effect.features[feature];
          if (!bounds) continue;
          if ((negated || softened) && feature !== defining) continue;
          let range: FeatureRange | undefined = { min: bounds[0], max: bounds[1] };
          if (negated) range = invertRange(feature, range);
          else if (softened) range = softenRange(feature, range);
          if (range) addRange(feature, range, priority);
        }
      }
      // Comparisons ("slower", "more upbeat", "less aggressive") are relative when there are seeds.
      if (defining && (effect.comparative || modifier === 'more' || softened)) {
        const bounds = effect.features[defining]!;
        const side = rangeSideOf(defining, bounds);
        if (side !== 'middle') relative.push({ feature: defining, direction: (side === 'high') !== softened ? 'above' : 'below' });
      }
    }

    if (effect.genres || effect.subgenres) {
      const target = negated || softened ? 'exclude' : 'include';
      for (const genre of effect.genres ?? []) addUnique(constraints.genres[target], genre);
      for (const subgenre of effect.subgenres ?? []) addUnique(constraints.subgenres[target], subgenre);
    }

    if (effect.hintOnly && !negated && !softened) {
      // Said out loud instead of slipped into the title: the catalog has no such genre.
      addUnique(constraints.unavailable.genres, term.canonical);
    } else if (effect.label && !negated && !softened) {
      addUnique(effect.label.kind === 'mood' ? constraints.moods : constraints.activities, effect.label.value);
    }

    if (effect.artist) {
      const list =
        negated || softened
          ? constraints.artists.exclude
          : modifier === 'by' || modifier === 'only'
            ? constraints.artists.include
            : constraints.artists.seed;
      if (!list.some((artist) => artist.name === effect.artist?.name)) list.push(effect.artist);
      if ((negated || softened) && term.negatesLike) refusedSounds.add(effect.artist.name);
    }
    if (effect.unknownArtist && !negated) addUnique(constraints.unavailable.artists, effect.unknownArtist);

    if (effect.years && !negated && !softened) {
      // Named decades and years are precise; "classics", "throwback" or people only count without them.
      (term.kind === 'year' ? spans : vagueSpans).push(effect.years);
    }
    if (effect.yearDirection && !negated) relative.push({ feature: 'year', direction: effect.yearDirection === 'older' ? 'below' : 'above' });
    if (effect.widenYears !== undefined) widenYears = Math.max(widenYears, effect.widenYears);
    if (effect.yearBound) {
      const bound = negated ? invertYearBound(effect.yearBound) : effect.yearBound;
      if (bound.min !== undefined) lowerBound = Math.max(lowerBound ?? -Infinity, bound.min);
      if (bound.max !== undefined) upperBound = Math.min(upperBound ?? Infinity, bound.max);
    }
    if (effect.trackMinutes) {
      const bound = negated ? invertMinutes(effect.trackMinutes) : effect.trackMinutes;
      const current = constraints.trackMinutes ?? { min: 0, max: Number.POSITIVE_INFINITY };
      const min = Math.max(current.min, bound.min ?? 0);
      const max = Math.min(current.max, bound.max ?? Number.POSITIVE_INFINITY);
      if (min <= max) constraints.trackMinutes = { min, max };
    }
    if (effect.rationale && !negated) addUnique(constraints.rationale, effect.rationale);

    if (effect.arc && !negated) constraints.arc = effect.arc;
    if (effect.discovery !== undefined) constraints.discovery = negated ? 1 - effect.discovery : effect.discovery;
    if (effect.similarToUser !== undefined) constraints.similarToUser = negated ? 1 - effect.similarToUser : effect.similarToUser;
    if (effect.explicitAllowed !== undefined) constraints.explicitAllowed = negated ? !effect.explicitAllowed : effect.explicitAllowed;
    if (effect.trackCount !== undefined && !negated) constraints.trackCount = effect.trackCount;
    if (effect.targetMinutes !== undefined && !negated) constraints.targetMinutes = effect.targetMinutes;
  }

  for (const [feature, list] of ranges) {
    const merged = mergeRanges(feature, list);
    if (merged) constraints.features[feature] = merged;
  }

  // Several eras widen ("90s and 2000s"); open bounds narrow ("90s, nothing before 1995"); a life
  // stage widens a single year ("in high school in 2008" = 2005–2011).
  let releaseYear: { min: number; max: number } | null = null;
  for (const span of spans.length > 0 ? spans : vagueSpans) {
    const widened = widenYears > 0 && span.min === span.max ? { min: span.min - widenYears, max: span.max + widenYears } : span;
    releaseYear = releaseYear ? { min: Math.min(releaseYear.min, widened.min), max: Math.max(releaseYear.max, widened.max) } : { ...widened };
  }
  if (lowerBound !== undefined || upperBound !== undefined) {
    const base = releaseYear ?? { min: 1900, max: 2100 };
    const min = Math.max(base.min, lowerBound ?? base.min);
    const max = Math.min(base.max, upperBound ?? base.max);
    releaseYear = min <= max ? { min, max } : releaseYear;
  }
  constraints.releaseYear = releaseYear;

  // An artist both seeded and excluded ("like Drake but not Drake") is a direction: it stays a seed
  // (its sound steers the playlist, like "like X but slower" below) and its own tracks stay excluded.
  // Only "by / only" includes give way to the exclusion — and the seed itself when the exclusion refuses
  // the sound too: "rap like Drake but skip Drake and anything like him" keeps rap, not Drake's direction.
  const excluded = new Set(constraints.artists.exclude.map((artist) => artist.name));
  constraints.artists.seed = constraints.artists.seed.filter((artist) => !refusedSounds.has(artist.name));
  constraints.artists.include = constraints.artists.include.filter((artist) => !excluded.has(artist.name));
  const excludedGenres = new Set(constraints.genres.exclude);
  constraints.genres.include = constraints.genres.include.filter((genre) => !excludedGenres.has(genre));
  const excludedSubgenres = new Set(constraints.subgenres.exclude);
  constraints.subgenres.include = constraints.subgenres.include.filter((subgenre) => !excludedSubgenres.has(subgenre));

  applyRelative(constraints, relative, currentYear);
  return constraints;
}

/** The defining (first-listed) feature of a word's hints. */
function primaryFeature(features: FeatureBounds): AudioFeature | undefined {
  for (const key of Object.keys(features)) if ((AUDIO_FEATURES as readonly string[]).includes(key)) return key as AudioFeature;
  return undefined;
}

function rangeSideOf(feature: AudioFeature, bounds: readonly [number, number]): 'low' | 'high' | 'middle' {
  return rangeSide(feature, { min: bounds[0], max: bounds[1] });
}

/**
 * "like X but slower / older / happier": ranges just past the seed artists' own means, so the
 * playlist stays near the seeds' sound and moves the way it was asked. Without seeds (or without
 * their profiles) the words keep their absolute ranges.
 */
function applyRelative(constraints: QueryConstraints, requests: readonly RelativeRequest[], currentYear: number): void {
  const profiles = constraints.artists.seed.map((artist) => artist.profile).filter((profile) => profile !== undefined);
  if (requests.length === 0 || profiles.length === 0) return;
  for (const request of requests) {
    const values = profiles.map((profile) => profile[request.feature as keyof typeof profile]).filter((value): value is number => value !== undefined && Number.isFinite(value));
    if (values.length === 0) continue;
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const step = RELATIVE_STEP[request.feature];
    if (request.feature === 'year') {
      const pivot = Math.round(mean);
      constraints.releaseYear = request.direction === 'below' ? { min: Math.max(1900, pivot - 30), max: pivot - step } : { min: pivot + step, max: Math.max(pivot + step, currentYear) };
      continue;
    }
    const scale = featureScale(request.feature);
    const range = request.direction === 'below' ? { min: scale.min, max: Math.max(scale.min, mean - step) } : { min: Math.min(scale.max, mean + step), max: scale.max };
    constraints.features[request.feature] = roundRange(range);
  }
}

function invertMinutes(bound: { min?: number; max?: number }): { min?: number; max?: number } {
  if (bound.max !== undefined && bound.min === undefined) return { min: bound.max };
  if (bound.min !== undefined && bound.max === undefined) return { max: bound.min };
  return {};
}

/** "nothing before 1995" = since 1995; "nothing after 2010" = up to 2010. */
export function invertYearBound(bound: { min?: number; max?: number }): { min?: number; max?: number } {
  if (bound.max !== undefined) return { min: bound.max + 1 };
  if (bound.min !== undefined) return { max: bound.min - 1 };
  return {};
}

function addUnique(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/** Intersects ranges from low to high priority; a higher-priority range that disagrees wins. */
function mergeRanges(feature: AudioFeature, list: readonly WeightedRange[]): FeatureRange | undefined {
  const sorted = [...list].sort((a, b) => a.priority - b.priority);
  let current: WeightedRange | undefined;
  for (const next of sorted) {
    if (!current) {
      current = { ...next, range: { ...next.range } };
      continue;
    }
    const min = Math.max(current.range.min, next.range.min);
    const max = Math.min(current.range.max, next.range.max);
    if (min <= max) {
      const narrowest = Math.min(current.range.max - current.range.min, next.range.max - next.range.min);
      current = { range: widenToMinimum(feature, { min, max }, narrowest), priority: next.priority };
    } else if (next.priority > current.priority) {
      current = { ...next, range: { ...next.range } };
    } else {
      // Equal priority and disjoint ("happy sad songs"): keep both by spanning them.
      current = { range: { min: Math.min(current.range.min, next.range.min), max: Math.max(current.range.max, next.range.max) }, priority: next.priority };
    }
  }
  return current ? roundRange(current.range) : undefined;
}

/**
 * Two overlapping ranges can intersect to a sliver ("late night" ∩ "driving" energy = 0.55–0.65)
 * that few tracks fall in; keep at least a usable width around the intersection's centre.
 */
function widenToMinimum(feature: AudioFeature, range: FeatureRange, narrowestInput: number): FeatureRange {
  const scale = featureScale(feature);
  // Never wider than the narrowest input asked for ("130 bpm" stays 122–138).
  const minimum = Math.min(feature === 'tempo' ? 20 : 0.2, narrowestInput);
  if (range.max - range.min >= minimum) return range;
  const centre = (range.min + range.max) / 2;
  let min = centre - minimum / 2;
  let max = centre + minimum / 2;
  if (min < scale.min) [min, max] = [scale.min, scale.min + minimum];
  if (max > scale.max) [min, max] = [scale.max - minimum, scale.max];
  return { min, max };
}
