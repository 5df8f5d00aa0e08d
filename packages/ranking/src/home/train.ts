// Trains the Home ranker from the log. The log is split per listener — temporally (each
// listener's latest events) when it has usable time, else a seeded random holdout of each
// listener's tracks — and everything Home reads at request time (neighbour lists, factors, item
// vectors when the caller can retrain them) is rebuilt from the past part. Each sampled
// listener's candidates and features are computed exactly as Home serves them; labels are what
// they did with each candidate afterwards, one label per objective. XGBoost LambdaMART trains one
// head per objective the log supports, with early stopping on held-out listeners; the report
// carries candidate recall per source, each head's validation NDCG@10, the bars it must clear,
// the objective trade-off over a grid of weights, the cost and gain of diversity re-ranking and
// the feature importance.
import { ProgressTracker, mulberry32 } from '@mixtape/base';
import type { ProgressCallback } from '@mixtape/base';
import { INTERACTION_TYPE_CODE } from '@mixtape/catalog';
import type { InteractionLog } from '@mixtape/catalog';
import { trackIndexByLabel } from '@mixtape/embeddings';
import type { VectorIndex } from '@mixtape/embeddings';
import { checkRounds, checkSmoothing, trainXGBoost } from '@mixtape/native';
import type { XGBoostParams } from '@mixtape/native';
import { CandidateSet, DEFAULT_SEQUENCE_K, generateHomeCandidatesSync, sequenceHistory } from './candidates';
import type { HomeCandidateOptions, SequenceNext } from './candidates';
import { HOME_FEATURES, HOME_FEATURES_BEFORE_SEQUENCE, HOME_FEATURES_BEFORE_SUCCESSOR, HOME_FEATURE_COUNT, computeFeatures } from './features';
import { createHomeIndex } from './home-index';
import type { HomeIndex } from './home-index';
import { buildNeighbourLists, buildSuccessorList, countCovered, matrixFromLog, trainItemFactors } from './item-models';
import type { FactorOptions, ItemFactors, NeighbourListOptions, NeighbourListReport, NeighbourLists } from './item-models';
import { buildUserProfile } from './profile';
import { DEFAULT_OBJECTIVE_WEIGHTS, HOME_OBJECTIVES, OBJECTIVE_LABELS, RANKER_FORMAT, columnReference, compileRanker, featureImportance, heuristicRankerModel, ndcgOfGroup } from './ranker';
import type { HomeObjective, HomeRankerModel } from './ranker';
import { selectDiverse } from './rerank';
import { HOME_SOURCES } from './types';
import type { HomeData, HomeSource } from './types';

/** The log cannot support training (too few listeners with history before and after the split). */
export class InsufficientTrainingDataError extends Error {
  override name = 'InsufficientTrainingDataError';
}

const { play: PLAY, skip: SKIP, complete: COMPLETE, save: SAVE, playlist_add: PLAYLIST_ADD } = INTERACTION_TYPE_CODE;

export interface HomeItemModelOptions {
  neighbours?: Omit<NeighbourListOptions, 'itemVectors' | 'onProgress' | 'signal'> & { itemVectors?: boolean };
  /** learned factors (implicit ALS), or false to skip */
  factors?: false | FactorOptions;
}

export interface RankerTrainingOptions extends HomeItemModelOptions {
  /** 'auto' (default): temporal when the log has usable time, else random */
  split?: 'auto' | 'temporal' | 'random';
  /** share of each listener's events (temporal) or distinct tracks (random) held out as labels (default DEFAULT_RANKER_HOLDOUT_FRACTION) */
  holdoutFraction?: number;
  /** listeners sampled for training + validation (default 2000) */
  maxUsers?: number;
  /** share of sampled listeners held out for early stopping and the report (default 0.25) */
  validationFraction?: number;
  /** unlabelled candidates sampled at random per training listener, besides the hard ones (every labelled one is kept; default 150) */
  negativesPerUser?: number;
  /** unlabelled candidates kept per training listener by their best neighbour-list / factor rank (default 0) */
  hardNegatives?: number;
  /**
   * cross-fitting folds of listeners (default 2): each fold's labels are removed from the log its
   * lists, factors and vectors are rebuilt from, so those see nearly the whole log as served ones do
   */
  folds?: number;
  /** objectives to train when the log supports them (default all) */
  objectives?: readonly HomeObjective[];
  /** default served weights stored in the model */
  weights?: Partial<Record<HomeObjective, number>>;
  /** XGBoost settings (LambdaMART: rank:ndcg) */
  xgboost?: { params?: XGBoostParams; rounds?: number; earlyStoppingRounds?: number; minRounds?: number; smoothing?: number };
  /**
   * the split's past rows and each listener's labels, computed elsewhere (the build reads them
   * from the aggregation pipeline's `ranker-labels`); else this module splits and labels the log
   */
  examples?: (kind: 'temporal' | 'random') => { past: Uint8Array; future: (user: number) => FutureLabels };
  /** retrains item vectors on the past part (else the given ones are used: a mild leak, stated in the report) */
  itemVectorsFor?: (pastLog: InteractionLog) => Promise<{ itemVectors: Float32Array; itemIndex: VectorIndex }>;
  /**
   * A next-track model trained on the past part (cross-fitted like the lists: it never sees the
   * fold's labels): each training listener's candidates then include its answer for their recent
   * plays (`sequenceHistory`), and the ranker is trained on the full feature list (the sequence
   * columns). Absent: the sequence source is silent and those columns are not trained on.
   */
  sequenceFor?: (pastLog: InteractionLog) => Promise<SequenceNext>;
  /** tracks asked of the next-track model per listener (default DEFAULT_SEQUENCE_K = 50) */
  sequenceK?: number;
  candidates?: HomeCandidateOptions;
  seed?: number;
  onProgress?: ProgressCallback;
  /** human-readable progress lines (stages, per-head rounds) */
  log?: (line: string) => void;
  /** false serves the heads alone (no blend with the list scores chosen on validation) */
  blend?: boolean;
  /** the largest weight of the standardized heads in the served blend (default DEFAULT_MAX_HEAD_SCALE; 0 serves the list blend alone) */
  maxHeadScale?: number;
  /**
   * the smallest weight of EASE's list share in the served blend (default 0: the coordinate ascent
   * may drop it). Session 8: fits whose blend lowered it (1 → 0.1 → 0 over three seeds on one
   * Last.fm validation split) served worse (NDCG@10 0.1793 → 0.1649 → 0.1539) — off until validated.
   */
  minEaseShare?: number;
  /**
   * > 0: the served blend is the mean of this many greedy searches, each on a bootstrap resample
   * of the validation listeners (seeded by `seed`), instead of one search on all of them (default
   * DEFAULT_BLEND_BAGS). Changes only the blend, never the trees.
   */
  blendBags?: number;
  /**
   * R > 0: the served blend reads each list column per listener from its R-th largest value,
   * (x − x_R) / (x_max − x_R), as the eval's `blend` model normalises its parts (default
   * DEFAULT_BLEND_REFERENCE; 0: the shares as they are). Changes only the blend, never the trees.
   */
  blendReference?: number;
  /**
   * > 0: every head starts from this weight × list_share_ease as XGBoost's base margin, so its
   * trees learn a residual over EASE's list instead of replacing it (default 0: from scratch)
   */
  baseMargin?: number;
  /**
   * the order of each listener's rows handed to XGBoost: 'candidates' (default: the order the
   * sources produced them — labelled rows first in training, EASE's list first in validation) or
   * 'shuffled' (seeded, per listener). XGBoost breaks tied scores by row order, in its ndcg metric
   * and in LambdaMART's rank positions: with candidate order a coarse early head is judged with
   * EASE's order as its tie-break, and early stopping keeps few trees.
   */
  rowOrder?: 'candidates' | 'shuffled';
  /** false skips the report's costly parts (best single feature, trade-off grid, diversity) — for tuning loops */
  reports?: boolean;
  signal?: AbortSignal;
}

