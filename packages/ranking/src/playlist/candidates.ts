// Candidate generation: the plan's attributes as a content-vector query over FAISS (hard filters
// applied inside the search), seed artists/tracks and their neighbours, the listener's taste via
// the user vector, and an exhaustive filtered scan when the index cannot find enough.
import { dot, normalizeInPlace, selectTopK, squaredNorm } from '@mixtape/base';
import type { ContentAudioFeature, FeatureConstraint, VectorIndex } from '@mixtape/embeddings';
import { encodeContentQuery } from '@mixtape/embeddings';
import { spacedKey } from '@mixtape/language';
import type { HardFilterOptions, ResolvedPlan } from './constraints';
import { createHardFilter, withinFeatureRanges } from './constraints';
import type { PlaylistEngine } from './context';

/** Where a candidate came from and how close it is to each source (0 when not from it). */
export interface CandidatePool {
  tracks: Int32Array;
  /** cosine to the content query */
  contentSimilarity: Float32Array;
  /** cosine to the seed centroid (item space when available, else content space) */
  seedSimilarity: Float32Array;
  /** cosine to the listener's taste vector */
  userSimilarity: Float32Array;
  /** bit flags: SOURCE */
  sources: Uint8Array;
  count: number;
  /** the content query vector (all zeros when the plan constrains no attribute) */
  query: Float32Array;
  hasQuery: boolean;
  /** relaxations applied because the strict filters left too few tracks, in order */
  relaxed: string[];
  /** the release years the tracks were drawn from, when the plan's years had to widen */
  widenedYears?: { min: number; max: number };
  /** tracks in the plan's own year range that passed every other filter (when years widened or were dropped) */
  tracksInRequestedYears?: number;
  /** the plan asked for years and no track of the catalog has a release date (Last.fm, scrobbles, MPD slices): they were dropped */
  yearsUnknown?: true;
}

/** Bits of `CandidatePool.sources`: which retrievals brought a track into the pool. */
export const SOURCE = {
  /** nearest to the plan's content query vector */
  content: 1,
  /** a seed track or a track of a seed artist */
  seedArtist: 2,
  /** nearest to the seeds' centroid */
  seedNeighbour: 4,
  /** nearest to the listener's taste vector */
  user: 8,
  /** a direct scan: inside every constrained range, or a filler when the pool is short */
  scan: 16,
} as const;

export interface CandidateOptions {
  /** tracks the playlist needs */
  needed: number;
  userId?: string;
  /**
   * A unit vector in the content space read from prompt words the plan could not carry (the
   * bundle's text model learned from playlist names): it joins the plan's attribute query, or is
   * the query when the plan constrains no attribute.
   */
  textVector?: Float32Array;
}

/** Pool size: enough for scoring to find in-range, diverse tracks; bounded for latency. */
export function poolSizeFor(needed: number): number {
  return Math.max(200, Math.min(1500, needed * 16));
}

