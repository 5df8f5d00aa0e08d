import { VectorIndex } from '@mixtape/embeddings';
import { describe, expect, it } from 'vitest';
import { calibrateEfSearch, recallLowerBound, sampleServingHistories } from './calibrate';
import { createExactNextTracks } from './exact-next';
import { initializeModel, outputEmbeddings, resolveModelConfig } from './model';
import { createNextTrackRecommender } from './serve';

const NUM_ITEMS = 3000;
const model = initializeModel(resolveModelConfig({ numItems: NUM_ITEMS, dim: 8, maxLength: 6, blocks: 1 }), 11);
const ids = Array.from({ length: NUM_ITEMS }, (_, i) => `t${i}`);
// a sparse graph (M = 4) over random embeddings: recall visibly grows with efSearch
const buildIndex = () => VectorIndex.build({ dim: 8, factory: 'HNSW4', metric: 'ip', ids, vectors: outputEmbeddings(model) });
// 40 listeners of 1–12 plays
const lengths = Array.from({ length: 40 }, (_, u) => 1 + ((u * 7) % 12));
const offsets = Int32Array.from({ length: 41 }, (_, u) => lengths.slice(0, u).reduce((sum, n) => sum + n, 0));
const items = Int32Array.from({ length: offsets[40]! }, (_, i) => (i * 7919) % NUM_ITEMS);

describe('sampleServingHistories', () => {
  it('cuts listeners with 2+ plays at a random play (seeded): a run of their plays before their last, at most maxLength long', () => {
    const sample = sampleServingHistories({ items, offsets }, 200, 4, 5);
    expect(sample).toHaveLength(200);
    expect(sampleServingHistories({ items, offsets }, 200, 4, 5)).toEqual(sample);
    for (const history of sample) {
      expect(history.length).toBeGreaterThanOrEqual(1);
      expect(history.length).toBeLessThanOrEqual(4);
      const at = items.indexOf(history[0]!);
      const user = offsets.findIndex((offset, u) => u < 40 && offset <= at && at < offsets[u + 1]!);
      expect(lengths[user]).toBeGreaterThanOrEqual(2);
      expect(Array.from(items.subarray(at, at + history.length))).toEqual(Array.from(history));
      // the listener's last play is never in the history: there is a next play to predict
      expect(at + history.length).toBeLessThan(offsets[user + 1]!);
    }
    expect(sampleServingHistories({ items: Int32Array.of(1, 2), offsets: Int32Array.of(0, 1, 2) }, 5, 4, 1)).toEqual([]);
  });
});

describe('calibrateEfSearch', () => {
  const histories = sampleServingHistories({ items, offsets }, 300, 6, 3);

  it('measures recall@k of the served answers against the exact top-k per efSearch and keeps the smallest reaching the target', async () => {
    const index = buildIndex();
    const result = await calibrateEfSearch(model, index, histories, { target: 0.9, candidates: [64, 8, 16], k: 2 });
    expect(result.recalls.map((row) => row.efSearch)).toEqual([8, 16, 64]);
    // recomputed here for one setting: the recommender's answers at efSearch 16 against the exact answers
    const check = buildIndex();
    check.setParams({ efSearch: 16 });
    const recommender = createNextTrackRecommender(model, check, { cacheSize: 0 });
    const exact = createExactNextTracks(model);
    let found = 0;
    for (const history of histories) {
      const truth = new Set(exact(history, 2).tracks);
      for (const track of (await recommender.recommend({ history, k: 2 })).tracks) if (truth.has(track)) found++;
    }
    expect(result.recalls[1]!.recall).toBe(found / (2 * histories.length));
    expect(result.recalls[1]!.lower).toBe(recallLowerBound(found / (2 * histories.length), 2 * histories.length));
    const passing = result.recalls.find((row) => row.lower >= 0.9);
    expect(result.met).toBe(passing !== undefined);
    expect(result.efSearch).toBe(passing?.efSearch ?? 64);
    expect(index.info().params.efSearch).toBe(result.efSearch);
    expect(result).toMatchObject({ target: 0.9, k: 2, queries: 300 });
    // the bar is the lower bound: a target equal to efSearch 8's point recall is not met by 8
    const atEight = result.recalls[0]!.recall;
    expect(atEight).toBeLessThan(1);
    const strict = await calibrateEfSearch(model, buildIndex(), histories, { target: atEight, candidates: [8, 16, 64], k: 2 });
    expect(strict.recalls[0]!.recall).toBe(atEight);
    expect(strict.efSearch).not.toBe(8);
  });

  it('puts the bar on recall − 2 standard errors (binomial over the relevant ids)', () => {
    // the 50k model's build sample (session 10): 0.9908 on 10,000 ids is within 2 SE of 0.99, 0.9929 is not
    expect(recallLowerBound(0.9908, 10_000)).toBeCloseTo(0.9908 - 2 * Math.sqrt((0.9908 * 0.0092) / 10_000), 12);
    expect(recallLowerBound(0.9908, 10_000)).toBeLessThan(0.99);
    expect(recallLowerBound(0.9929, 10_000)).toBeGreaterThan(0.99);
    expect(recallLowerBound(1, 10)).toBe(1);
  });

  it('keeps the largest candidate when none reaches the target, and refuses what it cannot measure', async () => {
    const index = buildIndex();
    // efSearch 1 and 2 on a graph of M = 4 over 3,000 items cannot find every exact top-5
    const result = await calibrateEfSearch(model, index, histories, { target: 0.999, candidates: [2, 1], k: 5 });
    expect(result.recalls.map((row) => row.efSearch)).toEqual([1, 2]);
    for (const row of result.recalls) expect(row.recall).toBeLessThan(0.999);
    expect(result).toMatchObject({ met: false, efSearch: 2 });
    expect(index.info().params.efSearch).toBe(2);
    const low = await calibrateEfSearch(model, buildIndex(), histories, { target: 0.01, candidates: [8, 12], k: 5 });
    expect(low).toMatchObject({ efSearch: 8, met: true });
    const flat = VectorIndex.build({ dim: 8, factory: 'Flat', metric: 'ip', ids, vectors: outputEmbeddings(model) });
    await expect(calibrateEfSearch(model, flat, histories)).rejects.toThrow(/efSearch is an HNSW setting; the index is Flat/);
    await expect(calibrateEfSearch(model, index, [])).rejects.toThrow(/no history/);
    await expect(calibrateEfSearch(model, index, histories, { target: 1.5 })).rejects.toThrow(/target is a recall/);
  });
});
