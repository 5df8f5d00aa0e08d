// The production Home stack (candidate sources + learned ranker) behind the eval harness's
// Recommender contract, so it is measured by the same protocol as the baselines. The harness
// hands over only a users × items matrix (and item artists): this adapter builds what a bundle
// would hold from it — a minimal catalog (artists, popularity by rank), an interaction log,
// item2vec vectors in FAISS — trains the ranker on a random holdout carved from the training
// rows, and ranks each query's candidates with it. No genres, dates, audio or timestamps exist
// in that view, so those sources and features are silent here (they are not in the baselines either).
import { CatalogBuilder, CatalogStore, InteractionLogBuilder } from '@mixtape/catalog';
import type { Logger } from '@mixtape/base';
import type { Artist, Track } from '@mixtape/catalog';
import { VectorIndex, chooseFactory, trainItem2Vec } from '@mixtape/embeddings';
import { generateHomeCandidatesSync } from './candidates';
import type { HomeCandidateOptions } from './candidates';
import { computeFeatures } from './features';
import { createHomeIndex } from './home-index';
import type { HomeIndex } from './home-index';
import { profileFromEvents } from './profile';
import { scoreWithModel } from './ranker';
import type { HomeRankerModel } from './ranker';
import { trainHomeRanker } from './train';
import type { RankerTrainingReport } from './train';
import type { UserEvent } from './types';

/** The harness's sparse matrix (structurally @mixtape/eval's CsrMatrix). */
export interface UserItemRows {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

export interface HomeStackRecommenderOptions {
  dim?: number;
  epochs?: number;
  window?: number;
  negatives?: number;
  learningRate?: number;
  minCount?: number;
  /** users the ranker is trained on (default 1000) */
  rankerUsers?: number;
  /** share of each training row held out as ranker labels (default 0.2) */
  rankerHoldout?: number;
  candidates?: HomeCandidateOptions;
  seed?: number;
}

interface Fitted {
  train: UserItemRows;
  index: HomeIndex;
  model: HomeRankerModel;
  report: RankerTrainingReport;
  popularityOrder: Int32Array;
}

export class HomeStackRecommender {
  readonly name: string;
  notes: string | undefined;
  private readonly options: HomeStackRecommenderOptions;
  private fitted: Fitted | undefined;

  constructor(options: HomeStackRecommenderOptions = {}) {
    this.options = options;
    this.name = `home stack (candidates + learned ranker, item2vec d=${options.dim ?? 64})`;
  }

  async fit(train: UserItemRows, context: { seed?: number; itemArtist?: Int32Array; logger?: Logger; signal?: AbortSignal } = {}): Promise<void> {
    const seed = context.seed ?? this.options.seed ?? 42;
    const items = train.cols;
    // popularity by training users, as a 0..100 rank score (deep catalog = the bottom third)
    const users = new Int32Array(items);
    for (let e = 0; e < train.indices.length; e++) users[train.indices[e]!]!++;
    const popularityOrder = Int32Array.from({ length: items }, (_unused, i) => i).sort((a, b) => users[b]! - users[a]! || a - b);
    const popularity = new Float32Array(items);
    popularityOrder.forEach((item, rank) => (popularity[item] = users[item]! === 0 ? 0 : 100 * (1 - rank / items)));

    const artistOf = context.itemArtist;
    const artistIds = new Map<number, string>();
    const tracks: Track[] = [];
    for (let i = 0; i < items; i++) {
      const artist = artistOf && artistOf[i]! >= 0 ? artistOf[i]! : items + i; // unknown artist: one per item
      if (!artistIds.has(artist)) artistIds.set(artist, `a${artist}`);
      tracks.push({ id: `i${i}`, title: `item ${i}`, artistIds: [artistIds.get(artist)!], durationMs: 200_000, explicit: false, popularity: popularity[i]!, genres: [], subgenres: [] });
    }
    const artists: Artist[] = [...artistIds.values()].map((id) => ({ id, name: id, genres: [] }));
    const store = new CatalogStore(new CatalogBuilder().addCatalog({ tracks, artists, albums: [] }).build());

    const builder = new InteractionLogBuilder(train.indices.length);
    for (let r = 0; r < train.rows; r++) {
      const user = builder.userIndex(`u${r}`);
      for (let e = train.indptr[r]!; e < train.indptr[r + 1]!; e++) {
        builder.push({ userIndex: user, trackIndex: train.indices[e]!, timestamp: 0, type: 'play', count: Math.max(1, Math.round(train.values[e]!)) });
      }
    }
    const log = builder.build();

    // item2vec over each row (order is unknown in the matrix: a fixed shuffle, as the item2vec baseline does)
    const corpusItems = train.indices.slice();
    let state = seed >>> 0 || 1;
    const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
    for (let r = 0; r < train.rows; r++) {
      const start = train.indptr[r]!;
      for (let i = train.indptr[r + 1]! - 1; i > start; i--) {
        const j = start + Math.floor(next() * (i - start + 1));
        [corpusItems[i], corpusItems[j]] = [corpusItems[j]!, corpusItems[i]!];
      }
    }
    const dim = this.options.dim ?? 64;
    const item2vec = await trainItem2Vec(
      { items: corpusItems, offsets: Int32Array.from(train.indptr) },
      {
        numItems: items,
        dim,
        window: this.options.window ?? 50,
        epochs: this.options.epochs ?? 30,
        negatives: this.options.negatives ?? 10,
        learningRate: this.options.learningRate ?? 0.05,
        minCount: this.options.minCount ?? 3,
        seed,
        threads: 1,
        signal: context.signal,
      },
    );
    const ids: string[] = [];
    const trainedRows: number[] = [];
    for (let i = 0; i < items; i++) {
      if (!item2vec.hasVector[i]) continue;
      ids.push(`i${i}`);
      trainedRows.push(i);
    }
    const indexed = new Float32Array(trainedRows.length * dim);
    trainedRows.forEach((item, row) => indexed.set(item2vec.vectors.subarray(item * dim, (item + 1) * dim), row * dim));
    const unit = new Float32Array(item2vec.vectors);
    for (let i = 0; i < items; i++) {
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += unit[i * dim + d]! ** 2;
      if (norm > 0) for (let d = 0; d < dim; d++) unit[i * dim + d]! /= Math.sqrt(norm);
    }
    const itemIndex = VectorIndex.build({ dim, factory: chooseFactory(ids.length, dim), metric: 'ip', ids, vectors: indexed });
    const data = { store, interactions: log, itemVectors: unit, itemDim: dim, itemIndex };
    const { model, report } = await trainHomeRanker(data, {
      split: { kind: 'random', fraction: this.options.rankerHoldout ?? 0.2 },
      maxUsers: this.options.rankerUsers ?? 1000,
      candidates: this.options.candidates,
      seed,
    });
    const index = createHomeIndex(data);
    this.notes = `ranker ${report.chosen.kind}${report.chosen.lambda === undefined ? '' : ` (λ=${report.chosen.lambda})`} chosen on a random 20% holdout of ${report.users.train + report.users.validation} training rows (validation NDCG@10 ${Math.max(...Object.values(report.validationNdcg10)).toFixed(3)}, candidate recall ${report.candidateRecall.toFixed(2)}); vectors for ${ids.length} of ${items} items; lists are filled by popularity below the candidates`;
    context.logger?.info({ model: this.name, report }, 'home stack fitted');
    this.fitted = { train, index, model, report, popularityOrder };
  }

