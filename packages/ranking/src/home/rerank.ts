// Re-ranking a shelf: maximal marginal relevance over item vectors, an artist cap, and the
// filters every shelf shares (already shown on this page, explicit content).
import { dot } from '@mixtape/base';
import type { HomeIndex } from './home-index';

export interface SelectOptions {
  limit: number;
  /** relevance vs diversity trade-off: 1 = relevance only (default 0.75) */
  lambda?: number;
  /** most tracks of one artist per shelf (default 2) */
  artistCap?: number;
  /** tracks already placed on the page (dedupe across shelves); selected tracks are added */
  used?: Set<number>;
  /** drop tracks flagged explicit */
  excludeExplicit?: boolean;
  /** further per-track filter (e.g. already heard) */
  accept?: (track: number) => boolean;
  /** only the best `poolLimit` tracks enter MMR (default 60: a shelf shows ~10, and each pick compares against the whole pool) */
  poolLimit?: number;
}

/**
 * Greedy MMR: each step takes argmax λ·relevance − (1−λ)·max similarity to the picks so far.
 * `tracks` must be sorted by relevance (best first) with `relevance` aligned to it.
 */
export function selectDiverse(index: HomeIndex, tracks: Int32Array, relevance: Float32Array, options: SelectOptions): Int32Array {
  const { limit } = options;
  const lambda = options.lambda ?? 0.75;
  // the lazy loop skips a track when its value minus (1−λ)·(a partial max similarity) cannot win:
  // a bound only while 1−λ ≥ 0, so outside [0, 1] it would skip the wrong tracks
  if (!(lambda >= 0 && lambda <= 1)) throw new RangeError(`selectDiverse: lambda must be in [0, 1] (1 = relevance only), got ${lambda}`);
  const artistCap = options.artistCap ?? 2;
  const { pool, poolRelevance, low, span } = diversityPool(index, tracks, relevance, options);
  if (pool.length === 0) return new Int32Array(0);
  const dim = index.itemDim;
  const vectors = index.itemVectors;
  const size = pool.length;
  const { maxSimilarity, taken, value, artistOf, perArtist, folded } = mmrScratch(index, size);
  const primaryArtist = index.store.trackPrimaryArtist;
  for (let i = 0; i < size; i++) {
    maxSimilarity[i] = 0;
    taken[i] = 0;
    folded[i] = 0;
    // the relevance half of the MMR value never changes: λ · relevance scaled to 0..1
    value[i] = lambda * ((poolRelevance[i]! - low) / span);
    artistOf[i] = primaryArtist[pool[i]!]!;
  }
  // Lazy greedy: maxSimilarity[i] holds the max over the first folded[i] picks only. It only grows
  // as picks are folded in, so the value with it is an upper bound of the MMR value (rounding is
  // monotone): a track whose bound cannot beat the best so far is skipped without computing its
  // similarities to the newer picks. The argmax, its tie-break (lowest index) and every value
  // compared are the ones the eager loop computes — the max of the same similarities, in float32.
  const picked: number[] = [];
  const penalty = 1 - lambda;
  while (picked.length < limit) {
    const picks = picked.length;
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < size; i++) {
      if (taken[i] || perArtist[artistOf[i]!]! >= artistCap) continue;
      if (picks > 0 && folded[i]! < picks) {
        if (value[i]! - penalty * maxSimilarity[i]! <= bestValue) continue;
        const other = pool[i]! * dim;
        for (let p = folded[i]!; p < picks; p++) {
          const sim = dot(vectors, picked[p]! * dim, vectors, other, dim);
          if (sim > maxSimilarity[i]!) maxSimilarity[i] = sim;
        }
        folded[i] = picks;
      }
      const mmr = value[i]! - penalty * (picks > 0 ? maxSimilarity[i]! : 0);
      if (mmr > bestValue) [best, bestValue] = [i, mmr];
    }
    if (best < 0) break;
    taken[best] = 1;
    const track = pool[best]!;
    picked.push(track);
    options.used?.add(track);
    perArtist[artistOf[best]!]!++;
  }
  // per-artist counts back to zero for the next shelf
  for (let i = 0; i < size; i++) perArtist[artistOf[i]!] = 0;
  return Int32Array.from(picked);
}

/**
 * The tracks MMR chooses from: the best `poolLimit` (default 60) that pass the shelf's filters (not
 * used on the page, not explicit when excluded, accepted), with their relevance and its range
 * (low and span: relevance is read as 0..1 within the pool, so λ means the same on every shelf).
 */
export function diversityPool(index: HomeIndex, tracks: Int32Array, relevance: Float32Array, options: SelectOptions): { pool: number[]; poolRelevance: number[]; low: number; span: number } {
  const poolLimit = options.poolLimit ?? 60;
  const explicit = index.store.columns.trackExplicit;
  const pool: number[] = [];
  const poolRelevance: number[] = [];
  for (let i = 0; i < tracks.length && pool.length < poolLimit; i++) {
    const track = tracks[i]!;
    if (options.used?.has(track)) continue;
    if (options.excludeExplicit && explicit[track] === 1) continue;
    if (options.accept && !options.accept(track)) continue;
    pool.push(track);
    poolRelevance.push(relevance[i]!);
  }
  let low = Infinity;
  let high = -Infinity;
  for (const value of poolRelevance) [low, high] = [Math.min(low, value), Math.max(high, value)];
  return { pool, poolRelevance, low, span: high - low || 1 };
}

interface MmrScratch {
  maxSimilarity: Float32Array;
  taken: Uint8Array;
  value: Float64Array;
  artistOf: Int32Array;
  /** picks per artist on the current shelf (zero between shelves) */
  perArtist: Uint16Array;
  /** how many of the picks maxSimilarity[i] has seen */
  folded: Int32Array;
}
const mmrScratches = new WeakMap<HomeIndex, MmrScratch>();
/** Per-bundle MMR buffers (selection is synchronous, so one set serves every shelf). */
function mmrScratch(index: HomeIndex, size: number): MmrScratch {
  let scratch = mmrScratches.get(index);
  if (!scratch || scratch.taken.length < size) {
    const capacity = Math.max(256, size);
    scratch = {
      maxSimilarity: new Float32Array(capacity),
      taken: new Uint8Array(capacity),
      value: new Float64Array(capacity),
      artistOf: new Int32Array(capacity),
      perArtist: scratch?.perArtist ?? new Uint16Array(index.store.artistCount),
      folded: new Int32Array(capacity),
    };
    mmrScratches.set(index, scratch);
  }
  return scratch;
}