export interface HeadReport {
  objective: HomeObjective;
  label: string;
  rounds: number;
  /** validation listeners with at least one positive label for this objective */
  groups: number;
  /** XGBoost's ndcg@10 on the validation groups at the kept round */
  xgboostNdcg10: number;
  /** NDCG@10 of this head over each validation listener's full candidate list */
  ndcg10: number;
}

export interface RankerTrainingReport {
  split: { kind: 'temporal' | 'random'; holdoutFraction: number; detail: string };
  users: { train: number; validation: number };
  rows: { train: number; validation: number };
  /** mean candidates per listener (unheard ones: those the listener has not played) */
  candidates: { mean: number; meanUnheard: number };
  /** share of each validation listener's held-out played tracks among the candidates (mean over listeners), per source and in total */
  candidateRecall: Record<HomeSource | 'total', number>;
  neighbours: NeighbourListReport[];
  /** tracks asked of the cross-fitted next-track model per listener (absent: trained without the sequence source) */
  sequenceK?: number;
  /** why a requested sequence source was not trained with (e.g. the log has no usable time) */
  sequenceNotUsed?: string;
  heads: HeadReport[];
  unsupported: Array<{ objective: HomeObjective; reason: string }>;
  /** validation NDCG@10 (play labels, full candidate lists): the served combination, the heuristic, the best single feature */
  validationNdcg10: Record<string, number>;
  /**
   * the served blend chosen on the validation listeners (unheard candidates, play labels): linear
   * weights on the neighbour-list and factor shares plus headScale (≤ maxHeadScale) × the standardized heads, and
   * the NDCG@10 of EASE's list alone, the heads alone and the blend
   */
  blend?: { linear: Record<string, number>; headScale: number; maxHeadScale?: number; bags?: number; reference?: number; ndcg10: { easeList: number; heads: number; served: number } };
  bestSingleFeature: { name: string; ndcg10: number };
  /** each objective's validation NDCG@10 under a grid of served weights (skip: lower is better) */
  tradeoff: Array<{ weights: Record<string, number>; ndcg10: Record<string, number> }>;
  /** plain ranking vs diversity re-ranking (MMR λ 0.75 over item vectors, ≤ 2 per artist) on validation */
  diversity: Array<{ ranking: string; ndcg10: number; coverage10: number; ildVectors10: number; ildArtist10: number; novelty10: number }>;
  importance: Array<{ feature: string; gain: number }>;
  itemVectors: 'retrained on the past part' | 'the bundle’s (trained on the whole log: a mild leak into the vector features)';
  seconds: number;
}

/** Neighbour lists + factors for a log, as the bundle stores them. */
export interface HomeItemModels {
  neighbours: NeighbourLists;
  factors?: ItemFactors;
  reports: NeighbourListReport[];
}

