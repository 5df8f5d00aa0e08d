import { describe, expect, it } from 'vitest';
import type { HomeIndex } from './home-index';
import { diversityPool, selectDiverse } from './rerank';
import type { SelectOptions } from './rerank';

/** The eager greedy MMR selectDiverse ran before the lazy one (same pool): every pick's similarity to every open track. */
function eagerReference(index: HomeIndex, tracks: Int32Array, relevance: Float32Array, options: SelectOptions): number[] {
  const { limit } = options;
  const lambda = options.lambda ?? 0.75;
  const artistCap = options.artistCap ?? 2;
  const { pool, poolRelevance, low, span } = diversityPool(index, tracks, relevance, options);
  if (pool.length === 0) return [];
  const dim = index.itemDim;
  const vectors = index.itemVectors;
  const size = pool.length;
  const maxSimilarity = new Float32Array(size);
  const value = new Float64Array(size);
  const perArtist = new Map<number, number>();
  const artistOf = pool.map((track) => index.store.trackPrimaryArtist[track]!);
  for (let i = 0; i < size; i++) value[i] = lambda * ((poolRelevance[i]! - low) / span);
  // the tracks not picked yet, in pool order (a Set keeps insertion order through deletes)
  const open = new Set(pool.keys());
  const picked: number[] = [];
  while (picked.length < limit) {
    let best = -1;
    let bestValue = -Infinity;
    for (const i of open) {
      if ((perArtist.get(artistOf[i]!) ?? 0) >= artistCap) continue;
      const mmr = value[i]! - (1 - lambda) * (picked.length > 0 ? maxSimilarity[i]! : 0);
      if (mmr > bestValue) [best, bestValue] = [i, mmr];
    }
    if (best < 0) break;
    open.delete(best);
    picked.push(pool[best]!);
    options.used?.add(pool[best]!);
    perArtist.set(artistOf[best]!, (perArtist.get(artistOf[best]!) ?? 0) + 1);
    if (picked.length === limit) break;
    // every open track's similarity to the new pick, now
    for (const i of open) {
      let sim = 0;
      for (let d = 0; d < dim; d++) sim += vectors[pool[best]! * dim + d]! * vectors[pool[i]! * dim + d]!;
      if (sim > maxSimilarity[i]!) maxSimilarity[i] = sim;
    }
  }
  return picked;
}

