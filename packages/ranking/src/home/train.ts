// Trains the Home ranker from logged interactions with a temporal split: each sampled user's
// profile and candidates are built from the log before the cutoff (as Home would have served
// them then), and the label of a candidate is the multi-objective reward of what the user did
// with that track after the cutoff. Three linear fits compete on held-out users (NDCG@10);
// the winner is refit on everything and returned with its numbers.
import { ProgressTracker, type ProgressCallback } from '@mixtape/base';
import { INTERACTION_TYPE_CODE } from '@mixtape/catalog';
import { generateHomeCandidatesSync } from './candidates';
import type { HomeCandidateOptions } from './candidates';
import { HOME_FEATURES, HOME_FEATURE_COUNT, computeFeatures } from './features';
import { MS_PER_DAY, createHomeIndex } from './home-index';
import { buildUserProfile } from './profile';
import {
  DEFAULT_REWARD_WEIGHTS,
  RANKER_FORMAT,
  fitLogisticStandardized,
  fitRidge,
  heuristicRankerModel,
  ndcgOfGroup,
  scoreWithModel,
  standardization,
} from './ranker';
import type { HomeRankerModel, RewardWeights } from './ranker';
import { daypartOfHour } from './types';
import type { HomeData } from './types';

/** The log cannot support a temporal split (too few users active on both sides of the cutoff). */
export class InsufficientTrainingDataError extends Error {
  override name = 'InsufficientTrainingDataError';
}

export interface RankerTrainingOptions {
  reward?: Partial<RewardWeights>;
  /**
   * temporal (default): the last `holdoutDays` of the log provide the labels. random: a seeded
   * `fraction` of each user's distinct tracks is held out instead (logs without usable time,
   * such as aggregated play counts).
   */
  split?: { kind: 'temporal' } | { kind: 'random'; fraction: number };
  /** the last `holdoutDays` of the log provide the labels (default 14) */
  holdoutDays?: number;
  /** users sampled for training + validation (default 1500) */
  maxUsers?: number;
  /** share of sampled users held out to choose the model (default 0.25) */
  validationFraction?: number;
  /** unlabelled candidates kept per training user (all positives are kept; default 150) */
  negativesPerUser?: number;
  /** L2 strengths tried per model (default [0.001, 0.01, 0.1, 1]) */
  lambdas?: readonly number[];
  seed?: number;
  /** candidate settings (the same the engine serves with) */
  candidates?: HomeCandidateOptions;
  onProgress?: ProgressCallback;
}

export interface RankerTrainingReport {
  cutoff: string;
  users: { train: number; validation: number };
  rows: { train: number; validation: number };
  /** share of each user's rewarded future tracks that the candidate sources found (mean over users) */
  candidateRecall: number;
  /** validation NDCG@10 over each user's full candidate list, per model and best single feature */
  validationNdcg10: Record<string, number>;
  bestSingleFeature: { name: string; ndcg10: number };
  chosen: { kind: HomeRankerModel['kind']; lambda?: number };
  seconds: number;
}

/** The reward of one event under the weights (listening time as a share of the track, ≤ 1). */
export function eventReward(type: number, msPlayed: number, durationMs: number, weights: RewardWeights): number {
  const listened = durationMs > 0 ? Math.min(1, msPlayed / durationMs) : 0;
  switch (type) {
    case INTERACTION_TYPE_CODE.complete:
      return weights.complete + weights.listeningTime * (msPlayed > 0 ? listened : 1);
    case INTERACTION_TYPE_CODE.save:
      return weights.save;
    case INTERACTION_TYPE_CODE.playlist_add:
      return weights.playlistAdd;
    case INTERACTION_TYPE_CODE.skip:
      return weights.skip + weights.listeningTime * listened;
    case INTERACTION_TYPE_CODE.play:
      return weights.play + weights.listeningTime * listened;
    default:
      return 0;
  }
}

