// Free text → constraints, independent of any planner: the offline planner builds plans from
// this, and Search maps descriptive queries ("sad songs 2000s") into the same constraints.
import type { Lexicon } from './lexicon';
import { matchTerms } from './match';
import type { AudioFeature, FeatureRange, SequencingArc } from './ranges';
import { AUDIO_FEATURES, featureScale, invertRange, roundRange, softenRange } from './ranges';
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
  };
}

/** Maps free text to constraints using the lexicon. Pure and fast: safe to call per request. */
export function interpretQuery(lexicon: Lexicon, text: string): QueryInterpretation {
  const { terms, remainder } = matchTerms(lexicon, text);
  return {
    matchedTerms: terms.map(summarizeTerm),
    constraints: constraintsFromTerms(terms),
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

/** Prompt semantics: "no X" excludes, "not too X" softens, "like X" seeds, bare terms include. */
export function constraintsFromTerms(terms: readonly MatchedTerm[]): QueryConstraints {
  const constraints = createEmptyConstraints();
  const ranges = new Map<AudioFeature, WeightedRange[]>();
  const spans: { min: number; max: number }[] = [];
  const vagueSpans: { min: number; max: number }[] = [];
  let lowerBound: number | undefined;
  let upperBound: number | undefined;

  for (const term of terms) {
    const { effect, modifier } = term;
    const negated = modifier === 'negated';
    const softened = modifier === 'softened';

    if (effect.features) {
      for (const feature of AUDIO_FEATURES) {
        const bounds = effect.features[feature];
        if (!bounds) continue;
        let range: FeatureRange | undefined = { min: bounds[0], max: bounds[1] };
        if (negated) range = invertRange(feature, range);
        else if (softened) range = softenRange(feature, range);
        if (!range) continue;
        // A genre the catalog lacks only hints; a negated hint-only genre says nothing about features.
        if (effect.hintOnly && negated) continue;
        const list = ranges.get(feature) ?? [];
        list.push({ range, priority: TERM_PRIORITY[term.kind] ?? 3 });
        ranges.set(feature, list);
      }
    }

    if (effect.genres || effect.subgenres) {
      const target = negated || softened ? 'exclude' : 'include';
      for (const genre of effect.genres ?? []) addUnique(constraints.genres[target], genre);
      for (const subgenre of effect.subgenres ?? []) addUnique(constraints.subgenres[target], subgenre);
    }

    if (effect.label && !negated && !softened) {
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
    }

    if (effect.years && !negated && !softened) {
      // Named decades and years are precise; "classics" or "throwback" only count without them.
      (term.kind === 'era' ? vagueSpans : spans).push(effect.years);
    }
    if (effect.yearBound) {
      const bound = negated ? invertYearBound(effect.yearBound) : effect.yearBound;
      if (bound.min !== undefined) lowerBound = Math.max(lowerBound ?? -Infinity, bound.min);
      if (bound.max !== undefined) upperBound = Math.min(upperBound ?? Infinity, bound.max);
    }

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

  // Several eras widen ("90s and 2000s"); open bounds narrow ("90s, nothing before 1995").
  let releaseYear: { min: number; max: number } | null = null;
  for (const span of spans.length > 0 ? spans : vagueSpans) {
    releaseYear = releaseYear ? { min: Math.min(releaseYear.min, span.min), max: Math.max(releaseYear.max, span.max) } : { ...span };
  }
  if (lowerBound !== undefined || upperBound !== undefined) {
    const base = releaseYear ?? { min: 1900, max: 2100 };
    const min = Math.max(base.min, lowerBound ?? base.min);
    const max = Math.min(base.max, upperBound ?? base.max);
    releaseYear = min <= max ? { min, max } : releaseYear;
  }
  constraints.releaseYear = releaseYear;

  // An artist both seeded and excluded ("like Drake, no Drake") stays excluded.
  const excluded = new Set(constraints.artists.exclude.map((artist) => artist.name));
  constraints.artists.seed = constraints.artists.seed.filter((artist) => !excluded.has(artist.name));
  constraints.artists.include = constraints.artists.include.filter((artist) => !excluded.has(artist.name));
  const excludedGenres = new Set(constraints.genres.exclude);
  constraints.genres.include = constraints.genres.include.filter((genre) => !excludedGenres.has(genre));
  const excludedSubgenres = new Set(constraints.subgenres.exclude);
  constraints.subgenres.include = constraints.subgenres.include.filter((subgenre) => !excludedSubgenres.has(subgenre));
  return constraints;
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
