// A reward model for prompted playlists, learnt from listeners' feedback (issue 18.4): a pairwise
// Bradley–Terry (logistic) model over prompt-intent × track features,
//   r(listener, plan, track) = x_planᵀ W x_track + u_listenerᵀ x_track,
// trained on preference pairs ("this track beat that one for this plan"), L2-regularised, with the
// regularisation chosen on a validation split of whole playlists. Fulfilment adds it to candidate
// scores (see `rewardBonuses`) — only for tracks inside every range the plan asked for, and never
// past a hard filter, so the plan's constraints hold whatever the model learnt.
import { Random } from '@mixtape/base';
import type { CatalogStore } from '@mixtape/catalog';
import type { Plan } from '@mixtape/llm';
import { z } from 'zod';

/** The plan's 0..1 audio ranges, which are also track features. */
const UNIT_FEATURES = ['energy', 'valence', 'danceability', 'acousticness', 'instrumentalness', 'speechiness', 'liveness'] as const;

/** Track features the model reads, standardised with the catalog's mean and spread. */
export const REWARD_TRACK_FEATURES = [...UNIT_FEATURES, 'tempo', 'mode', 'releaseYear', 'popularity', 'durationMinutes', 'explicit'] as const;

/** What the plan asked for, as numbers: a bias, the centre of each constrained range, era, discovery, calm arcs. */
export const REWARD_INTENT_FEATURES = ['bias', ...UNIT_FEATURES, 'tempo', 'mode', 'releaseYear', 'discovery', 'calmArc'] as const;

const TRACK_DIM = REWARD_TRACK_FEATURES.length;
const INTENT_DIM = REWARD_INTENT_FEATURES.length;
export const REWARD_MODEL_FORMAT = 'mixtape.playlist-reward';

/** A trained reward model: plain numbers, JSON-serialisable (`serializeRewardModel`). */
export interface RewardModel {
  format: typeof REWARD_MODEL_FORMAT;
  formatVersion: 1;
  intentFeatures: string[];
  trackFeatures: string[];
  /** standardisation of the track features (catalog mean and standard deviation when trained) */
  trackMean: number[];
  trackStd: number[];
  /** INTENT_DIM × TRACK_DIM, row-major */
  weights: number[];
  /** per-listener track-feature weights (taste beyond what they type) */
  listeners: Record<string, number[]>;
  training: RewardTrainingReport;
}

export interface RewardTrainingReport {
  pairs: number;
  playlists: number;
  listeners: number;
  /** chosen L2 strength (global and per listener) */
  l2: number;
  seed: number;
  /** L2 strengths tried and their validation log loss */
  search: { l2: number; validationLogLoss: number; validationAccuracy: number }[];
  train: { pairs: number; logLoss: number; accuracy: number };
  validation: { pairs: number; playlists: number; logLoss: number; accuracy: number };
  /** pairs by where they came from (explicit, implicit, refinement) */
  sources: Record<string, number>;
}

/** One preference: for this plan (and listener), `chosen` beat `rejected`; both are catalog track indices. */
export interface RewardPair {
  playlistId: string;
  listener: string | null;
  intent: Float32Array;
  chosen: number;
  rejected: number;
  weight: number;
  source: 'explicit' | 'implicit' | 'reorder' | 'refinement';
}

/** The plan as the model's intent vector. */
export function intentFeatures(plan: Plan): Float32Array {
  const x = new Float32Array(INTENT_DIM);
  x[0] = 1;
  UNIT_FEATURES.forEach((feature, i) => {
    const range = plan.features[feature];
    if (range) x[1 + i] = (range.min + range.max) - 1; // centre − 0.5, doubled: −1..1
  });
  if (plan.features.tempo) x[8] = ((plan.features.tempo.min + plan.features.tempo.max) / 2 - 120) / 40;
  if (plan.features.mode) x[9] = plan.features.mode.min + plan.features.mode.max - 1;
  if (plan.releaseYear) x[10] = ((plan.releaseYear.min + plan.releaseYear.max) / 2 - 2000) / 20;
  x[11] = (plan.discovery - 0.5) * 2;
  x[12] = plan.arc === 'wind-down' || plan.arc === 'fall' ? 1 : 0;
  return x;
}

