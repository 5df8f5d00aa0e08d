// Weighted k-means over row-major Float32Array points, seeded with k-means++ from a seeded PRNG
// so the same input and seed always give the same clusters.
import { Random, normalizeInPlace } from '@mixtape/base';

export interface KMeansOptions {
  /** clusters wanted; clamped to the number of points */
  k: number;
  /** seed of the k-means++ draws (default 1) */
  seed?: number;
  /** per-point weights (default all 1) */
  weights?: Float32Array;
  /** Lloyd iterations at most (default 25) */
  maxIterations?: number;
  /** cosine k-means: points are expected unit-length and centroids are re-normalized (default false) */
  spherical?: boolean;
}

export interface KMeansResult {
  k: number;
  /** k × dim, row-major */
  centroids: Float32Array;
  /** cluster of each point */
  assignments: Int32Array;
  /** points per cluster */
  sizes: Int32Array;
  /** weighted sum of squared distances to the assigned centroid */
  inertia: number;
  iterations: number;
}

function squaredDistance(points: Float32Array, pointOffset: number, centroids: Float32Array, centroidOffset: number, dim: number): number {
  let sum = 0;
  for (let d = 0; d < dim; d++) {
    const diff = (points[pointOffset + d] as number) - (centroids[centroidOffset + d] as number);
    sum += diff * diff;
  }
  return sum;
}

/**
 * The centroid nearest the point at `pointOffset` (the first of equals), its squared distance in
 * `distance[0]`. Four centroids per pass over the point: each distance is still squaredDistance's
 * sum (terms added in d order, the same doubles), but the point is read once per four centroids
 * and the four chains of adds overlap (a Home page's taste clusters: ~100 points, k ≤ 3). Exported for
 * its test only (not in the package's index).
 */
export function nearestCentroid(points: Float32Array, pointOffset: number, centroids: Float32Array, k: number, dim: number, distance: Float64Array): number {
  let best = 0;
  let bestDistance = Infinity;
  for (let c = 0; c < k; c += 4) {
    // past the last centroid a lane repeats it; its sum is computed and never compared
    const o0 = c * dim;
    const o1 = Math.min(c + 1, k - 1) * dim;
    const o2 = Math.min(c + 2, k - 1) * dim;
    const o3 = Math.min(c + 3, k - 1) * dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let d = 0; d < dim; d++) {
      const x = points[pointOffset + d]!;
      const d0 = x - centroids[o0 + d]!;
      const d1 = x - centroids[o1 + d]!;
      const d2 = x - centroids[o2 + d]!;
      const d3 = x - centroids[o3 + d]!;
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    // compared in centroid order with a strict <, as one at a time
    if (s0 < bestDistance) {
      bestDistance = s0;
      best = c;
    }
    if (c + 1 < k && s1 < bestDistance) {
      bestDistance = s1;
      best = c + 1;
    }
    if (c + 2 < k && s2 < bestDistance) {
      bestDistance = s2;
      best = c + 2;
    }
    if (c + 3 < k && s3 < bestDistance) {
      bestDistance = s3;
      best = c + 3;
    }
  }
  distance[0] = bestDistance;
  return best;
}

export function kmeans(points: Float32Array, count: number, dim: number, options: KMeansOptions): KMeansResult {
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

  const nearestDistance = new Float64Array(1);
  const sums = new Float64Array(k * dim);
  const clusterWeight = new Float64Array(k);
  let inertia = 0;
  let iterations = 0;
  assignments.fill(-1);
  for (iterations = 1; iterations <= maxIterations; iterations++) {
    let changed = 0;
    inertia = 0;
    for (let p = 0; p < count; p++) {
      const best = nearestCentroid(points, p * dim, centroids, k, dim, nearestDistance);
      const bestDistance = nearestDistance[0]!;
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
