import { Random, normalizeInPlace } from '@mixtape/base';
import { describe, expect, it } from 'vitest';
import { kmeans } from './kmeans';
import type { KMeansOptions, KMeansResult } from './kmeans';

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

  it('equals the one-centroid-at-a-time assignment bit for bit (any k, weights, spherical, ties and empty clusters)', () => {
    const random = new Random(11, 'mulberry32');
    for (let trial = 0; trial < 200; trial++) {
      const dim = [1, 2, 5, 16, 64][trial % 5]!;
      const count = 1 + random.int(120);
      const points = new Float32Array(count * dim);
      // a few distinct rows repeated, so equal distances (ties) and empty clusters happen
      const distinct = trial % 4 === 0 ? 1 + random.int(4) : count;
      for (let p = 0; p < count; p++) {
        const source = p < distinct ? p : random.int(distinct);
        for (let d = 0; d < dim; d++) points[p * dim + d] = source === p ? random.next() * 2 - 1 : points[source * dim + d]!;
      }
      const spherical = trial % 2 === 1;
      if (spherical) for (let p = 0; p < count; p++) normalizeInPlace(points, p * dim, dim);
      const options: KMeansOptions = { k: 1 + random.int(9), seed: trial, spherical, maxIterations: 1 + random.int(12) };
      if (trial % 3 !== 0) options.weights = Float32Array.from({ length: count }, () => (random.chance(0.1) ? 0 : random.next() * 5));
      const actual = kmeans(points, count, dim, options);
      const expected = kmeansOneCentroidAtATime(points, count, dim, options);
      expect(actual.k).toBe(expected.k);
      expect(Array.from(actual.assignments)).toEqual(Array.from(expected.assignments));
      expect(Array.from(actual.centroids)).toEqual(Array.from(expected.centroids));
      expect(Array.from(actual.sizes)).toEqual(Array.from(expected.sizes));
      expect(actual.inertia).toBe(expected.inertia);
      expect(actual.iterations).toBe(expected.iterations);
    }
  });
});

/** kmeans as it was before nearestCentroid (one squaredDistance per centroid): the reference of the test above. */
function squaredDistance(points: Float32Array, pointOffset: number, centroids: Float32Array, centroidOffset: number, dim: number): number {
  let sum = 0;
  for (let d = 0; d < dim; d++) {
    const diff = (points[pointOffset + d] as number) - (centroids[centroidOffset + d] as number);
    sum += diff * diff;
  }
  return sum;
}

function kmeansOneCentroidAtATime(points: Float32Array, count: number, dim: number, options: KMeansOptions): KMeansResult {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`kmeans: dim must be a positive integer, got ${dim}`);
  if (!Number.isInteger(count) || count < 0 || points.length < count * dim) {
    throw new RangeError(`kmeans: ${count} points of dim ${dim} need ${count * dim} values, got ${points.length}`);
  }
  if (!Number.isInteger(options.k) || options.k < 1) throw new RangeError(`kmeans: k must be a positive integer, got ${options.k}`);
  const weights = options.weights;
  if (weights && weights.length < count) throw new RangeError(`kmeans: weights has ${weights.length} entries for ${count} points`);
  const k = Math.min(options.k, count);
  const maxIterations = options.maxIterations ?? 25;
  const spherical = options.spherical ?? false;
  const random = new Random(options.seed ?? 1, 'mulberry32');
  const centroids = new Float32Array(k * dim);
  const assignments = new Int32Array(count);
  const sizes = new Int32Array(k);
  if (k === 0) return { k, centroids, assignments, sizes, inertia: 0, iterations: 0 };

  const weightOf = (p: number): number => (weights ? (weights[p] as number) : 1);

  // k-means++: the first center ∝ weight, each next one ∝ weight × squared distance to the nearest chosen center.
  const nearest = new Float64Array(count).fill(Infinity);
  let totalWeight = 0;
  for (let p = 0; p < count; p++) totalWeight += weightOf(p);
  let chosen = 0;
  {
    let target = random.next() * totalWeight;
    for (chosen = 0; chosen < count - 1; chosen++) {
      target -= weightOf(chosen);
      if (target < 0) break;
    }
  }
  centroids.set(points.subarray(chosen * dim, chosen * dim + dim), 0);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let p = 0; p < count; p++) {
      const distance = squaredDistance(points, p * dim, centroids, (c - 1) * dim, dim);
      if (distance < (nearest[p] as number)) nearest[p] = distance;
      total += weightOf(p) * (nearest[p] as number);
    }
    let next = count - 1;
    if (total > 0) {
      let target = random.next() * total;
      for (let p = 0; p < count; p++) {
        target -= weightOf(p) * (nearest[p] as number);
        if (target < 0) {
          next = p;
          break;
        }
      }
    } else {
      next = c % count; // all points coincide with chosen centers
    }
    centroids.set(points.subarray(next * dim, next * dim + dim), c * dim);
  }

  const sums = new Float64Array(k * dim);
  const clusterWeight = new Float64Array(k);
  let inertia = 0;
  let iterations = 0;
  assignments.fill(-1);
  for (iterations = 1; iterations <= maxIterations; iterations++) {
    let changed = 0;
    inertia = 0;
    for (let p = 0; p < count; p++) {
      let best = 0;
      let bestDistance = Infinity;
      for (let c = 0; c < k; c++) {
        const distance = squaredDistance(points, p * dim, centroids, c * dim, dim);
        if (distance < bestDistance) {
          bestDistance = distance;
          best = c;
        }
      }
      if (assignments[p] !== best) changed++;
      assignments[p] = best;
      inertia += weightOf(p) * bestDistance;
    }
    if (changed === 0) break;

    sums.fill(0);
    clusterWeight.fill(0);
    for (let p = 0; p < count; p++) {
      const c = assignments[p] as number;
      const w = weightOf(p);
      clusterWeight[c] = (clusterWeight[c] as number) + w;
      for (let d = 0; d < dim; d++) sums[c * dim + d] = (sums[c * dim + d] as number) + w * (points[p * dim + d] as number);
    }
    for (let c = 0; c < k; c++) {
      const w = clusterWeight[c] as number;
      if (w > 0) {
        for (let d = 0; d < dim; d++) centroids[c * dim + d] = (sums[c * dim + d] as number) / w;
        if (spherical) normalizeInPlace(centroids, c * dim, dim);
        continue;
      }
      // An empty cluster takes over the point farthest from its centroid (deterministic).
      let farthest = 0;
      let farthestDistance = -1;
      for (let p = 0; p < count; p++) {
        const distance = squaredDistance(points, p * dim, centroids, (assignments[p] as number) * dim, dim);
        if (distance > farthestDistance) {
          farthestDistance = distance;
          farthest = p;
        }
      }
      centroids.set(points.subarray(farthest * dim, farthest * dim + dim), c * dim);
      assignments[farthest] = c;
    }
  }
  iterations = Math.min(iterations, maxIterations);
  sizes.fill(0);
  for (let p = 0; p < count; p++) {
    const c = assignments[p] as number;
    sizes[c] = (sizes[c] as number) + 1;
  }
  return { k, centroids, assignments, sizes, inertia, iterations };
}
