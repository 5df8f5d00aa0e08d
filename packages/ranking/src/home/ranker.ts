// The learned Home ranker: a regularized linear model over standardized features, serialized
// as JSON in the bundle. Three fits share it (pointwise ridge on the reward, pointwise
// logistic on "rewarded at all", pairwise logistic on within-user preference pairs); training
// keeps the one with the best validation NDCG@10.
import { solveSpdInPlace } from '@mixtape/base';
import { z } from 'zod';
import { HOME_FEATURES, HOME_FEATURE_COUNT } from './features';

export const RANKER_FORMAT = 'mixtape-home-ranker';

/** Reward of what a listener did with a track after the cutoff (multi-objective label). */
export interface RewardWeights {
  complete: number;
  save: number;
  playlistAdd: number;
  /** negative: a skip costs */
  skip: number;
  play: number;
  /** × (msPlayed / duration), capped at 1 per event */
  listeningTime: number;
}
export const DEFAULT_REWARD_WEIGHTS: RewardWeights = { complete: 1, save: 2, playlistAdd: 1.5, skip: -1, play: 0.25, listeningTime: 0.5 };

export const RankerModelSchema = z.object({
  format: z.literal(RANKER_FORMAT),
  version: z.literal(1),
  kind: z.enum(['heuristic', 'ridge', 'logistic', 'pairwise']),
  features: z.array(z.string()),
  mean: z.array(z.number()),
  scale: z.array(z.number().positive()),
  weights: z.array(z.number()),
  bias: z.number(),
  reward: z.object({
    complete: z.number(),
    save: z.number(),
    playlistAdd: z.number(),
    skip: z.number(),
    play: z.number(),
    listeningTime: z.number(),
  }),
  training: z.record(z.string(), z.unknown()).optional(),
});
export type HomeRankerModel = z.infer<typeof RankerModelSchema>;

/** Parses and checks a serialized model; the feature list must match this code's features. */
export function parseRankerModel(json: string, where = 'models/ranker.json'): HomeRankerModel {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`${where}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const result = RankerModelSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new Error(`${where}: not a Home ranker model: ${issues}`);
  }
  const model = result.data;
  const expected = HOME_FEATURES.join(',');
  if (model.features.join(',') !== expected) {
    throw new Error(`${where}: model features [${model.features.join(', ')}] differ from this build's [${HOME_FEATURES.join(', ')}]; rebuild the bundle`);
  }
  for (const name of ['mean', 'scale', 'weights'] as const) {
    if (model[name].length !== HOME_FEATURE_COUNT) throw new Error(`${where}: ${name} has ${model[name].length} values, expected ${HOME_FEATURE_COUNT}`);
  }
  return model;
}

const HEURISTIC_WEIGHTS: Partial<Record<(typeof HOME_FEATURES)[number], number>> = {
  source_annRecent: 0.6,
  source_annTop: 0.4,
  source_coListening: 0.6,
  source_topArtist: 0.3,
  source_similarArtist: 0.3,
  source_tasteCluster: 0.3,
  source_count: 0.1,
  user_similarity: 1,
  cluster_similarity: 0.5,
  artist_affinity: 0.5,
  genre_affinity: 0.3,
  popularity: 0.2,
  skip_rate: -1,
  audio_distance: -0.3,
};

/** Hand-set weights: what serves when a bundle has no trained model (and the baseline it must beat). */
export function heuristicRankerModel(reward: RewardWeights = DEFAULT_REWARD_WEIGHTS): HomeRankerModel {
  return {
    format: RANKER_FORMAT,
    version: 1,
    kind: 'heuristic',
    features: [...HOME_FEATURES],
    mean: new Array<number>(HOME_FEATURE_COUNT).fill(0),
    scale: new Array<number>(HOME_FEATURE_COUNT).fill(1),
    weights: HOME_FEATURES.map((name) => HEURISTIC_WEIGHTS[name] ?? 0),
    bias: 0,
    reward,
  };
}

/** Scores n rows of features (row-major n × HOME_FEATURE_COUNT). */
export function scoreWithModel(model: HomeRankerModel, features: Float32Array, n: number, out = new Float32Array(n)): Float32Array {
  const F = HOME_FEATURE_COUNT;
  const w = new Float64Array(F);
  let offset = model.bias;
  for (let f = 0; f < F; f++) {
    w[f] = model.weights[f]! / model.scale[f]!;
    offset -= w[f]! * model.mean[f]!;
  }
  for (let r = 0; r < n; r++) {
    let sum = offset;
    const base = r * F;
    for (let f = 0; f < F; f++) sum += w[f]! * features[base + f]!;
    out[r] = sum;
  }
  return out;
}

/** Per-feature mean and standard deviation (1 for constant features). */
export function standardization(features: Float32Array, n: number): { mean: Float64Array; scale: Float64Array } {
  const F = HOME_FEATURE_COUNT;
  const mean = new Float64Array(F);
  const squares = new Float64Array(F);
  for (let r = 0; r < n; r++) for (let f = 0; f < F; f++) mean[f]! += features[r * F + f]!;
  for (let f = 0; f < F; f++) mean[f]! /= Math.max(1, n);
  for (let r = 0; r < n; r++) for (let f = 0; f < F; f++) squares[f]! += (features[r * F + f]! - mean[f]!) ** 2;
  const scale = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    const sd = Math.sqrt(squares[f]! / Math.max(1, n));
    scale[f] = sd > 1e-9 ? sd : 1;
  }
  return { mean, scale };
}

