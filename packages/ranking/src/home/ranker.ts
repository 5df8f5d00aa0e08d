// The Home ranker as the bundle stores it (models/ranker.json): one LambdaMART head per
// objective the log supports (XGBoost JSON models, trained offline through @mixtape/native),
// each standardized on validation candidates; the served score is a weighted sum of heads with
// weights from config. A hand-set linear model remains for bundles without a trained ranker —
// it is never served silently: the model says `kind: "heuristic"` and why (`fallback`).
import { z } from 'zod';
import { HOME_FEATURES, HOME_FEATURES_BEFORE_SEQUENCE, HOME_FEATURES_BEFORE_SUCCESSOR, HOME_FEATURE_COUNT, HOME_FEATURE_TAIL } from './features';
import type { HomeFeature } from './features';
import { selectTopK } from '@mixtape/base';
import { featureGains, scoreTreeRows, treeEnsembleFromXGBoost } from './trees';
import type { TreeEnsemble } from './trees';

export const RANKER_FORMAT = 'mixtape-home-ranker';

/** The objectives a head can learn; each needs its event types in the log. */
export const HOME_OBJECTIVES = ['play', 'save', 'skip', 'listen'] as const;
export type HomeObjective = (typeof HOME_OBJECTIVES)[number];
export const OBJECTIVE_LABELS: Readonly<Record<HomeObjective, string>> = {
  play: 'played: any play, complete, save or playlist add of the track (1) or not (0)',
  save: 'saved or added to a playlist (1) or not (0)',
  skip: 'skipped without a later positive event (1) or not (0); served with a negative weight',
  listen: 'listening time: the share of the track listened, in quarters (0–4; complete = 4)',
};
/** Served weights when config says nothing: play dominates, saves and listening time help, skips cost. */
export const DEFAULT_OBJECTIVE_WEIGHTS: Readonly<Record<HomeObjective, number>> = { play: 1, save: 0.25, skip: -0.25, listen: 0.25 };

const HeadSchema = z.object({
  objective: z.enum(HOME_OBJECTIVES),
  label: z.string(),
  /** the XGBoost JSON model text as the library saved it (XGBoosterSaveModelToBuffer, format json) */
  xgboost: z.string(),
  rounds: z.number().int().nonnegative(),
  /**
   * trained from a base margin (weight × that feature per row): the trees are a residual over
   * it, and the head's margin adds it back
   */
  baseMargin: z.object({ feature: z.string(), weight: z.number() }).optional(),
  /** served score uses (margin − mean) / scale, measured on validation candidates */
  mean: z.number(),
  scale: z.number().positive(),
  validation: z.record(z.string(), z.number()),
});

export const RankerModelSchema = z.object({
  format: z.literal(RANKER_FORMAT),
  version: z.literal(2),
  kind: z.enum(['lambdamart', 'heuristic']),
  features: z.array(z.string()),
  heads: z.array(HeadSchema),
  /** default served weights per objective (config overrides them) */
  weights: z.record(z.string(), z.number()),
  /**
   * hand-set linear weights by feature name: the whole score of kind "heuristic"; added to the
   * heads of kind "lambdamart" (e.g. a popularity blend for power studies)
   */
  linear: z.record(z.string(), z.number()).optional(),
  /** multiplies the heads' weighted sum (default 1) */
  headScale: z.number().nonnegative().optional(),
  /**
   * R > 0: each linear term reads its column per listener as (x − x_R) / (x_max − x_R), x_R the
   * column's R-th largest value among the listener's candidates (the eval blend's normalisation);
   * absent: the column as it is
   */
  linearReference: z.number().int().positive().optional(),
  /** why this bundle serves the heuristic (kind "heuristic") */
  fallback: z.string().optional(),
  /**
   * the popularity the ranker was trained with (HomeData.popularity): serving builds its index
   * with the same, so the popularity feature, chart and artist lists mean what they meant in
   * training; absent: the catalog's
   */
  popularity: z.enum(['catalog', 'log']).optional(),
  training: z.record(z.string(), z.unknown()).optional(),
});
export type HomeRankerModel = z.infer<typeof RankerModelSchema>;
export type HomeRankerHead = HomeRankerModel['heads'][number];

