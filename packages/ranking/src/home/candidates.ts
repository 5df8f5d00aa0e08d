// Candidate sources for Home. Each source adds scored candidates with provenance (the seed
// track, artist, genre or cluster that brought them) into one CandidateSet. The collaborative
// sources are reads of offline neighbour lists (merged over the listener's tracks in per-bundle
// scratch arrays) and one ANN query over learned factors — no request scans the interaction log.
import { dotRowsInto, selectTopK, topKHeapPush, topKHeapReplaceRoot } from '@mixtape/base';
import { trackIndexByLabel } from '@mixtape/embeddings';
import type { BatchNeighbors, VectorIndex } from '@mixtape/embeddings';
import { MS_PER_DAY, artistTracks, dotRow, genreTracks } from './home-index';
import type { HomeIndex } from './home-index';
import { NEIGHBOUR_SOURCES, foldInFactor } from './item-models';
import { storedAnswers } from './listeners';
import type { NeighbourSource } from './item-models';
import { forEachGenre } from './profile';
import type { UserProfile } from './profile';
import { HOME_SOURCES, SOURCE_COUNT, SOURCE_INDEX } from './types';
import type { HomeSource } from './types';

const LIST_COUNT = NEIGHBOUR_SOURCES.length;
/** new releases a listener gets as candidates */
export const NEW_RELEASES_KEPT = 40;
/** defaults of the options the build's stored listener answers must match (one copy, read by both) */
export const DEFAULT_ANN_K = 50;
export const DEFAULT_FACTOR_K = 150;
export const DEFAULT_NEW_RELEASE_DAYS = 30;

/**
 * heaviest tracks whose neighbour lists a page merges (chosen on the synthetic validation split;
 * a ranker trained with other candidates still serves, but rebuild bundles to match)
 */
export const DEFAULT_SEEDS = 50;

/** Candidates as parallel typed arrays; row r holds one track's score + provenance per source. */
export class CandidateSet {
  tracks: Int32Array;
  scores: Float32Array;
  provenance: Int32Array;
  /** bit s set when source s contributed the row */
  sourceMask: Uint16Array;
  /**
   * row × NEIGHBOUR_SOURCES: each neighbour source's merged score over all the listener's tracks
   * (`listScores`) and over their most recent ones, recency-weighted (`recentScores`) — known for
   * every row, also the ones another source brought in; 0 when the lists never reach the track.
   */
  listScores: Float32Array;
  recentScores: Float32Array;
  /** ⟨user factor, item factor⟩ per row (0 without factors) */
  factorScores: Float32Array;
  /** the successor lists merged over the most recent plays, per row (0 without them or when they never reach the track) */
  successorScores: Float32Array;
  /**
   * the next-track model's answer, per row: exp(score − the answer's best score) (1 for its first
   * track, 0 when the answer does not hold the track) and 1/(1 + rank in the answer) (0 likewise)
   */
  sequenceShares: Float32Array;
  sequenceRanks: Float32Array;
  size = 0;
  /** track → row + 1 (0: absent); cleared row by row on reset */
  private readonly rowOf: Int32Array;

  constructor(trackCount: number, capacity = 1024) {
    this.rowOf = new Int32Array(trackCount);
    this.tracks = new Int32Array(capacity);
    this.scores = new Float32Array(capacity * SOURCE_COUNT);
    this.provenance = new Int32Array(capacity * SOURCE_COUNT).fill(-1);
    this.sourceMask = new Uint16Array(capacity);
    this.listScores = new Float32Array(capacity * LIST_COUNT);
    this.recentScores = new Float32Array(capacity * LIST_COUNT);
    this.factorScores = new Float32Array(capacity);
    this.successorScores = new Float32Array(capacity);
    this.sequenceShares = new Float32Array(capacity);
    this.sequenceRanks = new Float32Array(capacity);
  }

  /** Empties the set for reuse (cost proportional to its size, not the catalog). */
  reset(): void {
    for (let r = 0; r < this.size; r++) this.rowOf[this.tracks[r]!] = 0;
    this.scores.fill(0, 0, this.size * SOURCE_COUNT);
    this.provenance.fill(-1, 0, this.size * SOURCE_COUNT);
    this.sourceMask.fill(0, 0, this.size);
    this.listScores.fill(0, 0, this.size * LIST_COUNT);
    this.recentScores.fill(0, 0, this.size * LIST_COUNT);
    this.factorScores.fill(0, 0, this.size);
    this.successorScores.fill(0, 0, this.size);
    this.sequenceShares.fill(0, 0, this.size);
    this.sequenceRanks.fill(0, 0, this.size);
    this.size = 0;
  }

  /** Adds (or raises) the score of `track` from `source`; keeps the provenance of the best score. */
  add(track: number, source: HomeSource, score: number, provenance = -1): void {
    this.addAt(track, SOURCE_INDEX[source], score, provenance);
  }

  /** `add` by the source's index in HOME_SOURCES: the page's sources call this (no lookup by name per candidate). */
  addAt(track: number, sourceIndex: number, score: number, provenance: number): void {
    let row = this.rowOf[track]! - 1;
    if (row < 0) {
      if (this.size === this.tracks.length) this.grow();
      row = this.size++;
      this.rowOf[track] = row + 1;
      this.tracks[row] = track;
    }
    const slot = row * SOURCE_COUNT + sourceIndex;
    const bit = 1 << sourceIndex;
    const empty = (this.sourceMask[row]! & bit) === 0;
    this.sourceMask[row]! |= bit;
    if (empty || score > this.scores[slot]!) {
      this.scores[slot] = score;
      this.provenance[slot] = provenance;
    }
  }

  has(track: number): boolean {
    return this.rowOf[track]! > 0;
  }
  row(track: number): number | undefined {
    const row = this.rowOf[track]! - 1;
    return row < 0 ? undefined : row;
  }
  score(row: number, source: HomeSource): number {
    return this.scores[row * SOURCE_COUNT + SOURCE_INDEX[source]]!;
  }
  provenanceOf(row: number, source: HomeSource): number {
    return this.provenance[row * SOURCE_COUNT + SOURCE_INDEX[source]]!;
  }
  /** true when the source contributed this row */
  from(row: number, source: HomeSource): boolean {
    return (this.sourceMask[row]! & (1 << SOURCE_INDEX[source])) !== 0;
  }

