// The harness: fit a model on split.train, recommend top-K over the full catalog for every
// evaluated row with its training items excluded, score each row, bootstrap over rows.
import { Random, ProgressTracker, type Logger, type ProgressCallback } from '@mixtape/base';
import type { BootstrapOptions, ConfidenceInterval } from './bootstrap';
import { bootstrapMean } from './bootstrap';
import type { CsrMatrix } from '@mixtape/embeddings';
import { columnCounts } from '@mixtape/embeddings';
import * as listMetrics from './metrics';
import type { RelevanceSet } from './metrics';
import type { FitContext, Recommender } from './recommender';
import type { Split } from './splits';

export interface EvaluationOptions {
  /** Cutoffs, e.g. [10, 50]. */
  ks: number[];
  /** Artist of each item (-1 unknown): enables ILD by artist. */
  itemArtist?: Int32Array;
  /** The dataset's catalog (handed to models through FitContext.store). */
  store?: FitContext['store'];
  /** Item vectors (numItems × dim): enables ILD by vectors. */
  itemVectors?: { vectors: Float32Array; dim: number };
  bootstrap?: BootstrapOptions;
  /** Queries handed to recommend() at once (default 256). */
  batchSize?: number;
  /**
   * Also rank each row's test items against this many negatives drawn uniformly from the items
   * the row never had (SASRec's sampled protocol, for comparison with papers), reported as
   * "HitRate@K (sampled)" / "NDCG@K (sampled)" beside the full-catalog metrics. Needs
   * Recommender.scoreItems.
   */
  sampledNegatives?: number;
  seed?: number;
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: ProgressCallback;
}

export interface MetricSummary extends ConfidenceInterval {
  /** e.g. "Recall@10" */
  name: string;
  /** false for catalog-level figures (coverage), which have no per-user bootstrap */
  perUser: boolean;
}

export interface ModelEvaluation {
  model: string;
  notes?: string;
  fitSeconds: number;
  recommendSeconds: number;
  evaluatedRows: number;
  metrics: MetricSummary[];
  /** Per evaluated row values, aligned with split.evalRows, for paired comparisons. */
  perRow: Record<string, Float64Array>;
}

export interface ExperimentResult {
  task: string;
  dataset: string;
  protocol: string;
  catalogItems: number;
  trainRows: number;
  trainInteractions: number;
  evaluatedRows: number;
  /** the evaluated rows' ids (split.evalRows), aligned with every model's perRow values */
  evaluatedRowIds?: Int32Array;
  ks: number[];
  /** Mean training popularity (share of users) of the held-out items: the reference for popularity bias. */
  heldOutPopularity: number;
  /** negatives per row of the sampled metrics, when they were computed */
  sampledNegatives?: number;
  models: ModelEvaluation[];
}

/** Throws if any test item is also a training item of the same row. */
export function assertNoLeakage(split: Split): void {
  const { train, test } = split;
  const mark = new Uint8Array(train.cols);
  for (let r = 0; r < test.rows; r++) {
    for (let e = train.indptr[r]!; e < train.indptr[r + 1]!; e++) mark[train.indices[e]!] = 1;
    for (let e = test.indptr[r]!; e < test.indptr[r + 1]!; e++) {
      if (mark[test.indices[e]!] === 1) throw new Error(`split leaks: row ${r} has item ${test.indices[e]} in both train and test`);
    }
    for (let e = train.indptr[r]!; e < train.indptr[r + 1]!; e++) mark[train.indices[e]!] = 0;
  }
}

class MaskSet implements RelevanceSet {
  size = 0;
  constructor(private readonly mask: Uint8Array) {}
  has(item: number): boolean {
    return this.mask[item] === 1;
  }
  load(matrix: CsrMatrix, row: number): void {
    for (let e = matrix.indptr[row]!; e < matrix.indptr[row + 1]!; e++) this.mask[matrix.indices[e]!] = 1;
    this.size = matrix.indptr[row + 1]! - matrix.indptr[row]!;
  }
  clear(matrix: CsrMatrix, row: number): void {
    for (let e = matrix.indptr[row]!; e < matrix.indptr[row + 1]!; e++) this.mask[matrix.indices[e]!] = 0;
    this.size = 0;
  }
}

function metricNames(options: EvaluationOptions): string[] {
  const names: string[] = [];
  const ks = [...new Set(options.ks)].sort((a, b) => a - b);
  const maxK = Math.max(...ks);
  for (const k of ks) names.push(`Recall@${k}`, `NDCG@${k}`, `HitRate@${k}`, `MAP@${k}`);
  names.push(`MRR@${maxK}`);
  for (const k of ks) {
    names.push(`Novelty@${k}`, `Popularity@${k}`);
    if (options.itemArtist) names.push(`ILD-artist@${k}`);
    if (options.itemVectors) names.push(`ILD-vectors@${k}`);
  }
  return names;
}