/**
 * Parses and checks a serialized model; the feature list must match this code's features, or
 * their list before the successor columns were appended (those trees never read the new columns).
 */
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
    throw new Error(`${where}: not a Home ranker model (format ${RANKER_FORMAT} version 2): ${issues}`);
  }
  const model = result.data;
  // a model trained before the successor columns were appended reads the same leading columns
  const features = model.features.join(',');
  const legacy = features === HOME_FEATURES_BEFORE_SUCCESSOR.join(',') || features === HOME_FEATURES_BEFORE_SEQUENCE.join(',');
  if (features !== HOME_FEATURES.join(',') && !legacy) {
    throw new Error(`${where}: model features [${model.features.join(', ')}] differ from this build's [${HOME_FEATURES.join(', ')}] (and from its lists before the successor and the sequence columns); rebuild the bundle`);
  }
  const featureCount = model.features.length;
  if (model.kind === 'lambdamart' && model.heads.length === 0) throw new Error(`${where}: a lambdamart model needs at least one head`);
  if (model.kind === 'heuristic' && !model.fallback) throw new Error(`${where}: a heuristic model must say why it is served (fallback)`);
  for (const head of model.heads) {
    if (head.baseMargin && !HOME_FEATURES.includes(head.baseMargin.feature as HomeFeature)) throw new Error(`${where}: head ${head.objective} starts from feature "${head.baseMargin.feature}", which this build does not compute`);
    const trees = treeEnsembleFromXGBoost(head.xgboost, `${where}: head ${head.objective}`);
    if (trees.featureCount !== featureCount) throw new Error(`${where}: head ${head.objective} was trained on ${trees.featureCount} features, expected ${featureCount} (the model's feature list)`);
  }
  return model;
}

const HEURISTIC_WEIGHTS: Partial<Record<HomeFeature, number>> = {
  list_share_ease: 1,
  list_share_rp3beta: 0.6,
  list_share_coListening: 0.4,
  list_share_itemVectors: 0.3,
  factor_share: 0.6,
  list_rank_ease: 0.2,
  source_count: 0.05,
  user_similarity: 0.5,
  artist_affinity: 0.5,
  genre_affinity: 0.2,
  popularity: 0.1,
  skip_rate: -1,
  audio_distance: -0.3,
};

/**
 * Hand-set weights: what serves when a bundle has no trained ranker, with the reason stated
 * (and the bar a trained ranker must clear in its report).
 */
export function heuristicRankerModel(fallback: string): HomeRankerModel {
  return {
    format: RANKER_FORMAT,
    version: 2,
    kind: 'heuristic',
    features: [...HOME_FEATURES],
    heads: [],
    weights: { ...DEFAULT_OBJECTIVE_WEIGHTS },
    linear: Object.fromEntries(Object.entries(HEURISTIC_WEIGHTS).filter((entry): entry is [string, number] => entry[1] !== undefined)),
    fallback,
  };
}

/**
 * Whether a ranker reads the sequence columns, so serving should ask the next-track model: only a
 * trained (lambdamart) ranker whose layout holds them. The heuristic lists every feature but gives
 * the sequence columns no weight, so asking for it would cost a model call and change the page.
 */
export function rankerReadsSequence(model: HomeRankerModel): boolean {
  return model.kind === 'lambdamart' && model.features.includes('sequence_share');
}

/** A model ready to score: heads flattened into typed-array trees, weights resolved. */
export interface CompiledRanker {
  model: HomeRankerModel;
  kind: HomeRankerModel['kind'];
  /** heads actually scored (non-zero weight) with their served weights */
  heads: Array<{ objective: HomeObjective; weight: number; trees: TreeEnsemble; mean: number; scale: number }>;
  weights: Record<HomeObjective, number>;
  /** rows a page scores with the trees (the best by the linear blend; the rest keep its order below them) */
  treeRows: number;
  /** scores n feature rows into `out` (row-major, HOME_FEATURE_COUNT per row), every row with the trees */
  score(features: Float32Array, n: number, out?: Float32Array): Float32Array;
  /**
   * One listener's candidates as a page serves them: the linear blend over every row, the trees
   * only over the `treeRows` best by it; the other rows keep the blend's order below those.
   * Equals selectTreeRows then finishPage.
   */
  scorePage(features: Float32Array, n: number, out?: Float32Array): Float32Array;
  /**
   * Page step 1: the linear blend of every row into `out`, and the rows the trees must score
   * (a view of scratch, valid until the next call), or undefined for every row. When it returns
   * rows, it read only the columns before HOME_FEATURE_TAIL, so the rest can be computed for
   * those rows alone.
   */
  selectTreeRows(features: Float32Array, n: number, out: Float32Array): Int32Array | undefined;
  /** Page step 2: the heads over the chosen rows (every row when undefined), the rest below them. */
  finishPage(features: Float32Array, n: number, out: Float32Array, rows: Int32Array | undefined): Float32Array;
  /** one head's raw margins (offline reports, the library-equality test); a residual head's include its base margin */
  scoreHead(objective: HomeObjective, features: Float32Array, n: number, out?: Float32Array): Float32Array;
}

