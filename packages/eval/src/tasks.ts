// The three evaluation tasks over an EvalDataset: user-level holdout, next items (temporal
// last-N) and playlist continuation. Each builds its split, runs the models and returns an
// ExperimentResult whose protocol line says exactly what was done.
import { buildCsr } from '@mixtape/embeddings';
import type { CsrMatrix } from '@mixtape/embeddings';
import type { EvalDataset } from './data';
import type { ExperimentResult } from './evaluate';
import { runExperiment } from './evaluate';
import type { Logger, ProgressCallback } from '@mixtape/base';
import type { Recommender } from './recommender';
import type { Split } from './splits';
import { leaveOneOutSplit, playlistContinuationSplit, temporalLastNSplit, userHoldoutSplit } from './splits';
import type { TimedInteractions } from './splits';

export const EVAL_TASKS = ['user-holdout', 'next-items', 'playlist-continuation'] as const;
export type EvalTaskName = (typeof EVAL_TASKS)[number];

export function isEvalTaskName(value: string): value is EvalTaskName {
  return (EVAL_TASKS as readonly string[]).includes(value);
}

export interface SplitTaskOptions {
  seed?: number;
  /** user-holdout: share of each user's items held out (default 0.2) */
  testFraction?: number;
  /** user-holdout: minimum items for a user to be evaluated (default 5) */
  minItems?: number;
  /** next-items: most recent interactions per user used as targets (default 5) */
  lastN?: number;
  /**
   * next-items: 'last-n' (default, temporal last-N) or 'leave-one-out' (SASRec: the last item is
   * the test, with --validation the second-to-last).
   */
  nextItems?: 'last-n' | 'leave-one-out';
  /** playlist-continuation: share of playlists used for test (default 0.1) */
  testPlaylists?: number;
  /** playlist-continuation: share hidden at the end of each test playlist (default 0.2) */
  hideFraction?: number;
  /**
   * Evaluate on a validation split carved from the training part, for choosing
   * hyper-parameters without touching test items: user-holdout applies the same protocol again
   * to train (seed + 1, or `validationSeed`); next-items last-N holds out the N events before the test ones;
   * leave-one-out targets the second-to-last item; playlist-continuation applies the same
   * protocol again to the training part (seed + 1; the test playlists' hidden tails are never in it).
   */
  validation?: boolean;
  /**
   * user-holdout and playlist-continuation with `validation`: the seed of the validation carving
   * (default seed + 1). The test split stays the one of `seed`, so several validation seeds are
   * several validation splits of the same training part (never a test item).
   */
  validationSeed?: number;
}

/** Builds the task's split from a dataset. */
export function splitForTask(dataset: EvalDataset, task: EvalTaskName, options: SplitTaskOptions = {}): Split {
  const seed = options.seed ?? 42;
  const validationSeed = options.validationSeed ?? seed + 1;
  if (options.validationSeed !== undefined && (!options.validation || task === 'next-items')) {
    throw new RangeError(`validationSeed ${options.validationSeed}: only for a validation split of user-holdout or playlist-continuation (next-items' validation events are fixed by time), got ${options.validation ? `task ${task}` : 'no validation'}`);
  }
  let split: Split;
  if (task === 'user-holdout') {
    const matrix = buildCsr(
      { rowIndex: dataset.row, colIndex: dataset.item, values: dataset.weight },
      { rows: dataset.numRows, cols: dataset.numItems, duplicates: 'sum' },
    );
    const holdout = { testFraction: options.testFraction ?? 0.2, minItems: options.minItems ?? 5 };
    split = userHoldoutSplit(matrix, { ...holdout, seed });
    if (options.validation) split = markValidation(userHoldoutSplit(split.train, { ...holdout, seed: validationSeed }));
  } else if (task === 'next-items') {
    const lastN = options.lastN ?? 5;
    requireOrder(dataset, '"last N by time"');
    const data = { user: dataset.row, item: dataset.item, time: dataset.time, weight: dataset.weight, numUsers: dataset.numRows, numItems: dataset.numItems };
    if (options.nextItems === 'leave-one-out') {
      split = leaveOneOutSplit(data, { validation: options.validation });
    } else {
      split = temporalLastNSplit(options.validation ? withoutLastEvents(data, lastN, lastN + 5) : data, { lastN });
      if (options.validation) split = markValidation(split);
    }
  } else {
    // Playlist order = time (position); a stable sort by (row, time) keeps it. Without any
    // order the "last 20%" would be whatever order the file listed them in.
    requireOrder(dataset, '"the last 20% of each playlist"');
    const order = Int32Array.from({ length: dataset.row.length }, (_, e) => e).sort(
      (a, b) => dataset.row[a]! - dataset.row[b]! || dataset.time[a]! - dataset.time[b]! || a - b,
    );
    const playlists = buildCsr(
      {
        rowIndex: order.map((e) => dataset.row[e]!),
        colIndex: order.map((e) => dataset.item[e]!),
        values: Float32Array.from(order, (e) => dataset.weight[e]!),
      },
      { rows: dataset.numRows, cols: dataset.numItems, duplicates: 'keep' },
    );
    const continuation = { testFraction: options.testPlaylists ?? 0.1, hideFraction: options.hideFraction ?? 0.2, seed };
    split = playlistContinuationSplit(playlists, continuation);
    // validation: the same protocol again over the training part, each playlist in its own order
    if (options.validation) split = markValidation(playlistContinuationSplit(inPositionOrder(split.train, split.trainTime!), { ...continuation, seed: validationSeed }));
  }
  return split;
}