  private grow(): void {
    const capacity = this.tracks.length * 2;
    const widen = <T extends Int32Array | Float32Array | Uint16Array>(array: T, width: number, fill = 0): T => {
      const grown = new (array.constructor as new (length: number) => T)(capacity * width);
      if (fill !== 0) grown.fill(fill);
      grown.set(array);
      return grown;
    };
    this.tracks = widen(this.tracks, 1);
    this.scores = widen(this.scores, SOURCE_COUNT);
    this.provenance = widen(this.provenance, SOURCE_COUNT, -1);
    this.sourceMask = widen(this.sourceMask, 1);
    this.listScores = widen(this.listScores, LIST_COUNT);
    this.recentScores = widen(this.recentScores, LIST_COUNT);
    this.factorScores = widen(this.factorScores, 1);
    this.successorScores = widen(this.successorScores, 1);
    this.sequenceShares = widen(this.sequenceShares, 1);
    this.sequenceRanks = widen(this.sequenceRanks, 1);
  }
}

const candidatePools = new WeakMap<HomeIndex, CandidateSet[]>();
/** A reset CandidateSet from the bundle's pool (one per request in flight; return it with releaseCandidates). */
export function acquireCandidates(index: HomeIndex): CandidateSet {
  const pool = candidatePools.get(index);
  return pool?.pop() ?? new CandidateSet(index.store.trackCount);
}
export function releaseCandidates(index: HomeIndex, candidates: CandidateSet): void {
  candidates.reset();
  let pool = candidatePools.get(index);
  if (!pool) candidatePools.set(index, (pool = []));
  if (pool.length < 64) pool.push(candidates);
}

export interface HomeCandidateOptions {
  /** taste / cluster ANN neighbours per query (default 50) */
  annK?: number;
  /**
   * the listener's heaviest tracks whose neighbour lists are merged (default 50: on the synthetic
   * next-items validation split 50 beat 300 — NDCG@10 0.1221 vs 0.1118 — and a page merges half the lists)
   */
  seeds?: number;
  /** the most recent tracks merged again with recency weights (default 10; weight 0.8^i) */
  recentSeeds?: number;
  /** candidates kept per neighbour source, by the all-tracks merge and by the recent merge */
  perSource?: Partial<Record<NeighbourSource, number>>;
  perSourceRecent?: Partial<Record<NeighbourSource, number>>;
  /** nearest items to the user factor (default 150) */
  factorK?: number;
  /** days back that count as a new release (default 30) */
  newReleaseDays?: number;
  /** popularity (0..1) at or below which a track counts as deep catalog (default 0.35) */
  deepPopularity?: number;
  /** the catalog chart as a source (default 150; 0 in offline evaluation, where popularity is a feature) */
  popularCount?: number;
  /** most recent plays whose successor lists are merged, weight 0.5^i (default 5; needs the bundle's successor lists and a timed log) */
  successorSeeds?: number;
  /** candidates kept from the successor merge (default 50) */
  successorK?: number;
  /**
   * The next-track model's answer for this listener (tracks best first, with their scores), asked
   * with `sequenceHistory(profile)`: its unheard tracks become `sequence` candidates (provenance: the
   * last play) and every row gets the `sequence_*` features. Absent: the source is silent.
   */
  sequence?: SequenceAnswer;
}

/** A next-track model's answer: track indices best first and their scores (any scale: only differences and order are read). */
export interface SequenceAnswer {
  tracks: Int32Array;
  scores: Float32Array;
}

/** What Home asks a next-track model for: a listener's next tracks after a history (oldest first). */
export type SequenceNext = (history: Int32Array, k: number) => SequenceAnswer | Promise<SequenceAnswer>;

/** tracks asked of the next-track model per page (and per training listener) */
export const DEFAULT_SEQUENCE_K = 50;

/** The history a next-track model reads for a profile: its recent distinct plays, oldest first (the same at training and serving). */
export function sequenceHistory(profile: UserProfile): Int32Array {
  return Int32Array.from(profile.recent).reverse();
}

const DEFAULT_PER_SOURCE: Record<NeighbourSource, number> = { ease: 200, rp3beta: 150, coListening: 100, itemVectors: 60 };
const DEFAULT_PER_SOURCE_RECENT: Record<NeighbourSource, number> = { ease: 40, rp3beta: 40, coListening: 30, itemVectors: 30 };

export interface HomeCandidateStats {
  annQueries: number;
  perSource: Record<HomeSource, number>;
}

type CandidateResult = { candidates: CandidateSet; stats: HomeCandidateStats };

/** What a profile asks FAISS for: taste vectors in the item-vector index, the user factor in the factor index. */
export interface AnnPlan {
  queries: AnnQuery[];
  k: number;
  /** queries × dim, undefined when there is nothing to ask */
  matrix: Float32Array | undefined;
  factor: Float32Array | undefined;
  factorK: number;
}
export interface AnnResults {
  items: BatchNeighbors | undefined;
  factors: BatchNeighbors | undefined;
  /** the deep-catalog top-up's answer when it was searched ahead (off the event loop); absent: annSources searches it itself when needed */
  deep?: DeepAnswer;
}
/** The filtered search of the taste vector for long-tail tracks: labels and scores, best first. */
export interface DeepAnswer {
  labels: Int32Array;
  scores: Float32Array;
}

/** Runs every source for a profile; the ANN queries go to FAISS as batches (off the event loop). */
export async function generateHomeCandidates(index: HomeIndex, profile: UserProfile, options: HomeCandidateOptions = {}, into?: CandidateSet): Promise<CandidateResult> {
  const plan = planAnnQueries(index, profile, options);
  // a logged listener with nothing new since the build: the bundle holds their answers
  const stored = storedAnswers(index, profile, plan, options);
  let results: AnnResults;
  if (stored) results = stored;
  else {
    const [items, factors] = await Promise.all([
      plan.matrix ? index.itemIndex.searchBatchAsync(plan.matrix, plan.k) : undefined,
      plan.factor && index.factorIndex ? index.factorIndex.searchBatchAsync(plan.factor, plan.factorK) : undefined,
    ]);
    results = { items, factors };
  }
  // the deep-catalog top-up, when the answers hold too few long-tail tracks: on a FAISS worker too
  // (the same searches annSources would make on the event loop, so the same answer)
  if (needsDeepSearch(index, profile, options, plan, results.items)) results.deep = await deepSearch(index, profile.vector, options);
  return assembleCandidates(index, profile, options, plan, results, into);
}