export interface RankerServingOptions {
  /** rows per page the trees score (default 150; Infinity: every candidate) */
  treeRows?: number;
}

export const DEFAULT_TREE_ROWS = 150;

/** Compiles a model for serving; `weights` (from config) override the model's per objective. */
export function compileRanker(model: HomeRankerModel, weights: Partial<Record<HomeObjective, number>> = {}, serving: RankerServingOptions = {}): CompiledRanker {
  const resolved = { ...DEFAULT_OBJECTIVE_WEIGHTS, ...(model.weights as Partial<Record<HomeObjective, number>>), ...weights } as Record<HomeObjective, number>;
  const all = model.heads.map((head) => ({
    objective: head.objective,
    weight: resolved[head.objective],
    trees: treeEnsembleFromXGBoost(head.xgboost),
    mean: head.mean,
    scale: head.scale,
    marginColumn: head.baseMargin ? HOME_FEATURES.indexOf(head.baseMargin.feature as HomeFeature) : -1,
    marginWeight: head.baseMargin?.weight ?? 0,
  }));
  const headScale = model.kind === 'lambdamart' ? (model.headScale ?? 1) : 0;
  // a head weighted 0 (or every head, when the blend gives them no weight) is never walked
  const heads = headScale === 0 ? [] : all.filter((head) => head.weight !== 0);
  const linear = new Float64Array(HOME_FEATURE_COUNT);
  HOME_FEATURES.forEach((name, f) => (linear[f] = model.linear?.[name] ?? 0));
  const linearColumns = Int32Array.from(HOME_FEATURES.map((_name, f) => f).filter((f) => linear[f] !== 0));
  const treeRows = Math.max(1, serving.treeRows ?? DEFAULT_TREE_ROWS);
  if (!(treeRows === Infinity || Number.isInteger(treeRows))) throw new RangeError(`treeRows must be a positive integer or Infinity, got ${serving.treeRows}`);
  const F = HOME_FEATURE_COUNT;
  // per-ranker scratch: scoring is synchronous, so one set serves every request
  let headBuffer = new Float32Array(1024);
  let sumBuffer = new Float32Array(1024);
  const topCount = Number.isFinite(treeRows) ? treeRows : 0;
  const topRows = new Int32Array(topCount);
  const topScores = new Float32Array(topCount);
  let isTop = new Uint8Array(1024);

  const reference = model.linearReference ?? 0;
  const heap = new Float64Array(reference);
  const linearInto = (features: Float32Array, n: number, out: Float32Array) => {
    out.fill(0, 0, n);
    for (let j = 0; j < linearColumns.length; j++) {
      const f = linearColumns[j]!;
      let weight = linear[f]!;
      let offset = 0;
      if (reference > 0) {
        const { top, at } = columnReference(features, F, f, 0, n, reference, heap);
        // the R largest values tie (or there are no rows): no spread to measure from, the column is read as it is
        if (top > at) {
          weight /= top - at;
          offset = at;
        }
      }
      for (let r = 0; r < n; r++) out[r]! += weight * (features[r * F + f]! - offset);
    }
  };
  /** Σ over heads of factor × (margin − mean) for the chosen rows, into sumBuffer[0..count) */
  const headsInto = (features: Float32Array, rowIndex: Int32Array | undefined, count: number) => {
    if (headBuffer.length < count) headBuffer = new Float32Array(count * 2);
    if (sumBuffer.length < count) sumBuffer = new Float32Array(count * 2);
    sumBuffer.fill(0, 0, count);
    for (const head of heads) {
      scoreTreeRows(head.trees, features, F, rowIndex, count, headBuffer);
      addBaseMargin(head, features, rowIndex, count, headBuffer);
      const factor = (headScale * head.weight) / head.scale;
      for (let i = 0; i < count; i++) sumBuffer[i]! += factor * (headBuffer[i]! - head.mean);
    }
  };
  const score = (features: Float32Array, n: number, out: Float32Array = new Float32Array(n)): Float32Array => {
    linearInto(features, n, out);
    if (heads.length === 0) return out;
    headsInto(features, undefined, n);
    for (let r = 0; r < n; r++) out[r]! += sumBuffer[r]!;
    return out;
  };
  // the trees score a subset only when the blend orders the rows from the list columns alone
  const canSelect = heads.length > 0 && topCount > 0 && linearColumns.length > 0 && linearColumns.every((f) => f < HOME_FEATURE_TAIL);
  const selectTreeRows = (features: Float32Array, n: number, out: Float32Array): Int32Array | undefined => {
    linearInto(features, n, out);
    if (!canSelect || n <= topCount) return undefined;
    const kept = selectTopK(out, topCount, topRows, topScores, 0, n);
    return topRows.subarray(0, kept);
  };
  const finishPage = (features: Float32Array, n: number, out: Float32Array, rows: Int32Array | undefined): Float32Array => {
    // no selection: the blend may read tail columns, which are filled only after selectTreeRows
    if (!rows) return score(features, n, out);
    const kept = rows.length;
    headsInto(features, rows, kept);
    if (isTop.length < n) isTop = new Uint8Array(n * 2);
    let lowestTop = Infinity;
    for (let i = 0; i < kept; i++) {
      const r = rows[i]!;
      isTop[r] = 1;
      out[r]! += sumBuffer[i]!;
      lowestTop = Math.min(lowestTop, out[r]!);
    }
    let highestRest = -Infinity;
    for (let r = 0; r < n; r++) if (!isTop[r]) highestRest = Math.max(highestRest, out[r]!);
    // the rest keep their blend order, shifted below the lowest tree-scored row
    const shift = lowestTop - highestRest - 1;
    if (shift < 0) for (let r = 0; r < n; r++) if (!isTop[r]) out[r]! += shift;
    for (let i = 0; i < kept; i++) isTop[rows[i]!] = 0;
    return out;
  };
  const scorePage = (features: Float32Array, n: number, out = new Float32Array(n)): Float32Array => finishPage(features, n, out, selectTreeRows(features, n, out));
  const scoreHead = (objective: HomeObjective, features: Float32Array, n: number, out = new Float32Array(n)): Float32Array => {
    const head = all.find((entry) => entry.objective === objective);
    if (!head) throw new RangeError(`the ranker has no ${objective} head (heads: ${all.map((entry) => entry.objective).join(', ') || 'none'})`);
    return addBaseMargin(head, features, undefined, n, scoreTreeRows(head.trees, features, F, undefined, n, out));
  };
  return { model, kind: model.kind, heads, weights: resolved, treeRows, score, scorePage, selectTreeRows, finishPage, scoreHead };
}