/** Raw (unstandardised) track features of one track; NaN where the catalog does not know. */
function rawTrackFeatures(store: CatalogStore, columns: readonly Float32Array[], track: number, out: Float32Array, offset: number): void {
  for (let f = 0; f < 9; f++) out[offset + f] = columns[f]![track]!;
  const year = store.trackReleaseYear[track]!;
  out[offset + 9] = year === 0 ? Number.NaN : year;
  out[offset + 10] = 1 - store.popularityRank(track) / Math.max(1, store.trackCount - 1);
  out[offset + 11] = store.columns.trackDurationMs[track]! / 60_000;
  out[offset + 12] = store.columns.trackExplicit[track] === 1 ? 1 : 0;
}

function featureColumns(store: CatalogStore): Float32Array[] {
  return ([...UNIT_FEATURES, 'tempo', 'mode'] as const).map((name) => store.featureColumn(name));
}

/** Catalog mean and standard deviation of each track feature (unknown values skipped). */
export function trackFeatureStats(store: CatalogStore): { mean: number[]; std: number[] } {
  const columns = featureColumns(store);
  const sum = new Float64Array(TRACK_DIM);
  const squares = new Float64Array(TRACK_DIM);
  const counts = new Float64Array(TRACK_DIM);
  const row = new Float32Array(TRACK_DIM);
  for (let track = 0; track < store.trackCount; track++) {
    rawTrackFeatures(store, columns, track, row, 0);
    for (let f = 0; f < TRACK_DIM; f++) {
      const value = row[f]!;
      if (Number.isNaN(value)) continue;
      sum[f]! += value;
      squares[f]! += value * value;
      counts[f]! += 1;
    }
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (let f = 0; f < TRACK_DIM; f++) {
    const m = counts[f]! > 0 ? sum[f]! / counts[f]! : 0;
    const variance = counts[f]! > 1 ? squares[f]! / counts[f]! - m * m : 0;
    mean.push(m);
    std.push(variance > 1e-12 ? Math.sqrt(variance) : 1);
  }
  return { mean, std };
}

/** trackCount × TRACK_DIM standardised features (unknown → 0, the mean). */
export function standardisedTrackFeatures(store: CatalogStore, stats: { mean: readonly number[]; std: readonly number[] }): Float32Array {
  const columns = featureColumns(store);
  const out = new Float32Array(store.trackCount * TRACK_DIM);
  for (let track = 0; track < store.trackCount; track++) {
    const offset = track * TRACK_DIM;
    rawTrackFeatures(store, columns, track, out, offset);
    for (let f = 0; f < TRACK_DIM; f++) {
      const value = out[offset + f]!;
      out[offset + f] = Number.isNaN(value) ? 0 : (value - stats.mean[f]!) / stats.std[f]!;
    }
  }
  return out;
}

export interface TrainRewardOptions {
  /** seed of the validation split (default 1) */
  seed?: number;
  /** share of playlists held out for validation (default 0.2) */
  validationShare?: number;
  /** L2 strengths tried; the one with the lowest validation log loss is refitted on every pair (default 1e-3, 1e-2, 1e-1) */
  l2Grid?: readonly number[];
  /** full-batch Adam steps (default 300) */
  steps?: number;
  /** Adam step size (default 0.05) */
  learningRate?: number;
}

/**
 * Fits the reward model on preference pairs. Deterministic for a seed. Returns undefined when
 * there are no pairs: with no feedback there is no model, and fulfilment is exactly as before.
 */
export function trainRewardModel(store: CatalogStore, pairs: readonly RewardPair[], options: TrainRewardOptions = {}): RewardModel | undefined {
  if (pairs.length === 0) return undefined;
  const seed = options.seed ?? 1;
  const validationShare = options.validationShare ?? 0.2;
  if (!(validationShare >= 0 && validationShare < 1)) throw new RangeError(`trainRewardModel: validationShare must be in [0, 1), got ${validationShare}`);
  const grid = options.l2Grid ?? [1e-3, 1e-2, 1e-1];
  if (grid.length === 0 || grid.some((value) => !(value >= 0))) throw new RangeError(`trainRewardModel: l2Grid must hold non-negative numbers, got ${JSON.stringify(grid)}`);
  const stats = trackFeatureStats(store);
  const features = standardisedTrackFeatures(store, stats);

  // Validation holds out whole playlists (pairs of one playlist are never on both sides).
  const playlists = [...new Set(pairs.map((pair) => pair.playlistId))].sort();
  const random = new Random(seed);
  const held = new Set<string>();
  const shuffled = playlists.slice();
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const validationCount = playlists.length >= 5 ? Math.round(playlists.length * validationShare) : 0;
  for (const id of shuffled.slice(0, validationCount)) held.add(id);
  const train = pairs.filter((pair) => !held.has(pair.playlistId));
  const validation = pairs.filter((pair) => held.has(pair.playlistId));

  const listenerIds = [...new Set(pairs.map((pair) => pair.listener).filter((id): id is string => id !== null))].sort();
  const fitOptions = { steps: options.steps ?? 300, learningRate: options.learningRate ?? 0.05 };
  const search: RewardTrainingReport['search'] = [];
  let best = grid[0]!;
  if (validation.length > 0 && train.length > 0 && grid.length > 1) {
    let bestLoss = Number.POSITIVE_INFINITY;
    for (const l2 of grid) {
      const fitted = fitPairs(features, listenerIds, train, l2, fitOptions);
      const measured = measure(features, fitted, validation);
      search.push({ l2, validationLogLoss: round(measured.logLoss), validationAccuracy: round(measured.accuracy) });
      if (measured.logLoss < bestLoss - 1e-9) [best, bestLoss] = [l2, measured.logLoss];
    }
  }
  // The reported validation figures are the held-out ones of the chosen strength; the shipped model is refitted on every pair.
  const trainFit = fitPairs(features, listenerIds, train.length > 0 ? train : pairs, best, fitOptions);
  const validationFigures = validation.length > 0 ? measure(features, trainFit, validation) : { logLoss: Number.NaN, accuracy: Number.NaN };
  const final = fitPairs(features, listenerIds, pairs, best, fitOptions);
  const trainFigures = measure(features, final, pairs);
  const sources: Record<string, number> = {};
  for (const pair of pairs) sources[pair.source] = (sources[pair.source] ?? 0) + 1;

  const listeners: Record<string, number[]> = {};
  listenerIds.forEach((id, index) => {
    const row = Array.from(final.listeners.subarray(index * TRACK_DIM, (index + 1) * TRACK_DIM), round);
    if (row.some((value) => value !== 0)) listeners[id] = row;
  });
  return {
    format: REWARD_MODEL_FORMAT,
    formatVersion: 1,
    intentFeatures: [...REWARD_INTENT_FEATURES],
    trackFeatures: [...REWARD_TRACK_FEATURES],
    trackMean: stats.mean.map(round),
    trackStd: stats.std.map(round),
    weights: Array.from(final.weights, round),
    listeners,
    training: {
      pairs: pairs.length,
      playlists: playlists.length,
      listeners: listenerIds.length,
      l2: best,
      seed,
      search,
      train: { pairs: pairs.length, logLoss: round(trainFigures.logLoss), accuracy: round(trainFigures.accuracy) },
      validation: { pairs: validation.length, playlists: held.size, logLoss: round(validationFigures.logLoss), accuracy: round(validationFigures.accuracy) },
      sources,
    },
  };
}

interface Fitted {
  weights: Float64Array;
  listeners: Float64Array;
  listenerIndex: ReadonlyMap<string, number>;
}

/** Full-batch Adam on the weighted pairwise logistic loss + l2 (‖W‖² + Σ‖u‖²). Convex; deterministic. */
function fitPairs(features: Float32Array, listenerIds: readonly string[], pairs: readonly RewardPair[], l2: number, options: { steps: number; learningRate: number }): Fitted {
  const listenerIndex = new Map(listenerIds.map((id, index) => [id, index]));
  const size = INTENT_DIM * TRACK_DIM + listenerIds.length * TRACK_DIM;
  const theta = new Float64Array(size);
  const gradient = new Float64Array(size);
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  const userBase = INTENT_DIM * TRACK_DIM;
  let totalWeight = 0;
  for (const pair of pairs) totalWeight += pair.weight;
  const diff = new Float64Array(TRACK_DIM);
  const beta1 = 0.9;
  const beta2 = 0.999;
  for (let step = 1; step <= options.steps; step++) {
    gradient.fill(0);
    for (const pair of pairs) {
      const margin = pairMargin(features, theta, listenerIndex, pair, diff);
      // d/dm of −w·log σ(m) = −w·σ(−m)
      const g = (-pair.weight * sigmoid(-margin)) / totalWeight;
      const { intent } = pair;
      for (let i = 0; i < INTENT_DIM; i++) {
        const xi = intent[i]!;
        if (xi === 0) continue;
        const base = i * TRACK_DIM;
        for (let f = 0; f < TRACK_DIM; f++) gradient[base + f]! += g * xi * diff[f]!;
      }
      const user = pair.listener === null ? undefined : listenerIndex.get(pair.listener);
      if (user !== undefined) {
        const base = userBase + user * TRACK_DIM;
        for (let f = 0; f < TRACK_DIM; f++) gradient[base + f]! += g * diff[f]!;
      }
    }
    const correction1 = 1 - beta1 ** step;
    const correction2 = 1 - beta2 ** step;
    for (let k = 0; k < size; k++) {
      const gk = gradient[k]! + 2 * l2 * theta[k]!;
      m[k] = beta1 * m[k]! + (1 - beta1) * gk;
      v[k] = beta2 * v[k]! + (1 - beta2) * gk * gk;
      theta[k]! -= (options.learningRate * (m[k]! / correction1)) / (Math.sqrt(v[k]! / correction2) + 1e-8);
    }
  }
  return { weights: theta.subarray(0, userBase), listeners: theta.subarray(userBase), listenerIndex };
}

function pairMargin(features: Float32Array, theta: Float64Array, listenerIndex: ReadonlyMap<string, number>, pair: RewardPair, diff: Float64Array): number {
  const a = pair.chosen * TRACK_DIM;
  const b = pair.rejected * TRACK_DIM;
  for (let f = 0; f < TRACK_DIM; f++) diff[f] = features[a + f]! - features[b + f]!;
  let margin = 0;
  for (let i = 0; i < INTENT_DIM; i++) {
    const xi = pair.intent[i]!;
    if (xi === 0) continue;
    const base = i * TRACK_DIM;
    let row = 0;
    for (let f = 0; f < TRACK_DIM; f++) row += theta[base + f]! * diff[f]!;
    margin += xi * row;
  }
  const user = pair.listener === null ? undefined : listenerIndex.get(pair.listener);
  if (user !== undefined) {
    const base = INTENT_DIM * TRACK_DIM + user * TRACK_DIM;
    for (let f = 0; f < TRACK_DIM; f++) margin += theta[base + f]! * diff[f]!;
  }
  return margin;
}

function measure(features: Float32Array, fitted: Fitted, pairs: readonly RewardPair[]): { logLoss: number; accuracy: number } {
  const theta = new Float64Array(fitted.weights.length + fitted.listeners.length);
  theta.set(fitted.weights, 0);
  theta.set(fitted.listeners, fitted.weights.length);
  const diff = new Float64Array(TRACK_DIM);
  let loss = 0;
  let correct = 0;
  let total = 0;
  for (const pair of pairs) {
    const margin = pairMargin(features, theta, fitted.listenerIndex, pair, diff);
    loss += pair.weight * softplus(-margin);
    correct += pair.weight * (margin > 0 ? 1 : margin === 0 ? 0.5 : 0);
    total += pair.weight;
  }
  return total > 0 ? { logLoss: loss / total, accuracy: correct / total } : { logLoss: Number.NaN, accuracy: Number.NaN };
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function softplus(x: number): number {
  return x > 30 ? x : Math.log1p(Math.exp(x));
}

function round(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 1e6) / 1e6 : value;
}

/** A reward model bound to one catalog: its standardised track features, computed once per bundle. */
export interface RewardScorer {
  readonly model: RewardModel;
  /** trackCount × TRACK_DIM */
  readonly trackFeatures: Float32Array;
  /** the model's score of each listed track for this plan and listener (listener unknown → the shared part only) */
  score(plan: Plan, listener: string | undefined, tracks: Int32Array, count: number): Float32Array;
}

export function createRewardScorer(model: RewardModel, store: CatalogStore): RewardScorer {
  const trackFeatures = standardisedTrackFeatures(store, { mean: model.trackMean, std: model.trackStd });
  const weights = Float32Array.from(model.weights);
  const listeners = new Map(Object.entries(model.listeners).map(([id, row]) => [id, Float32Array.from(row)]));
  const direction = new Float32Array(TRACK_DIM);
  return {
    model,
    trackFeatures,
    score(plan, listener, tracks, count) {
      // Per request: v = Wᵀ x_plan + u_listener, then one TRACK_DIM dot product per candidate.
      const intent = intentFeatures(plan);
      direction.fill(0);
      for (let i = 0; i < INTENT_DIM; i++) {
        const xi = intent[i]!;
        if (xi === 0) continue;
        for (let f = 0; f < TRACK_DIM; f++) direction[f]! += xi * weights[i * TRACK_DIM + f]!;
      }
      const own = listener === undefined ? undefined : listeners.get(listener);
      if (own) for (let f = 0; f < TRACK_DIM; f++) direction[f]! += own[f]!;
      const scores = new Float32Array(count);
      for (let slot = 0; slot < count; slot++) {
        const base = tracks[slot]! * TRACK_DIM;
        let total = 0;
        for (let f = 0; f < TRACK_DIM; f++) total += direction[f]! * trackFeatures[base + f]!;
        scores[slot] = total;
      }
      return scores;
    },
  };
}

const RewardModelSchema = z.object({
  format: z.literal(REWARD_MODEL_FORMAT),
  formatVersion: z.literal(1),
  intentFeatures: z.array(z.string()),
  trackFeatures: z.array(z.string()),
  trackMean: z.array(z.number().finite()).length(TRACK_DIM),
  trackStd: z.array(z.number().finite().positive()).length(TRACK_DIM),
  weights: z.array(z.number().finite()).length(INTENT_DIM * TRACK_DIM),
  listeners: z.record(z.string(), z.array(z.number().finite()).length(TRACK_DIM)),
  training: z.object({
    pairs: z.number().int().nonnegative(),
    playlists: z.number().int().nonnegative(),
    listeners: z.number().int().nonnegative(),
    l2: z.number().nonnegative(),
    seed: z.number(),
    search: z.array(z.object({ l2: z.number(), validationLogLoss: z.number().nullable(), validationAccuracy: z.number().nullable() })),
    train: z.object({ pairs: z.number(), logLoss: z.number().nullable(), accuracy: z.number().nullable() }),
    validation: z.object({ pairs: z.number(), playlists: z.number(), logLoss: z.number().nullable(), accuracy: z.number().nullable() }),
    sources: z.record(z.string(), z.number()),
  }),
});

/** JSON text of a model (NaN figures of an empty validation split become null). */
export function serializeRewardModel(model: RewardModel): string {
  return `${JSON.stringify(model, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}

/** Reads a model written by `serializeRewardModel`; a wrong file says where and what was expected. */
export function parseRewardModel(text: string, source = 'reward model'): RewardModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  const parsed = RewardModelSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.message} (expected a ${REWARD_MODEL_FORMAT} file written by "mixtape playlists train-reward")`);
  }
  const model = parsed.data;
  const mismatch = (actual: readonly string[], expected: readonly string[]) => actual.length !== expected.length || actual.some((name, i) => name !== expected[i]);
  if (mismatch(model.intentFeatures, REWARD_INTENT_FEATURES) || mismatch(model.trackFeatures, REWARD_TRACK_FEATURES)) {
    throw new Error(
      `${source}: features [${model.intentFeatures.join(', ')}] × [${model.trackFeatures.join(', ')}] differ from this version's [${REWARD_INTENT_FEATURES.join(', ')}] × [${REWARD_TRACK_FEATURES.join(', ')}]; retrain with "mixtape playlists train-reward"`,
    );
  }
  const nullToNaN = (value: number | null): number => value ?? Number.NaN;
  return {
    ...model,
    format: REWARD_MODEL_FORMAT,
    formatVersion: 1,
    training: {
      ...model.training,
      search: model.training.search.map((entry) => ({ l2: entry.l2, validationLogLoss: nullToNaN(entry.validationLogLoss), validationAccuracy: nullToNaN(entry.validationAccuracy) })),
      train: { pairs: model.training.train.pairs, logLoss: nullToNaN(model.training.train.logLoss), accuracy: nullToNaN(model.training.train.accuracy) },
      validation: {
        pairs: model.training.validation.pairs,
        playlists: model.training.validation.playlists,
        logLoss: nullToNaN(model.training.validation.logLoss),
        accuracy: nullToNaN(model.training.validation.accuracy),
      },
    },
  };
}