/** The same, with blocking FAISS calls (offline evaluation and training loops). */
export function generateHomeCandidatesSync(index: HomeIndex, profile: UserProfile, options: HomeCandidateOptions = {}, into?: CandidateSet): CandidateResult {
  const plan = planAnnQueries(index, profile, options);
  const stored = storedAnswers(index, profile, plan, options);
  if (stored) return assembleCandidates(index, profile, options, plan, stored, into);
  const items = plan.matrix ? index.itemIndex.searchBatch(plan.matrix, plan.k) : undefined;
  const factors = plan.factor && index.factorIndex ? index.factorIndex.searchBatch(plan.factor, plan.factorK) : undefined;
  return assembleCandidates(index, profile, options, plan, { items, factors }, into);
}

/** Every source after the ANN results are in: synchronous, on the bundle's scratch buffers. */
export function assembleCandidates(index: HomeIndex, profile: UserProfile, options: HomeCandidateOptions, plan: AnnPlan, results: AnnResults, into?: CandidateSet): CandidateResult {
  const candidates = into ?? new CandidateSet(index.store.trackCount);
  // sources emit by source index (SOURCE_INDEX's named constants): a page emits ~2,000 candidates,
  // and a lookup by a varying name per candidate cost more than the add itself
  const counts = new Int32Array(SOURCE_COUNT);
  const count: Emit = (source, track, score, provenance = -1) => {
    candidates.addAt(track, source, score, provenance);
    counts[source]!++;
  };
  const scratch = mergeScratchOf(index);
  markHeard(scratch, profile, 1);
  mergeNeighbourLists(index, profile, options, scratch);
  selectFromLists(index, options, scratch, count);
  factorSource(index, profile, plan, results.factors, scratch, count);
  const annQueries = annSources(index, profile, options, plan, results.items, results.deep, count);
  artistSources(index, profile, count);
  newReleases(index, profile, options, count);
  popularInGenres(index, profile, count);
  historySources(profile, count);
  // the listener's own tracks of each taste cluster: the familiar half of a "Made for you" mix
  profile.clusters.forEach((cluster, c) => {
    for (let i = 0; i < Math.min(20, cluster.tracks.length); i++) {
      const track = cluster.tracks[i]!;
      count(SOURCE_INDEX.tasteCluster, track, dotRow(index.itemVectors, track, cluster.centroid, index.itemDim), c);
    }
  });
  const popularCount = options.popularCount ?? 150;
  if (popularCount > 0) {
    const chart = spreadChart(index, -1, popularCount);
    for (let i = 0; i < chart.length; i++) count(SOURCE_INDEX.popular, chart[i]!, index.popularity[chart[i]!]!);
  }
  successorSource(index, profile, options, scratch, count);
  sequenceSource(profile, options.sequence, scratch.heard, count);
  fillMergedScores(index, candidates, scratch, plan.factor);
  fillSequenceScores(candidates, options.sequence);
  clearMerge(scratch);
  markHeard(scratch, profile, 0);
  const perSource = Object.fromEntries(HOME_SOURCES.map((name, s) => [name, counts[s]!])) as Record<HomeSource, number>;
  return { candidates, stats: { annQueries: annQueries + (results.factors ? 1 : 0), perSource } };
}

/** Adds a candidate from the source at `source` (its index in HOME_SOURCES). */
type Emit = (source: number, track: number, score: number, provenance?: number) => void;

/** Taste vectors (overall + clusters) → one searchBatch over item vectors; the user factor → the factor index. */
type AnnQuery = { kind: 'taste' | 'tasteCluster' | 'seed'; provenance: number; vector: Float32Array };

export function planAnnQueries(index: HomeIndex, profile: UserProfile, options: HomeCandidateOptions): AnnPlan {
  const dim = index.itemDim;
  const queries: AnnQuery[] = [];
  if (!index.neighbours.itemVectors) {
    // a bundle without item-vector lists (built before Home v2): ask FAISS for each seed's neighbours
    const seeds = [...new Set([...profile.recent.subarray(0, 6), ...profile.topTracks.subarray(0, 6)])];
    for (const seed of seeds) if (index.hasVector[seed]) queries.push({ kind: 'seed', provenance: seed, vector: index.itemVectors.subarray(seed * dim, (seed + 1) * dim) });
  }
  if (isNonZero(profile.vector)) queries.push({ kind: 'taste', provenance: -1, vector: profile.vector });
  profile.clusters.forEach((cluster, c) => queries.push({ kind: 'tasteCluster', provenance: c, vector: cluster.centroid }));
  const k = options.annK ?? DEFAULT_ANN_K;
  let matrix: Float32Array | undefined;
  if (queries.length > 0) {
    matrix = new Float32Array(queries.length * dim);
    queries.forEach((query, q) => matrix!.set(query.vector, q * dim));
  }
  const factor = index.factors && profile.hasHistory ? userFactor(index, profile) : undefined;
  // heard tracks come back too and are dropped, so ask for that many more
  const factorK = Math.min(index.store.trackCount, (options.factorK ?? DEFAULT_FACTOR_K) + Math.min(profile.tracks.size, 500));
  return { queries, k, matrix, factor, factorK };
}

const foldScratch = new WeakMap<HomeIndex, { tracks: Int32Array; system: Float64Array }>();
/** The listener's factor: the trained row when the log knows them and nothing new arrived, else folded in from their tracks. */
export function userFactor(index: HomeIndex, profile: UserProfile): Float32Array | undefined {
  const factors = index.factors;
  if (!factors) return undefined;
  const f = factors.dim;
  const user = profile.logUser;
  if (user >= 0 && !profile.hasLiveEvents) return factors.users.subarray(user * f, (user + 1) * f);
  let scratch = foldScratch.get(index);
  if (!scratch) foldScratch.set(index, (scratch = { tracks: new Int32Array(2000), system: new Float64Array(2 * f * f + 2 * f) }));
  const count = Math.min(profile.topTracks.length, scratch.tracks.length);
  scratch.tracks.set(profile.topTracks.subarray(0, count));
  const out = new Float32Array(f);
  foldInFactor(factors, scratch.tracks, count, out, scratch.system);
  return out;
}