  recommend(batch: { seeds: UserItemRows; rows: Int32Array }, k: number, options: { exclude?: UserItemRows } = {}): { k: number; items: Int32Array; scores: Float32Array } {
    const fitted = this.fitted;
    if (!fitted) throw new Error(`${this.name}: recommend() before fit()`);
    const { index, model, popularityOrder } = fitted;
    const exclude = options.exclude ?? batch.seeds;
    const items = new Int32Array(batch.rows.length * k).fill(-1);
    const scores = new Float32Array(batch.rows.length * k);
    for (let q = 0; q < batch.rows.length; q++) {
      const row = batch.rows[q]!;
      const events: UserEvent[] = [];
      for (let e = batch.seeds.indptr[row]!; e < batch.seeds.indptr[row + 1]!; e++) {
        events.push({ track: batch.seeds.indices[e]!, timestamp: 0, type: 0, msPlayed: 0, count: Math.max(1, Math.round(batch.seeds.values[e]!)) });
      }
      const excluded = new Set<number>();
      for (let e = exclude.indptr[row]!; e < exclude.indptr[row + 1]!; e++) excluded.add(exclude.indices[e]!);
      const profile = profileFromEvents(index, `q${row}`, events, { now: 0, daypart: 'night' });
      // the query row is that user's own training row in the log: keep it out of co-listening
      const excludeUser = batch.seeds === fitted.train ? row : -1;
      const { candidates } = generateHomeCandidatesSync(index, profile, { ...this.options.candidates, excludeUser });
      const ranked = scoreWithModel(model, computeFeatures(index, profile, candidates), candidates.size);
      const order = Array.from({ length: candidates.size }, (_unused, r) => r)
        .filter((r) => !excluded.has(candidates.tracks[r]!))
        .sort((a, b) => ranked[b]! - ranked[a]! || a - b);
      let filled = 0;
      const taken = new Set<number>();
      for (const r of order) {
        if (filled === k) break;
        items[q * k + filled] = candidates.tracks[r]!;
        scores[q * k + filled] = ranked[r]!;
        taken.add(candidates.tracks[r]!);
        filled++;
      }
      const floor = filled > 0 ? scores[q * k + filled - 1]! : 0;
      for (let p = 0; p < popularityOrder.length && filled < k; p++) {
        const item = popularityOrder[p]!;
        if (excluded.has(item) || taken.has(item)) continue;
        items[q * k + filled] = item;
        scores[q * k + filled] = floor - 1 - p;
        filled++;
      }
    }
    return { k, items, scores };
  }
}

export function createHomeStackRecommender(options: HomeStackRecommenderOptions = {}): HomeStackRecommender {
  return new HomeStackRecommender(options);
}