export function generateCandidates(engine: PlaylistEngine, resolved: ResolvedPlan, options: CandidateOptions): CandidatePool {
  const { store, context } = engine;
  const poolSize = poolSizeFor(options.needed);
  const entries = new Map<number, number>(); // track → slot
  const tracks: number[] = [];
  const content: number[] = [];
  const seed: number[] = [];
  const user: number[] = [];
  const sources: number[] = [];
  const slotOf = (track: number): number => {
    let slot = entries.get(track);
    if (slot === undefined) {
      slot = tracks.length;
      entries.set(track, slot);
      tracks.push(track);
      content.push(0);
      seed.push(0);
      user.push(0);
      sources.push(0);
    }
    return slot;
  };

  const query = withTextVector(buildContentQuery(engine, resolved), options.textVector);
  const hasQuery = query.some((value) => value !== 0);
  const relaxed: string[] = [];

  const relaxation = relaxFilters(engine, resolved, Math.min(options.needed, store.trackCount));
  const filter = createHardFilter(engine, relaxation.plan, relaxation.options);
  const widened = relaxation.plan;
  relaxed.push(...relaxation.relaxed);

  /** FAISS search with the hard filter inside; each hit's cosine goes to `into`, tagged `source`. */
  const collectFiltered = (index: VectorIndex, labelToTrack: Int32Array, vector: Float32Array, k: number, into: number[], source: number): void => {
    const found = index.search(vector, k, {
      filter: (label) => filter(labelToTrack[label] ?? -1),
      overFetch: 3,
      maxFetch: Math.max(4000, poolSize * 6),
    });
    for (let i = 0; i < found.labels.length; i++) {
      const slot = slotOf(labelToTrack[found.labels[i]!]!);
      into[slot] = asCosine(index.metric, found.scores[i]!);
      sources[slot]! |= source;
    }
  };

  // 1. Attributes → content vector → FAISS, hard filters inside the search. A selective filter
  // (a few per cent of the catalog: short tracks of one genre, a thin era) makes the filtered
  // graph search walk thousands of rejected neighbours; an exact scan of the tracks that pass is
  // cheaper then (≤ 8 % of 50k tracks × a 30-dimension dot product ≈ 0.1 M multiply-adds).
  if (hasQuery && passShareBelow(store.trackCount, filter, EXACT_SCAN_SHARE)) {
    const scores = new Float32Array(store.trackCount).fill(Number.NEGATIVE_INFINITY);
    for (let track = 0; track < store.trackCount; track++) {
      if (filter(track)) scores[track] = dot(engine.contentVectors, track * engine.contentDim, query, 0, engine.contentDim);
    }
    const items = new Int32Array(poolSize);
    const best = new Float32Array(poolSize);
    const found = selectTopK(scores, poolSize, items, best);
    for (let i = 0; i < found; i++) {
      const slot = slotOf(items[i]!);
      content[slot] = best[i]!;
      sources[slot]! |= SOURCE.content;
    }
  } else if (hasQuery) {
    collectFiltered(context.contentIndex, engine.contentLabelToTrack, query, poolSize, content, SOURCE.content);
  }

  // 1b. Range scan: inner-product search favours extreme feature values (a 128 BPM target pulls
  // the fastest tracks), so tracks inside every constrained range are gathered directly — from
  // the included genres' lists (popular first) when there are any, else the whole catalog.
  if (resolved.features.length > 0) {
    const target = poolSize;
    let added = 0;
    const visit = (track: number): boolean => {
      if (entries.has(track) || !filter(track) || !withinFeatureRanges(resolved.features, track)) return false;
      const slot = slotOf(track);
      sources[slot]! |= SOURCE.scan;
      if (hasQuery) content[slot] = dot(engine.contentVectors, track * engine.contentDim, query, 0, engine.contentDim);
      added++;
      return true;
    };
    const lists = widened.includedGenres !== null && !relaxation.options.ignoreGenreIncludes ? [...widened.includedGenres].map((genre) => store.tracksByGenre(genre)) : [store.mostPopular()];
    const quota = Math.ceil(target / lists.length);
    for (const list of lists) {
      const stop = Math.min(target, added + quota);
      const start = discoveryOffset(list.length, resolved.plan.discovery);
      for (let r = 0; r < list.length && added < stop; r++) visit(list[(start + r) % list.length]!);
    }
  }

  // 2. Seeds: the seed artists' own tracks, the seed tracks, and their nearest neighbours.
  const seedTracks: number[] = [...resolved.seedTracks];
  const perSeedArtist = Math.max(3, Math.ceil(options.needed / Math.max(1, resolved.seedArtists.length)));
  for (const artist of resolved.seedArtists) {
    let taken = 0;
    // An excluded seed ("like Drake but not Drake") passes no track, so `taken` never grows: its
    // most popular tracks, as many as a kept seed contributes at most, set the direction instead.
    const directionOnly = resolved.excludedArtists.has(artist);
    let steering = 0;
    for (const track of store.tracksByArtist(artist)) {
      if (taken >= perSeedArtist * 2 || (directionOnly && steering >= perSeedArtist * 2)) break;
      seedTracks.push(track);
      steering++;
      if (!filter(track)) continue;
      const slot = slotOf(track);
      sources[slot]! |= SOURCE.seedArtist;
      seed[slot] = 1;
      taken++;
    }
  }
  for (const track of resolved.seedTracks) {
    if (!filter(track)) continue;
    const slot = slotOf(track);
    sources[slot]! |= SOURCE.seedArtist;
    seed[slot] = 1;
  }
  if (seedTracks.length > 0) {
    const useItems = context.itemIndex !== undefined && context.itemVectors !== undefined && engine.itemLabelToTrack !== undefined;
    const vectors = useItems ? context.itemVectors! : engine.contentVectors;
    const dim = useItems ? engine.itemDim : engine.contentDim;
    const centroid = meanRow(vectors, dim, seedTracks);
    if (centroid) {
      const index = useItems ? context.itemIndex! : context.contentIndex;
      const labelToTrack = useItems ? engine.itemLabelToTrack! : engine.contentLabelToTrack;
      const found = index.search(centroid, Math.ceil(poolSize / 2), {
        filter: (label) => filter(labelToTrack[label] ?? -1),
        overFetch: 3,
        maxFetch: Math.max(4000, poolSize * 6),
      });
      for (let i = 0; i < found.labels.length; i++) {
        const slot = slotOf(labelToTrack[found.labels[i]!]!);
        seed[slot] = Math.max(seed[slot]!, asCosine(index.metric, found.scores[i]!));
        sources[slot]! |= SOURCE.seedNeighbour;
      }
      // Seed-artist tracks found above get their real similarity too (for notes and scoring).
      for (let slot = 0; slot < tracks.length; slot++) {
        if ((sources[slot]! & SOURCE.seedArtist) !== 0) seed[slot] = Math.max(seed[slot]!, dot(vectors, tracks[slot]! * dim, centroid, 0, dim));
      }
    }
  }

  // 3. The listener's taste, when a user is given and the bundle has user and item vectors.
  if (options.userId !== undefined && resolved.plan.similarToUser > 0 && context.userVector && context.itemIndex && engine.itemLabelToTrack) {
    const taste = context.userVector(options.userId);
    if (taste && taste.length === context.itemIndex.dim && taste.some((value) => value !== 0)) {
      collectFiltered(context.itemIndex, engine.itemLabelToTrack, normalizeInPlace(taste.slice()), Math.ceil(poolSize / 2), user, SOURCE.user);
    }
  }

  // 4. Too few (no attribute query, or a selective filter past the index's fetch cap): scan the
  // filtered catalog directly, from the popularity band the discovery dial asks for.
  if (tracks.length < poolSize) {
    const order = store.mostPopular();
    const limit = hasQuery ? poolSize : poolSize * 2;
    const start = discoveryOffset(order.length, resolved.plan.discovery);
    for (let r = 0; r < order.length && tracks.length < limit; r++) {
      const track = order[(start + r) % order.length]!;
      if (entries.has(track) || !filter(track)) continue;
      const slot = slotOf(track);
      sources[slot]! |= SOURCE.scan;
      if (hasQuery) content[slot] = dot(engine.contentVectors, track * engine.contentDim, query, 0, engine.contentDim);
    }
  }

  return {
    tracks: Int32Array.from(tracks),
    contentSimilarity: Float32Array.from(content),
    seedSimilarity: Float32Array.from(seed),
    userSimilarity: Float32Array.from(user),
    sources: Uint8Array.from(sources),
    count: tracks.length,
    query,
    hasQuery,
    relaxed,
    ...(relaxation.widenedYears ? { widenedYears: relaxation.widenedYears } : {}),
    // also when the years were dropped: "no tracks from the 1990s" was said of a catalog with 4 fitting ones
    ...(relaxation.tracksInRequestedYears !== undefined ? { tracksInRequestedYears: relaxation.tracksInRequestedYears } : {}),
    ...(relaxation.yearsUnknown ? { yearsUnknown: true as const } : {}),
  };
}