/** Solves (A + λI) x = b for symmetric positive-definite A (F × F, Float64, overwritten). */
export function solveRegularized(A: Float64Array, b: Float64Array, lambda: number): Float64Array {
  const F = b.length;
  for (let i = 0; i < F; i++) A[i * F + i]! += lambda;
  const x = Float64Array.from(b);
  try {
    solveSpdInPlace(A, F, x);
  } catch (error) {
    throw new Error('solveRegularized: matrix is not positive definite (raise the regularization)', { cause: error });
  }
  return x;
}

/** Ridge regression of y on standardized rows: w = (ZᵀZ + λn I)⁻¹ Zᵀ(y − ȳ). */
export function fitRidge(features: Float32Array, labels: Float32Array, n: number, lambda: number, stats = standardization(features, n)): { weights: Float64Array; bias: number } {
  const F = HOME_FEATURE_COUNT;
  const { mean, scale } = stats;
  let labelMean = 0;
  for (let r = 0; r < n; r++) labelMean += labels[r]!;
  labelMean /= Math.max(1, n);
  const A = new Float64Array(F * F);
  const b = new Float64Array(F);
  const z = new Float64Array(F);
  for (let r = 0; r < n; r++) {
    for (let f = 0; f < F; f++) z[f] = (features[r * F + f]! - mean[f]!) / scale[f]!;
    const y = labels[r]! - labelMean;
    for (let i = 0; i < F; i++) {
      b[i]! += z[i]! * y;
      for (let j = 0; j <= i; j++) A[i * F + j]! += z[i]! * z[j]!;
    }
  }
  for (let i = 0; i < F; i++) for (let j = 0; j < i; j++) A[j * F + i] = A[i * F + j]!;
  return { weights: solveRegularized(A, b, lambda * n), bias: labelMean };
}

/**
 * L2-regularized logistic regression by Newton's method (IRLS) on rows `z` (already
 * standardized, m × F) with 0/1 targets and optional row weights.
 */
export function fitLogisticStandardized(z: Float32Array, targets: Uint8Array, m: number, lambda: number, rowWeights?: Float32Array, iterations = 12): { weights: Float64Array; bias: number } {
  const F = HOME_FEATURE_COUNT;
  const P = F + 1; // last column: intercept (not regularized)
  const w = new Float64Array(P);
  const x = new Float64Array(P);
  for (let iteration = 0; iteration < iterations; iteration++) {
    const H = new Float64Array(P * P);
    const g = new Float64Array(P);
    let totalWeight = 0;
    for (let r = 0; r < m; r++) {
      for (let f = 0; f < F; f++) x[f] = z[r * F + f]!;
      x[F] = 1;
      let s = 0;
      for (let f = 0; f < P; f++) s += w[f]! * x[f]!;
      const p = 1 / (1 + Math.exp(-s));
      const weight = rowWeights ? rowWeights[r]! : 1;
      totalWeight += weight;
      const residual = weight * (p - targets[r]!);
      const curvature = weight * Math.max(p * (1 - p), 1e-6);
      for (let i = 0; i < P; i++) {
        g[i]! += residual * x[i]!;
        for (let j = 0; j <= i; j++) H[i * P + j]! += curvature * x[i]! * x[j]!;
      }
    }
    for (let i = 0; i < P; i++) for (let j = 0; j < i; j++) H[j * P + i] = H[i * P + j]!;
    const penalty = lambda * totalWeight;
    for (let f = 0; f < F; f++) {
      g[f]! += penalty * w[f]!;
      H[f * P + f]! += penalty;
    }
    const step = solveRegularized(H, g, 1e-9);
    let change = 0;
    for (let i = 0; i < P; i++) {
      w[i]! -= step[i]!;
      change = Math.max(change, Math.abs(step[i]!));
    }
    if (change < 1e-6) break;
  }
  return { weights: w.subarray(0, F), bias: w[F]! };
}

/** NDCG@k of one ranked group: `order` sorts rows by model score; gains are max(0, label). */
export function ndcgOfGroup(scores: Float32Array, labels: Float32Array, start: number, end: number, k = 10): number | undefined {
  const rows: number[] = [];
  for (let r = start; r < end; r++) rows.push(r);
  const gains = rows.map((r) => Math.max(0, labels[r]!));
  const ideal = [...gains].sort((a, b) => b - a);
  let idealDcg = 0;
  for (let i = 0; i < Math.min(k, ideal.length); i++) idealDcg += ideal[i]! / Math.log2(i + 2);
  if (idealDcg === 0) return undefined;
  rows.sort((a, b) => scores[b]! - scores[a]! || a - b);
  let dcg = 0;
  for (let i = 0; i < Math.min(k, rows.length); i++) dcg += Math.max(0, labels[rows[i]!]!) / Math.log2(i + 2);
  return dcg / idealDcg;
}
