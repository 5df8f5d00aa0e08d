// Candidate generation: the plan's attributes as a content-vector query over FAISS (hard filters
// applied inside the search), seed artists/tracks and their neighbours, the listener's taste via
// the user vector, and an exhaustive filtered scan when the index cannot find enough.
import { dot, normalizeInPlace, squaredNorm } from '@mixtape/base';
import type { ContentAudioFeature, FeatureConstraint } from '@mixtape/embeddings';
import { encodeContentQuery } from '@mixtape/embeddings';
import { spacedKey } from '@mixtape/language';
import type { ResolvedPlan } from './constraints';
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
  /** bit flags: SOURCE_* */
  sources: Uint8Array;
  count: number;
  /** the content query vector (all zeros when the plan constrains no attribute) */
  query: Float32Array;
  hasQuery: boolean;
  /** relaxations applied because the strict filters left too few tracks */
  relaxed: string[];
}

export const SOURCE_CONTENT = 1;
export const SOURCE_SEED_ARTIST = 2;
export const SOURCE_SEED_NEIGHBOUR = 4;
export const SOURCE_USER = 8;
export const SOURCE_SCAN = 16;

export interface CandidateOptions {
  /** tracks the playlist needs */
  needed: number;
  userId?: string;
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

  const query = buildContentQuery(engine, resolved);
  const hasQuery = query.some((value) => value !== 0);
  const relaxed: string[] = [];

  let filter = createHardFilter(engine, resolved);
  // Selective filters (a subgenre with few tracks in a decade): widen, then relax includes —
  // subgenres to their parent genres first, then years, then genres. Exclusions never relax.
  let widened: ResolvedPlan = resolved;
  if (resolved.includedGenres !== null || Number.isFinite(resolved.yearMin) || Number.isFinite(resolved.yearMax)) {
    const enough = Math.min(options.needed, store.trackCount);
    if (countPassing(store.trackCount, filter, enough) < enough) {
      const parents = parentGenres(engine, resolved.includedSubgenres);
      const withParents: ResolvedPlan | undefined =
        resolved.includedGenres !== null && parents.size > 0 ? { ...resolved, includedGenres: new Set([...resolved.includedGenres, ...parents]) } : undefined;
      const attempts: { plan: ResolvedPlan; options: { ignoreYears?: boolean; ignoreGenreIncludes?: boolean }; relaxed: string[] }[] = [
        ...(withParents ? [{ plan: withParents, options: {}, relaxed: ['subgenres widened to their genres'] }] : []),
        ...(resolved.includedGenres !== null ? [{ plan: resolved, options: { ignoreYears: true }, relaxed: ['release years'] }] : []),
        { plan: resolved, options: { ignoreGenreIncludes: true }, relaxed: ['genres'] },
      ];
      let chosen = attempts.find((attempt) => countPassing(store.trackCount, createHardFilter(engine, attempt.plan, attempt.options), enough) >= enough);
      chosen ??= { plan: resolved, options: { ignoreGenreIncludes: true, ignoreYears: true }, relaxed: ['genres', 'release years'] };
      filter = createHardFilter(engine, chosen.plan, chosen.options);
      widened = chosen.plan;
      relaxed.push(...chosen.relaxed);
    }
  }

  // 1. Attributes → content vector → FAISS, hard filters inside the search.
  if (hasQuery) {
    const labelToTrack = engine.contentLabelToTrack;
    const found = context.contentIndex.search(query, poolSize, {
      filter: (label) => filter(labelToTrack[label] ?? -1),
      overFetch: 3,
      maxFetch: Math.max(4000, poolSize * 6),
    });
    for (let i = 0; i < found.labels.length; i++) {
      const slot = slotOf(labelToTrack[found.labels[i]!]!);
      content[slot] = asCosine(context.contentIndex.metric, found.scores[i]!);
      sources[slot]! |= SOURCE_CONTENT;
    }
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
      sources[slot]! |= SOURCE_SCAN;
      if (hasQuery) content[slot] = dot(engine.contentVectors, track * engine.contentDim, query, 0, engine.contentDim);
      added++;
      return true;
    };
    const lists = widened.includedGenres !== null && !relaxed.includes('genres') ? [...widened.includedGenres].map((genre) => store.tracksByGenre(genre)) : [store.mostPopular()];
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
    for (const track of store.tracksByArtist(artist)) {
      if (taken >= perSeedArtist * 2) break;
      seedTracks.push(track);
      if (!filter(track)) continue;
      const slot = slotOf(track);
      sources[slot]! |= SOURCE_SEED_ARTIST;
      seed[slot] = 1;
      taken++;
    }
  }
  for (const track of resolved.seedTracks) {
    if (!filter(track)) continue;
    const slot = slotOf(track);
    sources[slot]! |= SOURCE_SEED_ARTIST;
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
        sources[slot]! |= SOURCE_SEED_NEIGHBOUR;
      }
      // Seed-artist tracks found above get their real similarity too (for notes and scoring).
      for (let slot = 0; slot < tracks.length; slot++) {
        if ((sources[slot]! & SOURCE_SEED_ARTIST) !== 0) seed[slot] = Math.max(seed[slot]!, dot(vectors, tracks[slot]! * dim, centroid, 0, dim));
      }
    }
  }

  // 3. The listener's taste, when a user is given and the bundle has user and item vectors.
  if (options.userId !== undefined && resolved.plan.similarToUser > 0 && context.userVector && context.itemIndex && engine.itemLabelToTrack) {
    const taste = context.userVector(options.userId);
    if (taste && taste.length === context.itemIndex.dim && taste.some((value) => value !== 0)) {
      const labelToTrack = engine.itemLabelToTrack;
      const found = context.itemIndex.search(normalizeInPlace(taste.slice()), Math.ceil(poolSize / 2), {
        filter: (label) => filter(labelToTrack[label] ?? -1),
        overFetch: 3,
        maxFetch: Math.max(4000, poolSize * 6),
      });
      for (let i = 0; i < found.labels.length; i++) {
        const slot = slotOf(labelToTrack[found.labels[i]!]!);
        user[slot] = asCosine(context.itemIndex.metric, found.scores[i]!);
        sources[slot]! |= SOURCE_USER;
      }
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
      sources[slot]! |= SOURCE_SCAN;
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
  };
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

function isExcludedName(resolved: ResolvedPlan, engine: PlaylistEngine, name: string): boolean {
  const genre = engine.genreByName.get(spacedKey(name));
  return genre !== undefined && resolved.excludedGenres.has(genre);
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
