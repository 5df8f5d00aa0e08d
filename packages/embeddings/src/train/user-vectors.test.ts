import type { ProgressEvent } from '@mixtape/base';
import { describe, expect, it } from 'vitest';
import { chooseClusterCount, computeUserVectors } from './user-vectors';
import { Random, cosineBetween } from '@mixtape/base';

const dim = 8;
const groups = 3;
const itemsPerGroup = 20;
const numItems = groups * itemsPerGroup + 1; // the last item has no vector

/** Items of group g point along axis g, with a little noise. */
function groupedItemVectors(): Float32Array {
  const random = new Random(21, 'mulberry32');
  const vectors = new Float32Array(numItems * dim);
  for (let i = 0; i < groups * itemsPerGroup; i++) {
    const group = Math.floor(i / itemsPerGroup);
    for (let d = 0; d < dim; d++) vectors[i * dim + d] = (random.next() - 0.5) * 0.3;
    vectors[i * dim + group] = 2;
  }
  return vectors;
}

const itemVectors = groupedItemVectors();
const day = 86_400_000;
const axis = (g: number): Float32Array => {
  const v = new Float32Array(dim);
  v[g] = 1;
  return v;
};

describe('computeUserVectors', () => {
  it('weights recent plays more with a half-life', () => {
    // user 0: group 0 a year ago, group 1 this week
    const items = new Int32Array(20);
    const timestamps = new Float64Array(20);
    for (let e = 0; e < 10; e++) {
      items[e] = e;
      timestamps[e] = 1_000 * day;
      items[10 + e] = itemsPerGroup + e;
      timestamps[10 + e] = 1_365 * day;
    }
    const histories = { items, offsets: Int32Array.from([0, 20]), timestamps };
    const events: ProgressEvent[] = [];
    const recent = computeUserVectors(histories, itemVectors, dim, { halfLifeDays: 30, onProgress: (event) => events.push(event) });
    expect(events.at(-1)).toMatchObject({ phase: 'user vectors', unit: 'users', done: 1, total: 1, etaSeconds: 0 });
    expect(cosineBetween(recent.vectors, 0, axis(1), 0, dim)).toBeGreaterThan(0.9);
    expect(cosineBetween(recent.vectors, 0, axis(0), 0, dim)).toBeLessThan(0.2);
    const flat = computeUserVectors(histories, itemVectors, dim, { halfLifeDays: Infinity });
    const towardOld = cosineBetween(flat.vectors, 0, axis(0), 0, dim);
    const towardNew = cosineBetween(flat.vectors, 0, axis(1), 0, dim);
    expect(Math.abs(towardOld - towardNew)).toBeLessThan(0.1);
  });

  it('finds a user\'s taste clusters and labels every event', () => {
    // user 0 listens to all three groups (and to the item without a vector); user 1 to nothing
    const events: number[] = [];
    for (let g = 0; g < groups; g++) for (let i = 0; i < 10; i++) events.push(g * itemsPerGroup + i, g * itemsPerGroup + i);
    events.push(numItems - 1);
    const items = Int32Array.from(events);
    const result = computeUserVectors({ items, offsets: Int32Array.from([0, items.length, items.length]) }, itemVectors, dim, {
      maxClusters: 3,
      seed: 4,
    });
    expect(result.itemsUsed[0]).toBe(30);
    expect(result.clusterOffsets[1]).toBe(3);
    expect(result.clusterOffsets[2]).toBe(3); // an empty history has no clusters
    expect(Array.from(result.vectors.subarray(dim, 2 * dim)).every((v) => v === 0)).toBe(true);
    expect(Array.from(result.clusterSizes)).toEqual([10, 10, 10]);
    expect(result.clusterWeights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 5);
    // each cluster is one group, and its centroid points along that group's axis
    for (let e = 0; e < items.length - 1; e++) {
      const group = Math.floor(items[e]! / itemsPerGroup);
      const cluster = result.eventClusters[e]!;
      expect(cosineBetween(result.clusterCentroids, cluster * dim, axis(group), 0, dim)).toBeGreaterThan(0.9);
    }
    expect(result.eventClusters[items.length - 1]).toBe(-1);
    const again = computeUserVectors({ items, offsets: Int32Array.from([0, items.length, items.length]) }, itemVectors, dim, {
      maxClusters: 3,
      seed: 4,
    });
    expect(Array.from(again.eventClusters)).toEqual(Array.from(result.eventClusters));
  });

  it('ignores events with weight 0 (e.g. skips) and takes Uint32Array offsets', () => {
    // group 0 played, group 2 only skipped
    const items = Int32Array.from([0, 1, 2, 2 * itemsPerGroup, 2 * itemsPerGroup + 1]);
    const weights = Float32Array.from([1, 1, 1, 0, 0]);
    const result = computeUserVectors({ items, offsets: Uint32Array.from([0, 5]), weights }, itemVectors, dim);
    expect(result.itemsUsed[0]).toBe(3);
    expect(cosineBetween(result.vectors, 0, axis(0), 0, dim)).toBeGreaterThan(0.9);
    expect(Array.from(result.eventClusters.subarray(3))).toEqual([-1, -1]);
  });

  it('chooses more clusters for longer histories, within the caps', () => {
    expect(chooseClusterCount(0)).toBe(0);
    expect(chooseClusterCount(3)).toBe(1);
    expect(chooseClusterCount(12)).toBe(2);
    expect(chooseClusterCount(20)).toBe(3);
    expect(chooseClusterCount(1000)).toBe(4);
    expect(chooseClusterCount(1000, 6)).toBe(6);
  });

  it('rejects events that do not line up', () => {
    expect(() => computeUserVectors({ items: Int32Array.from([0, 99]), offsets: Int32Array.from([0, 2]) }, itemVectors, dim)).toThrow(
      /items\[1\] = 99 is outside \[0, 61\)/,
    );
    expect(() =>
      computeUserVectors({ items: Int32Array.from([0]), offsets: Int32Array.from([0, 1]), timestamps: new Float64Array(2) }, itemVectors, dim),
    ).toThrow(/timestamps has 2 entries for 1 events/);
  });
});
