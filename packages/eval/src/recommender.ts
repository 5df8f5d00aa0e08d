// The one interface every model under evaluation implements. Score-based baselines extend
// ScoringRecommender (full-catalog scores → top-K); a candidate+ranking stack that never
// scores the whole catalog implements `recommend` directly and plugs in the same way.
import { selectTopK, withDefaults, type Logger, type ProgressCallback } from '@mixtape/base';
import type { CatalogStore } from '@mixtape/catalog';
import type { CsrMatrix } from '@mixtape/embeddings';
import { rowIndices } from '@mixtape/embeddings';

export interface FitContext {
  /** Seed for anything random in the model (initialisation, sampling). */
  seed?: number;
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: ProgressCallback;
  /** Artist of each item (-1 unknown), for models that use it. */
  itemArtist?: Int32Array;
  /** The training rows in time order (Split.sequences), for sequence models; absent for order-free tasks. */
  sequences?: CsrMatrix;
  /** The catalog the items index (item i = track i), when the dataset came from one. */
  store?: CatalogStore;
  /** Latest training time (or playlist position) of each train entry, aligned with train.indices, when the split knows order. */
  trainTime?: Float64Array;
}

/**
 * A batch of queries: rows `rows` of `seeds`. A query is a user's training row (user-level
 * holdout) or the seed items of a playlist / session. Values are interaction strengths.
 */
export interface QueryBatch {
  seeds: CsrMatrix;
  rows: Int32Array;
  /** The same rows' items in time order (consecutive repeats merged), when the task has an order. */
  sequences?: CsrMatrix;
}

export interface RecommendOptions {
  /**
   * Items that must not be recommended, in the same row space as QueryBatch.seeds (query q
   * excludes row rows[q] of this matrix). Defaults to the seeds themselves.
   */
  exclude?: CsrMatrix;
}

/** Top-K lists for a batch: query q owns items/scores [q*k, (q+1)*k); missing slots are -1. */
export interface Recommendations {
  k: number;
  items: Int32Array;
  scores: Float32Array;
}

export interface Recommender {
  readonly name: string;
  /** What the report should say about this model's fit (restrictions, fallbacks), set by fit(). */
  readonly notes?: string;
  /** Learns from the training matrix (users × items); the column count is the full catalog. */
  fit(train: CsrMatrix, context?: FitContext): Promise<void>;
  /** Top-K over the full catalog for every query in the batch, excluded items never returned. */
  recommend(batch: QueryBatch, k: number, options?: RecommendOptions): Recommendations;
  /**
   * Scores of given candidates: `candidates` holds `perQuery` items for each query of the batch
   * (query q owns [q·perQuery, (q+1)·perQuery)). Optional: sampled-negative metrics need it.
   */
  scoreItems?(batch: QueryBatch, candidates: Int32Array, perQuery: number): Float32Array;
}

/** Base for models that can score every catalog item for a query. */
export abstract class ScoringRecommender implements Recommender {
  abstract readonly name: string;
  /** See Recommender.notes; subclasses set it in fit(). */
  notes: string | undefined = undefined;
  /** How many queries to score at once (bounds the batch × catalog score buffer). */
  protected scoreBatchSize = 128;
  abstract fit(train: CsrMatrix, context?: FitContext): Promise<void>;
  /** Fills out[b * numItems + item] with the score of item for query batch.rows[b]. */
  abstract scoreBatch(batch: QueryBatch, out: Float32Array): void;
  protected abstract get numItems(): number;

  recommend(batch: QueryBatch, k: number, options: RecommendOptions = {}): Recommendations {
    const numItems = this.numItems;
    const total = batch.rows.length;
    const items = new Int32Array(total * k);
    const scores = new Float32Array(total * k);
    const chunk = Math.max(1, this.scoreBatchSize);
    const buffer = new Float32Array(Math.min(chunk, Math.max(total, 1)) * numItems);
    const exclude = options.exclude ?? batch.seeds;
    for (let start = 0; start < total; start += chunk) {
      const rows = batch.rows.subarray(start, Math.min(total, start + chunk));
      const view = buffer.subarray(0, rows.length * numItems);
      view.fill(0);
      this.scoreBatch({ ...batch, rows }, view);
      for (let b = 0; b < rows.length; b++) {
        const base = b * numItems;
        const excluded = rowIndices(exclude, rows[b]!);
        for (let t = 0; t < excluded.length; t++) view[base + excluded[t]!] = -Infinity;
        selectTopK(view, k, items, scores, base, numItems, (start + b) * k);
      }
    }
    return { k, items, scores };
  }

  scoreItems(batch: QueryBatch, candidates: Int32Array, perQuery: number): Float32Array {
    const numItems = this.numItems;
    const out = new Float32Array(batch.rows.length * perQuery);
    const chunk = Math.max(1, this.scoreBatchSize);
    const buffer = new Float32Array(Math.min(chunk, Math.max(batch.rows.length, 1)) * numItems);
    for (let start = 0; start < batch.rows.length; start += chunk) {
      const rows = batch.rows.subarray(start, Math.min(batch.rows.length, start + chunk));
      const view = buffer.subarray(0, rows.length * numItems);
      view.fill(0);
      this.scoreBatch({ ...batch, rows }, view);
      for (let b = 0; b < rows.length; b++) {
        for (let c = 0; c < perQuery; c++) out[(start + b) * perQuery + c] = view[b * numItems + candidates[(start + b) * perQuery + c]!]!;
      }
    }
    return out;
  }
}

/**
 * A scoring model with options (each unset one taken from `defaults`) and a state that fit()
 * sets; `fitted` reads the state, or fails naming the model when fit() has not run.
 */
export abstract class FittedRecommender<Options extends object, State> extends ScoringRecommender {
  protected readonly options: Required<Options>;
  protected state: State | undefined;

  protected constructor(defaults: Required<Options>, options: Options) {
    super();
    this.options = withDefaults(defaults, options);
  }

  protected get fitted(): State {
    return assertFitted(this.state, this.name);
  }
}

/** Sequence models need the rows in time order; order-free tasks do not provide them. */
export function requireSequences(sequences: CsrMatrix | undefined, model: string): CsrMatrix {
  if (!sequences) throw new Error(`${model} reads listening order: use --task next-items (temporal last-N or --leave-one-out), where rows are in time order`);
  return sequences;
}

export function assertFitted<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`${name}: call fit() before recommend()`);
  return value;
}
