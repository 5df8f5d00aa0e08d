// User vectors: a recency-weighted taste vector per user (the weighted mean of the unit item
// vectors they played, recent plays counting more) plus a few taste clusters per user
// (spherical k-means over their distinct items) that feed "mix" shelves.
import type { ProgressCallback } from '@mixtape/base';
import { kmeans } from './kmeans';

/** Per-user event histories in CSR form: user u's events are positions offsets[u] .. offsets[u+1]. */
export interface UserHistories {
  /** item index of each event */
  items: Int32Array;
  /** length = users + 1 (an InteractionLog's `userOffsets` fits as is) */
  offsets: Int32Array | Uint32Array;
  /** epoch milliseconds of each event; without them every event counts the same */
  timestamps?: Float64Array;
  /** weight of each event (e.g. complete 1.5, play 1, skip 0); events with weight <= 0 are ignored. Default 1 */
  weights?: Float32Array;
}

export interface UserVectorOptions {
  /** a play this many days older than the reference time counts half (default 30; Infinity = no decay) */
  halfLifeDays?: number;
  /** "now" in epoch ms for the decay; default: each user's latest event */
  referenceTime?: number;
  /** most clusters per user (default 4) */
  maxClusters?: number;
  /** a cluster needs at least this many distinct items (default 5) */
  minItemsPerCluster?: number;
  /** seed of k-means++ (default 1) */
  seed?: number;
  /** k-means iterations at most (default 20) */
  kmeansIterations?: number;
  /** periodic { phase: 'user vectors', unit: 'users', done, total, ratePerSecond, etaSeconds } */
  onProgress?: ProgressCallback;
  /** how often onProgress is called (default 1000 ms) */
  progressIntervalMs?: number;
}

export interface UserVectors {
  dim: number;
  numUsers: number;
  /** numUsers × dim, L2-normalized; all zeros for users with no item that has a vector */
  vectors: Float32Array;
  /** distinct items with a vector behind each user's vector */
  itemsUsed: Int32Array;
  /** user u's clusters are clusterOffsets[u] .. clusterOffsets[u+1], heaviest first */
  clusterOffsets: Int32Array;
  /** totalClusters × dim, unit-length centroids */
  clusterCentroids: Float32Array;
  /** share of the user's recency weight in each cluster (sums to 1 per user) */
  clusterWeights: Float32Array;
  /** distinct items in each cluster */
  clusterSizes: Int32Array;
  /** global cluster index of each event (aligned with histories.items); -1 when the item has no vector or only weight <= 0 events */
  eventClusters: Int32Array;
}

/** How many taste clusters a history of `distinctItems` gets: about √(n/2), capped. */
export function chooseClusterCount(distinctItems: number, maxClusters = 4, minItemsPerCluster = 5): number {
  if (distinctItems <= 0) return 0;
  const bySize = Math.round(Math.sqrt(distinctItems / 2));
  return Math.max(1, Math.min(bySize, maxClusters, Math.floor(distinctItems / minItemsPerCluster)));
}

function validateHistories(histories: UserHistories, numItems: number): void {
  const { items, offsets, timestamps, weights } = histories;
  if (!(items instanceof Int32Array) || !(offsets instanceof Int32Array || offsets instanceof Uint32Array)) {
    throw new TypeError('user histories: items must be an Int32Array and offsets an Int32Array or Uint32Array');
  }
  if (offsets.length < 1 || offsets[0] !== 0 || offsets[offsets.length - 1] !== items.length) {
    throw new RangeError(`user histories: offsets must start at 0 and end at items.length (${items.length})`);
  }
  for (let u = 1; u < offsets.length; u++) {
    if ((offsets[u] as number) < (offsets[u - 1] as number)) {
      throw new RangeError(`user histories: offsets[${u}] = ${offsets[u]} < offsets[${u - 1}] = ${offsets[u - 1]}`);
    }
  }
  for (let e = 0; e < items.length; e++) {
    const item = items[e] as number;
    if (item < 0 || item >= numItems) throw new RangeError(`user histories: items[${e}] = ${item} is outside [0, ${numItems})`);
  }
  if (timestamps && timestamps.length !== items.length) {
    throw new RangeError(`user histories: timestamps has ${timestamps.length} entries for ${items.length} events`);
  }
  if (weights && weights.length !== items.length) {
    throw new RangeError(`user histories: weights has ${weights.length} entries for ${items.length} events`);
  }
}

