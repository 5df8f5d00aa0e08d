// item2vec (Barkan & Koenigstein 2016) through @mixtape/embeddings' SGNS trainer: every
// training row is a "sentence" of items; a query scores item j by Σ over its seed items i of
// cos(v_i, v_j) = v̂_j · Σ v̂_i. Rows carry no order in a CSR matrix (Last.fm has none at all),
// so each row is shuffled with a fixed seed and the window spans most of it.
import { trainItem2Vec } from '@mixtape/embeddings';
import type { CsrMatrix } from '@mixtape/embeddings';
import { columnCounts } from '@mixtape/embeddings';
import { Random } from '@mixtape/base';
import type { FitContext, QueryBatch } from '../recommender';
import { FittedRecommender } from '../recommender';

export interface Item2VecRecommenderOptions {
  dim?: number;
  window?: number;
  epochs?: number;
  negatives?: number;
  learningRate?: number;
  /** word2vec frequent-item subsampling threshold (default 0: off — the corpus is small and popularity is signal). */
  subsample?: number;
  /** Items seen fewer times get no vector and are ranked last by popularity (default 2). */
  minCount?: number;
  seed?: number;
}

interface Item2VecState {
  numItems: number;
  dim: number;
  /** L2-normalised vectors, zero rows for items without one */
  unit: Float32Array;
  hasVector: Uint8Array;
  fallback: Float32Array;
}

const ITEM2VEC_DEFAULTS: Required<Item2VecRecommenderOptions> = { dim: 64, window: 20, epochs: 20, negatives: 5, learningRate: 0.025, minCount: 2, subsample: 0, seed: 17 };

export class Item2VecRecommender extends FittedRecommender<Item2VecRecommenderOptions, Item2VecState> {
  readonly name: string;

  constructor(options: Item2VecRecommenderOptions = {}) {
    super(ITEM2VEC_DEFAULTS, options);
    const o = this.options;
    this.name = `item2vec (d=${o.dim}, window ${o.window}, ${o.epochs} epochs, lr ${o.learningRate}, ${o.negatives} negatives, minCount ${o.minCount})`;
  }

  async fit(train: CsrMatrix, context: FitContext = {}): Promise<void> {
    const seed = context.seed ?? this.options.seed;
    const rng = new Random(seed, 'xoshiro128**');
    const items = train.indices.slice();
    const offsets = Int32Array.from(train.indptr);
    for (let r = 0; r < train.rows; r++) rng.shuffle(items.subarray(offsets[r]!, offsets[r + 1]!));
    const started = performance.now();
    const model = await trainItem2Vec(
      { items, offsets },
      {
        numItems: train.cols,
        dim: this.options.dim,
        window: this.options.window,
        epochs: this.options.epochs,
        negatives: this.options.negatives,
        learningRate: this.options.learningRate,
        minCount: this.options.minCount,
        subsample: this.options.subsample,
        seed,
        // One thread: identical vectors run to run (Hogwild threads race).
        threads: 1,
        signal: context.signal,
        onProgress: context.onProgress,
      },
    );
    context.logger?.debug({ model: this.name, ms: performance.now() - started, vocabulary: model.stats.vocabularySize }, 'item2vec trained');
    const { dim, numItems } = model;
    const unit = new Float32Array(model.vectors);
    // SGNS vectors share a large common component (on Last.fm the mean pairwise cosine is ~0.5),
    // which makes every item look similar; removing the mean ("all-but-the-top", Mu &
    // Viswanath 2018) restores the item-specific directions before cosine scoring.
    const mean = new Float64Array(dim);
    let trained = 0;
    for (let i = 0; i < numItems; i++) {
      if (model.hasVector[i] === 0) continue;
      trained++;
      for (let d = 0; d < dim; d++) mean[d]! += unit[i * dim + d]!;
    }
    for (let i = 0; i < numItems && trained > 0; i++) {
      if (model.hasVector[i] === 0) continue;
      for (let d = 0; d < dim; d++) unit[i * dim + d]! -= mean[d]! / trained;
    }
    for (let i = 0; i < numItems; i++) {
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += unit[i * dim + d]! ** 2;
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let d = 0; d < dim; d++) unit[i * dim + d]! *= scale;
    }
    const itemUsers = columnCounts(train);
    let maxUsers = 0;
    for (let i = 0; i < numItems; i++) maxUsers = Math.max(maxUsers, itemUsers[i]!);
    const fallback = new Float32Array(numItems);
    for (let i = 0; i < numItems; i++) fallback[i] = itemUsers[i]! / (maxUsers + 1);
    this.notes = `vectors for ${model.stats.vocabularySize} of ${numItems} items (≥ ${this.options.minCount} occurrences); the others are ranked below them by popularity`;
    this.state = { numItems, dim, unit, hasVector: model.hasVector, fallback };
  }

  /** Unit-length item vectors (items × dim), e.g. for diversity by vectors. */
  get itemVectors(): { vectors: Float32Array; dim: number } {
    const state = this.fitted;
    return { vectors: state.unit, dim: state.dim };
  }

  protected get numItems(): number {
    return this.fitted.numItems;
  }

  scoreBatch(batch: QueryBatch, out: Float32Array): void {
    const { numItems, dim, unit, hasVector, fallback } = this.fitted;
    const query = new Float64Array(dim);
    const { seeds, rows } = batch;
    for (let b = 0; b < rows.length; b++) {
      query.fill(0);
      let seedCount = 0;
      for (let e = seeds.indptr[rows[b]!]!; e < seeds.indptr[rows[b]! + 1]!; e++) {
        const item = seeds.indices[e]!;
        if (item >= numItems || hasVector[item] === 0) continue;
        seedCount++;
        for (let d = 0; d < dim; d++) query[d]! += unit[item * dim + d]!;
      }
      const base = b * numItems;
      // Σ of cosines is bounded by the seed count, so this floor is below every vector score.
      const floor = -seedCount - 2;
      for (let i = 0; i < numItems; i++) {
        if (hasVector[i] === 0) {
          out[base + i] = floor + fallback[i]!;
          continue;
        }
        let sum = 0;
        for (let d = 0; d < dim; d++) sum += unit[i * dim + d]! * query[d]!;
        out[base + i] = sum;
      }
    }
  }
}

export function createItem2VecRecommender(options: Item2VecRecommenderOptions = {}): Item2VecRecommender {
  return new Item2VecRecommender(options);
}