/**
 * Per-bundle buffers of the neighbour-list merge (used synchronously, so one set serves every
 * request). A track the lists reach gets the next dense slot, and each slot, in each source's
 * region, one RECORD of 4 words: the sum over all seeds, the recency-weighted sum over the recent
 * seeds, the best edge's score over every merged seed (heaviest and recent) and that edge's seed —
 * so the updates of one edge land in one cache line, and the merge of one source (which reads and
 * writes only its own region) works in a quarter of the memory a record of all four sources spans:
 * a page's ~8,000 slots × 16 bytes stay in L2 beside the slot map.
 */
interface MergeScratch {
  /** track → slot, −1 when untouched */
  slotOf: Int32Array;
  /** slot → track */
  slotTrack: Int32Array;
  slots: number;
  /**
   * LIST_COUNT regions (source s from s × `region`) of slot × RECORD words (ALL, RECENT_SUM, EDGE,
   * SEED); `seeds` is an Int32 view of the same memory for the SEED word, which holds seed + 1
   * (0: none, so one fill clears a record)
   */
  record: Float32Array;
  /** words per source region: trackCount × RECORD */
  region: number;
  seeds: Int32Array;
  heard: Uint8Array;
  gather: Float32Array;
  gatherSlots: Int32Array;
  topRows: Int32Array;
  topScores: Float32Array;
  /** track → the successor merge's score (catalog-wide), the tracks it touched and the most recent seed that reached it */
  successor: Float32Array;
  successorTracks: Int32Array;
  successorSeed: Int32Array;
  successorCount: number;
}
// the words of a slot's record in one source's region
const ALL = 0;
const RECENT_SUM = 1;
const EDGE = 2;
const SEED = 3;
const RECORD = 4;
/** the selection's columns: source s's all-seeds sums are column s, its recent sums column RECENT + s */
const RECENT = LIST_COUNT;
const mergeScratch = new WeakMap<HomeIndex, MergeScratch>();
function mergeScratchOf(index: HomeIndex): MergeScratch {
  let scratch = mergeScratch.get(index);
  if (!scratch) {
    const n = index.store.trackCount;
    const record = new Float32Array(LIST_COUNT * n * RECORD);
    const seeds = new Int32Array(record.buffer);
    scratch = {
      slotOf: new Int32Array(n).fill(-1),
      slotTrack: new Int32Array(n),
      slots: 0,
      record,
      region: n * RECORD,
      seeds,
      heard: new Uint8Array(n),
      // one stretch of n per (source, merge) column for the selection (the successor merge uses the first)
      gather: new Float32Array(n * 2 * LIST_COUNT),
      gatherSlots: new Int32Array(n * 2 * LIST_COUNT),
      topRows: new Int32Array(n),
      topScores: new Float32Array(n),
      successor: new Float32Array(n),
      successorTracks: new Int32Array(n),
      successorSeed: new Int32Array(n),
      successorCount: 0,
    };
    mergeScratch.set(index, scratch);
  }
  return scratch;
}

function markHeard(scratch: MergeScratch, profile: UserProfile, value: 0 | 1): void {
  for (const track of profile.tracks.keys()) scratch.heard[track] = value;
}

/** 0.8^i: the recent seeds' weights (one table, so every page multiplies by the same doubles) */
const RECENT_WEIGHTS = Float64Array.from({ length: 64 }, (_, i) => 0.8 ** i);

/**
 * Sums each seed's neighbour list (all seeds, weight 1; the recent ones again with weight 0.8^i)
 * and keeps each track's best edge over every merged seed. The hottest loop of a page: a seed's
 * kind picks its record block and weight once, so the per-edge work has no branch on it.
 */
function mergeNeighbourLists(index: HomeIndex, profile: UserProfile, options: HomeCandidateOptions, scratch: MergeScratch): void {
  const seedCount = Math.min(profile.topTracks.length, options.seeds ?? DEFAULT_SEEDS);
  const recentCount = index.timed ? Math.min(profile.recent.length, options.recentSeeds ?? 10) : 0;
  const { slotOf, slotTrack, heard, record, seeds } = scratch;
  const { topTracks, recent } = profile;
  let slots = scratch.slots;
  for (let s = 0; s < LIST_COUNT; s++) {
    const list = index.neighbours[NEIGHBOUR_SOURCES[s]!];
    if (!list) continue;
    const { offsets, items, scores } = list;
    // this source's region of the records
    const base = s * scratch.region;
    for (let n = 0; n < seedCount + recentCount; n++) {
      const i = n - seedCount;
      const seed = i < 0 ? topTracks[n]! : recent[i]!;
      // the all-seeds sum, or the recency-weighted one (× 1 is exact: the same sums as adding the score)
      const word = i < 0 ? ALL : RECENT_SUM;
      const weight = i < 0 ? 1 : i < RECENT_WEIGHTS.length ? RECENT_WEIGHTS[i]! : 0.8 ** i;
      const end = offsets[seed + 1]!;
      for (let p = offsets[seed]!; p < end; p++) {
        const track = items[p]!;
        if (heard[track] !== 0) continue;
        let slot = slotOf[track]!;
        if (slot < 0) {
          slot = slots++;
          slotOf[track] = slot;
          slotTrack[slot] = track;
        }
        const at = base + slot * RECORD;
        const value = scores[p]!;
        record[at + word] = record[at + word]! + weight * value;
        if (value > record[at + EDGE]!) {
          record[at + EDGE] = value;
          seeds[at + SEED] = seed + 1;
        }
      }
    }
  }
  scratch.slots = slots;
}

/**
 * Each neighbour source's best tracks by the all-tracks merge and by the recent merge. One pass
 * per (source, merge) column over its source's slot records feeds the column's bounded min-heap
 * (selectTopK's heap: score, then the lower slot; slots come in ascending order, so a later equal
 * score never displaces a kept one), without gathering every slot's values first.
 */