/** Builds the offline item models (neighbour lists, factors) Home merges at request time. */
export async function buildItemModels(
  data: Pick<HomeData, 'store' | 'itemVectors' | 'itemDim' | 'itemIndex'> & { interactions: InteractionLog },
  options: HomeItemModelOptions & { log?: (line: string) => void; signal?: AbortSignal; seed?: number } = {},
): Promise<HomeItemModels> {
  const matrix = matrixFromLog(data.interactions, data.store.trackCount);
  const { itemVectors: useVectors, successor, ...neighbourOptions } = options.neighbours ?? {};
  const { lists, reports } = buildNeighbourLists(matrix, {
    ...neighbourOptions,
    itemVectors: useVectors === false ? false : { vectors: data.itemVectors, dim: data.itemDim, index: data.itemIndex, labelToTrack: trackIndexByLabel(data.itemIndex, data.store) },
    onProgress: options.log,
    signal: options.signal,
  });
  // "what follows this track" needs ordered plays: on a log without usable time the order is arbitrary
  if (successor && !hasUsableTime(data.interactions)) options.log?.('neighbours successor: not built — the log has no usable time (the source needs ordered plays)');
  else if (successor) {
    const started = performance.now();
    const list = buildSuccessorList(data.interactions, data.store.trackCount, successor);
    lists.successor = list;
    const items = countCovered(list);
    const report = { source: 'successor' as const, items, neighbours: list.items.length, seconds: (performance.now() - started) / 1000, notes: 'first-order transitions of ordered plays' };
    reports.push(report);
    options.log?.(`neighbours successor: ${items.toLocaleString('en')} items, ${list.items.length.toLocaleString('en')} pairs in ${report.seconds.toFixed(1)} s (${report.notes})`);
  }
  let factors: ItemFactors | undefined;
  if (options.factors !== false) {
    const started = performance.now();
    factors = await trainItemFactors(matrix, { seed: options.seed, ...options.factors, signal: options.signal });
    options.log?.(`factors: ALS d=${factors.dim} for ${matrix.rows.toLocaleString('en')} listeners × ${matrix.cols.toLocaleString('en')} tracks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return { neighbours: lists, factors, reports };
}


/** True when the log's timestamps order events (not all equal, as in aggregated play counts). */
export function hasUsableTime(log: InteractionLog): boolean {
  const time = log.columns.timestamp;
  let distinct = 0;
  for (let i = 1; i < time.length && distinct < 1; i++) if (time[i] !== time[0]) distinct++;
  return distinct > 0;
}

/** Per-row past mask: each listener's latest `fraction` of events (temporal) or `fraction` of their tracks (random, seeded). */
function splitMask(log: InteractionLog, kind: 'temporal' | 'random', fraction: number, seed: number): Uint8Array {
  const past = new Uint8Array(log.length).fill(1);
  const c = log.columns;
  for (let u = 0; u < log.userCount; u++) {
    const { start, end } = log.rowsOfUser(u);
    if (kind === 'temporal') {
      const held = Math.max(1, Math.round((end - start) * fraction));
      if (end - start < 5) continue;
      for (let i = end - held; i < end; i++) past[i] = 0;
    } else {
      for (let i = start; i < end; i++) if (hashUnit(c.user[i]!, c.track[i]!, seed) < fraction) past[i] = 0;
    }
  }
  return past;
}

/** What one listener did with each track after the split. */
export interface FutureLabels {
  played: Set<number>;
  saved: Set<number>;
  skipped: Set<number>;
  listen: Map<number, number>;
}

function futureOf(log: InteractionLog, user: number, past: Uint8Array, durations: Uint32Array | Float64Array | Int32Array | Float32Array): FutureLabels {
  const c = log.columns;
  const labels: FutureLabels = { played: new Set(), saved: new Set(), skipped: new Set(), listen: new Map() };
  const { start, end } = log.rowsOfUser(user);
  for (let i = start; i < end; i++) {
    if (past[i]) continue;
    const track = c.track[i]!;
    const type = c.type[i]!;
    if (type === SKIP) labels.skipped.add(track);
    else labels.played.add(track);
    if (type === SAVE || type === PLAYLIST_ADD) labels.saved.add(track);
    const duration = durations[track]!;
    const share = type === COMPLETE ? 1 : type === PLAY || type === SKIP ? (duration > 0 ? Math.min(1, c.msPlayed[i]! / duration) : 0) : 0;
    if (share > 0) labels.listen.set(track, Math.min(1, (labels.listen.get(track) ?? 0) + share));
  }
  for (const track of labels.played) labels.skipped.delete(track);
  return labels;
}

function labelOf(objective: HomeObjective, future: FutureLabels, track: number): number {
  switch (objective) {
    case 'play':
      return future.played.has(track) ? 1 : 0;
    case 'save':
      return future.saved.has(track) ? 1 : 0;
    case 'skip':
      return future.skipped.has(track) ? 1 : 0;
    case 'listen':
      return Math.round(4 * (future.listen.get(track) ?? 0));
  }
}

/** Growable row store: features + one label column per objective + query groups. */
export class RankerRows {
  features = new Float32Array(1 << 16);
  labels: Record<HomeObjective, Float32Array> = { play: new Float32Array(1 << 12), save: new Float32Array(1 << 12), skip: new Float32Array(1 << 12), listen: new Float32Array(1 << 12) };
  /** candidate metadata for reports: track and source mask per row */
  tracks = new Int32Array(1 << 12);
  masks = new Uint16Array(1 << 12);
  size = 0;
  groups: number[] = [0];

  push(features: Float32Array, candidates: CandidateSet, labels: Record<HomeObjective, Float32Array>, keep: ArrayLike<number>): void {
    const F = HOME_FEATURE_COUNT;
    const needed = this.size + keep.length;
    if (needed * F > this.features.length) this.features = grow(this.features, needed * F);
    if (needed > this.tracks.length) {
      for (const objective of HOME_OBJECTIVES) this.labels[objective] = grow(this.labels[objective], needed);
      this.tracks = grow(this.tracks, needed);
      this.masks = grow(this.masks, needed);
    }
    for (let k = 0; k < keep.length; k++) {
      const r = keep[k]!;
      this.features.set(features.subarray(r * F, (r + 1) * F), this.size * F);
      for (const objective of HOME_OBJECTIVES) this.labels[objective][this.size] = labels[objective][r]!;
      this.tracks[this.size] = candidates.tracks[r]!;
      this.masks[this.size] = candidates.sourceMask[r]!;
      this.size++;
    }
    this.groups.push(this.size);
  }

  /** The rows and groups of the listed groups only (for per-objective training sets); with `shuffleSeed` each group's rows in a seeded random order. */
  subset(groupIndices: number[], shuffleSeed?: number): { features: Float32Array; labels: Record<HomeObjective, Float32Array>; groups: Uint32Array; rows: number } {
    const F = HOME_FEATURE_COUNT;
    let rows = 0;
    for (const g of groupIndices) rows += this.groups[g + 1]! - this.groups[g]!;
    const features = new Float32Array(rows * F);
    const labels = Object.fromEntries(HOME_OBJECTIVES.map((objective) => [objective, new Float32Array(rows)])) as Record<HomeObjective, Float32Array>;
    const groups = new Uint32Array(groupIndices.length);
    let at = 0;
    groupIndices.forEach((g, n) => {
      const start = this.groups[g]!;
      const end = this.groups[g + 1]!;
      if (shuffleSeed === undefined) {
        features.set(this.features.subarray(start * F, end * F), at * F);
        for (const objective of HOME_OBJECTIVES) labels[objective].set(this.labels[objective].subarray(start, end), at);
      } else {
        const order = shuffled(Array.from({ length: end - start }, (_unused, i) => start + i), shuffleSeed + g * 7919);
        order.forEach((r, i) => {
          features.set(this.features.subarray(r * F, (r + 1) * F), (at + i) * F);
          for (const objective of HOME_OBJECTIVES) labels[objective][at + i] = this.labels[objective][r]!;
        });
      }
      groups[n] = end - start;
      at += end - start;
    });
    return { features, labels, groups, rows };
  }
}

function grow<T extends Float32Array | Int32Array | Uint16Array>(array: T, needed: number): T {
  let length = array.length;
  while (length < needed) length *= 2;
  const out = new (array.constructor as new (length: number) => T)(length);
  out.set(array);
  return out;
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

function meanNdcg(scores: Float32Array, labels: Float32Array, groups: number[], k = 10): number {
  let sum = 0;
  let count = 0;
  for (let g = 0; g + 1 < groups.length; g++) {
    const value = ndcgOfGroup(scores, labels, groups[g]!, groups[g + 1]!, k);
    if (value === undefined) continue;
    sum += value;
    count++;
  }
  return count > 0 ? sum / count : 0;
}

/** the share of each listener's events (the latest, on a timed log) or tracks the ranker's split holds out as labels; the aggregation pipeline's `ranker-labels` default is the same (the build checks it) */
export const DEFAULT_RANKER_HOLDOUT_FRACTION = 0.2;

/** boosting rounds per head at most (early stopping usually keeps fewer) */
export const DEFAULT_HEAD_ROUNDS = 400;
/**
 * Rounds without a better validation NDCG@10 before a head stops. 100 since session 18 (rule R18-1):
 * at eta 0.02 the curve is flat and noisy over a few hundred validation listeners, and patience 40
 * stopped one of four synthetic validation fits at 129 trees (−0.0033 NDCG@10 against the fit that
 * kept 398); the other fits, Last.fm and TidyTuesday were not worse.
 */
export const DEFAULT_HEAD_PATIENCE = 100;

/** The largest weight of the standardized heads in the served blend, unless `maxHeadScale` says otherwise. */
export const DEFAULT_MAX_HEAD_SCALE = 1.5;

/**
 * Bootstrap resamples of the validation listeners whose blend searches are averaged (0: one search on all of them).
 * 16 since session 11: rule R10-1 (not worse on Last.fm, TidyTuesday and synthetic validation, better on one) passed —
 * Last.fm +0.0044 [0.0033, 0.0054], TidyTuesday +0.0005 [−0.0049, 0.0064], synthetic +0.0007 [−0.0011, 0.0023] NDCG@10.
 */
export const DEFAULT_BLEND_BAGS = 16;

/**
 * The rank each list column of the served blend is measured from, per listener (`blendReference`);
 * 0: the shares as they are. Off until validated (session 13).
 */
export const DEFAULT_BLEND_REFERENCE = 0;

const DEFAULT_XGBOOST_PARAMS: XGBoostParams = {
  objective: 'rank:ndcg',
  eval_metric: 'ndcg@10',
  // 0.02 since session 16 (rule R16-1; 0.05 before): the only one of five heads' settings not worse on Last.fm,
  // TidyTuesday and synthetic validation by more than 0.001 NDCG@10 and better on one (synthetic +0.0020
  // [0.0001, 0.0037]; Last.fm −0.0006 [−0.0014, 0.0002]; TidyTuesday +0.0029 [−0.0028, 0.0086]). Heads keep
  // more trees (synthetic 131 → 399), so scoring a page costs more.
  eta: 0.02,
  max_depth: 6,
  // LambdaMART hessians are small: the default min_child_weight of 1 stops trees at the root
  min_child_weight: 0.05,
  subsample: 0.8,
  colsample_bytree: 0.8,
  lambda: 1,
  tree_method: 'hist',
  max_bin: 128,
  nthread: 2,
};

/** Labelled candidate rows of sampled listeners, built exactly as Home serves them from the past part of the log. */
export interface RankerDataset {
  index: HomeIndex;
  train: RankerRows;
  validation: RankerRows;
  split: RankerTrainingReport['split'];
  users: RankerTrainingReport['users'];
  candidates: RankerTrainingReport['candidates'];
  candidateRecall: RankerTrainingReport['candidateRecall'];
  neighbours: NeighbourListReport[];
  itemVectors: RankerTrainingReport['itemVectors'];
  /** tracks asked of the next-track model per listener, when the candidates had its answers */
  sequenceK?: number;
  /** why a requested sequence source was not used (see RankerTrainingReport) */
  sequenceNotUsed?: string;
  /** the popularity every fold's index used (HomeData.popularity): the model records it for serving */
  popularity: 'catalog' | 'log';
  started: number;
}

export async function trainHomeRanker(data: HomeData, options: RankerTrainingOptions = {}): Promise<{ model: HomeRankerModel; report: RankerTrainingReport }> {
  return fitRankerHeads(await prepareRankerData(data, options), options);
}

/** The split, the past-part item models and the labelled candidate rows (train / validation listeners). */
export async function prepareRankerData(data: HomeData, options: RankerTrainingOptions = {}): Promise<RankerDataset> {
  const started = performance.now();
  const say = options.log ?? (() => {});
  // before the expensive part: minRounds > rounds would leave every head with no trees
  checkRounds(options.xgboost?.rounds ?? DEFAULT_HEAD_ROUNDS, options.xgboost?.minRounds, 'trainHomeRanker: xgboost');
  checkSmoothing(options.xgboost?.smoothing, 'trainHomeRanker: xgboost');
  const log = data.interactions;
  if (!log || log.length === 0) throw new InsufficientTrainingDataError('trainHomeRanker: the data has no interactions to learn from');
  const seed = options.seed ?? 42;
  const fraction = options.holdoutFraction ?? DEFAULT_RANKER_HOLDOUT_FRACTION;
  const timed = hasUsableTime(log);
  const kind = options.split === 'temporal' || options.split === 'random' ? options.split : timed ? 'temporal' : 'random';
  if (kind === 'temporal' && !timed) throw new InsufficientTrainingDataError('trainHomeRanker: a temporal split needs timestamps, but every event has the same time; use split "random" (or "auto")');
  const examples = options.examples?.(kind);
  const past = examples?.past ?? splitMask(log, kind, fraction, seed);
  const detail =
    kind === 'temporal'
      ? `each listener's latest ${Math.round(fraction * 100)}% of events (listeners with ≥ 5 events) are the labels`
      : `a seeded ${Math.round(fraction * 100)}% of each listener's tracks (seed ${seed}) are the labels; the log has no usable time`;
  say(`ranker split: ${kind} — ${detail}`);

  // listeners with history before and a played track after the split
  const eligible: number[] = [];
  const c = log.columns;
  for (let u = 0; u < log.userCount; u++) {
    const { start, end } = log.rowsOfUser(u);
    let before = 0;
    let after = false;
    for (let i = start; i < end; i++) {
      if (past[i]) before += c.type[i] === SKIP ? 0 : 1;
      else if (c.type[i] !== SKIP) after = true;
    }
    if (before >= 3 && after) eligible.push(u);
  }
  if (eligible.length < 20) throw new InsufficientTrainingDataError(`trainHomeRanker: only ${eligible.length} listeners have ≥ 3 plays before and a play after the ${kind} split; need ≥ 20`);
  const users = shuffled(eligible, seed).slice(0, options.maxUsers ?? 2000);
  const validationCount = Math.max(5, Math.round(users.length * (options.validationFraction ?? 0.25)));
  const negativesPerUser = options.negativesPerUser ?? 150;
  const hardNegatives = options.hardNegatives ?? 0;
  // Cross-fitting: each fold of listeners gets its labels removed and everything Home reads at
  // request time rebuilt from the rest of the log. With one fold every listener's labels are
  // removed at once and the lists see far less data than the served ones — on Last.fm the
  // neighbour lists are then much weaker than at serving time, and the ranker learns to lean on
  // the wrong sources (NDCG@10 below EASE alone).
  const folds = Math.max(1, Math.min(options.folds ?? 2, users.length));
  const foldOf = new Int32Array(log.userCount).fill(-1);
  users.forEach((u, n) => (foldOf[u] = n % folds));
  say(`ranker cross-fitting: ${folds} fold${folds === 1 ? '' : 's'} of listeners, each with its labels removed from the lists' log`);
  const durations = data.store.columns.trackDurationMs;
  const train = new RankerRows();
  const validation = new RankerRows();
  const validationFuture: FutureLabels[] = [];
  const recallSums = Object.fromEntries([...HOME_SOURCES, 'total'].map((name) => [name, 0])) as Record<HomeSource | 'total', number>;
  let recallUsers = 0;
  let candidateTotal = 0;
  let unheardTotal = 0;
  const candidates = new CandidateSet(data.store.trackCount);
  let features = new Float32Array(1024 * HOME_FEATURE_COUNT);
  const labels = Object.fromEntries(HOME_OBJECTIVES.map((objective) => [objective, new Float32Array(1024)])) as Record<HomeObjective, Float32Array>;
  const tracker = new ProgressTracker('ranker training data', 'listeners', users.length, options.onProgress);
  const hardColumns = HOME_FEATURES.flatMap((name, f) => (name.startsWith('list_rank_') || name === 'factor_rank' ? [f] : []));
  let index: HomeIndex | undefined;
  let models: HomeItemModels | undefined;
  let processed = 0;
  const sequenceK = options.sequenceK ?? DEFAULT_SEQUENCE_K;
  // the next-track model learns from the order of plays: on a log without usable time that is file order (as for the successor lists)
  const sequenceNotUsed = options.sequenceFor && !timed ? 'the log has no usable time (the next-track model needs ordered plays)' : undefined;
  const sequenceFor = sequenceNotUsed ? undefined : options.sequenceFor;
  if (sequenceNotUsed) say(`sequence source: not used — ${sequenceNotUsed}`);
  if (sequenceFor) say(`sequence source: a next-track model trained on each fold's past part answers ${sequenceK} tracks per listener`);
  for (let fold = 0; fold < folds; fold++) {
    // Everything Home reads at request time, rebuilt from the log without this fold's labels.
    const mask = new Uint8Array(log.length).fill(1);
    for (let n = fold; n < users.length; n += folds) {
      const { start, end } = log.rowsOfUser(users[n]!);
      for (let i = start; i < end; i++) mask[i] = past[i]!;
    }
    const pastLog = log.select(mask);
    const vectors = options.itemVectorsFor ? await options.itemVectorsFor(pastLog) : { itemVectors: data.itemVectors, itemIndex: data.itemIndex };
    models = await buildItemModels({ store: data.store, interactions: pastLog, itemVectors: vectors.itemVectors, itemDim: data.itemDim, itemIndex: vectors.itemIndex }, { ...options, log: say });
    index = createHomeIndex({ store: data.store, interactions: pastLog, itemVectors: vectors.itemVectors, itemDim: data.itemDim, itemIndex: vectors.itemIndex, neighbours: models.neighbours, factors: models.factors, popularity: data.popularity });
    const next = sequenceFor ? await sequenceFor(pastLog) : undefined;
    for (let n = fold; n < users.length; n += folds) {
      options.signal?.throwIfAborted();
      const u = users[n]!;
      const future = examples ? examples.future(u) : futureOf(log, u, past, durations);
      const profile = buildUserProfile(index, log.userId(u));
      candidates.reset();
      const sequence = next && profile.recent.length > 0 ? await next(sequenceHistory(profile), sequenceK) : undefined;
      generateHomeCandidatesSync(index, profile, sequence ? { ...options.candidates, sequence } : options.candidates, candidates);
      const size = candidates.size;
      if (features.length < size * HOME_FEATURE_COUNT) features = new Float32Array(size * 2 * HOME_FEATURE_COUNT);
      computeFeatures(index, profile, candidates, features);
      for (const objective of HOME_OBJECTIVES) {
        if (labels[objective].length < size) labels[objective] = new Float32Array(size * 2);
        for (let r = 0; r < size; r++) labels[objective][r] = labelOf(objective, future, candidates.tracks[r]!);
      }
      candidateTotal += size;
      let unheard = 0;
      for (let r = 0; r < size; r++) if (!profile.tracks.has(candidates.tracks[r]!)) unheard++;
      unheardTotal += unheard;
      if (n < validationCount) {
        validation.push(features, candidates, labels, Int32Array.from({ length: size }, (_unused, r) => r));
        validationFuture.push(future);
        // recall of held-out played tracks the listener had not played before (what a recommender can add)
        const targets = [...future.played].filter((track) => !profile.tracks.has(track));
        if (targets.length > 0) {
          recallUsers++;
          const found = Object.fromEntries([...HOME_SOURCES, 'total'].map((name) => [name, 0])) as Record<HomeSource | 'total', number>;
          for (const track of targets) {
            const row = candidates.row(track);
            if (row === undefined) continue;
            found.total++;
            HOME_SOURCES.forEach((source, s) => {
              if (candidates.sourceMask[row]! & (1 << s)) found[source]++;
            });
          }
          for (const name of Object.keys(found) as Array<HomeSource | 'total'>) recallSums[name] += found[name] / targets.length;
        }
      } else {
        // every labelled row and a sample of the rest (bounded memory, balanced signal)
        const labelled: number[] = [];
        const others: number[] = [];
        for (let r = 0; r < size; r++) {
          let any = false;
          for (const objective of HOME_OBJECTIVES) if (labels[objective][r] !== 0) any = true;
          (any ? labelled : others).push(r);
        }
        // the hardest negatives (best placed in a neighbour list or by the factors: what the top of
        // a served list is made of) and a random sample of the rest
        const hardness = (r: number) => {
          let best = 0;
          for (const f of hardColumns) best = Math.max(best, features[r * HOME_FEATURE_COUNT + f]!);
          return best;
        };
        const byHardness = others.map((r) => ({ r, h: hardness(r) })).sort((a, b) => b.h - a.h || a.r - b.r).map((entry) => entry.r);
        const hard = byHardness.slice(0, hardNegatives);
        train.push(features, candidates, labels, [...labelled, ...hard, ...shuffled(byHardness.slice(hardNegatives), seed + n).slice(0, negativesPerUser)]);
      }
      tracker.update(++processed);
    }
  }
  tracker.finish(users.length);
  const candidateRecall = Object.fromEntries(Object.entries(recallSums).map(([name, sum]) => [name, round(sum / Math.max(1, recallUsers))])) as Record<HomeSource | 'total', number>;
  say(`candidates: ${(candidateTotal / users.length).toFixed(0)} per listener (${(unheardTotal / users.length).toFixed(0)} unheard); recall of held-out plays ${candidateRecall.total.toFixed(3)}`);
  return {
    index: index!,
    train,
    validation,
    split: { kind, holdoutFraction: fraction, detail },
    users: { train: users.length - validationCount, validation: validationCount },
    candidates: { mean: round(candidateTotal / users.length), meanUnheard: round(unheardTotal / users.length) },
    candidateRecall,
    neighbours: models!.reports,
    itemVectors: options.itemVectorsFor ? 'retrained on the past part' : 'the bundle’s (trained on the whole log: a mild leak into the vector features)',
    ...(sequenceFor ? { sequenceK } : {}),
    ...(sequenceNotUsed ? { sequenceNotUsed } : {}),
    popularity: data.popularity ?? 'catalog',
    started,
  };
}

/** The first `cols` columns of n × HOME_FEATURE_COUNT rows (the matrix itself when that is all of them). */
function leadingColumns(features: Float32Array, rows: number, cols: number): Float32Array {
  const F = HOME_FEATURE_COUNT;
  if (cols === F) return features;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) out.set(features.subarray(r * F, r * F + cols), r * cols);
  return out;
}

/** The trained heads before the served blend: what `fitRankerHeads` finishes into a model and its report. */
export interface TrainedRankerHeads {
  features: string[];
  heads: HomeRankerModel['heads'];
  reports: HeadReport[];
  unsupported: RankerTrainingReport['unsupported'];
}

/**
 * One LambdaMART head per objective the rows support, early-stopped on the validation listeners
 * (no blend, no report). Deterministic for a dataset, seed and XGBoost options: variants that differ
 * only in the served blend (maxHeadScale, minEaseShare, blendBags) can share one call.
 */
export function trainRankerHeads(dataset: RankerDataset, options: RankerTrainingOptions = {}): TrainedRankerHeads {
  const say = options.log ?? (() => {});
  const seed = options.seed ?? 42;
  const { train, validation } = dataset;
  // One LambdaMART head per supported objective.
  const wanted = options.objectives ?? HOME_OBJECTIVES;
  const heads: HomeRankerModel['heads'] = [];
  const headReports: HeadReport[] = [];
  const unsupported: RankerTrainingReport['unsupported'] = [];
  const trainGroups = train.groups.length - 1;
  const validationGroups = validation.groups.length - 1;
  // without successor lists their columns are zero: train on the older feature list, so the model
  // (and its column sampling) is what it was before those columns were appended
  // likewise without the next-track model's answers (its columns come last)
  const layout = dataset.sequenceK !== undefined ? HOME_FEATURES : dataset.index.neighbours.successor ? HOME_FEATURES_BEFORE_SEQUENCE : HOME_FEATURES_BEFORE_SUCCESSOR;
  const cols = layout.length;
  for (const objective of HOME_OBJECTIVES) {
    if (!wanted.includes(objective)) continue;
    const withPositives = (rows: RankerRows, count: number) => {
      const out: number[] = [];
      for (let g = 0; g < count; g++) {
        let positive = false;
        for (let r = rows.groups[g]!; r < rows.groups[g + 1]! && !positive; r++) if (rows.labels[objective][r]! > 0) positive = true;
        if (positive) out.push(g);
      }
      return out;
    };
    const trainWith = withPositives(train, trainGroups);
    const validationWith = withPositives(validation, validationGroups);
    if (trainWith.length < 20 || validationWith.length < 5) {
      unsupported.push({ objective, reason: `the log has too few listeners with ${objective} labels (${trainWith.length} train / ${validationWith.length} validation; need 20 / 5)` });
      say(`head ${objective}: not trained — ${unsupported[unsupported.length - 1]!.reason}`);
      continue;
    }
    if (objective !== 'play' && sameLabels(train, objective, 'play')) {
      unsupported.push({ objective, reason: `its labels equal the play labels in this log (no separate ${objective} signal)` });
      continue;
    }
    const shuffleSeed = options.rowOrder === 'shuffled' ? seed : undefined;
    const trainSet = train.subset(trainWith, shuffleSeed);
    const validationSet = validation.subset(validationWith, shuffleSeed === undefined ? undefined : shuffleSeed + 1);
    const headStarted = performance.now();
    const marginWeight = options.baseMargin ?? 0;
    const baseMargin = marginWeight > 0 ? { feature: 'list_share_ease' as const, weight: marginWeight } : undefined;
    const marginsOf = (rows: { features: Float32Array; rows: number }) => (baseMargin ? columnTimes(rows.features, rows.rows, HOME_FEATURES.indexOf(baseMargin.feature), baseMargin.weight) : undefined);
    const trained = trainXGBoost(
      { features: leadingColumns(trainSet.features, trainSet.rows, cols), rows: trainSet.rows, cols, labels: trainSet.labels[objective], groups: trainSet.groups, baseMargin: marginsOf(trainSet) },
      {
        params: { ...DEFAULT_XGBOOST_PARAMS, seed, ...options.xgboost?.params },
        rounds: options.xgboost?.rounds ?? DEFAULT_HEAD_ROUNDS,
        earlyStoppingRounds: options.xgboost?.earlyStoppingRounds ?? DEFAULT_HEAD_PATIENCE,
        minRounds: options.xgboost?.minRounds,
        smoothing: options.xgboost?.smoothing,
        validation: { features: leadingColumns(validationSet.features, validationSet.rows, cols), rows: validationSet.rows, cols, labels: validationSet.labels[objective], groups: validationSet.groups, baseMargin: marginsOf(validationSet) },
        signal: options.signal,
        onRound: ({ round, metrics }) => {
          if (round % 50 === 0) say(`head ${objective}: round ${round} ${Object.entries(metrics).map(([name, value]) => `${name} ${value.toFixed(4)}`).join(', ')}`);
        },
      },
    );
    const head = { objective, label: OBJECTIVE_LABELS[objective], xgboost: trained.modelJson, rounds: trained.rounds, ...(baseMargin ? { baseMargin } : {}), mean: 0, scale: 1, validation: {} as Record<string, number> };
    // standardize the head on every validation candidate so heads add up on one scale
    const single = compileRanker({ format: RANKER_FORMAT, version: 2, kind: 'lambdamart', features: [...layout], heads: [head], weights: {} });
    const margins = single.scoreHead(objective, validation.features, validation.size);
    let mean = 0;
    for (let r = 0; r < validation.size; r++) mean += margins[r]!;
    mean /= Math.max(1, validation.size);
    let variance = 0;
    for (let r = 0; r < validation.size; r++) variance += (margins[r]! - mean) ** 2;
    head.mean = mean;
    head.scale = Math.sqrt(variance / Math.max(1, validation.size)) || 1;
    const ndcg10 = meanNdcg(margins, validation.labels[objective], validation.groups);
    head.validation = { ndcg10: round(ndcg10), xgboostNdcg10: round(trained.bestScore ?? 0), groups: validationWith.length };
    heads.push(head);
    headReports.push({ objective, label: OBJECTIVE_LABELS[objective], rounds: trained.rounds, groups: validationWith.length, xgboostNdcg10: round(trained.bestScore ?? 0), ndcg10: round(ndcg10) });
    say(`head ${objective}: ${trained.rounds} trees, validation NDCG@10 ${ndcg10.toFixed(4)} over full candidate lists (${((performance.now() - headStarted) / 1000).toFixed(1)} s)`);
  }
  if (!heads.some((head) => head.objective === 'play')) {
    throw new InsufficientTrainingDataError(`trainHomeRanker: the play head could not be trained (${unsupported.find((entry) => entry.objective === 'play')?.reason ?? 'no labels'})`);
  }
  return { features: [...layout], heads, reports: headReports, unsupported };
}

/**
 * One LambdaMART head per objective the rows support, early-stopped on the validation listeners
 * (or the `trained` heads of an earlier `trainRankerHeads` on the same dataset), the served blend
 * chosen on the validation listeners, and the report.
 */
export function fitRankerHeads(dataset: RankerDataset, options: RankerTrainingOptions = {}, trained: TrainedRankerHeads = trainRankerHeads(dataset, options)): { model: HomeRankerModel; report: RankerTrainingReport } {
  const say = options.log ?? (() => {});
  const { validation, index } = dataset;
  const { unsupported } = trained;
  const weights = { ...DEFAULT_OBJECTIVE_WEIGHTS, ...options.weights };
  // copies: the blend below sets the model's linear terms and headScale, never the shared heads
  const model: HomeRankerModel = {
    format: RANKER_FORMAT,
    version: 2,
    kind: 'lambdamart',
    features: [...trained.features],
    heads: trained.heads.map((head) => ({ ...head })),
    weights,
    // serving must read the popularity the rows were built with (absent = the catalog's, as older models)
    ...(dataset.popularity === 'log' ? { popularity: 'log' as const } : {}),
  };
  const blend = options.blend === false ? undefined : fitServedBlend(model, validation, say, options.maxHeadScale ?? DEFAULT_MAX_HEAD_SCALE, options.minEaseShare ?? 0, { bags: options.blendBags ?? DEFAULT_BLEND_BAGS, seed: options.seed ?? 42 }, options.blendReference ?? DEFAULT_BLEND_REFERENCE);
  if (blend) {
    model.linear = blend.linear;
    model.headScale = blend.headScale;
    if (blend.linearReference !== undefined) model.linearReference = blend.linearReference;
  }
  const compiled = compileRanker(model);
  const served = compiled.score(validation.features, validation.size);
  const playLabels = validation.labels.play;
  const validationNdcg10: Record<string, number> = {
    served: round(meanNdcg(served, playLabels, validation.groups)),
    play: round(meanNdcg(compiled.scoreHead('play', validation.features, validation.size), playLabels, validation.groups)),
    heuristic: round(meanNdcg(compileRanker(heuristicRankerModel('comparison')).score(validation.features, validation.size), playLabels, validation.groups)),
  };
  const full = options.reports !== false;
  const bestSingleFeature = full ? bestSingle(validation, playLabels) : { name: '(not computed)', ndcg10: 0 };
  validationNdcg10[`best single feature (${bestSingleFeature.name})`] = bestSingleFeature.ndcg10;
  if (blend) {
    validationNdcg10['unheard only: EASE list alone'] = blend.report.ndcg10.easeList;
    validationNdcg10['unheard only: heads alone'] = blend.report.ndcg10.heads;
    validationNdcg10['unheard only: served blend'] = blend.report.ndcg10.served;
  }

  const report: RankerTrainingReport = {
    split: dataset.split,
    users: dataset.users,
    rows: { train: dataset.train.size, validation: validation.size },
    candidates: dataset.candidates,
    candidateRecall: dataset.candidateRecall,
    neighbours: dataset.neighbours,
    ...(dataset.sequenceK !== undefined ? { sequenceK: dataset.sequenceK } : {}),
    ...(dataset.sequenceNotUsed ? { sequenceNotUsed: dataset.sequenceNotUsed } : {}),
    heads: trained.reports,
    unsupported,
    validationNdcg10,
    bestSingleFeature,
    ...(blend ? { blend: blend.report } : {}),
    tradeoff: full ? tradeoffGrid(model, validation) : [],
    diversity: full ? diversityReport(index, compiled.score(validation.features, validation.size), validation) : [],
    importance: featureImportance(model, 'play', 15).map((entry) => ({ feature: entry.feature, gain: round(entry.gain) })),
    itemVectors: dataset.itemVectors,
    seconds: round((performance.now() - dataset.started) / 1000),
  };
  model.training = { ...report };
  return { model, report };
}

const BLEND_FEATURES = ['list_share_ease', 'list_share_rp3beta', 'list_share_coListening', 'list_share_itemVectors', 'factor_share', 'list_rank_ease'] as const;

/**
 * The served combination: headScale × (standardized weighted heads) + linear weights on the
 * neighbour-list and factor shares, chosen by coordinate ascent on the validation listeners'
 * unheard candidates (what a discovery list ranks). Seven numbers, so validation picks them
 * without overfitting; starting from EASE's list alone, the blend is never worse than it there.
 * The trees learn on a log with its labels removed, where the lists are weaker than the served
 * ones; anchoring the score on the lists keeps that skew from reordering the top of the list.
 * `bagging` defaults to one search here; the training path (fitRankerHeads) passes DEFAULT_BLEND_BAGS.
 */
export function fitServedBlend(
  model: HomeRankerModel,
  rows: RankerRows,
  say: (line: string) => void,
  maxHeadScale = DEFAULT_MAX_HEAD_SCALE,
  minEaseShare = 0,
  bagging: { bags: number; seed: number } = { bags: 0, seed: 42 },
  reference = 0,
): { linear: Record<string, number>; headScale: number; linearReference?: number; report: NonNullable<RankerTrainingReport['blend']> } {
  // NaN would silently lift the cap (no `value > NaN` is true), a negative one would silently drop the heads
  if (!(maxHeadScale >= 0)) throw new RangeError(`fitServedBlend: maxHeadScale must be a number ≥ 0 (the largest weight of the standardized heads; 0 = the lists alone), got ${maxHeadScale}`);
  if (!Number.isInteger(bagging.bags) || bagging.bags < 0) throw new RangeError(`fitServedBlend: bags must be a whole number ≥ 0 (bootstrap resamples of the validation listeners whose blends are averaged; 0 = one search on all of them), got ${bagging.bags}`);
  const F = HOME_FEATURE_COUNT;
  const n = rows.size;
  const heads = compileRanker({ ...model, linear: undefined, headScale: 1 }).score(rows.features, n);
  // standardize the heads' sum so headScale is on the lists' 0..1 scale
  let mean = 0;
  for (let r = 0; r < n; r++) mean += heads[r]!;
  mean /= Math.max(1, n);
  let variance = 0;
  for (let r = 0; r < n; r++) variance += (heads[r]! - mean) ** 2;
  const spread = Math.sqrt(variance / Math.max(1, n)) || 1;
  const novelty = HOME_FEATURES.indexOf('novelty');
  if (!(Number.isInteger(reference) && reference >= 0)) throw new RangeError(`fitServedBlend: reference must be a whole number ≥ 0 (the rank whose value each list column is measured from, per listener; 0 = the columns as they are), got ${reference}`);
  const columns = BLEND_FEATURES.map((name) => HOME_FEATURES.indexOf(name));
  const C = columns.length;
  // the blend's columns as the served ranker reads them (per listener, from the R-th largest value with `reference`).
  // Copied even without `reference` (then the same float32 values): the search below scores every row
  // a hundred times and more, and six packed columns read faster than six scattered over each feature
  // row (HOME_FEATURE_COUNT wide): reading them in place measured 1.2–1.7× slower on 100k rows.
  const values = new Float32Array(n * C);
  const heap = new Float64Array(reference);
  for (let g = 0; g + 1 < rows.groups.length; g++) {
    const first = rows.groups[g]!;
    const count = rows.groups[g + 1]! - first;
    for (let j = 0; j < C; j++) {
      const f = columns[j]!;
      const { top, at } = reference > 0 ? columnReference(rows.features, F, f, first, count, reference, heap) : { top: 0, at: 0 };
      const scale = top > at ? 1 / (top - at) : 1;
      const offset = top > at ? at : 0;
      for (let r = first; r < first + count; r++) values[r * C + j] = (rows.features[r * F + f]! - offset) * scale;
    }
  }
  const scores = new Float32Array(n);
  const scoreRows = (weights: number[], scale: number): Float32Array => {
    for (let r = 0; r < n; r++) {
      if (rows.features[r * F + novelty] === 0) {
        scores[r] = -1e9;
        continue;
      }
      let value = (scale * (heads[r]! - mean)) / spread;
      for (let j = 0; j < C; j++) if (weights[j] !== 0) value += weights[j]! * values[r * C + j]!;
      scores[r] = value;
    }
    return scores;
  };
  const evaluate = (weights: number[], scale: number): number => meanNdcg(scoreRows(weights, scale), rows.labels.play, rows.groups);
  const easeList = evaluate([Math.max(1, minEaseShare), 0, 0, 0, 0, 0], 0);
  const headsOnly = evaluate([0, 0, 0, 0, 0, 0], 1);
  let weightsFound: number[];
  let headScale: number;
  let best: number;
  if (bagging.bags === 0) {
    ({ values: weightsFound, headScale, best } = greedyBlend(evaluate, C, maxHeadScale, minEaseShare));
  } else {
    // Bagging: the same greedy search on `bags` bootstrap resamples of the validation listeners,
    // its weights averaged. One search on ~500 listeners takes a path that a few listeners can
    // change (which weight moves first decides where it ends); the average keeps what most
    // resamples agree on and shrinks a weight that only some of them wanted.
    const groups = new TopTenNdcg(rows.labels.play, rows.groups);
    const counts = new Float64Array(groups.count);
    // base's mulberry32 gives uint32s: / 2³² is [0, 1), the same draws the bagging was validated with
    const next = mulberry32(bagging.seed ^ 0x5bd1e995);
    const random = () => next() / 4294967296;
    const sum = [0, 0, 0, 0, 0, 0];
    let scaleSum = 0;
    for (let b = 0; b < bagging.bags; b++) {
      counts.fill(0);
      // a bootstrap resample of the listeners with a positive (the only ones NDCG counts)
      for (let i = 0; i < groups.scored.length; i++) counts[groups.scored[Math.floor(random() * groups.scored.length)]!]! += 1;
      const weighted = (weights: number[], scale: number) => groups.weightedMean(scoreRows(weights, scale), counts);
      const bag = greedyBlend(weighted, C, maxHeadScale, minEaseShare);
      for (let j = 0; j < sum.length; j++) sum[j]! += bag.values[j]!;
      scaleSum += bag.headScale;
    }
    // rounded so the served weights print as the report's numbers
    weightsFound = sum.map((total) => Math.round((total / bagging.bags) * 10_000) / 10_000);
    headScale = Math.round((scaleSum / bagging.bags) * 10_000) / 10_000;
    best = evaluate(weightsFound, headScale);
  }
  const linear: Record<string, number> = {};
  BLEND_FEATURES.forEach((name, j) => {
    if (weightsFound[j] !== 0) linear[name] = weightsFound[j]!;
  });
  // the heads enter compileRanker's sum unstandardized: fold the spread into headScale (the mean is a constant per row)
  const served = round(best);
  const how = bagging.bags === 0 ? '' : ` (mean of ${bagging.bags} bootstrap resamples' searches)`;
  const measured = reference > 0 ? ` (each list column from its ${reference}th value per listener)` : '';
  say(`served blend${how}${measured}: ${Object.entries(linear).map(([name, weight]) => `${weight}×${name}`).join(' + ') || '(no list terms)'} + ${headScale}×heads — validation NDCG@10 ${served} (EASE list alone ${round(easeList)}, heads alone ${round(headsOnly)}; unheard candidates)`);
  return {
    linear,
    headScale: headScale / spread,
    ...(reference > 0 ? { linearReference: reference } : {}),
    report: { linear, headScale, maxHeadScale, ...(bagging.bags === 0 ? {} : { bags: bagging.bags }), ...(reference > 0 ? { reference } : {}), ndcg10: { easeList: round(easeList), heads: round(headsOnly), served } },
  };
}

/**
 * Coordinate ascent over the list weights and the heads' weight on a fixed grid, two passes,
 * starting from EASE's list alone. Always from EASE's list, even when the heads alone beat it:
 * these listeners' lists were rebuilt without their labels, and what the heads gain on them did
 * not carry over to serving (Last.fm validation split, session 4: starting from the heads 0.1648
 * NDCG@10, from EASE 0.1783).
 */
function greedyBlend(evaluate: (weights: number[], scale: number) => number, count: number, maxHeadScale: number, minEaseShare: number): { values: number[]; headScale: number; best: number } {
  const values = [Math.max(1, minEaseShare), ...new Array<number>(count - 1).fill(0)];
  let headScale = 0;
  let best = evaluate(values, 0);
  const grid = [0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5];
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j <= count; j++) {
      for (const value of grid) {
        const weights = [...values];
        let scale = headScale;
        if (j === count) {
          if (value > maxHeadScale) continue;
          scale = value;
        } else if (j === 0 && value < minEaseShare) continue;
        else weights[j] = value;
        if (weights.every((weight) => weight === 0) && scale === 0) continue;
        const ndcg = evaluate(weights, scale);
        if (ndcg > best + 1e-6) {
          best = ndcg;
          if (j === count) headScale = value;
          else values[j] = value;
        }
      }
    }
  }
  return { values, headScale, best };
}