/**
 * Computes every user's taste vector and taste clusters from `itemVectors` (numItems × dim,
 * rows of zeros = item without a vector). Deterministic for a given seed.
 */
export function computeUserVectors(
  histories: UserHistories,
  itemVectors: Float32Array,
  dim: number,
  options: UserVectorOptions = {},
): UserVectors {
  if (!Number.isInteger(dim) || dim < 1 || itemVectors.length % dim !== 0) {
    throw new RangeError(`computeUserVectors: item vectors of length ${itemVectors.length} do not split into rows of dim ${dim}`);
  }
  const numItems = itemVectors.length / dim;
  validateHistories(histories, numItems);
  const halfLifeDays = options.halfLifeDays ?? 30;
  if (!(halfLifeDays > 0)) throw new RangeError(`computeUserVectors: halfLifeDays must be > 0, got ${halfLifeDays}`);
  const decayPerMs = Number.isFinite(halfLifeDays) ? Math.LN2 / (halfLifeDays * 86_400_000) : 0;
  const maxClusters = options.maxClusters ?? 4;
  const minItemsPerCluster = options.minItemsPerCluster ?? 5;
  const { items, offsets, timestamps, weights } = histories;
  const numUsers = offsets.length - 1;

  // Inverse norms once, so every user's sum uses unit item vectors.
  const inverseNorm = new Float32Array(numItems);
  for (let i = 0; i < numItems; i++) {
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += (itemVectors[i * dim + d] as number) ** 2;
    inverseNorm[i] = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  }

  const vectors = new Float32Array(numUsers * dim);
  const itemsUsed = new Int32Array(numUsers);
  const clusterOffsets = new Int32Array(numUsers + 1);
  const eventClusters = new Int32Array(items.length).fill(-1);
  // Cluster outputs grow per user: doubling buffers, trimmed at the end.
  let capacity = Math.max(16, numUsers);
  let clusterCentroids = new Float32Array(capacity * dim);
  let clusterWeights = new Float32Array(capacity);
  let clusterSizes = new Int32Array(capacity);

  // Per-user scratch: distinct-item slots, reused across users via a user stamp.
  const stamp = new Int32Array(numItems).fill(-1);
  const slotOf = new Int32Array(numItems);
  let longest = 0;
  for (let u = 0; u < numUsers; u++) longest = Math.max(longest, (offsets[u + 1] as number) - (offsets[u] as number));
  const distinctItems = new Int32Array(longest);
  const distinctWeights = new Float32Array(longest);
  const points = new Float32Array(longest * dim);

  const started = performance.now();
  let lastReport = started;
  const interval = options.progressIntervalMs ?? 1000;

  let totalClusters = 0;
  for (let u = 0; u < numUsers; u++) {
    const start = offsets[u] as number;
    const end = offsets[u + 1] as number;
    let reference = options.referenceTime;
    if (reference === undefined && timestamps) {
      reference = -Infinity;
      for (let e = start; e < end; e++) reference = Math.max(reference, timestamps[e] as number);
    }

    let distinct = 0;
    for (let e = start; e < end; e++) {
      const item = items[e] as number;
      if (inverseNorm[item] === 0) continue;
      let weight = weights ? (weights[e] as number) : 1;
      if (!(weight > 0)) continue;
      if (timestamps && decayPerMs > 0) {
        // events after the reference time (clock skew) count as "now", never more
        weight *= Math.exp(-decayPerMs * Math.max(0, (reference as number) - (timestamps[e] as number)));
      }
      if (stamp[item] !== u) {
        stamp[item] = u;
        slotOf[item] = distinct;
        distinctItems[distinct] = item;
        distinctWeights[distinct] = 0;
        distinct++;
      }
      const slot = slotOf[item] as number;
      distinctWeights[slot] = (distinctWeights[slot] as number) + weight;
    }
    itemsUsed[u] = distinct;

    let totalWeight = 0;
    const row = u * dim;
    for (let s = 0; s < distinct; s++) {
      const item = distinctItems[s] as number;
      const weight = distinctWeights[s] as number;
      const scale = (inverseNorm[item] as number);
      totalWeight += weight;
      for (let d = 0; d < dim; d++) {
        const value = (itemVectors[item * dim + d] as number) * scale;
        points[s * dim + d] = value;
        vectors[row + d] = (vectors[row + d] as number) + weight * value;
      }
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += (vectors[row + d] as number) ** 2;
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let d = 0; d < dim; d++) vectors[row + d] = (vectors[row + d] as number) * scale;
    }

    const k = chooseClusterCount(distinct, maxClusters, minItemsPerCluster);
    if (k > 0 && totalWeight > 0) {
      const result = kmeans(points.subarray(0, distinct * dim), distinct, dim, {
        k,
        seed: (options.seed ?? 1) + u,
        weights: distinctWeights.subarray(0, distinct),
        maxIterations: options.kmeansIterations ?? 20,
        spherical: true,
      });
      const clusterWeight = new Float64Array(result.k);
      for (let s = 0; s < distinct; s++) {
        const c = result.assignments[s] as number;
        clusterWeight[c] = (clusterWeight[c] as number) + (distinctWeights[s] as number);
      }
      // heaviest cluster first; ties by index for determinism
      const order = Int32Array.from({ length: result.k }, (_, c) => c).sort(
        (a, b) => (clusterWeight[b] as number) - (clusterWeight[a] as number) || a - b,
      );
      if (totalClusters + result.k > capacity) {
        capacity = Math.max(capacity * 2, totalClusters + result.k);
        const grownCentroids = new Float32Array(capacity * dim);
        grownCentroids.set(clusterCentroids);
        clusterCentroids = grownCentroids;
        const grownWeights = new Float32Array(capacity);
        grownWeights.set(clusterWeights);
        clusterWeights = grownWeights;
        const grownSizes = new Int32Array(capacity);
        grownSizes.set(clusterSizes);
        clusterSizes = grownSizes;
      }
      const rankOf = new Int32Array(result.k);
      for (let rank = 0; rank < result.k; rank++) {
        const c = order[rank] as number;
        const global = totalClusters + rank;
        rankOf[c] = rank;
        clusterCentroids.set(result.centroids.subarray(c * dim, c * dim + dim), global * dim);
        clusterWeights[global] = (clusterWeight[c] as number) / totalWeight;
        clusterSizes[global] = result.sizes[c] as number;
      }
      for (let e = start; e < end; e++) {
        const item = items[e] as number;
        if (stamp[item] === u && inverseNorm[item] !== 0) {
          eventClusters[e] = totalClusters + (rankOf[result.assignments[slotOf[item] as number] as number] as number);
        }
      }
      totalClusters += result.k;
    }
    clusterOffsets[u + 1] = totalClusters;

    if (options.onProgress && (u + 1) % 256 === 0) {
      const now = performance.now();
      if (now - lastReport >= interval) {
        lastReport = now;
        const elapsedSeconds = (now - started) / 1000;
        const ratePerSecond = (u + 1) / elapsedSeconds;
        options.onProgress({
          phase: 'user vectors',
          unit: 'users',
          done: u + 1,
          total: numUsers,
          ratePerSecond,
          etaSeconds: (numUsers - u - 1) / ratePerSecond,
          elapsedSeconds,
        });
      }
    }
  }
  const elapsedSeconds = (performance.now() - started) / 1000;
  options.onProgress?.({
    phase: 'user vectors',
    unit: 'users',
    done: numUsers,
    total: numUsers,
    ratePerSecond: elapsedSeconds > 0 ? numUsers / elapsedSeconds : 0,
    etaSeconds: 0,
    elapsedSeconds,
  });

  return {
    dim,
    numUsers,
    vectors,
    itemsUsed,
    clusterOffsets,
    clusterCentroids: clusterCentroids.slice(0, totalClusters * dim),
    clusterWeights: clusterWeights.slice(0, totalClusters),
    clusterSizes: clusterSizes.slice(0, totalClusters),
    eventClusters,
  };
}