class Rows {
  features = new Float32Array(1 << 16);
  labels = new Float32Array(1 << 12);
  size = 0;
  groups: number[] = [0];
  push(features: Float32Array, labels: Float32Array, keep: Int32Array | undefined): void {
    const F = HOME_FEATURE_COUNT;
    const rows = keep ?? Int32Array.from({ length: labels.length }, (_unused, i) => i);
    while ((this.size + rows.length) * F > this.features.length) {
      const grown = new Float32Array(this.features.length * 2);
      grown.set(this.features);
      this.features = grown;
    }
    while (this.size + rows.length > this.labels.length) {
      const grown = new Float32Array(this.labels.length * 2);
      grown.set(this.labels);
      this.labels = grown;
    }
    for (const r of rows) {
      this.features.set(features.subarray(r * F, (r + 1) * F), this.size * F);
      this.labels[this.size++] = labels[r]!;
    }
    this.groups.push(this.size);
  }
}

function shuffled(values: number[], seed: number): number[] {
  let state = seed >>> 0 || 1;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function meanNdcg(model: HomeRankerModel, rows: Rows): number {
  const scores = scoreWithModel(model, rows.features, rows.size);
  return meanNdcgOfScores(scores, rows);
}

function meanNdcgOfScores(scores: Float32Array, rows: Rows): number {
  let sum = 0;
  let count = 0;
  for (let g = 0; g + 1 < rows.groups.length; g++) {
    const value = ndcgOfGroup(scores, rows.labels, rows.groups[g]!, rows.groups[g + 1]!, 10);
    if (value === undefined) continue;
    sum += value;
    count++;
  }
  return count > 0 ? sum / count : 0;
}

function linearModel(kind: HomeRankerModel['kind'], mean: Float64Array, scale: Float64Array, weights: Float64Array, bias: number, reward: RewardWeights): HomeRankerModel {
  return { format: RANKER_FORMAT, version: 1, kind, features: [...HOME_FEATURES], mean: Array.from(mean), scale: Array.from(scale), weights: Array.from(weights), bias, reward };
}

/** Within-user preference pairs (rewarded over less rewarded), standardized differences both ways. */
function pairRows(rows: Rows, scale: Float64Array, maxPairs: number, seed: number): { z: Float32Array; targets: Uint8Array; count: number } {
  const F = HOME_FEATURE_COUNT;
  const pairs: Array<[number, number]> = [];
  let state = seed >>> 0 || 7;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  for (let g = 0; g + 1 < rows.groups.length; g++) {
    const start = rows.groups[g]!;
    const end = rows.groups[g + 1]!;
    for (let i = start; i < end; i++) {
      if (rows.labels[i]! <= 0) continue;
      for (let t = 0; t < 8; t++) {
        const j = start + Math.floor(next() * (end - start));
        if (rows.labels[j]! < rows.labels[i]!) pairs.push([i, j]);
      }
    }
  }
  const kept = pairs.length > maxPairs ? shuffled(pairs.map((_p, i) => i), seed).slice(0, maxPairs).map((i) => pairs[i]!) : pairs;
  const z = new Float32Array(kept.length * 2 * F);
  const targets = new Uint8Array(kept.length * 2);
  kept.forEach(([i, j], p) => {
    for (let f = 0; f < F; f++) {
      const diff = (rows.features[i * F + f]! - rows.features[j * F + f]!) / scale[f]!;
      z[2 * p * F + f] = diff;
      z[(2 * p + 1) * F + f] = -diff;
    }
    targets[2 * p] = 1;
    targets[2 * p + 1] = 0;
  });
  return { z, targets, count: kept.length * 2 };
}

export async function trainHomeRanker(data: HomeData, options: RankerTrainingOptions = {}): Promise<{ model: HomeRankerModel; report: RankerTrainingReport }> {
  const started = performance.now();
  const log = data.interactions;
  if (!log || log.length === 0) throw new InsufficientTrainingDataError('trainHomeRanker: the data has no interactions to learn from');
  const reward: RewardWeights = { ...DEFAULT_REWARD_WEIGHTS, ...options.reward };
  const holdoutDays = options.holdoutDays ?? 14;
  const seed = options.seed ?? 42;
  const c = log.columns;
  let latest = 0;
  for (let i = 0; i < c.timestamp.length; i++) latest = Math.max(latest, c.timestamp[i]!);
  const split = options.split ?? { kind: 'temporal' };
  const cutoff = split.kind === 'temporal' ? latest - holdoutDays * MS_PER_DAY : latest;
  const past = new Uint8Array(log.length);
  if (split.kind === 'temporal') {
    for (let i = 0; i < past.length; i++) past[i] = c.timestamp[i]! < cutoff ? 1 : 0;
  } else {
    // hold out whole tracks per user (every row of a held-out track), seeded by user and track
    for (let i = 0; i < past.length; i++) past[i] = hashUnit(c.user[i]!, c.track[i]!, seed) < split.fraction ? 0 : 1;
  }
  // Everything the candidates and profiles see comes from before the cutoff (the item vectors
  // are the bundle's, trained on the whole log: a known, mild leak).
  const index = createHomeIndex({ ...data, interactions: log.select(past) });
  const pastLog = index.interactions!;
  const durations = data.store.columns.trackDurationMs;

  const eligible: number[] = [];
  for (let u = 0; u < log.userCount; u++) {
    const { start, end } = log.rowsOfUser(u);
    let before = 0;
    let rewarded = false;
    for (let i = start; i < end; i++) {
      if (past[i]) before++;
      else if (eventReward(c.type[i]!, c.msPlayed[i]!, durations[c.track[i]!]!, reward) > 0) rewarded = true;
    }
    if (before >= 5 && rewarded) eligible.push(u);
  }
  if (eligible.length < 10) throw new InsufficientTrainingDataError(`trainHomeRanker: only ${eligible.length} users have ≥ 5 events before and a rewarded event after ${new Date(cutoff).toISOString()} (holdoutDays ${holdoutDays}); need ≥ 10`);
  const users = shuffled(eligible, seed).slice(0, options.maxUsers ?? 1500);
  const validationCount = Math.max(1, Math.round(users.length * (options.validationFraction ?? 0.25)));
  const negativesPerUser = options.negativesPerUser ?? 150;

  const train = new Rows();
  const validation = new Rows();
  let recallSum = 0;
  const tracker = new ProgressTracker('ranker training data', 'users', users.length, options.onProgress);
  for (let n = 0; n < users.length; n++) {
    const u = users[n]!;
    const userId = log.userId(u);
    const { start, end } = log.rowsOfUser(u);
    const future = new Map<number, number>();
    let firstFuture = Number.POSITIVE_INFINITY;
    for (let i = start; i < end; i++) {
      if (past[i]) continue;
      firstFuture = Math.min(firstFuture, c.timestamp[i]!);
      const track = c.track[i]!;
      future.set(track, (future.get(track) ?? 0) + eventReward(c.type[i]!, c.msPlayed[i]!, durations[track]!, reward) * c.count[i]!);
    }
    const profile = buildUserProfile(index, userId, { now: cutoff, daypart: daypartOfHour(new Date(firstFuture).getUTCHours()) });
    const { candidates } = generateHomeCandidatesSync(index, profile, { ...options.candidates, excludeUser: pastLog.userIndex(userId) });
    const features = computeFeatures(index, profile, candidates);
    const labels = new Float32Array(candidates.size);
    let found = 0;
    for (let r = 0; r < candidates.size; r++) {
      labels[r] = future.get(candidates.tracks[r]!) ?? 0;
      if (labels[r]! > 0) found++;
    }
    let rewardedTracks = 0;
    for (const value of future.values()) if (value > 0) rewardedTracks++;
    recallSum += rewardedTracks > 0 ? found / rewardedTracks : 0;
    if (n < validationCount) validation.push(features, labels, undefined);
    else {
      // keep every labelled row and a sample of the rest (bounded memory, balanced signal)
      const positives: number[] = [];
      const others: number[] = [];
      for (let r = 0; r < labels.length; r++) (labels[r] !== 0 ? positives : others).push(r);
      train.push(features, labels, Int32Array.from([...positives, ...shuffled(others, seed + n).slice(0, negativesPerUser)]));
    }
    tracker.update(n + 1);
  }
  tracker.finish(users.length);

  const lambdas = options.lambdas ?? [0.001, 0.01, 0.1, 1];
  const heuristic = heuristicRankerModel(reward);
  const results: Array<{ kind: HomeRankerModel['kind']; lambda?: number; ndcg: number; fit: (rows: Rows) => HomeRankerModel }> = [];
  results.push({ kind: 'heuristic', ndcg: meanNdcg(heuristic, validation), fit: () => heuristic });

  const ridge = (rows: Rows, lambda: number) => {
    const s = standardization(rows.features, rows.size);
    const fitted = fitRidge(rows.features, rows.labels, rows.size, lambda, s);
    return linearModel('ridge', s.mean, s.scale, fitted.weights, fitted.bias, reward);
  };
  const logistic = (rows: Rows, lambda: number) => {
    const s = standardization(rows.features, rows.size);
    const F = HOME_FEATURE_COUNT;
    const z = new Float32Array(rows.size * F);
    const targets = new Uint8Array(rows.size);
    for (let r = 0; r < rows.size; r++) {
      for (let f = 0; f < F; f++) z[r * F + f] = (rows.features[r * F + f]! - s.mean[f]!) / s.scale[f]!;
      targets[r] = rows.labels[r]! > 0 ? 1 : 0;
    }
    const fitted = fitLogisticStandardized(z, targets, rows.size, lambda);
    return linearModel('logistic', s.mean, s.scale, fitted.weights, fitted.bias, reward);
  };
  const pairwise = (rows: Rows, lambda: number) => {
    const s = standardization(rows.features, rows.size);
    const pairs = pairRows(rows, s.scale, 200_000, seed);
    const fitted = fitLogisticStandardized(pairs.z, pairs.targets, pairs.count, lambda);
    return linearModel('pairwise', s.mean, s.scale, fitted.weights, 0, reward);
  };
  for (const lambda of lambdas) {
    for (const [kind, fit] of [['ridge', ridge], ['logistic', logistic], ['pairwise', pairwise]] as const) {
      const model = fit(train, lambda);
      results.push({ kind, lambda, ndcg: meanNdcg(model, validation), fit: (rows) => fit(rows, lambda) });
    }
  }

  // the strongest single feature, either direction: the bar a learned model must clear
  let bestSingle = { name: HOME_FEATURES[0] as string, ndcg10: -1 };
  const column = new Float32Array(validation.size);
  for (let f = 0; f < HOME_FEATURE_COUNT; f++) {
    for (const sign of [1, -1]) {
      for (let r = 0; r < validation.size; r++) column[r] = sign * validation.features[r * HOME_FEATURE_COUNT + f]!;
      const ndcg = meanNdcgOfScores(column, validation);
      if (ndcg > bestSingle.ndcg10) bestSingle = { name: `${sign < 0 ? '−' : ''}${HOME_FEATURES[f]}`, ndcg10: ndcg };
    }
  }

  const best = results.reduce((a, b) => (b.ndcg > a.ndcg ? b : a));
  // refit the winner on every sampled user (validation rows included)
  const all = new Rows();
  for (const rows of [train, validation]) {
    for (let g = 0; g + 1 < rows.groups.length; g++) {
      const start = rows.groups[g]!;
      const end = rows.groups[g + 1]!;
      all.push(rows.features.subarray(start * HOME_FEATURE_COUNT, end * HOME_FEATURE_COUNT), rows.labels.subarray(start, end), undefined);
    }
  }
  const model = best.kind === 'heuristic' ? heuristic : best.fit(all);
  const validationNdcg10: Record<string, number> = {};
  for (const result of results) {
    const key = result.lambda === undefined ? result.kind : `${result.kind}(λ=${result.lambda})`;
    validationNdcg10[key] = round(result.ndcg);
  }
  const report: RankerTrainingReport = {
    cutoff: new Date(cutoff).toISOString(),
    users: { train: users.length - validationCount, validation: validationCount },
    rows: { train: train.size, validation: validation.size },
    candidateRecall: round(recallSum / users.length),
    validationNdcg10,
    bestSingleFeature: { name: bestSingle.name, ndcg10: round(bestSingle.ndcg10) },
    chosen: { kind: best.kind, lambda: best.lambda },
    seconds: round((performance.now() - started) / 1000),
  };
  model.training = { ...report };
  return { model, report };
}

/** A deterministic uniform number in [0, 1) for (user, track, seed). */
function hashUnit(user: number, track: number, seed: number): number {
  let h = Math.imul(user ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(track + 0x632be5ab, 0xc2b2ae35) ^ seed;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
