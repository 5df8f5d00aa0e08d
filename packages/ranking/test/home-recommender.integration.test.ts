// The Home stack behind the eval harness's Recommender contract, on a user × item matrix.
import { generateSynthetic } from '@mixtape/catalog';
import { describe, expect, it } from 'vitest';
import { createHomeStackRecommender } from '../src/index';
import type { UserItemRows } from '../src/index';

function matrixOf(rows: number[][], cols: number): UserItemRows {
  const indptr = new Int32Array(rows.length + 1);
  rows.forEach((row, r) => (indptr[r + 1] = indptr[r]! + row.length));
  const indices = Int32Array.from(rows.flat());
  return { rows: rows.length, cols, indptr, indices, values: new Float32Array(indices.length).fill(1) };
}

describe('home stack recommender', () => {
  it('fits on a matrix, never returns excluded items, fills k and finds held-out items better than chance', async () => {
    const { interactions, store } = generateSynthetic({ tracks: 800, users: 120, interactions: 14_000, seed: 5 });
    const trainRows: number[][] = [];
    const heldOut: number[][] = [];
    for (let u = 0; u < interactions.userCount; u++) {
      const { start, end } = interactions.rowsOfUser(u);
      const items = [...new Set(Array.from(interactions.columns.track.subarray(start, end)))];
      trainRows.push(items.filter((_item, i) => i % 5 !== 0));
      heldOut.push(items.filter((_item, i) => i % 5 === 0));
    }
    const train = matrixOf(trainRows, store.trackCount);
    const model = createHomeStackRecommender({ dim: 16, epochs: 5, window: 10, minCount: 2, rankerUsers: 100 });
    await model.fit(train, { seed: 3, itemArtist: store.trackPrimaryArtist });
    expect(model.notes).toMatch(/ranker .* chosen/);
    const rows = Int32Array.from({ length: 40 }, (_unused, i) => i);
    const k = 20;
    const { items } = model.recommend({ seeds: train, rows }, k);
    let hits = 0;
    let expected = 0;
    for (let q = 0; q < rows.length; q++) {
      const list = Array.from(items.subarray(q * k, (q + 1) * k));
      expect(list.every((item) => item >= 0)).toBe(true);
      expect(new Set(list).size).toBe(k);
      for (const item of list) expect(trainRows[q]!.includes(item)).toBe(false);
      hits += list.filter((item) => heldOut[q]!.includes(item)).length;
      expected += (k * heldOut[q]!.length) / (store.trackCount - trainRows[q]!.length);
    }
    expect(hits).toBeGreaterThan(3 * expected);
  }, 60_000);
});
