import { describe, expect, it } from 'vitest';
import { buildCsr, rowIndices, rowLength } from '@mixtape/embeddings';
import { assertNoLeakage } from './evaluate';
import { leaveOneOutSplit, playlistContinuationSplit, temporalLastNSplit, userHoldoutSplit } from './splits';
import { plantedClusters } from './testing/oracle';

describe('userHoldoutSplit', () => {
  const data = plantedClusters({ users: 60, itemsPerCluster: 30, clusters: 3, perUser: 10, seed: 1 });
  const matrix = buildCsr(data, { rows: data.rows, cols: data.cols });

  it('holds out 20% of each eligible user, disjoint from training, reproducibly', () => {
    const split = userHoldoutSplit(matrix, { seed: 5 });
    assertNoLeakage(split);
    for (let u = 0; u < matrix.rows; u++) {
      expect(rowLength(split.test, u)).toBe(2);
      expect(rowLength(split.train, u)).toBe(8);
      const union = new Set([...rowIndices(split.train, u), ...rowIndices(split.test, u)]);
      expect([...union].sort((a, b) => a - b)).toEqual(Array.from(rowIndices(matrix, u)));
    }
    expect(split.evalRows.length).toBe(60);
    const again = userHoldoutSplit(matrix, { seed: 5 });
    expect(Array.from(again.test.indices)).toEqual(Array.from(split.test.indices));
    const other = userHoldoutSplit(matrix, { seed: 6 });
    expect(Array.from(other.test.indices)).not.toEqual(Array.from(split.test.indices));
    expect(split.protocol).toMatch(/20% of each user's items \(seed 5\)/);
  });

  it('keeps users below minItems in training only', () => {
    const small = buildCsr(
      { rowIndex: Int32Array.from([0, 0, 0, 1, 1, 1, 1, 1]), colIndex: Int32Array.from([0, 1, 2, 0, 1, 2, 3, 4]) },
      { rows: 2, cols: 5 },
    );
    const split = userHoldoutSplit(small, { minItems: 5 });
    expect(Array.from(split.evalRows)).toEqual([1]);
    expect(rowLength(split.train, 0)).toBe(3);
    expect(rowLength(split.test, 1)).toBe(1);
  });
});

describe('temporalLastNSplit', () => {
  it('puts each user’s last N interactions in test and drops re-listens of training items', () => {
    // user 0: items 0..6 at times 6..0 (reverse), then item 2 again at time 10
    const user = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    const item = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 2, 0, 1]);
    const time = Float64Array.from([6, 5, 4, 3, 2, 1, 0, 10, 0, 1]);
    const split = temporalLastNSplit({ user, item, time, numUsers: 2, numItems: 7 }, { lastN: 3, minInteractions: 5 });
    // order by time: 6,5,4,3,2,1,0,2 → train 6,5,4,3,2 ; test 1,0,(2 repeat dropped)
    expect(Array.from(rowIndices(split.train, 0))).toEqual([2, 3, 4, 5, 6]);
    expect(Array.from(rowIndices(split.test, 0))).toEqual([0, 1]);
    expect(rowLength(split.train, 1)).toBe(2);
    expect(Array.from(split.evalRows)).toEqual([0]);
    expect(split.protocol).toMatch(/1 test repeats/);
    assertNoLeakage(split);
  });
});

describe('leaveOneOutSplit', () => {
  // user 0: 4 5 5 6 7 (the repeated 5 is a play + save) → merged 4 5 6 7: test 7
  // user 1: 1 2 1     → target 1 repeats an earlier item: not evaluated
  // user 2: 3 8       → fewer than 3 items: training only
  const user = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 2, 2]);
  const item = Int32Array.from([7, 4, 5, 5, 6, 1, 2, 1, 3, 8]);
  const time = Float64Array.from([9, 1, 2, 3, 4, 1, 2, 3, 1, 2]);
  const data = { user, item, time, numUsers: 3, numItems: 9 };

  it('tests the last item, trains on the rest in time order, and says which rows it skipped', () => {
    const split = leaveOneOutSplit(data);
    assertNoLeakage(split);
    expect(Array.from(split.evalRows)).toEqual([0]);
    expect(Array.from(rowIndices(split.test, 0))).toEqual([7]);
    expect(Array.from(rowIndices(split.sequences!, 0))).toEqual([4, 5, 6]);
    expect(Array.from(rowIndices(split.sequences!, 1))).toEqual([1, 2]);
    expect(Array.from(rowIndices(split.sequences!, 2))).toEqual([3, 8]);
    expect(Array.from(rowIndices(split.train, 0))).toEqual([4, 5, 6]);
    expect(split.train.values[1]).toBe(2); // the merged play + save keep their weight
    expect(split.protocol).toMatch(/1 rows evaluated, 1 rows whose target repeats an earlier item and 1 rows with < 3 items/);
  });

  it('validation targets the second-to-last item and never shows the last', () => {
    const split = leaveOneOutSplit(data, { validation: true });
    expect(Array.from(rowIndices(split.test, 0))).toEqual([6]);
    expect(Array.from(rowIndices(split.sequences!, 0))).toEqual([4, 5]);
    expect(split.protocol).toMatch(/VALIDATION/);
  });
});

describe('playlistContinuationSplit', () => {
  it('hides the last 20% of test playlists by position and keeps the rest as seeds', () => {
    const rows: number[] = [];
    const cols: number[] = [];
    for (let p = 0; p < 20; p++) for (let t = 0; t < 10; t++) {
      rows.push(p);
      cols.push((p * 3 + t * 7) % 50);
    }
    const playlists = buildCsr({ rowIndex: Int32Array.from(rows), colIndex: Int32Array.from(cols) }, { rows: 20, cols: 50, duplicates: 'keep' });
    const split = playlistContinuationSplit(playlists, { testFraction: 0.25, seed: 3 });
    expect(split.evalRows.length).toBe(5);
    for (const p of split.evalRows) {
      const order = Array.from(rowIndices(playlists, p));
      expect(Array.from(rowIndices(split.test, p))).toEqual(order.slice(8).sort((a, b) => a - b));
      expect(Array.from(rowIndices(split.train, p))).toEqual(order.slice(0, 8).sort((a, b) => a - b));
    }
    expect(split.train.indices.length).toBe(200 - 10);
    assertNoLeakage(split);
  });
});