function selectFromLists(index: HomeIndex, options: HomeCandidateOptions, scratch: MergeScratch, emit: Emit): void {
  const { slots, slotTrack, record, seeds } = scratch;
  // column c of a record: the all-seeds sums (c < LIST_COUNT), then the recent sums
  const { limits, starts, sizes } = selectionScratch;
  let total = 0;
  for (let s = 0; s < LIST_COUNT; s++) {
    const source = NEIGHBOUR_SOURCES[s]!;
    const present = index.neighbours[source] !== undefined;
    limits[s] = present ? (options.perSource?.[source] ?? DEFAULT_PER_SOURCE[source]) : 0;
    limits[RECENT + s] = present ? (options.perSourceRecent?.[source] ?? DEFAULT_PER_SOURCE_RECENT[source]) : 0;
  }
  for (let c = 0; c < 2 * LIST_COUNT; c++) {
    starts[c] = total;
    total += Math.max(0, limits[c]!);
  }
  if (selectionScratch.scores.length < total) {
    selectionScratch.scores = new Float64Array(total);
    selectionScratch.slots = new Int32Array(total);
    selectionScratch.out = new Int32Array(total);
  }
  // one heap per column: views of the shared scratch (worst kept at each root)
  const heapScores = Array.from(starts, (start, c) => selectionScratch.scores.subarray(start, start + Math.max(0, limits[c]!)));
  const heapSlots = Array.from(starts, (start, c) => selectionScratch.slots.subarray(start, start + Math.max(0, limits[c]!)));
  for (let c = 0; c < 2 * LIST_COUNT; c++) {
    const k = limits[c]!;
    sizes[c] = 0;
    if (k <= 0) continue;
    const heap = heapScores[c]!;
    const heapSlot = heapSlots[c]!;
    const s = c % LIST_COUNT;
    const word = s * scratch.region + (c < RECENT ? ALL : RECENT_SUM);
    let size = 0;
    // What a value must beat to enter: 0 while the heap has room (only positive sums are kept),
    // then its root (the worst kept; an equal score never displaces it). Most values fail this one
    // test, so the scan reads nothing of the heap for them.
    let floor = 0;
    for (let slot = 0; slot < slots; slot++) {
      const value = record[word + slot * RECORD]!;
      if (!(value > floor)) continue;
      if (size < k) {
        topKHeapPush(heap, heapSlot, size, value, slot);
        size++;
        if (size === k) floor = heap[0]!;
      } else {
        topKHeapReplaceRoot(heap, heapSlot, size, value, slot);
        floor = heap[0]!;
      }
    }
    sizes[c] = size;
  }
  for (let s = 0; s < LIST_COUNT; s++) {
    const base = s * scratch.region;
    const sourceIndex = SOURCE_INDEX[NEIGHBOUR_SOURCES[s]!];
    for (let c = s; c < 2 * LIST_COUNT; c += RECENT) {
      if (limits[c]! <= 0) continue;
      // pop worst first into the back of the out stretch: best first in the end
      const scores = heapScores[c]!;
      const heap = heapSlots[c]!;
      const { out } = selectionScratch;
      let size = sizes[c]!;
      const kept = size;
      for (let j = kept - 1; j >= 0; j--) {
        out[j] = heap[0]!;
        size--;
        topKHeapReplaceRoot(scores, heap, size, scores[size]!, heap[size]!);
      }
      for (let j = 0; j < kept; j++) {
        const slot = out[j]!;
        emit(sourceIndex, slotTrack[slot]!, record[base + slot * RECORD + ALL]!, seeds[base + slot * RECORD + SEED]! - 1);
      }
    }
  }
}
const selectionScratch = {
  limits: new Int32Array(2 * LIST_COUNT),
  starts: new Int32Array(2 * LIST_COUNT),
  sizes: new Int32Array(2 * LIST_COUNT),
  scores: new Float64Array(1024),
  slots: new Int32Array(1024),
  out: new Int32Array(1024),
};


/**
 * "What follows this track": the successor lists of the most recent plays, weighted 0.5^i by
 * recency (the last play counts most — sessions continue albums and runs), heard tracks dropped.
 */
function successorSource(index: HomeIndex, profile: UserProfile, options: HomeCandidateOptions, scratch: MergeScratch, emit: Emit): void {
  const list = index.neighbours.successor;
  if (!list || !index.timed) return;
  const seedCount = Math.min(profile.recent.length, options.successorSeeds ?? 5);
  const { successor, successorTracks, successorSeed, heard, gather, gatherSlots, topRows, topScores } = scratch;
  const { offsets, items, scores } = list;
  let touched = 0;
  for (let i = 0; i < seedCount; i++) {
    const seed = profile.recent[i]!;
    const weight = 0.5 ** i;
    for (let p = offsets[seed]!; p < offsets[seed + 1]!; p++) {
      const track = items[p]!;
      if (heard[track]) continue;
      if (successor[track] === 0) {
        successorTracks[touched++] = track;
        successorSeed[track] = seed;
      }
      successor[track]! += weight * scores[p]!;
    }
  }
  scratch.successorCount = touched;
  for (let j = 0; j < touched; j++) {
    gather[j] = successor[successorTracks[j]!]!;
    gatherSlots[j] = successorTracks[j]!;
  }
  const kept = selectTopK(gather, options.successorK ?? 50, topRows, topScores, 0, touched);
  for (let j = 0; j < kept; j++) {
    const track = gatherSlots[topRows[j]!]!;
    emit(SOURCE_INDEX.successor, track, successor[track]!, successorSeed[track]!);
  }
}

/** The next-track model's answer as candidates: its unheard tracks, scored by the model, from the last play. */
function sequenceSource(profile: UserProfile, answer: SequenceAnswer | undefined, heard: Uint8Array, emit: Emit): void {
  if (!answer || profile.recent.length === 0) return;
  const last = profile.recent[0]!;
  for (let j = 0; j < answer.tracks.length; j++) {
    const track = answer.tracks[j]!;
    if (!heard[track]) emit(SOURCE_INDEX.sequence, track, answer.scores[j]!, last);
  }
}

/** Every row the answer holds gets its share of the best (exp of the score difference) and its reciprocal rank. */
function fillSequenceScores(candidates: CandidateSet, answer: SequenceAnswer | undefined): void {
  if (!answer || answer.tracks.length === 0) return;
  let best = -Infinity;
  for (let j = 0; j < answer.scores.length; j++) best = Math.max(best, answer.scores[j]!);
  for (let j = 0; j < answer.tracks.length; j++) {
    const row = candidates.row(answer.tracks[j]!);
    if (row === undefined) continue;
    candidates.sequenceShares[row] = Math.exp(answer.scores[j]! - best);
    candidates.sequenceRanks[row] = 1 / (1 + j);
  }
}

/** ANN over learned factors: the items nearest the user factor, heard ones dropped. */
function factorSource(index: HomeIndex, profile: UserProfile, plan: AnnPlan, batch: BatchNeighbors | undefined, scratch: MergeScratch, emit: Emit): void {
  if (!batch) return;
  const labelToTrack = trackOfLabel(index, index.factorIndex!);
  let kept = 0;
  const limit = plan.factorK - Math.min(profile.tracks.size, 500);
  for (let j = 0; j < batch.k && kept < limit; j++) {
    const label = batch.labels[j]!;
    if (label < 0) break;
    const track = labelToTrack[label]!;
    if (track < 0 || scratch.heard[track]) continue;
    emit(SOURCE_INDEX.factors, track, batch.scores[j]!);
    kept++;
  }
}

