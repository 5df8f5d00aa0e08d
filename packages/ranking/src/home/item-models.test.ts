import { fitEaseWeights } from '@mixtape/embeddings';
import type { CsrMatrix } from '@mixtape/embeddings';
import { InteractionLogBuilder } from '@mixtape/catalog';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RP3BETA_BETA, buildNeighbourLists, buildSuccessorList, foldInFactor, matrixFromLog, nonZeroRows, trainItemFactors } from './item-models';

/** Listeners in two taste groups (items 0–9 and 10–19) with a little crossover. */
function tasteMatrix(): CsrMatrix {
  let state = 5;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  const rows: number[][] = [];
  for (let u = 0; u < 80; u++) {
    const group = u % 2 === 0 ? 0 : 10;
    const items = new Set<number>();
    while (items.size < 6) items.add(next() < 0.9 ? group + Math.floor(next() * 10) : Math.floor(next() * 20));
    rows.push([...items].sort((a, b) => a - b));
  }
  const indptr = new Int32Array(rows.length + 1);
  rows.forEach((row, r) => (indptr[r + 1] = indptr[r]! + row.length));
  const indices = Int32Array.from(rows.flat());
  return { rows: rows.length, cols: 22, indptr, indices, values: new Float32Array(indices.length).fill(1) };
}

function neighboursOf(list: { offsets: Int32Array; items: Int32Array; scores: Float32Array }, item: number) {
  const start = list.offsets[item]!;
  const end = list.offsets[item + 1]!;
  return { items: Array.from(list.items.subarray(start, end)), scores: Array.from(list.scores.subarray(start, end)) };
}

describe('nonZeroRows', () => {
  it('marks rows with any non-zero entry (negative, tiny, or only in the last column) and leaves all-zero rows out', () => {
    const vectors = Float32Array.from([0, 0, 0, 1e-30, 0, 0, 0, 0, 0, 0, 0, -2, 0, 0, 0]);
    expect(Array.from(nonZeroRows(vectors, 5, 3))).toEqual([0, 1, 0, 1, 0]);
  });
});

describe('neighbour lists', () => {
  it('keep each item’s strongest neighbours, in its own taste group, best first', () => {
    const matrix = tasteMatrix();
    const { lists, reports } = buildNeighbourLists(matrix, { k: 5, ease: { lambda: 10, k: 5 } });
    expect(reports.map((report) => report.source)).toEqual(['ease', 'rp3beta', 'coListening']);
    for (const source of ['rp3beta', 'coListening'] as const) {
      const { items, scores } = neighboursOf(lists[source]!, 3);
      expect(items).toHaveLength(5);
      expect(items.filter((item) => item < 10).length).toBeGreaterThanOrEqual(4);
      for (let i = 1; i < scores.length; i++) expect(scores[i - 1]!).toBeGreaterThanOrEqual(scores[i]!);
    }
    // items without listeners (20, 21 never drawn above 19) have no neighbours
    expect(lists.coListening!.offsets[21]).toBe(lists.coListening!.offsets[22]);
    // RP3β's default penalty is the validated 0.3, and the lists are exactly those of an explicit β 0.3
    expect(DEFAULT_RP3BETA_BETA).toBe(0.3);
    expect(reports.find((report) => report.source === 'rp3beta')!.notes).toBe('α 1, β 0.3');
    const explicit = buildNeighbourLists(matrix, { k: 5, ease: false, coListening: false, rp3beta: { beta: 0.3 } }).lists.rp3beta!;
    const half = buildNeighbourLists(matrix, { k: 5, ease: false, coListening: false, rp3beta: { beta: 0.5 } }).lists.rp3beta!;
    expect(Array.from(lists.rp3beta!.scores)).toEqual(Array.from(explicit.scores));
    expect(Array.from(lists.rp3beta!.scores)).not.toEqual(Array.from(half.scores));
  });

  it('EASE lists hold the largest-magnitude weights of the dense model, negative ones included', () => {
    const matrix = tasteMatrix();
    const dense = fitEaseWeights(matrix, { lambda: 10 });
    const { lists } = buildNeighbourLists(matrix, { ease: { lambda: 10, k: 8 }, rp3beta: false, coListening: false });
    const item = 12;
    const m = dense.modelIndex[item]!;
    const n = dense.modelItems.length;
    const row = Array.from(dense.weights.subarray(m * n, (m + 1) * n), (weight, j) => ({ item: dense.modelItems[j]!, weight }));
    const expected = row.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, 8);
    const { items, scores } = neighboursOf(lists.ease!, item);
    expect(items).toEqual(expected.map((entry) => entry.item));
    scores.forEach((score, i) => expect(score).toBeCloseTo(expected[i]!.weight, 6));
    expect(scores.some((score) => score < 0)).toBe(true);
  });

  it('item-vector lists are the exact nearest items by inner product, self excluded', () => {
    const matrix = tasteMatrix();
    const dim = 2;
    const vectors = new Float32Array(22 * dim);
    for (let t = 0; t < 20; t++) {
      const angle = (t / 20) * Math.PI;
      vectors[t * dim] = Math.cos(angle);
      vectors[t * dim + 1] = Math.sin(angle);
    }
    const { lists } = buildNeighbourLists(matrix, { k: 2, ease: false, rp3beta: false, coListening: false, itemVectors: { vectors, dim } });
    expect(neighboursOf(lists.itemVectors!, 5).items.sort()).toEqual([4, 6]);
    expect(neighboursOf(lists.itemVectors!, 21).items).toEqual([]);
  });
});

