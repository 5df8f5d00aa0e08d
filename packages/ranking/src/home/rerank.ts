// Re-ranking a shelf: maximal marginal relevance over item vectors, an artist cap, and the
// filters every shelf shares (already shown on this page, explicit content).
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
  const artistCap = options.artistCap ?? 2;
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
  if (pool.length === 0) return new Int32Array(0);
  // relevance to 0..1 within the pool so λ means the same on every shelf
  let low = Infinity;
  let high = -Infinity;
  for (const value of poolRelevance) [low, high] = [Math.min(low, value), Math.max(high, value)];
  const span = high - low || 1;
  const dim = index.itemDim;
  const vectors = index.itemVectors;
  const maxSimilarity = new Float32Array(pool.length);
  const taken = new Uint8Array(pool.length);
  const perArtist = new Map<number, number>();
  const picked: number[] = [];
  while (picked.length < limit) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < pool.length; i++) {
      if (taken[i]) continue;
      const artist = index.store.trackPrimaryArtist[pool[i]!]!;
      if ((perArtist.get(artist) ?? 0) >= artistCap) continue;
      const value = lambda * ((poolRelevance[i]! - low) / span) - (1 - lambda) * (picked.length > 0 ? maxSimilarity[i]! : 0);
      if (value > bestValue) [best, bestValue] = [i, value];
    }
    if (best < 0) break;
    taken[best] = 1;
    const track = pool[best]!;
    picked.push(track);
    options.used?.add(track);
    const artist = index.store.trackPrimaryArtist[track]!;
    perArtist.set(artist, (perArtist.get(artist) ?? 0) + 1);
    // the last pick needs no similarities
    if (picked.length === limit) break;
    const base = track * dim;
    for (let i = 0; i < pool.length; i++) {
      if (taken[i]) continue;
      const other = pool[i]! * dim;
      let sim = 0;
      for (let d = 0; d < dim; d++) sim += vectors[base + d]! * vectors[other + d]!;
      if (sim > maxSimilarity[i]!) maxSimilarity[i] = sim;
    }
  }
  return Int32Array.from(picked);
}