/** The rows of a training matrix (columns sorted) with each row's entries back in time / position order. */
function inPositionOrder(matrix: CsrMatrix, time: Float64Array): CsrMatrix {
  const indices = new Int32Array(matrix.indices.length);
  const values = new Float32Array(matrix.indices.length);
  for (let r = 0; r < matrix.rows; r++) {
    const start = matrix.indptr[r]!;
    const end = matrix.indptr[r + 1]!;
    const order = Int32Array.from({ length: end - start }, (_unused, i) => start + i).sort((a, b) => time[a]! - time[b]! || a - b);
    for (let i = 0; i < order.length; i++) {
      indices[start + i] = matrix.indices[order[i]!]!;
      values[start + i] = matrix.values[order[i]!]!;
    }
  }
  return { rows: matrix.rows, cols: matrix.cols, indptr: matrix.indptr, indices, values };
}

/** Refuses data whose interactions all share one timestamp (e.g. Last.fm play counts): `what` needs an order. */
function requireOrder(dataset: EvalDataset, what: string): void {
  let timed = false;
  for (let e = 1; e < dataset.time.length && !timed; e++) timed = dataset.time[e] !== dataset.time[0];
  if (!timed && dataset.time.length > 1) {
    throw new RangeError(`${dataset.name}: every interaction has the same timestamp, so ${what} is undefined; use --task user-holdout`);
  }
}

/** The same columns without each user's last `n` events (for users with ≥ minimum events): the training part of last-N. */
function withoutLastEvents(data: TimedInteractions, n: number, minimum: number): TimedInteractions {
  const counts = new Int32Array(data.numUsers);
  for (const user of data.user) counts[user]!++;
  const order = Int32Array.from({ length: data.user.length }, (_, e) => e).sort((a, b) => data.user[a]! - data.user[b]! || data.time[a]! - data.time[b]! || a - b);
  const keep = new Uint8Array(data.user.length).fill(1);
  let position = 0;
  for (let start = 0; start < order.length; start = position) {
    const user = data.user[order[start]!]!;
    position = start + counts[user]!;
    if (counts[user]! >= minimum) for (let t = position - n; t < position; t++) keep[order[t]!] = 0;
  }
  const select = <T extends Int32Array | Float64Array | Float32Array>(column: T): T => column.filter((_, e) => keep[e] === 1) as T;
  return { ...data, user: select(data.user), item: select(data.item), time: select(data.time), weight: data.weight ? select(data.weight) : undefined };
}

function markValidation(split: Split): Split {
  return { ...split, protocol: `VALIDATION split carved from the training part only — ${split.protocol}` };
}

export interface RunTaskOptions extends SplitTaskOptions {
  task: EvalTaskName;
  models: Recommender[];
  ks: number[];
  bootstrapSamples?: number;
  /** also report metrics against this many sampled negatives per row (SASRec's protocol) */
  sampledNegatives?: number;
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: ProgressCallback;
}

/** Splits the dataset for the task, fits and evaluates every model, returns the result. */
export async function runEvalTask(dataset: EvalDataset, options: RunTaskOptions): Promise<ExperimentResult> {
  const split = splitForTask(dataset, options.task, options);
  options.logger?.info({ task: options.task, dataset: dataset.name, evaluatedRows: split.evalRows.length }, split.protocol);
  // a table of zeros would read as a result: say why there is nothing to measure
  if (split.evalRows.length === 0) {
    throw new Error(
      `${dataset.name}: no ${dataset.rowKind} to evaluate for --task ${options.task} (${split.protocol}); expected ${dataset.rowKind} with enough listens for that protocol ` +
        `(the log has ${dataset.numRows} ${dataset.numRows === 1 ? dataset.rowKind.replace(/s$/, '') : dataset.rowKind}, ${dataset.row.length} interactions): use a larger log, or loosen --min-items, --last-n or --test-playlists`,
    );
  }
  return runExperiment(options.models, split, {
    task: options.task,
    dataset: dataset.name,
    ks: options.ks,
    seed: options.seed,
    itemArtist: artistsRepeat(dataset.itemArtist) ? dataset.itemArtist : undefined,
    store: dataset.store,
    bootstrap: { samples: options.bootstrapSamples ?? 1000, seed: (options.seed ?? 42) + 1000 },
    sampledNegatives: options.sampledNegatives,
    signal: options.signal,
    logger: options.logger,
    onProgress: options.onProgress,
  });
}

/** Artist diversity is only informative when some artist has several items (not Last.fm, where items are artists). */
function artistsRepeat(itemArtist: Int32Array | undefined): boolean {
  if (!itemArtist) return false;
  const seen = new Set<number>();
  for (const artist of itemArtist) {
    if (artist < 0) continue;
    if (seen.has(artist)) return true;
    seen.add(artist);
  }
  return false;
}