/** Fills every row's merged list scores and factor score from the scratch accumulators. */
function fillMergedScores(index: HomeIndex, candidates: CandidateSet, scratch: MergeScratch, factor: Float32Array | undefined): void {
  const { slotOf, record, region } = scratch;
  // the set's arrays in locals: V8 does not keep them across the stores into them
  const { tracks, listScores, recentScores, successorScores, factorScores, size } = candidates;
  for (let r = 0; r < size; r++) {
    const slot = slotOf[tracks[r]!]!;
    // a track no list reached (another source brought it) keeps the reset zeros
    if (slot < 0) continue;
    for (let s = 0; s < LIST_COUNT; s++) {
      const at = s * region + slot * RECORD;
      listScores[r * LIST_COUNT + s] = record[at + ALL]!;
      recentScores[r * LIST_COUNT + s] = record[at + RECENT_SUM]!;
    }
  }
  if (scratch.successorCount > 0) {
    const { successor } = scratch;
    for (let r = 0; r < size; r++) successorScores[r] = successor[tracks[r]!]!;
  }
  const factors = index.factors;
  if (factors && factor) {
    const f = factors.dim;
    const items = factors.items;
    const sums = float64Scratch(size);
    dotRowsInto(items, tracks, size, f, factor, sums);
    for (let r = 0; r < size; r++) factorScores[r] = sums[r]!;
  }
}

function clearMerge(scratch: MergeScratch): void {
  const { slotOf, slotTrack, slots } = scratch;
  for (let slot = 0; slot < slots; slot++) slotOf[slotTrack[slot]!] = -1;
  for (let s = 0; s < LIST_COUNT; s++) scratch.record.fill(0, s * scratch.region, s * scratch.region + slots * RECORD);
  scratch.slots = 0;
  for (let j = 0; j < scratch.successorCount; j++) scratch.successor[scratch.successorTracks[j]!] = 0;
  scratch.successorCount = 0;
}

/** long-tail tracks among the taste / cluster answers below which the taste vector is searched again with a popularity filter */
const DEEP_MIN_FOUND = 15;
/** long-tail tracks that top-up search asks for, and the most candidates it looks at */
const DEEP_K = 30;
const DEEP_MAX_FETCH = 2000;
/** the first fetch is DEEP_K × this, doubled while too few pass the filter (VectorIndex.search's filtered search) */
const DEEP_OVER_FETCH = 4;

/** Whether annSources tops up the deep-catalog source: fewer than DEEP_MIN_FOUND long-tail tracks among the taste and cluster answers, and a taste vector to search with. */
function needsDeepSearch(index: HomeIndex, profile: UserProfile, options: HomeCandidateOptions, plan: AnnPlan, batch: BatchNeighbors | undefined): boolean {
  if (!batch || !isNonZero(profile.vector)) return false;
  const deepPopularity = options.deepPopularity ?? 0.35;
  const labelToTrack = trackOfLabel(index, index.itemIndex);
  const { hasVector, popularity } = index;
  let found = 0;
  for (let q = 0; q < plan.queries.length; q++) {
    if (plan.queries[q]!.kind === 'seed') continue;
    for (let j = 0; j < batch.k; j++) {
      const label = batch.labels[q * batch.k + j]!;
      if (label < 0) break;
      const track = labelToTrack[label]!;
      if (track < 0 || !hasVector[track]) continue;
      if (popularity[track]! <= deepPopularity && ++found >= DEEP_MIN_FOUND) return false;
    }
  }
  return true;
}

/**
 * The nearest DEEP_K long-tail tracks with a vector to `vector`, searched on a FAISS worker: the
 * steps of VectorIndex.search's filtered search (fetch DEEP_K × 4, double while too few pass, at
 * most DEEP_MAX_FETCH), which annSources makes blocking when nobody searched ahead — the same
 * FAISS calls, so the same answer (tested against it).
 */
async function deepSearch(index: HomeIndex, vector: Float32Array, options: HomeCandidateOptions): Promise<DeepAnswer> {
  const deepPopularity = options.deepPopularity ?? 0.35;
  const labelToTrack = trackOfLabel(index, index.itemIndex);
  const { hasVector, popularity } = index;
  const maxFetch = Math.min(DEEP_MAX_FETCH, index.itemIndex.size);
  // one fetch's answer, or undefined while too few passed and the cap allows a larger fetch
  const pick = (batch: BatchNeighbors, fetched: number): DeepAnswer | undefined => {
    const labels: number[] = [];
    const scores: number[] = [];
    for (let i = 0; i < batch.k && labels.length < DEEP_K; i++) {
      const label = batch.labels[i]!;
      if (label < 0) break;
      const track = labelToTrack[label]!;
      if (hasVector[track] === 1 && popularity[track]! <= deepPopularity) {
        labels.push(label);
        scores.push(batch.scores[i]!);
      }
    }
    return labels.length >= DEEP_K || fetched >= maxFetch ? { labels: Int32Array.from(labels), scores: Float32Array.from(scores) } : undefined;
  };
  let fetch = Math.min(maxFetch, Math.max(DEEP_K, Math.ceil(DEEP_K * DEEP_OVER_FETCH)));
  for (;;) {
    const answer = pick(await index.itemIndex.searchBatchAsync(vector, fetch), fetch);
    if (answer) return answer;
    fetch = Math.min(maxFetch, fetch * 2);
  }
}

