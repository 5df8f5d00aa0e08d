// Per-listener state computed once per bundle for the logged listeners: the k-means of each
// listener's taste clusters and the answers FAISS gives their taste, cluster and factor queries.
// A page for a logged listener with nothing new since the build (no live events, no onboarding
// seeds) reads these instead of running k-means, three ANN searches and the new-release scan;
// anyone else is computed live. The answers are the ones a live request gets (same profile, same
// queries, same k).
import type { BatchNeighbors } from '@mixtape/embeddings';
import { DEFAULT_ANN_K, DEFAULT_FACTOR_K, DEFAULT_NEW_RELEASE_DAYS, NEW_RELEASES_KEPT, planAnnQueries, rankNewReleases } from './candidates';
import type { AnnPlan, AnnResults, HomeCandidateOptions } from './candidates';
import type { HomeIndex } from './home-index';
import { buildUserProfile } from './profile';
import type { UserProfile } from './profile';

export interface ListenerState {
  /** the candidate options the answers belong to (a request with others searches live) */
  annK: number;
  factorK: number;
  itemDim: number;
  /** log user → slot (−1: not precomputed) */
  slotOfUser: Int32Array;
  /** per slot: k-means centroids rows [clusterOffsets[s], clusterOffsets[s + 1]) of itemDim */
  clusterOffsets: Int32Array;
  centroids: Float32Array;
  /** per slot: the cluster of each of the listener's heaviest tracks (the ones k-means saw) */
  assignmentOffsets: Int32Array;
  assignments: Int32Array;
  /** per slot: item-index answers, rows [queryOffsets[s], queryOffsets[s + 1]) × itemK */
  queryOffsets: Int32Array;
  itemK: number;
  itemLabels: Int32Array;
  itemScores: Float32Array;
  /** per slot: factor-index answers [factorOffsets[s], factorOffsets[s + 1]) (empty: no factor query) */
  factorOffsets: Int32Array;
  factorLabels: Int32Array;
  factorScores: Float32Array;
  /** the release window (days) of the stored new releases */
  newReleaseDays: number;
  /** per slot: the listener's best new releases [releaseOffsets[s], releaseOffsets[s + 1]) and their scores */
  releaseOffsets: Int32Array;
  releaseTracks: Int32Array;
  releaseScores: Float32Array;
}

/** The stored k-means of one listener's taste clusters (what profile building would compute). */
export interface StoredClusters {
  k: number;
  centroids: Float32Array;
  assignments: Int32Array;
}