/** Fits and evaluates one model on a split. */
export async function evaluateModel(model: Recommender, split: Split, options: EvaluationOptions): Promise<ModelEvaluation> {
  const ks = [...new Set(options.ks)].sort((a, b) => a - b);
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k <= 0)) {
    throw new RangeError(`ks must be positive integers, got [${options.ks.join(', ')}]`);
  }
  const maxK = ks[ks.length - 1]!;
  const { train, test, evalRows } = split;
  const context: FitContext = {
    seed: options.seed,
    signal: options.signal,
    logger: options.logger,
    onProgress: options.onProgress,
    itemArtist: options.itemArtist,
    sequences: split.sequences,
    store: options.store,
    trainTime: split.trainTime,
  };
  options.logger?.info({ model: model.name, rows: train.rows, items: train.cols }, 'fitting');
  const fitStarted = performance.now();
  await model.fit(train, context);
  const fitSeconds = (performance.now() - fitStarted) / 1000;

  const itemUsers = columnCounts(train);
  const names = metricNames(options);
  const sampled = options.sampledNegatives !== undefined && options.sampledNegatives > 0 && model.scoreItems !== undefined;
  const sampledKs = sampled ? ks.filter((k) => k <= options.sampledNegatives! + 1) : [];
  for (const k of sampledKs) names.push(`HitRate@${k} (sampled)`, `NDCG@${k} (sampled)`);
  const perRow: Record<string, Float64Array> = {};
  for (const name of names) perRow[name] = new Float64Array(evalRows.length);
  const sampledCandidates = sampled ? sampleNegatives(split, options.sampledNegatives!, options.seed ?? 42) : undefined;
  const relevant = new MaskSet(new Uint8Array(train.cols));
  const trainMask = new Uint8Array(train.cols);
  const allLists = new Int32Array(evalRows.length * maxK);
  const batchSize = options.batchSize ?? 256;
  const progress = new ProgressTracker(`recommend ${model.name}`, 'rows', evalRows.length, options.onProgress, 2000);
  const recommendStarted = performance.now();
  for (let start = 0; start < evalRows.length; start += batchSize) {
    options.signal?.throwIfAborted();
    progress.update(start);
    const rows = evalRows.subarray(start, Math.min(evalRows.length, start + batchSize));
    const batch = { seeds: train, rows, sequences: split.sequences };
    const { items } = model.recommend(batch, maxK);
    if (sampledCandidates) {
      const { perQuery, candidates } = sampledCandidates;
      const scores = model.scoreItems!(batch, candidates.subarray(start * perQuery, (start + rows.length) * perQuery), perQuery);
      for (let q = 0; q < rows.length; q++) {
        const list = rankCandidates(candidates.subarray((start + q) * perQuery, (start + q + 1) * perQuery), scores.subarray(q * perQuery, (q + 1) * perQuery), test, rows[q]!);
        relevant.load(test, rows[q]!);
        for (const k of sampledKs) {
          perRow[`HitRate@${k} (sampled)`]![start + q] = listMetrics.hitRateAtK(list, relevant, k);
          perRow[`NDCG@${k} (sampled)`]![start + q] = listMetrics.ndcgAtK(list, relevant, k);
        }
        relevant.clear(test, rows[q]!);
      }
    }
    allLists.set(items, start * maxK);
    for (let q = 0; q < rows.length; q++) {
      const row = rows[q]!;
      const index = start + q;
      const list = items.subarray(q * maxK, (q + 1) * maxK);
      // Guard against models that ignore the exclusion contract.
      for (let e = train.indptr[row]!; e < train.indptr[row + 1]!; e++) trainMask[train.indices[e]!] = 1;
      for (let t = 0; t < list.length; t++) {
        if (list[t]! >= 0 && trainMask[list[t]!] === 1) {
          throw new Error(`${model.name} recommended training item ${list[t]} to row ${row}: seen items must be excluded`);
        }
      }
      for (let e = train.indptr[row]!; e < train.indptr[row + 1]!; e++) trainMask[train.indices[e]!] = 0;
      relevant.load(test, row);
      for (const k of ks) {
        perRow[`Recall@${k}`]![index] = listMetrics.recallAtK(list, relevant, k);
        perRow[`NDCG@${k}`]![index] = listMetrics.ndcgAtK(list, relevant, k);
        perRow[`HitRate@${k}`]![index] = listMetrics.hitRateAtK(list, relevant, k);
        perRow[`MAP@${k}`]![index] = listMetrics.averagePrecisionAtK(list, relevant, k);
        perRow[`Novelty@${k}`]![index] = listMetrics.noveltyAtK(list, k, itemUsers, train.rows);
        perRow[`Popularity@${k}`]![index] = listMetrics.averagePopularityAtK(list, k, itemUsers, train.rows);
        if (options.itemArtist) perRow[`ILD-artist@${k}`]![index] = listMetrics.intraListDiversityByArtist(list, k, options.itemArtist);
        if (options.itemVectors) {
          perRow[`ILD-vectors@${k}`]![index] = listMetrics.intraListDiversityByVectors(list, k, options.itemVectors.vectors, options.itemVectors.dim);
        }
      }
      perRow[`MRR@${maxK}`]![index] = listMetrics.reciprocalRankAtK(list, relevant, maxK);
      relevant.clear(test, row);
    }
  }
  progress.finish(evalRows.length);
  const recommendSeconds = (performance.now() - recommendStarted) / 1000;
  const metrics: MetricSummary[] = names.map((name, position) => ({
    name,
    perUser: true,
    ...bootstrapMean(perRow[name]!, { ...options.bootstrap, seed: (options.bootstrap?.seed ?? 1234) + position }),
  }));
  for (const k of ks) {
    const coverage = listMetrics.catalogCoverageAtK(allLists, maxK, k, train.cols);
    metrics.push({ name: `Coverage@${k}`, perUser: false, mean: coverage, lower: coverage, upper: coverage, confidence: 1 });
  }
  return { model: model.name, notes: model.notes, fitSeconds, recommendSeconds, evaluatedRows: evalRows.length, metrics, perRow };
}

