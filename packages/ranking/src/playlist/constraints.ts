// A plan's constraints resolved against one catalog: names → indices, hard filters as a fast
// predicate over track indices, soft feature ranges as typed-array lookups.
import { spacedKey } from '@mixtape/language';
import type { Plan, PlanFeature } from '@mixtape/llm';
import { PLAN_FEATURES } from '@mixtape/llm';
import type { PlaylistEngine } from './context';

export interface FeatureTarget {
  feature: PlanFeature;
  min: number;
  max: number;
  /** the catalog column of this feature (NaN = unknown) */
  column: Float32Array;
  /** distance that costs about a third of the fit: 0.1 on 0..1 features, 12 BPM on tempo */
  scale: number;
}

export interface ResolvedPlan {
  plan: Plan;
  excludedArtists: ReadonlySet<number>;
  /** null = any artist */
  includedArtists: ReadonlySet<number> | null;
  excludedGenres: ReadonlySet<number>;
  /** genres ∪ subgenres the listener asked for; null = any genre */
  includedGenres: ReadonlySet<number> | null;
  includedSubgenres: ReadonlySet<number>;
  /** may include excluded artists: then a direction only (their tracks never pass the filter) */
  seedArtists: readonly number[];
  seedTracks: readonly number[];
  yearMin: number;
  yearMax: number;
  /** track length bounds in milliseconds (0 / Infinity when unbounded) */
  trackMinMs: number;
  trackMaxMs: number;
  explicitAllowed: boolean;
  features: readonly FeatureTarget[];
  /** plan names the catalog does not have (reported, never fatal) */
  unresolved: string[];
}

export function resolvePlan(engine: PlaylistEngine, plan: Plan): ResolvedPlan {
  const { store } = engine;
  const unresolved: string[] = [];
  const artistSet = (names: readonly string[], kind: string): Set<number> => {
    const set = new Set<number>();
    for (const name of names) {
      const found = engine.artistsByName.get(spacedKey(name));
      if (found) for (const artist of found) set.add(artist);
      else unresolved.push(`${kind} "${name}"`);
    }
    return set;
  };
  const genreSet = (names: readonly string[], kind: string): Set<number> => {
    const set = new Set<number>();
    for (const name of names) {
      const genre = engine.genreByName.get(spacedKey(name));
      if (genre !== undefined) set.add(genre);
      else unresolved.push(`${kind} "${name}"`);
    }
    return set;
  };

  const excludedArtists = artistSet(plan.artists.exclude, 'excluded artist');
  const includedArtistSet = artistSet(plan.artists.include, 'artist');
  const excludedGenres = new Set([...genreSet(plan.genres.exclude, 'excluded genre'), ...genreSet(plan.subgenres.exclude, 'excluded subgenre')]);
  const includedGenreSet = genreSet(plan.genres.include, 'genre');
  const includedSubgenres = genreSet(plan.subgenres.include, 'subgenre');
  const includedGenres = new Set([...includedGenreSet, ...includedSubgenres]);
  // A seed artist that is also excluded ("like Drake but not Drake") stays a seed: its tracks steer
  // the seed centroid, and the hard filter keeps them out of the playlist.
  const seedArtists = [...artistSet(plan.seedArtists, 'seed artist')];

  const seedTracks: number[] = [];
  for (const seed of plan.seedTracks) {
    const artist = seed.artist ? spacedKey(seed.artist) : null;
    // most popular match first when a title is ambiguous
    const matches = [...engine.tracksWithTitle(seed.title)]
      .filter((track) => artist === null || spacedKey(store.artistName(store.trackPrimaryArtist[track]!)) === artist)
      .sort((a, b) => store.popularityRank(a) - store.popularityRank(b));
    if (matches[0] !== undefined) seedTracks.push(matches[0]);
    else unresolved.push(`seed track "${seed.title}"${seed.artist ? ` by ${seed.artist}` : ''}`);
  }

  const features: FeatureTarget[] = [];
  for (const feature of PLAN_FEATURES) {
    const range = plan.features[feature];
    if (!range) continue;
    features.push({ feature, min: range.min, max: range.max, column: store.featureColumn(feature), scale: feature === 'tempo' ? 12 : 0.1 });
  }

  return {
    plan,
    excludedArtists,
    includedArtists: includedArtistSet.size > 0 ? includedArtistSet : null,
    excludedGenres,
    includedGenres: includedGenres.size > 0 ? includedGenres : null,
    includedSubgenres,
    seedArtists,
    seedTracks,
    yearMin: plan.releaseYear?.min ?? Number.NEGATIVE_INFINITY,
    yearMax: plan.releaseYear?.max ?? Number.POSITIVE_INFINITY,
    trackMinMs: plan.trackMinutes ? plan.trackMinutes.min * 60_000 : 0,
    trackMaxMs: plan.trackMinutes ? plan.trackMinutes.max * 60_000 : Number.POSITIVE_INFINITY,
    explicitAllowed: plan.explicitAllowed,
    features,
    unresolved,
  };
}