/**
 * NDCG@10 per listener (group) with each group's ideal DCG computed once, and a weighted mean over
 * groups; the same ranking as ndcgOfGroup (score descending, then row order) from a top-10
 * selection instead of a sort of every candidate.
 */
export class TopTenNdcg {
  readonly count: number;
  /** groups with a positive label (the others have no NDCG) */
  readonly scored: Int32Array;
  private readonly ideal: Float64Array;
  private readonly top = new Int32Array(10);

  constructor(
    private readonly labels: Float32Array,
    private readonly groups: number[],
  ) {
    this.count = groups.length - 1;
    this.ideal = new Float64Array(this.count);
    const scored: number[] = [];
    for (let g = 0; g < this.count; g++) {
      const gains: number[] = [];
      for (let r = groups[g]!; r < groups[g + 1]!; r++) gains.push(Math.max(0, labels[r]!));
      gains.sort((a, b) => b - a);
      let ideal = 0;
      for (let i = 0; i < Math.min(10, gains.length); i++) ideal += gains[i]! / Math.log2(i + 2);
      this.ideal[g] = ideal;
      if (ideal > 0) scored.push(g);
    }
    this.scored = Int32Array.from(scored);
  }

  /** Σ weight × NDCG@10 over the scored groups / Σ weight (0 when every weight is 0) */
  weightedMean(scores: Float32Array, weights: Float64Array): number {
    let sum = 0;
    let total = 0;
    const top = this.top;
    for (const g of this.scored) {
      const w = weights[g]!;
      if (w === 0) continue;
      const start = this.groups[g]!;
      const end = this.groups[g + 1]!;
      // insertion into the best 10 so far: ahead = higher score, or equal score and earlier row
      let filled = 0;
      for (let r = start; r < end; r++) {
        const s = scores[r]!;
        if (filled === 10 && !(s > scores[top[9]!]!)) continue;
        let i = filled < 10 ? filled++ : 9;
        while (i > 0 && s > scores[top[i - 1]!]!) {
          top[i] = top[i - 1]!;
          i--;
        }
        top[i] = r;
      }
      let dcg = 0;
      for (let i = 0; i < filled; i++) dcg += Math.max(0, this.labels[top[i]!]!) / Math.log2(i + 2);
      sum += w * (dcg / this.ideal[g]!);
      total += w;
    }
    return total > 0 ? sum / total : 0;
  }
}