/**
 * For every evaluated row: its test items, then `count` distinct negatives drawn uniformly from
 * the items the row has neither in train nor in test (seeded per row), padded with more
 * negatives up to the widest row. Candidate lists are `perQuery` long, aligned with evalRows.
 */
function sampleNegatives(split: Split, count: number, seed: number): { perQuery: number; candidates: Int32Array } {
  const { train, test, evalRows } = split;
  let widest = 0;
  for (const row of evalRows) widest = Math.max(widest, test.indptr[row + 1]! - test.indptr[row]!);
  const perQuery = widest + count;
  const candidates = new Int32Array(evalRows.length * perQuery).fill(-1);
  const taken = new Uint8Array(train.cols);
  evalRows.forEach((row, index) => {
    const base = index * perQuery;
    const marked: number[] = [];
    const mark = (item: number) => {
      if (taken[item] === 0) marked.push(item);
      taken[item] = 1;
    };
    for (let e = train.indptr[row]!; e < train.indptr[row + 1]!; e++) mark(train.indices[e]!);
    let filled = 0;
    for (let e = test.indptr[row]!; e < test.indptr[row + 1]!; e++) {
      candidates[base + filled++] = test.indices[e]!;
      mark(test.indices[e]!);
    }
    const available = train.cols - marked.length;
    const rng = new Random((seed * 1_000_003 + row * 7919 + 17) >>> 0, 'xoshiro128**');
    while (filled < perQuery && marked.length < train.cols && filled - (test.indptr[row + 1]! - test.indptr[row]!) < available) {
      const item = rng.int(train.cols);
      if (taken[item] === 1) continue;
      mark(item);
      candidates[base + filled++] = item;
    }
    for (const item of marked) taken[item] = 0;
  });
  return { perQuery, candidates };
}

/** Candidates ordered by score, highest first; a negative tied with a test item goes first (pessimistic). */
function rankCandidates(candidates: Int32Array, scores: Float32Array, test: CsrMatrix, row: number): Int32Array {
  const positives = new Set<number>();
  for (let e = test.indptr[row]!; e < test.indptr[row + 1]!; e++) positives.add(test.indices[e]!);
  const order = Array.from({ length: candidates.length }, (_, i) => i).filter((i) => candidates[i]! >= 0);
  order.sort((a, b) => scores[b]! - scores[a]! || Number(positives.has(candidates[a]!)) - Number(positives.has(candidates[b]!)) || a - b);
  return Int32Array.from(order, (i) => candidates[i]!);
}

export interface ExperimentOptions extends EvaluationOptions {
  task: string;
  dataset: string;
}

/** Evaluates several models on one split, one after another. */
export async function runExperiment(
  models: Recommender[],
  split: Split,
  options: ExperimentOptions,
): Promise<ExperimentResult> {
  assertNoLeakage(split);
  const itemUsers = columnCounts(split.train);
  let popularitySum = 0;
  for (let e = 0; e < split.test.indices.length; e++) popularitySum += itemUsers[split.test.indices[e]!]! / Math.max(1, split.train.rows);
  const results: ModelEvaluation[] = [];
  for (const model of models) {
    results.push(await evaluateModel(model, split, options));
    options.logger?.info({ model: model.name, fitSeconds: results[results.length - 1]!.fitSeconds }, 'evaluated');
  }
  return {
    task: options.task,
    dataset: options.dataset,
    protocol: `${split.protocol}; full-catalog ranking (${split.train.cols} items), the row's training items excluded`,
    catalogItems: split.train.cols,
    trainRows: split.train.rows,
    trainInteractions: split.train.indices.length,
    evaluatedRows: split.evalRows.length,
    evaluatedRowIds: Int32Array.from(split.evalRows),
    ks: [...new Set(options.ks)].sort((a, b) => a - b),
    heldOutPopularity: split.test.indices.length === 0 ? 0 : popularitySum / split.test.indices.length,
    sampledNegatives: options.sampledNegatives,
    models: results,
  };
}
