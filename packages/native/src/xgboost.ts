// XGBoost training through its C API (Debian's libxgboost, 1.7): dense Float32Array features,
// ranking groups, per-round evaluation with early stopping, the model as XGBoost JSON.
import { nativeAddon } from './addon';
import type { NativeHandle } from './addon';

/** Rows × cols features (row-major) with labels; `groups` = sizes of consecutive query groups (ranking). */
export interface XGBoostData {
  features: Float32Array;
  rows: number;
  cols: number;
  labels?: Float32Array;
  groups?: Uint32Array;
  /** per row, or per group for ranking objectives */
  weights?: Float32Array;
  /** per row: the margin the trees start from (they learn a residual over it; base_score is then ignored) */
  baseMargin?: Float32Array;
}

export type XGBoostParams = Record<string, string | number | boolean>;

export interface XGBoostRound {
  round: number;
  /** e.g. { 'train-ndcg@10': 0.41, 'validation-ndcg@10': 0.38 } */
  metrics: Record<string, number>;
}

export interface XGBoostTrainOptions {
  params: XGBoostParams;
  /** boosting rounds at most */
  rounds: number;
  /** evaluated every round as "validation" (early stopping watches its last metric) */
  validation?: XGBoostData;
  /** stop after this many rounds without a better validation score (default: never) */
  earlyStoppingRounds?: number;
  /**
   * with early stopping: keep at least this many trees — the best round is chosen among rounds
   * ≥ minRounds − 1 and the patience counts from there (default 1: any round). Early stopping on a
   * small, noisy validation set can otherwise keep a handful of trees.
   */
  minRounds?: number;
  /**
   * with early stopping: judge each round by the mean of the watched metric over the last `smoothing`
   * rounds (default 1: the round alone) and keep the trees up to the best window's centre. On a small
   * validation set one lucky round can otherwise end a slow-learning fit early.
   */
  smoothing?: number;
  /** lower is better for the watched metric (default: false, as for ndcg/map/auc) */
  minimize?: boolean;
  onRound?: (round: XGBoostRound) => void;
  signal?: AbortSignal;
}

export interface XGBoostTrained {
  /** XGBoost JSON model holding `rounds` trees per output (trees past the best round removed) */
  modelJson: string;
  rounds: number;
  /** the watched validation metric at the kept round (undefined without validation) */
  bestScore: number | undefined;
  watched: string | undefined;
  history: XGBoostRound[];
}

export function xgboostVersion(): string {
  return nativeAddon().xgbVersion().join('.');
}

function dmatrix(data: XGBoostData, where: string): NativeHandle {
  const { features, rows, cols } = data;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows <= 0 || cols <= 0) throw new RangeError(`${where}: rows and cols must be positive integers, got ${rows} × ${cols}`);
  if (features.length !== rows * cols) throw new RangeError(`${where}: features hold ${features.length} values, expected ${rows} × ${cols}`);
  const addon = nativeAddon();
  const handle = addon.xgbDMatrix(features, rows, cols, Number.NaN);
  if (data.labels) {
    if (data.labels.length !== rows) throw new RangeError(`${where}: ${data.labels.length} labels for ${rows} rows`);
    addon.xgbSetFloatInfo(handle, 'label', data.labels);
  }
  if (data.groups) {
    let total = 0;
    for (const size of data.groups) total += size;
    if (total !== rows) throw new RangeError(`${where}: groups cover ${total} rows, the data has ${rows}`);
    addon.xgbSetUIntInfo(handle, 'group', data.groups);
  }
  if (data.weights) addon.xgbSetFloatInfo(handle, 'weight', data.weights);
  if (data.baseMargin) {
    if (data.baseMargin.length !== rows) throw new RangeError(`${where}: ${data.baseMargin.length} base margins for ${rows} rows`);
    addon.xgbSetFloatInfo(handle, 'base_margin', data.baseMargin);
  }
  return handle;
}

/**
 * Refuses `minRounds` above `rounds`: every round would fall before the first one early stopping may
 * keep, and the model would silently hold no trees.
 */
export function checkRounds(rounds: number, minRounds: number | undefined, where: string): void {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`${where}: rounds must be a positive integer, got ${rounds}`);
  if (minRounds === undefined) return;
  if (minRounds > rounds) throw new RangeError(`${where}: minRounds (${minRounds}) exceeds rounds (${rounds}); expected minRounds ≤ rounds, or the model would keep no trees`);
}

/** Mean of the last `window` values (fewer at the start). */
function windowMean(values: number[], window: number): number {
  const from = Math.max(0, values.length - window);
  let sum = 0;
  for (let i = from; i < values.length; i++) sum += values[i]!;
  return sum / (values.length - from);
}

/** Refuses a smoothing window that is not a whole number of rounds ≥ 1. */
export function checkSmoothing(smoothing: number | undefined, where: string): void {
  if (smoothing !== undefined && !(Number.isInteger(smoothing) && smoothing >= 1)) throw new RangeError(`${where}: smoothing must be a whole number of rounds ≥ 1, got ${smoothing}`);
}