export interface ListenerStateOptions {
  candidates?: Pick<HomeCandidateOptions, 'annK' | 'factorK' | 'newReleaseDays'>;
  /** at most this many listeners, the most active first (default 200,000); the rest are served live */
  maxListeners?: number;
  /** listeners per FAISS batch (default 256) */
  batch?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The slot of a profile's listener when their state is stored and still theirs (nothing new since the build). */
export function storedSlot(index: HomeIndex, logUser: number, live: { liveEvents: number; seeds: number; now: number }): number {
  const state = index.listeners;
  if (!state || logUser < 0 || live.liveEvents > 0 || live.seeds > 0 || live.now !== index.referenceTime) return -1;
  return state.slotOfUser[logUser] ?? -1;
}

export function storedClusters(state: ListenerState, slot: number): StoredClusters {
  const dim = state.itemDim;
  const c0 = state.clusterOffsets[slot]!;
  const c1 = state.clusterOffsets[slot + 1]!;
  return {
    k: c1 - c0,
    centroids: state.centroids.subarray(c0 * dim, c1 * dim),
    assignments: state.assignments.subarray(state.assignmentOffsets[slot]!, state.assignmentOffsets[slot + 1]!),
  };
}

/** The stored ANN answers of a profile's plan, or undefined when they must be searched live. */
export function storedAnswers(index: HomeIndex, profile: UserProfile, plan: AnnPlan, options: HomeCandidateOptions): AnnResults | undefined {
  const state = index.listeners;
  const slot = profile.listenerSlot;
  if (!state || slot < 0 || state.annK !== (options.annK ?? DEFAULT_ANN_K) || state.factorK !== (options.factorK ?? DEFAULT_FACTOR_K)) return undefined;
  const q0 = state.queryOffsets[slot]!;
  const q1 = state.queryOffsets[slot + 1]!;
  if (q1 - q0 !== plan.queries.length) return undefined;
  const k = state.itemK;
  const items: BatchNeighbors | undefined = plan.matrix ? { k, labels: state.itemLabels.subarray(q0 * k, q1 * k), scores: state.itemScores.subarray(q0 * k, q1 * k) } : undefined;
  const f0 = state.factorOffsets[slot]!;
  const f1 = state.factorOffsets[slot + 1]!;
  const wantsFactor = plan.factor !== undefined && index.factorIndex !== undefined;
  if (wantsFactor !== f1 > f0) return undefined;
  const factors: BatchNeighbors | undefined = wantsFactor ? { k: f1 - f0, labels: state.factorLabels.subarray(f0, f1), scores: state.factorScores.subarray(f0, f1) } : undefined;
  return { items, factors };
}

/**
 * Profiles, taste clusters and ANN answers of the log's listeners (the most active first, up to
 * `maxListeners`), with item queries batched through FAISS. Linear in listeners; ~2 ms each.
 */
export function computeListenerState(index: HomeIndex, options: ListenerStateOptions = {}): ListenerState {
  const log = index.interactions;
  const userCount = log?.userCount ?? 0;
  const dim = index.itemDim;
  const annK = options.candidates?.annK ?? DEFAULT_ANN_K;
  const factorK = options.candidates?.factorK ?? DEFAULT_FACTOR_K;
  const candidateOptions = { annK, factorK };
  const newReleaseDays = options.candidates?.newReleaseDays ?? DEFAULT_NEW_RELEASE_DAYS;
  const users = Int32Array.from({ length: userCount }, (_unused, u) => u);
  const maxListeners = options.maxListeners ?? 200_000;
  if (log && userCount > maxListeners) {
    const events = new Int32Array(userCount);
    for (let u = 0; u < userCount; u++) {
      const rows = log.rowsOfUser(u);
      events[u] = rows.end - rows.start;
    }
    users.sort((a, b) => events[b]! - events[a]! || a - b);
  }
  const covered = users.subarray(0, Math.min(userCount, maxListeners));
  const slots = covered.length;
  const slotOfUser = new Int32Array(userCount).fill(-1);
  const clusterOffsets = new Int32Array(slots + 1);
  const assignmentOffsets = new Int32Array(slots + 1);
  const queryOffsets = new Int32Array(slots + 1);
  const factorOffsets = new Int32Array(slots + 1);
  const centroids: Float32Array[] = [];
  const assignments: Int32Array[] = [];
  const itemLabels: Int32Array[] = [];
  const itemScores: Float32Array[] = [];
  const factorLabels: Int32Array[] = [];
  const factorScores: Float32Array[] = [];
  const releaseOffsets = new Int32Array(slots + 1);
  const releaseTracks: Int32Array[] = [];
  const releaseScores: Float32Array[] = [];
  let itemK = Math.max(1, Math.min(annK, index.itemIndex.size));
  const batchSize = options.batch ?? 256;
  // no stored state yet: profiles and plans are built live, exactly as a request builds them
  const live: HomeIndex = { ...index, listeners: undefined };
  for (let start = 0; start < slots; start += batchSize) {
    const end = Math.min(slots, start + batchSize);
    const plans: AnnPlan[] = [];
    let rows = 0;
    for (let s = start; s < end; s++) {
      const user = covered[s]!;
      slotOfUser[user] = s;
      const clusters: StoredClusters[] = [];
      const profile = buildUserProfile(live, log!.userId(user), { onClusters: (result) => clusters.push(result) });
      const result = clusters[0] ?? { k: 0, centroids: new Float32Array(0), assignments: new Int32Array(0) };
      centroids.push(result.centroids.slice(0, result.k * dim));
      assignments.push(Int32Array.from(result.assignments));
      clusterOffsets[s + 1] = clusterOffsets[s]! + result.k;
      assignmentOffsets[s + 1] = assignmentOffsets[s]! + result.assignments.length;
      const plan = planAnnQueries(live, profile, candidateOptions);
      plans.push(plan);
      rows += plan.queries.length;
      queryOffsets[s + 1] = queryOffsets[s]! + plan.queries.length;
      const factor = plan.factor && index.factorIndex ? index.factorIndex.searchBatch(plan.factor, plan.factorK) : undefined;
      factorLabels.push(factor ? factor.labels : new Int32Array(0));
      factorScores.push(factor ? factor.scores : new Float32Array(0));
      factorOffsets[s + 1] = factorOffsets[s]! + (factor ? factor.labels.length : 0);
      const tracks = new Int32Array(NEW_RELEASES_KEPT);
      const scores = new Float32Array(NEW_RELEASES_KEPT);
      const kept = rankNewReleases(live, profile, newReleaseDays, tracks, scores);
      releaseTracks.push(tracks.subarray(0, kept));
      releaseScores.push(scores.subarray(0, kept));
      releaseOffsets[s + 1] = releaseOffsets[s]! + kept;
    }
    if (rows > 0) {
      const matrix = new Float32Array(rows * dim);
      let at = 0;
      for (const plan of plans) {
        if (plan.matrix) matrix.set(plan.matrix, at);
        at += plan.queries.length * dim;
      }
      const answers = index.itemIndex.searchBatch(matrix, annK);
      itemK = answers.k;
      itemLabels.push(answers.labels);
      itemScores.push(answers.scores);
    }
    options.onProgress?.(end, slots);
  }
  return {
    annK,
    factorK,
    itemDim: dim,
    slotOfUser,
    clusterOffsets,
    centroids: concat(centroids, Float32Array),
    assignmentOffsets,
    assignments: concat(assignments, Int32Array),
    queryOffsets,
    itemK,
    itemLabels: concat(itemLabels, Int32Array),
    itemScores: concat(itemScores, Float32Array),
    factorOffsets,
    factorLabels: concat(factorLabels, Int32Array),
    factorScores: concat(factorScores, Float32Array),
    newReleaseDays,
    releaseOffsets,
    releaseTracks: concat(releaseTracks, Int32Array),
    releaseScores: concat(releaseScores, Float32Array),
  };
}

/** Bytes the state takes in memory. */
export function listenerStateBytes(state: ListenerState): number {
  let bytes = 0;
  for (const value of Object.values(state)) if (ArrayBuffer.isView(value)) bytes += value.byteLength;
  return bytes;
}

function concat<T extends Int32Array | Float32Array>(parts: T[], type: new (length: number) => T): T {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new type(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