describe('learned factors', () => {
  it('score a listener’s own taste group above the other, and fold in a new listener the same way', async () => {
    const matrix = tasteMatrix();
    const factors = await trainItemFactors(matrix, { dim: 8, iterations: 10, seed: 3 });
    expect(factors.users).toHaveLength(matrix.rows * 8);
    const out = new Float32Array(8);
    foldInFactor(factors, [0, 1, 2, 3], 4, out, new Float64Array(2 * 64 + 16));
    const score = (item: number) => {
      let dot = 0;
      for (let a = 0; a < 8; a++) dot += out[a]! * factors.items[item * 8 + a]!;
      return dot;
    };
    const own = [4, 5, 6, 7, 8, 9].reduce((sum, item) => sum + score(item), 0) / 6;
    const other = [10, 11, 12, 13, 14, 15].reduce((sum, item) => sum + score(item), 0) / 6;
    expect(own).toBeGreaterThan(other + 0.1);
  });
});

describe('matrixFromLog', () => {
  it('keeps positive events once per listener and track, and drops skips', () => {
    const builder = new InteractionLogBuilder();
    const a = builder.userIndex('a');
    const b = builder.userIndex('b');
    builder.pushEncoded(a, 1, 1, 0, 0, 1, -1);
    builder.pushEncoded(a, 1, 2, 2, 0, 1, -1);
    builder.pushEncoded(a, 2, 3, 1, 0, 1, -1); // skip
    builder.pushEncoded(b, 0, 1, 3, 0, 1, -1);
    const matrix = matrixFromLog(builder.build(), 3);
    expect(Array.from(matrix.indptr)).toEqual([0, 1, 2]);
    expect(Array.from(matrix.indices)).toEqual([1, 0]);
  });
});

describe('successor lists', () => {
  it('score P(next | track) over each listener’s ordered non-skip plays, repeats collapsed, best first', () => {
    const builder = new InteractionLogBuilder();
    // listener a: 0 → 1 → 2, then 0 → 1 again; b: 0 → 3 (a skip of 4 in between is not a play), 1 → 1 (a repeat)
    const plays: Array<[string, number, number, number]> = [
      ['a', 0, 1, 0], ['a', 1, 2, 0], ['a', 2, 3, 0], ['a', 0, 4, 0], ['a', 1, 5, 0],
      ['b', 0, 1, 0], ['b', 4, 2, 1], ['b', 3, 3, 0], ['b', 1, 4, 0], ['b', 1, 5, 0],
    ];
    for (const [user, track, time, type] of plays) builder.pushEncoded(builder.userIndex(user), track, time * 1000, type, 1000, 1, -1);
    const list = buildSuccessorList(builder.build(), 6, { k: 5 });
    expect(neighboursOf(list, 0)).toEqual({ items: [1, 3], scores: [2 / 3, 1 / 3].map(Math.fround) });
    expect(neighboursOf(list, 1)).toEqual({ items: [2], scores: [1] });
    expect(neighboursOf(list, 2)).toEqual({ items: [0], scores: [1] });
    expect(neighboursOf(list, 3)).toEqual({ items: [1], scores: [1] });
    expect(neighboursOf(list, 4).items).toEqual([]);
    expect(list.offsets).toHaveLength(7);
    expect(neighboursOf(buildSuccessorList(builder.build(), 6, { k: 1 }), 0).items).toEqual([1]);
  });
});