/**
 * The largest value of column f over rows [first, first + n) and its R-th largest (the smallest
 * when there are fewer rows): a size-R min-heap in `heap` (length ≥ R), so no row allocates.
 */
export function columnReference(features: Float32Array, F: number, f: number, first: number, n: number, R: number, heap: Float64Array): { top: number; at: number } {
  let size = 0;
  let top = -Infinity;
  for (let r = first; r < first + n; r++) {
    const x = features[r * F + f]!;
    if (x > top) top = x;
    if (size < R) {
      // sift up
      let i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (heap[parent]! <= x) break;
        heap[i] = heap[parent]!;
        i = parent;
      }
      heap[i] = x;
    } else if (x > heap[0]!) {
      // replace the smallest kept value, sift down
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= size) break;
        const child = left + 1 < size && heap[left + 1]! < heap[left]! ? left + 1 : left;
        if (heap[child]! >= x) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = x;
    }
  }
  return { top, at: size > 0 ? heap[0]! : 0 };
}

/** A residual head's margin: its trees plus weight × its base feature (XGBoost's prediction with that base margin, plus the constant base_score). */
function addBaseMargin(head: { marginColumn: number; marginWeight: number }, features: Float32Array, rowIndex: Int32Array | undefined, count: number, out: Float32Array): Float32Array {
  if (head.marginColumn < 0) return out;
  const F = HOME_FEATURE_COUNT;
  for (let i = 0; i < count; i++) out[i]! += head.marginWeight * features[(rowIndex === undefined ? i : rowIndex[i]!) * F + head.marginColumn]!;
  return out;
}

/** Gain importance per feature for one head (shares summing to 1), best first. */
export function featureImportance(model: HomeRankerModel, objective: HomeObjective = 'play', top = HOME_FEATURE_COUNT): Array<{ feature: string; gain: number }> {
  const head = model.heads.find((entry) => entry.objective === objective);
  if (!head) return [];
  const gains = featureGains(treeEnsembleFromXGBoost(head.xgboost));
  return HOME_FEATURES.map((feature, f) => ({ feature, gain: gains[f] ?? 0 }))
    .filter((entry) => entry.gain > 0)
    .sort((a, b) => b.gain - a.gain)
    .slice(0, top);
}

/** NDCG@k of one ranked group: rows sorted by score; gains are max(0, label) (linear gain). */
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