/** The hard filter after relaxation, what was relaxed, and the widened years if they widened. */
export interface Relaxation {
  plan: ResolvedPlan;
  options: HardFilterOptions;
  relaxed: string[];
  widenedYears?: { min: number; max: number };
  tracksInRequestedYears?: number;
  yearsUnknown?: true;
}

/**
 * When the strict filters leave fewer tracks than the playlist needs, constraints relax in this
 * order, each step kept until enough tracks pass: (1) track-length bounds; (2) subgenres widened
 * to their parent genres ("90s hip hop" → 90s rap: the era is kept, the family is close); (3)
 * release years widened symmetrically to the nearest years that have enough tracks; (4) release
 * years dropped; (5) genres dropped — with the era restored when it alone holds enough tracks (its
 * own years, else widened to the nearest that do). Exclusions,
 * "only by" artists and clean-only never relax: a playlist that still falls short is shorter,
 * and says so.
 */
export function relaxFilters(engine: PlaylistEngine, resolved: ResolvedPlan, enough: number): Relaxation {
  const { store } = engine;
  let plan = resolved;
  const options: HardFilterOptions = {};
  const relaxed: string[] = [];
  const result = (): Relaxation => ({
    plan,
    options: { ...options },
    relaxed,
    ...(widenedYears ? { widenedYears } : {}),
    ...(tracksInRequestedYears !== undefined ? { tracksInRequestedYears } : {}),
    ...(yearsUnknown ? { yearsUnknown } : {}),
  });
  const passes = (): boolean => countPassing(store.trackCount, createHardFilter(engine, plan, options), enough) >= enough;
  let widenedYears: { min: number; max: number } | undefined;
  let tracksInRequestedYears: number | undefined;
  let yearsUnknown: true | undefined;
  if (passes()) return result();

  if (resolved.trackMinMs > 0 || Number.isFinite(resolved.trackMaxMs)) {
    options.ignoreTrackLength = true;
    relaxed.push('track length');
    if (passes()) return result();
  }

  const parents = parentGenres(engine, resolved.includedSubgenres);
  if (resolved.includedGenres !== null && parents.size > 0) {
    plan = { ...plan, includedGenres: new Set([...resolved.includedGenres, ...parents]) };
    relaxed.push('subgenres widened to their genres');
    if (passes()) return result();
  }

  const hasYears = Number.isFinite(resolved.yearMin) || Number.isFinite(resolved.yearMax);
  if (hasYears) {
    const widening = widenYearsToNearest(engine, plan, options, enough);
    tracksInRequestedYears = widening.inRange;
    if (widening.years) {
      widenedYears = widening.years;
      options.years = widening.years;
      relaxed.push(`release years ${formatYears(resolved.yearMin, resolved.yearMax)} → ${formatYears(widening.years.min, widening.years.max)}`);
      // the widening counted enough tracks under every other filter as it stands
      return result();
    }
  }

  if (hasYears) {
    // "80s synthpop" on a catalog without release dates: say the era could not be judged, not "no tracks from the 1980s"
    if (store.datedTracks === 0) yearsUnknown = true;
    options.ignoreYears = true;
    delete options.years;
    widenedYears = undefined;
    relaxed.push('release years');
    if (passes()) return result();
  }

  if (resolved.includedGenres !== null) {
    options.ignoreGenreIncludes = true;
    relaxed.push('genres');
    // Step 3 failed, so the genre has too few tracks in any year and must go; the era may still hold
    // enough on its own ("90s trip-hop" with four trip-hop tracks: the 1990s have plenty). Keep it
    // then — its own years, else the nearest that fill — rather than an every-year, every-genre list.
    if (hasYears && !yearsUnknown) {
      const withEra: HardFilterOptions = { ...options, ignoreYears: false };
      delete withEra.years;
      const keepEra = (years?: { min: number; max: number }): Relaxation => {
        delete options.ignoreYears;
        if (years) options.years = years;
        relaxed.splice(relaxed.indexOf('release years'), 1);
        return result();
      };
      if (countPassing(store.trackCount, createHardFilter(engine, plan, withEra), enough) >= enough) return keepEra();
      const widening = widenYearsToNearest(engine, plan, withEra, enough);
      if (widening.years) {
        widenedYears = widening.years;
        tracksInRequestedYears = widening.inRange;
        relaxed.push(`release years ${formatYears(resolved.yearMin, resolved.yearMax)} → ${formatYears(widening.years.min, widening.years.max)}`);
        return keepEra(widening.years);
      }
    }
  }
  return result();
}