/** "[3]\ttrain-ndcg@10:0.41\tvalidation-ndcg@10:0.38" → metrics by name. */
export function parseEvaluation(line: string): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const part of line.split('\t').slice(1)) {
    const at = part.lastIndexOf(':');
    if (at > 0) metrics[part.slice(0, at)] = Number(part.slice(at + 1));
  }
  return metrics;
}

/** Trains a booster; with `validation` + `earlyStoppingRounds` keeps the best round's trees. */
export function trainXGBoost(train: XGBoostData, options: XGBoostTrainOptions): XGBoostTrained {
  checkRounds(options.rounds, options.minRounds, 'trainXGBoost');
  checkSmoothing(options.smoothing, 'trainXGBoost');
  const addon = nativeAddon();
  const dtrain = dmatrix(train, 'train');
  const dvalidation = options.validation ? dmatrix(options.validation, 'validation') : undefined;
  const cache = dvalidation ? [dtrain, dvalidation] : [dtrain];
  const booster = addon.xgbBooster(cache);
  try {
    for (const [name, value] of Object.entries(options.params)) addon.xgbSetParam(booster, name, String(value));
    const history: XGBoostRound[] = [];
    let best = { round: -1, score: Number.NaN };
    let watched: string | undefined;
    const minRounds = Math.max(1, Math.floor(options.minRounds ?? 1));
    const window = options.smoothing ?? 1;
    const watchedScores: number[] = [];
    const sets = dvalidation ? [dtrain, dvalidation] : [dtrain];
    const names = dvalidation ? ['train', 'validation'] : ['train'];
    for (let round = 0; round < options.rounds; round++) {
      options.signal?.throwIfAborted();
      addon.xgbUpdateOneIter(booster, round, dtrain);
      const metrics = parseEvaluation(addon.xgbEvalOneIter(booster, round, sets, names));
      const entry = { round, metrics };
      history.push(entry);
      options.onRound?.(entry);
      if (!dvalidation) continue;
      watched ??= Object.keys(metrics).filter((name) => name.startsWith('validation-')).pop();
      watchedScores.push(watched === undefined ? Number.NaN : metrics[watched]!);
      if (round + 1 < minRounds) continue;
      const score = windowMean(watchedScores, window);
      const better = best.round < 0 || (options.minimize ? score < best.score : score > best.score);
      if (better) best = { round, score };
      else if (options.earlyStoppingRounds !== undefined && round - best.round >= options.earlyStoppingRounds) break;
    }
    // a window ending at best.round estimates the metric at its centre (never before minRounds)
    const centre = Math.max(minRounds - 1, best.round - Math.floor((window - 1) / 2));
    const rounds = dvalidation && options.earlyStoppingRounds !== undefined ? centre + 1 : history.length;
    return {
      modelJson: keepRounds(addon.xgbSaveJson(booster), rounds),
      rounds,
      bestScore: dvalidation ? (options.earlyStoppingRounds !== undefined ? watchedScores[rounds - 1] : history[history.length - 1]!.metrics[watched ?? '']) : undefined,
      watched,
      history,
    };
  } finally {
    addon.xgbFree(booster);
    for (const handle of cache) addon.xgbFree(handle);
  }
}

interface ModelJson {
  learner: { gradient_booster: { model: { gbtree_model_param: { num_trees: string }; tree_info: number[]; trees: Array<{ id: number }>; iteration_indptr?: number[] } } };
}

/** Drops the trees of rounds ≥ `rounds` (one tree per round: single-output objectives). */
function keepRounds(json: string, rounds: number): string {
  const model = JSON.parse(json) as ModelJson;
  const booster = model.learner.gradient_booster.model;
  if (booster.trees.length <= rounds) return json;
  booster.trees = booster.trees.slice(0, rounds);
  booster.tree_info = booster.tree_info.slice(0, rounds);
  booster.gbtree_model_param.num_trees = String(rounds);
  if (booster.iteration_indptr) booster.iteration_indptr = booster.iteration_indptr.slice(0, rounds + 1);
  return JSON.stringify(model);
}

/** Predictions of a JSON model (margins by default: what a ranker serves). */
export function predictXGBoost(modelJson: string, data: Pick<XGBoostData, 'features' | 'rows' | 'cols' | 'baseMargin'>, options: { outputMargin?: boolean } = {}): Float32Array {
  const addon = nativeAddon();
  const booster = addon.xgbLoadJson(modelJson);
  const handle = dmatrix(data, 'predict');
  try {
    return addon.xgbPredict(booster, handle, options.outputMargin ?? true, 0);
  } finally {
    addon.xgbFree(handle);
    addon.xgbFree(booster);
  }
}

/** One JSON tree per entry, with gain/cover when `withStats` (feature importance, inspection). */
export function dumpXGBoost(modelJson: string, withStats = true): string[] {
  const addon = nativeAddon();
  const booster = addon.xgbLoadJson(modelJson);
  try {
    return addon.xgbDump(booster, withStats);
  } finally {
    addon.xgbFree(booster);
  }
}