function annSources(index: HomeIndex, profile: UserProfile, options: HomeCandidateOptions, plan: AnnPlan, batch: BatchNeighbors | undefined, deep: DeepAnswer | undefined, emit: Emit): number {
  const { queries } = plan;
  if (!batch) return 0;
  const deepPopularity = options.deepPopularity ?? 0.35;
  const labelToTrack = trackOfLabel(index, index.itemIndex);
  const { hasVector } = index;
  let deepFound = 0;
  for (let q = 0; q < queries.length; q++) {
    const query = queries[q]!;
    for (let j = 0; j < batch.k; j++) {
      const label = batch.labels[q * batch.k + j]!;
      if (label < 0) break;
      const track = labelToTrack[label]!;
      // a track without a vector (zero row, scored 0) is no neighbour of anything
      if (track < 0 || !hasVector[track]) continue;
      const similarity = batch.scores[q * batch.k + j]!;
      if (query.kind === 'seed') {
        if (track !== query.provenance && !profile.tracks.has(track)) emit(SOURCE_INDEX.itemVectors, track, similarity, query.provenance);
        continue;
      }
      if (query.kind === 'tasteCluster') emit(SOURCE_INDEX.tasteCluster, track, similarity, query.provenance);
      const popularity = index.popularity[track]!;
      if (popularity <= deepPopularity) {
        emit(SOURCE_INDEX.deepCatalog, track, similarity * (1 - popularity), -1);
        deepFound++;
      }
    }
  }
  // Few long-tail tracks among the nearest: ask once more with a popularity filter (searched ahead
  // off the event loop by generateHomeCandidates; blocking here otherwise).
  if (deepFound < DEEP_MIN_FOUND && isNonZero(profile.vector)) {
    const result = deep ?? index.itemIndex.search(profile.vector, DEEP_K, { filter: (label) => hasVector[labelToTrack[label]!] === 1 && index.popularity[labelToTrack[label]!]! <= deepPopularity, maxFetch: DEEP_MAX_FETCH });
    for (let j = 0; j < result.labels.length; j++) {
      const track = labelToTrack[result.labels[j]!]!;
      emit(SOURCE_INDEX.deepCatalog, track, result.scores[j]! * (1 - index.popularity[track]!), -1);
    }
    return queries.length + 1;
  }
  return queries.length;
}

const labelMaps = new WeakMap<VectorIndex, Int32Array>();
/** FAISS label → track index (labels follow add order; ids are track ids). */
export function trackOfLabel(index: HomeIndex, vectors: VectorIndex = index.itemIndex): Int32Array {
  let map = labelMaps.get(vectors);
  if (!map) {
    map = trackIndexByLabel(vectors, index.store);
    labelMaps.set(vectors, map);
  }
  return map;
}

const similarArtistCache = new WeakMap<HomeIndex, Map<number, Array<[number, number]>>>();
/**
 * Nearest artists (cached per bundle: hot artists repeat across listeners). With neighbour lists
 * in the bundle: the artists the lists of the artist's top tracks point to, weighted by score
 * (a read); without: the nearest mean item vectors (a scan over every artist).
 */
export function similarArtists(index: HomeIndex, artist: number, limit = 6): Array<[number, number]> {
  let cache = similarArtistCache.get(index);
  if (!cache) similarArtistCache.set(index, (cache = new Map()));
  let result = cache.get(artist);
  if (!result) {
    const list = index.neighbours.itemVectors ?? index.neighbours.coListening;
    result = list ? artistsFromLists(index, list, artist) : artistsFromVectors(index, artist);
    if (cache.size > 50_000) cache.clear();
    cache.set(artist, result);
  }
  return result.slice(0, limit);
}

function artistsFromLists(index: HomeIndex, list: { offsets: Int32Array; items: Int32Array; scores: Float32Array }, artist: number): Array<[number, number]> {
  const votes = new Map<number, number>();
  const tracks = artistTracks(index, artist);
  for (let i = 0; i < Math.min(10, tracks.length); i++) {
    const track = tracks[i]!;
    for (let p = list.offsets[track]!; p < list.offsets[track + 1]!; p++) {
      const other = index.store.trackPrimaryArtist[list.items[p]!]!;
      if (other !== artist && list.scores[p]! > 0) votes.set(other, (votes.get(other) ?? 0) + list.scores[p]!);
    }
  }
  const ranked = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 12);
  const top = ranked[0]?.[1] ?? 1;
  return ranked.map(([other, vote]) => [other, vote / top]);
}

function artistsFromVectors(index: HomeIndex, artist: number): Array<[number, number]> {
  const dim = index.itemDim;
  const query = index.artistVectors.subarray(artist * dim, (artist + 1) * dim);
  const best: Array<[number, number]> = [];
  for (let a = 0; a < index.store.artistCount; a++) {
    if (a === artist) continue;
    const sim = dotRow(index.artistVectors, a, query, dim);
    if (best.length < 12 || sim > best[best.length - 1]![1]) {
      best.push([a, sim]);
      best.sort((x, y) => y[1] - x[1]);
      if (best.length > 12) best.pop();
    }
  }
  return best;
}

function artistSources(index: HomeIndex, profile: UserProfile, emit: Emit): void {
  const top = [...new Set([...profile.seedArtists, ...profile.topArtists.subarray(0, 5)])];
  const followed = new Set(top);
  for (const artist of top) {
    const share = profile.artistShare.get(artist) ?? 0.1;
    const tracks = artistTracks(index, artist);
    for (let i = 0; i < Math.min(8, tracks.length); i++) emit(SOURCE_INDEX.topArtist, tracks[i]!, share * (0.5 + 0.5 * index.popularity[tracks[i]!]!), artist);
    for (const [similar, sim] of similarArtists(index, artist, 4)) {
      if (followed.has(similar) || sim <= 0) continue;
      const theirs = artistTracks(index, similar);
      for (let i = 0; i < Math.min(4, theirs.length); i++) emit(SOURCE_INDEX.similarArtist, theirs[i]!, sim * Math.sqrt(share), artist);
    }
  }
}

let float64Sums = new Float64Array(1024);
/** A module-wide Float64 scratch of at least `size` values (pages run one at a time per thread). */
function float64Scratch(size: number): Float64Array {
  if (float64Sums.length < size) float64Sums = new Float64Array(Math.max(size, 2 * float64Sums.length));
  return float64Sums;
}
const releaseScratch = { scores: new Float32Array(3000), rows: new Int32Array(NEW_RELEASES_KEPT), top: new Float32Array(NEW_RELEASES_KEPT) };
/** artist → the profile's share, dense per bundle (0 where the profile has none), for the new-release scan */
const affinityScratch = new WeakMap<HomeIndex, Float64Array>();
/**
 * The listener's best new releases (taste + followed artists) into `tracks` / `scores`, best
 * first; returns how many. Stored per logged listener by the listener state.
 */