/**
 * The plan's years widened the same number of years on both sides until enough tracks pass
 * (every other filter as it stands), trimmed to the years that actually have tracks.
 */
function widenYearsToNearest(
  engine: PlaylistEngine,
  resolved: ResolvedPlan,
  options: HardFilterOptions,
  enough: number,
): { years?: { min: number; max: number }; inRange: number } {
  const { store } = engine;
  const anyYear = createHardFilter(engine, resolved, { ...options, ignoreYears: true });
  const counts = new Map<number, number>();
  for (let track = 0; track < store.trackCount; track++) {
    const year = store.trackReleaseYear[track]!;
    if (year !== 0 && anyYear(track)) counts.set(year, (counts.get(year) ?? 0) + 1);
  }
  const years = [...counts.keys()].sort((a, b) => a - b);
  if (years.length === 0) return { inRange: 0 };
  const low = Number.isFinite(resolved.yearMin) ? resolved.yearMin : years[0]!;
  const high = Number.isFinite(resolved.yearMax) ? resolved.yearMax : years.at(-1)!;
  const countIn = (min: number, max: number): number => {
    let total = 0;
    for (const year of years) if (year >= min && year <= max) total += counts.get(year)!;
    return total;
  };
  const inRange = countIn(low, high);
  const span = years.at(-1)! - years[0]!;
  for (let widen = 1; widen <= span + 1; widen++) {
    if (countIn(low - widen, high + widen) < enough) continue;
    const inside = years.filter((year) => year >= low - widen && year <= high + widen);
    return { years: { min: inside[0]!, max: inside.at(-1)! }, inRange };
  }
  return { inRange };
}