/** weight × one feature column of row-major rows */
function columnTimes(features: Float32Array, rows: number, column: number, weight: number): Float32Array {
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = weight * features[r * HOME_FEATURE_COUNT + column]!;
  return out;
}

function sameLabels(rows: RankerRows, a: HomeObjective, b: HomeObjective): boolean {
  for (let r = 0; r < rows.size; r++) if ((rows.labels[a][r]! > 0) !== (rows.labels[b][r]! > 0)) return false;
  return true;
}

function bestSingle(rows: RankerRows, labels: Float32Array): { name: string; ndcg10: number } {
  let best = { name: HOME_FEATURES[0] as string, ndcg10: -1 };
  const column = new Float32Array(rows.size);
  for (let f = 0; f < HOME_FEATURE_COUNT; f++) {
    for (const sign of [1, -1]) {
      for (let r = 0; r < rows.size; r++) column[r] = sign * rows.features[r * HOME_FEATURE_COUNT + f]!;
      const ndcg = meanNdcg(column, labels, rows.groups);
      if (ndcg > best.ndcg10) best = { name: `${sign < 0 ? '−' : ''}${HOME_FEATURES[f]}`, ndcg10: round(ndcg) };
    }
  }
  return best;
}

/** Each objective's NDCG@10 when the served score weighs the heads differently (play weight 1). */
function tradeoffGrid(model: HomeRankerModel, rows: RankerRows): RankerTrainingReport['tradeoff'] {
  const objectives = model.heads.map((head) => head.objective).filter((objective) => objective !== 'play');
  if (objectives.length === 0) return [];
  const grid: Array<Partial<Record<HomeObjective, number>>> = [{}];
  const steps: Record<HomeObjective, number[]> = { play: [1], save: [0, 0.25, 0.5, 1], listen: [0, 0.25, 0.5, 1], skip: [0, -0.25, -0.5, -1] };
  for (const objective of objectives) {
    const next: typeof grid = [];
    for (const entry of grid) for (const value of steps[objective]) next.push({ ...entry, [objective]: value });
    grid.splice(0, grid.length, ...next);
  }
  // each head's standardized margins and the linear part once; a grid entry only recombines them
  const n = rows.size;
  const base = compileRanker({ ...model, heads: [] }).score(rows.features, n);
  const single = compileRanker(model);
  const margins = model.heads.map((head) => {
    const out = single.scoreHead(head.objective, rows.features, n);
    for (let r = 0; r < n; r++) out[r] = (out[r]! - head.mean) / head.scale;
    return { objective: head.objective, out };
  });
  const headScale = model.headScale ?? 1;
  const scores = new Float32Array(n);
  return grid.map((weights) => {
    const resolved: Record<string, number> = { play: 1, save: 0, skip: 0, listen: 0, ...weights };
    scores.set(base);
    for (const { objective, out } of margins) {
      const factor = headScale * (resolved[objective] ?? 0);
      if (factor !== 0) for (let r = 0; r < n; r++) scores[r]! += factor * out[r]!;
    }
    const ndcg10: Record<string, number> = {};
    for (const head of model.heads) ndcg10[head.objective] = round(meanNdcg(scores, rows.labels[head.objective], rows.groups));
    return { weights: { play: 1, ...weights } as Record<string, number>, ndcg10 };
  });
}

