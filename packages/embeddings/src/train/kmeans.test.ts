import { Random } from '@mixtape/base';
import { describe, expect, it } from 'vitest';
import { kmeans, nearestCentroid } from './kmeans';

function blobs(perCluster: number, seed: number): { points: Float32Array; labels: Int32Array } {
  const centers = [
    [0, 0],
    [10, 0],
    [5, 9],
  ];
  const random = new Random(seed, 'mulberry32');
  const points = new Float32Array(perCluster * centers.length * 2);
  const labels = new Int32Array(perCluster * centers.length);
  for (let c = 0; c < centers.length; c++) {
    for (let i = 0; i < perCluster; i++) {
      const p = c * perCluster + i;
      points[p * 2] = centers[c]![0]! + (random.next() - 0.5) * 2;
      points[p * 2 + 1] = centers[c]![1]! + (random.next() - 0.5) * 2;
      labels[p] = c;
    }
  }
  return { points, labels };
}

describe('kmeans', () => {
  it('recovers clear clusters', () => {
    const { points, labels } = blobs(40, 3);
    const result = kmeans(points, labels.length, 2, { k: 3, seed: 9 });
    expect(result.k).toBe(3);
    // every true cluster maps onto exactly one found cluster
    const mapping = new Map<number, number>();
    for (let p = 0; p < labels.length; p++) {
      const found = result.assignments[p]!;
      if (!mapping.has(labels[p]!)) mapping.set(labels[p]!, found);
      expect(found).toBe(mapping.get(labels[p]!));
    }
    expect(new Set(mapping.values()).size).toBe(3);
    expect(Array.from(result.sizes).sort()).toEqual([40, 40, 40]);
    for (let c = 0; c < 3; c++) {
      const centroid = [result.centroids[c * 2]!, result.centroids[c * 2 + 1]!];
      const nearest = [
        [0, 0],
        [10, 0],
        [5, 9],
      ].some(([x, y]) => Math.hypot(centroid[0]! - x!, centroid[1]! - y!) < 0.5);
      expect(nearest).toBe(true);
    }
  });

  it('is deterministic for a seed', () => {
    const { points, labels } = blobs(30, 4);
    const a = kmeans(points, labels.length, 2, { k: 4, seed: 2 });
    const b = kmeans(points, labels.length, 2, { k: 4, seed: 2 });
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
  });

  it('clamps k to the number of points and handles duplicates', () => {
    const points = Float32Array.from([1, 1, 1, 1, 1, 1]);
    const result = kmeans(points, 3, 2, { k: 5 });
    expect(result.k).toBe(3);
    expect(result.assignments).toHaveLength(3);
    expect(result.sizes.reduce((s, v) => s + v, 0)).toBe(3);
  });

  it('follows the weights', () => {
    // two points, one cluster: the centroid is the weighted mean
    const result = kmeans(Float32Array.from([0, 0, 4, 0]), 2, 2, { k: 1, weights: Float32Array.from([3, 1]) });
    expect(result.centroids[0]).toBeCloseTo(1, 6);
  });

  it('rejects inconsistent shapes', () => {
    expect(() => kmeans(new Float32Array(5), 3, 2, { k: 2 })).toThrow(/need 6 values/);
    expect(() => kmeans(new Float32Array(6), 3, 2, { k: 0 })).toThrow(/k must be a positive integer/);
  });

  it('nearestCentroid equals a one-centroid-at-a-time argmin bit for bit (any k and dim, ties to the first)', () => {
    // the only step of kmeans that changed: with the same index and the same double, every run is the old run
    const random = new Random(11, 'mulberry32');
    const distance = new Float64Array(1);
    for (let trial = 0; trial < 2000; trial++) {
      const dim = [1, 2, 5, 16, 64][trial % 5]!;
      const k = 1 + random.int(9);
      const point = Float32Array.from({ length: dim }, () => random.next() * 2 - 1);
      const centroids = Float32Array.from({ length: k * dim }, () => random.next() * 2 - 1);
      // equal distances: some centroids repeat an earlier one, or are the point itself
      for (let c = 1; c < k; c++) if (random.chance(0.3)) centroids.copyWithin(c * dim, random.int(c) * dim, random.int(c) * dim + dim);
      if (random.chance(0.2)) centroids.set(point, random.int(k) * dim);
      let expected = 0;
      let expectedDistance = Infinity;
      for (let c = 0; c < k; c++) {
        let sum = 0;
        for (let d = 0; d < dim; d++) {
          const diff = point[d]! - centroids[c * dim + d]!;
          sum += diff * diff;
        }
        if (sum < expectedDistance) {
          expectedDistance = sum;
          expected = c;
        }
      }
      expect(nearestCentroid(point, 0, centroids, k, dim, distance)).toBe(expected);
      expect(distance[0]).toBe(expectedDistance);
    }
  });
});