function formatYears(min: number, max: number): string {
  if (!Number.isFinite(min)) return `up to ${max}`;
  if (!Number.isFinite(max)) return `${min} on`;
  return min === max ? String(min) : `${min}–${max}`;
}

function buildContentQuery(engine: PlaylistEngine, resolved: ResolvedPlan): Float32Array {
  const { plan } = resolved;
  const features: Partial<Record<ContentAudioFeature, FeatureConstraint>> = {};
  for (const target of resolved.features) features[target.feature] = { min: target.min, max: target.max };
  const includedGenres = plan.genres.include.filter((name) => !isExcludedName(resolved, engine, name));
  return encodeContentQuery(engine.context.contentEncoder, {
    genres: includedGenres,
    subgenres: plan.subgenres.include,
    features,
    ...(plan.releaseYear ? { years: { from: plan.releaseYear.min, to: plan.releaseYear.max } } : {}),
  });
}

/** The attribute query plus the text vector (both unit length, equal say), renormalized. */
function withTextVector(query: Float32Array, text: Float32Array | undefined): Float32Array {
  if (!text) return query;
  if (text.length !== query.length) throw new RangeError(`playlist candidates: text vector has dim ${text.length}, the content query ${query.length}`);
  const out = Float32Array.from(query, (value, d) => value + text[d]!);
  return squaredNorm(out) > 0 ? normalizeInPlace(out) : query;
}

function isExcludedName(resolved: ResolvedPlan, engine: PlaylistEngine, name: string): boolean {
  const genre = engine.genreByName.get(spacedKey(name));
  return genre !== undefined && resolved.excludedGenres.has(genre);
}

/** Below this estimated share of passing tracks, content candidates come from an exact scan instead of FAISS. */
const EXACT_SCAN_SHARE = 0.08;

/** Whether fewer than `share` of the tracks pass, estimated on an evenly spaced sample of ~2,000. */
function passShareBelow(trackCount: number, filter: (track: number) => boolean, share: number): boolean {
  const stride = Math.max(1, Math.floor(trackCount / 2048));
  let sampled = 0;
  let passed = 0;
  for (let track = 0; track < trackCount; track += stride) {
    sampled++;
    if (filter(track)) passed++;
  }
  return sampled > 0 && passed / sampled < share;
}

function countPassing(trackCount: number, filter: (track: number) => boolean, enough: number): number {
  let count = 0;
  for (let track = 0; track < trackCount && count < enough; track++) if (filter(track)) count++;
  return count;
}

function meanRow(vectors: Float32Array, dim: number, rows: readonly number[]): Float32Array | undefined {
  const mean = new Float32Array(dim);
  let used = 0;
  for (const row of rows) {
    const norm = squaredNorm(vectors, row * dim, dim);
    if (norm === 0) continue;
    const scale = 1 / Math.sqrt(norm);
    for (let d = 0; d < dim; d++) mean[d]! += vectors[row * dim + d]! * scale;
    used++;
  }
  return used === 0 ? undefined : normalizeInPlace(mean);
}


/** Index scores as cosine similarity: inner product of unit vectors, or −L2² = 2·cos − 2. */
function asCosine(metric: 'ip' | 'l2', score: number): number {
  return metric === 'ip' ? score : 1 + score / 2;
}

/** The top-level genre most tracks of each subgenre carry ("hip hop" → "rap"). */
function parentGenres(engine: PlaylistEngine, subgenres: ReadonlySet<number>): Set<number> {
  const { store } = engine;
  const parents = new Set<number>();
  for (const subgenre of subgenres) {
    const counts = new Map<number, number>();
    for (const track of store.tracksByGenre(subgenre)) {
      for (const genre of store.genresOfTrack(track).genres) if (genre !== subgenre) counts.set(genre, (counts.get(genre) ?? 0) + 1);
    }
    let best = -1;
    let bestCount = 0;
    for (const [genre, count] of counts) if (count > bestCount) [best, bestCount] = [genre, count];
    if (best >= 0) parents.add(best);
  }
  return parents;
}

/**
 * Where a popularity-ordered scan starts: the top for hits (discovery ≤ 0.5), further down the
 * list as the dial turns to deep cuts (0.9 starts 60 % of the way down), wrapping around.
 */
function discoveryOffset(length: number, discovery: number): number {
  if (discovery <= 0.5 || length === 0) return 0;
  return Math.floor(length * Math.min(0.75, (discovery - 0.5) * 1.5));
}