export function rankNewReleases(index: HomeIndex, profile: UserProfile, days: number, tracks: Int32Array, scores: Float32Array): number {
  const since = (index.referenceDay - days) * MS_PER_DAY;
  const fresh = index.store.newReleasesSince(since, releaseScratch.scores.length);
  const personal = isNonZero(profile.vector);
  const { scores: all, rows, top } = releaseScratch;
  const n = fresh.length;
  // the artist shares in a dense array for the scan (up to 3,000 tracks: one read each instead of
  // a Map lookup), cleared again below; the same values, 0 where the Map has none
  let affinity = affinityScratch.get(index);
  if (!affinity) affinityScratch.set(index, (affinity = new Float64Array(index.store.artistCount)));
  for (const [artist, share] of profile.artistShare) affinity[artist] = share;
  const primaryArtist = index.store.trackPrimaryArtist;
  if (personal) {
    const tastes = float64Scratch(n);
    dotRowsInto(index.itemVectors, fresh, n, index.itemDim, profile.vector, tastes);
    for (let i = 0; i < n; i++) all[i] = 0.5 * (1 + tastes[i]!) + 2 * affinity[primaryArtist[fresh[i]!]!]!;
  } else {
    for (let i = 0; i < n; i++) all[i] = 0.5 * (1 + index.popularity[fresh[i]!]!) + 2 * affinity[primaryArtist[fresh[i]!]!]!;
  }
  for (const artist of profile.artistShare.keys()) affinity[artist] = 0;
  const kept = Math.min(tracks.length, selectTopK(all, rows.length, rows, top, 0, n));
  for (let j = 0; j < kept; j++) {
    tracks[j] = fresh[rows[j]!]!;
    scores[j] = all[rows[j]!]!;
  }
  return kept;
}

const releaseOut = { tracks: new Int32Array(NEW_RELEASES_KEPT), scores: new Float32Array(NEW_RELEASES_KEPT) };
function newReleases(index: HomeIndex, profile: UserProfile, options: HomeCandidateOptions, emit: Emit): void {
  const days = options.newReleaseDays ?? DEFAULT_NEW_RELEASE_DAYS;
  const state = index.listeners;
  let tracks: Int32Array;
  let scores: Float32Array;
  if (state && profile.listenerSlot >= 0 && state.newReleaseDays === days) {
    const from = state.releaseOffsets[profile.listenerSlot]!;
    const to = state.releaseOffsets[profile.listenerSlot + 1]!;
    tracks = state.releaseTracks.subarray(from, to);
    scores = state.releaseScores.subarray(from, to);
  } else {
    const kept = rankNewReleases(index, profile, days, releaseOut.tracks, releaseOut.scores);
    tracks = releaseOut.tracks.subarray(0, kept);
    scores = releaseOut.scores.subarray(0, kept);
  }
  for (let j = 0; j < tracks.length; j++) {
    const track = tracks[j]!;
    const artist = index.store.trackPrimaryArtist[track]!;
    emit(SOURCE_INDEX.newRelease, track, scores[j]!, (profile.artistShare.get(artist) ?? 0) > 0 ? artist : -1);
  }
}

function popularInGenres(index: HomeIndex, profile: UserProfile, emit: Emit): void {
  const personal = [...profile.seedGenres, ...profile.topGenres.subarray(0, 3)];
  const genres = [...new Set(personal.length > 0 ? personal : topCatalogGenres(index, 2))];
  for (const genre of genres) {
    const share = profile.genreShare.get(genre) ?? 0.2;
    const chart = spreadChart(index, genre, 60);
    for (let i = 0; i < chart.length; i++) emit(SOURCE_INDEX.popularInGenre, chart[i]!, share * index.popularity[chart[i]!]!, genre);
  }
}

function historySources(profile: UserProfile, emit: Emit): void {
  // Jump back in: recently played, skipping the very last few (still fresh in mind).
  const recent = profile.recent;
  for (let i = 2; i < Math.min(recent.length, 40); i++) emit(SOURCE_INDEX.jumpBackIn, recent[i]!, 1 / (1 + 0.1 * (i - 2)));
  const daypartGenre = topKey(profile.daypartGenreShare);
  for (const [track, history] of profile.tracks) {
    if (history.daypartPlays > 0 && history.plays > 0) emit(SOURCE_INDEX.daypart, track, (history.daypartPlays / history.plays) * Math.log1p(history.daypartPlays), daypartGenre);
  }
}

function topKey(map: Map<number, number>): number {
  let best = -1;
  let bestValue = -Infinity;
  for (const [key, value] of map) if (value > bestValue) [best, bestValue] = [key, value];
  return best;
}

function isNonZero(vector: Float32Array): boolean {
  for (let d = 0; d < vector.length; d++) if (vector[d] !== 0) return true;
  return false;
}

const catalogGenreCache = new WeakMap<HomeIndex, number[]>();
/** The genres of the catalog's most popular tracks (the editorial default for cold start). */
export function topCatalogGenres(index: HomeIndex, count: number): number[] {
  let genres = catalogGenreCache.get(index);
  if (!genres) {
    const weight = new Map<number, number>();
    const top = index.popularOrder.subarray(0, 300);
    for (let i = 0; i < top.length; i++) forEachGenre(index, top[i]!, (genre) => weight.set(genre, (weight.get(genre) ?? 0) + 1));
    genres = [...weight.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map((entry) => entry[0]);
    catalogGenreCache.set(index, genres);
  }
  return genres.slice(0, count);
}

const chartCache = new WeakMap<HomeIndex, Map<string, Int32Array>>();
/** The catalog chart (genre −1) or a genre's, spread across artists: the same for every page of a bundle, so computed once per (genre, limit). */
function spreadChart(index: HomeIndex, genre: number, limit: number): Int32Array {
  let charts = chartCache.get(index);
  if (!charts) chartCache.set(index, (charts = new Map()));
  const key = `${genre}:${limit}`;
  let chart = charts.get(key);
  if (!chart) {
    chart = Int32Array.from(spreadAcrossArtists(index, genre < 0 ? index.popularOrder : genreTracks(index, genre), limit));
    charts.set(key, chart);
  }
  return chart;
}

/** The first `limit` tracks of a popularity-ordered list, at most 3 per artist (charts are artist-heavy). */
function spreadAcrossArtists(index: HomeIndex, ordered: Int32Array, limit: number): number[] {
  const perArtist = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < ordered.length && out.length < limit; i++) {
    const artist = index.store.trackPrimaryArtist[ordered[i]!]!;
    const taken = perArtist.get(artist) ?? 0;
    if (taken >= 3) continue;
    perArtist.set(artist, taken + 1);
    out.push(ordered[i]!);
  }
  return out;
}