export interface HardFilterOptions {
  /** ignore the genre includes (a relaxation when they leave too few tracks) */
  ignoreGenreIncludes?: boolean;
  /** ignore the year range */
  ignoreYears?: boolean;
  /** use these years instead of the plan's (a widened range) */
  years?: { min: number; max: number };
  /** ignore the track length bounds */
  ignoreTrackLength?: boolean;
}

/**
 * The plan's hard constraints as a predicate over track indices: exclusions (artists, genres),
 * "only by", genre includes, release years, explicit content. Exclusions are never relaxed.
 */
export function createHardFilter(engine: PlaylistEngine, resolved: ResolvedPlan, options: HardFilterOptions = {}): (track: number) => boolean {
  const { store } = engine;
  const { columns } = store;
  const { excludedArtists, includedArtists, excludedGenres, explicitAllowed } = resolved;
  const includedGenres = options.ignoreGenreIncludes ? null : resolved.includedGenres;
  const yearMin = options.ignoreYears ? Number.NEGATIVE_INFINITY : (options.years?.min ?? resolved.yearMin);
  const yearMax = options.ignoreYears ? Number.POSITIVE_INFINITY : (options.years?.max ?? resolved.yearMax);
  const checkYears = Number.isFinite(yearMin) || Number.isFinite(yearMax);
  const minMs = options.ignoreTrackLength ? 0 : resolved.trackMinMs;
  const maxMs = options.ignoreTrackLength ? Number.POSITIVE_INFINITY : resolved.trackMaxMs;
  const checkLength = minMs > 0 || Number.isFinite(maxMs);
  const durations = columns.trackDurationMs;
  const checkArtists = excludedArtists.size > 0 || includedArtists !== null;
  const checkGenres = excludedGenres.size > 0 || includedGenres !== null;
  return (track: number): boolean => {
    if (track < 0) return false;
    if (!explicitAllowed && columns.trackExplicit[track] === 1) return false;
    if (checkYears) {
      const year = store.trackReleaseYear[track]!;
      if (year === 0 || year < yearMin || year > yearMax) return false;
    }
    if (checkLength) {
      const duration = durations[track]!;
      if (duration < minMs || duration > maxMs) return false;
    }
    if (checkArtists) {
      const artists = matchSets(columns.trackArtistOffsets, columns.trackArtists, track, excludedArtists, includedArtists, NO_MATCH);
      if (artists !== MATCH_INCLUDED && (artists === MATCH_EXCLUDED || includedArtists !== null)) return false;
    }
    if (checkGenres) {
      const genres = matchSets(columns.trackGenreOffsets, columns.trackGenres, track, excludedGenres, includedGenres, NO_MATCH);
      const withSubgenres = genres === MATCH_EXCLUDED ? genres : matchSets(columns.trackSubgenreOffsets, columns.trackSubgenres, track, excludedGenres, includedGenres, genres);
      if (withSubgenres !== MATCH_INCLUDED && (withSubgenres === MATCH_EXCLUDED || includedGenres !== null)) return false;
    }
    return true;
  };
}

const NO_MATCH = 0;
const MATCH_INCLUDED = 1;
const MATCH_EXCLUDED = 2;

/**
 * How a track's values in one CSR column (its artists, genres or subgenres) meet an exclusion
 * and an inclusion set: MATCH_EXCLUDED as soon as one value is excluded, else MATCH_INCLUDED when
 * one is included (or `previous` said so), else `previous`.
 */
function matchSets(offsets: ArrayLike<number>, values: ArrayLike<number>, track: number, excluded: ReadonlySet<number>, included: ReadonlySet<number> | null, previous: number): number {
  let match = previous;
  for (let j = offsets[track]!; j < offsets[track + 1]!; j++) {
    const value = values[j]!;
    if (excluded.has(value)) return MATCH_EXCLUDED;
    if (included?.has(value)) match = MATCH_INCLUDED;
  }
  return match;
}

/** 1 inside every constrained range, falling off with distance outside; 1 when nothing is constrained. */
export function featureFit(features: readonly FeatureTarget[], track: number): number {
  if (features.length === 0) return 1;
  let sum = 0;
  for (const target of features) {
    const value = target.column[track]!;
    if (Number.isNaN(value)) {
      sum += 0.5;
      continue;
    }
    const distance = value < target.min ? target.min - value : value > target.max ? value - target.max : 0;
    sum += distance === 0 ? 1 : Math.exp(-distance / target.scale);
  }
  return sum / features.length;
}

/** Whether a track lies within one `scale` (0.1, 12 BPM) of every constrained range: close enough to say it matches. */
export function nearFeatureRanges(features: readonly FeatureTarget[], track: number): boolean {
  for (const target of features) {
    const value = target.column[track]!;
    if (Number.isNaN(value) || value < target.min - target.scale || value > target.max + target.scale) return false;
  }
  return true;
}

/** Whether a track lies inside every constrained range. */
export function withinFeatureRanges(features: readonly FeatureTarget[], track: number): boolean {
  for (const target of features) {
    const value = target.column[track]!;
    if (Number.isNaN(value) || value < target.min || value > target.max) return false;
  }
  return true;
}