/** NDCG@10, coverage, intra-list diversity and novelty of the plain ranking vs MMR re-ranking. */
function diversityReport(index: HomeIndex, scores: Float32Array, rows: RankerRows): RankerTrainingReport['diversity'] {
  const out: RankerTrainingReport['diversity'] = [];
  const dim = index.itemDim;
  let maxListeners = 1;
  for (let t = 0; t < index.listenerCount.length; t++) maxListeners = Math.max(maxListeners, index.listenerCount[t]!);
  for (const ranking of ['plain', 'MMR λ 0.75, ≤ 2 per artist']) {
    let ndcg = 0;
    let counted = 0;
    let ildVectors = 0;
    let ildArtist = 0;
    let novelty = 0;
    let lists = 0;
    const covered = new Set<number>();
    for (let g = 0; g + 1 < rows.groups.length; g++) {
      const start = rows.groups[g]!;
      const end = rows.groups[g + 1]!;
      const order = Array.from({ length: end - start }, (_unused, i) => start + i).sort((a, b) => scores[b]! - scores[a]! || a - b);
      let top: number[];
      if (ranking === 'plain') top = order.slice(0, 10);
      else {
        const tracks = Int32Array.from(order, (r) => rows.tracks[r]!);
        const relevance = Float32Array.from(order, (r) => scores[r]!);
        const picked = selectDiverse(index, tracks, relevance, { limit: 10, lambda: 0.75, artistCap: 2 });
        const rowOf = new Map<number, number>();
        for (const r of order) rowOf.set(rows.tracks[r]!, r);
        top = Array.from(picked, (track) => rowOf.get(track)!);
      }
      const labels = rows.labels.play;
      let dcg = 0;
      let ideal = 0;
      const positives = [...Array(end - start).keys()].filter((i) => labels[start + i]! > 0).length;
      for (let i = 0; i < Math.min(10, positives); i++) ideal += 1 / Math.log2(i + 2);
      top.forEach((r, i) => (dcg += (labels[r]! > 0 ? 1 : 0) / Math.log2(i + 2)));
      if (ideal > 0) {
        ndcg += dcg / ideal;
        counted++;
      }
      if (top.length < 2) continue;
      lists++;
      let pairs = 0;
      let similarity = 0;
      let sameArtist = 0;
      for (let i = 0; i < top.length; i++) {
        const a = rows.tracks[top[i]!]!;
        covered.add(a);
        novelty += -Math.log2(Math.max(1, index.listenerCount[a]!) / maxListeners) / top.length;
        for (let j = i + 1; j < top.length; j++) {
          const b = rows.tracks[top[j]!]!;
          let dot = 0;
          for (let d = 0; d < dim; d++) dot += index.itemVectors[a * dim + d]! * index.itemVectors[b * dim + d]!;
          similarity += dot;
          if (index.store.trackPrimaryArtist[a] === index.store.trackPrimaryArtist[b]) sameArtist++;
          pairs++;
        }
      }
      ildVectors += 1 - similarity / pairs;
      ildArtist += 1 - sameArtist / pairs;
    }
    out.push({
      ranking,
      ndcg10: round(ndcg / Math.max(1, counted)),
      coverage10: round(covered.size / index.store.trackCount),
      ildVectors10: round(ildVectors / Math.max(1, lists)),
      ildArtist10: round(ildArtist / Math.max(1, lists)),
      novelty10: round(novelty / Math.max(1, lists)),
    });
  }
  return out;
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