/** A catalog of `tracks` unit vectors (some repeated, so similarities tie) over a few artists. */
function fixture(seed: number, tracks: number, dim: number, artists: number) {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
  const itemVectors = new Float32Array(tracks * dim);
  for (let t = 0; t < tracks; t++) {
    // every fifth track copies an earlier one's vector: equal similarities, equal MMR values
    if (t > 0 && t % 5 === 0) {
      const from = Math.floor(next() * t);
      itemVectors.copyWithin(t * dim, from * dim, (from + 1) * dim);
      continue;
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += (itemVectors[t * dim + d] = next() * 2 - 1) ** 2;
    for (let d = 0; d < dim; d++) itemVectors[t * dim + d]! /= Math.sqrt(norm);
  }
  const trackPrimaryArtist = Int32Array.from({ length: tracks }, () => Math.floor(next() * artists));
  const trackExplicit = Uint8Array.from({ length: tracks }, () => (next() < 0.1 ? 1 : 0));
  const index = { itemDim: dim, itemVectors, store: { trackPrimaryArtist, artistCount: artists, columns: { trackExplicit } } } as unknown as HomeIndex;
  return { index, next };
}

describe('selectDiverse', () => {
  it('picks exactly what the eager greedy MMR picks (lazy similarity updates change no pick, order or tie-break)', () => {
    let cases = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const { index, next } = fixture(seed, 400, 8 + (seed % 3) * 8, 3 + (seed % 40));
      for (let round = 0; round < 8; round++) {
        const size = 1 + Math.floor(next() * 120);
        const tracks = Int32Array.from({ length: size }, () => Math.floor(next() * 400));
        // relevance sorted best first, with runs of ties
        const relevance = Float32Array.from({ length: size }, () => Math.round(next() * 20) / 20).sort().reverse();
        const options: SelectOptions = {
          limit: 1 + Math.floor(next() * 15),
          lambda: [0, 0.3, 0.7, 0.75, 0.8, 0.85, 0.95, 1][Math.floor(next() * 8)],
          artistCap: 1 + Math.floor(next() * 3),
          excludeExplicit: next() < 0.5,
          poolLimit: next() < 0.5 ? 60 : 1 + Math.floor(next() * 100),
        };
        const banned = new Set(Array.from({ length: 20 }, () => Math.floor(next() * 400)));
        if (next() < 0.5) options.accept = (track) => !banned.has(track);
        const usedBefore = new Set(Array.from({ length: 10 }, () => Math.floor(next() * 400)));
        const lazyUsed = new Set(usedBefore);
        const eagerUsed = new Set(usedBefore);
        const lazy = Array.from(selectDiverse(index, tracks, relevance, { ...options, used: lazyUsed }));
        const eager = eagerReference(index, tracks, relevance, { ...options, used: eagerUsed });
        expect(lazy).toEqual(eager);
        expect([...lazyUsed]).toEqual([...eagerUsed]);
        cases++;
      }
    }
    expect(cases).toBe(480);
  });

  it('pools the best open tracks in order: used, explicit and refused tracks out, at most poolLimit, relevance range of the pool', () => {
    const { index } = fixture(5, 40, 8, 6);
    const explicit = index.store.columns.trackExplicit as Uint8Array;
    explicit.fill(0);
    explicit[3] = 1;
    const tracks = Int32Array.from([9, 3, 4, 7, 12, 15, 18, 21]);
    const relevance = Float32Array.from([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2]);
    const options: SelectOptions = { limit: 3, used: new Set([4]), excludeExplicit: true, accept: (track) => track !== 12, poolLimit: 3 };
    // 4 is used, 3 explicit, 12 refused; the pool stops at 3 tracks
    expect(diversityPool(index, tracks, relevance, options)).toEqual({ pool: [9, 7, 15], poolRelevance: [relevance[0], relevance[3], relevance[5]], low: relevance[5], span: relevance[0]! - relevance[5]! });
    // without the filters: the first poolLimit tracks as they come; one track (or equal relevance) has span 1, not 0
    expect(diversityPool(index, tracks, relevance, { limit: 3, poolLimit: 2 }).pool).toEqual([9, 3]);
    expect(diversityPool(index, tracks, relevance, { limit: 3, poolLimit: 1 })).toMatchObject({ pool: [9], span: 1 });
    expect(diversityPool(index, tracks, relevance, { limit: 3, accept: () => false })).toMatchObject({ pool: [], poolRelevance: [] });
    // the default poolLimit is 60
    const many = Int32Array.from({ length: 80 }, (_unused, i) => i % 40);
    expect(diversityPool(index, many, new Float32Array(80).fill(0.5), { limit: 3 }).pool).toHaveLength(60);
  });

  it('refuses a lambda outside [0, 1] (where the lazy skip is no bound) before touching the page, naming the value', () => {
    const { index } = fixture(3, 400, 8, 10);
    const tracks = Int32Array.from({ length: 50 }, (_unused, i) => i);
    const relevance = Float32Array.from({ length: 50 }, (_unused, i) => 1 - i / 50);
    for (const lambda of [1.2, -0.1, Number.NaN]) {
      const used = new Set([7]);
      expect(() => selectDiverse(index, tracks, relevance, { limit: 10, lambda, used })).toThrow(new RangeError(`selectDiverse: lambda must be in [0, 1] (1 = relevance only), got ${lambda}`));
      expect([...used]).toEqual([7]);
    }
    // the ends of the range are fine
    for (const lambda of [0, 1]) expect(selectDiverse(index, tracks, relevance, { limit: 10, lambda }).length).toBe(10);
  });
});
