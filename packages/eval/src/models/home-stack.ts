// The production Home stack behind the eval harness's Recommender contract, running the served
// code path: fit() does what `mixtape build` does for Home (item vectors, neighbour lists,
// factors, the LambdaMART ranker trained on a split carved from the training rows only), and
// recommend() ranks each query exactly as a Home request does (profile → candidates → features
// → trees), minus the shelf presentation. The training rows become an interaction log over the
// dataset's real catalog when the harness hands one over (genres, artists, durations, release
// dates), with each entry's latest training time when the split knows the order.
import type { DeepReadonly } from '@mixtape/base';
import { CatalogBuilder, CatalogStore, InteractionLogBuilder } from '@mixtape/catalog';
import type { Artist, InteractionLog, Track } from '@mixtape/catalog';
import {
  CandidateSet,
  DEFAULT_SEQUENCE_K,
  HOME_FEATURE_COUNT,
  buildItemModels,
  buildUserProfile,
  compileRanker,
  computeListenerState,
  createHomeIndex,
  generateHomeCandidatesSync,
  fitRankerHeads,
  prepareRankerData,
  scoreHomeCandidates,
  sequenceHistory,
  trainItemVectors,
  trainRankerHeads,
} from '@mixtape/ranking';
import type {
  CompiledRanker,
  HomeCandidateOptions,
  HomeIndex,
  HomeRankerModel,
  ItemVectorOptions,
  RankerDataset,
  RankerTrainingOptions,
  RankerTrainingReport,
  SequenceAnswer,
  TrainedRankerHeads,
} from '@mixtape/ranking';
import { SEQUENCE_MODEL_OPTIONS, createExactNextTracks, historiesFromInteractions, sequenceTrainingOptions, trainSequenceModel } from '@mixtape/sequence';
import type { CsrMatrix } from '@mixtape/embeddings';
import type { FitContext, QueryBatch, Recommendations, RecommendOptions, Recommender } from '../recommender';

export interface HomeStackRecommenderOptions {
  itemVectors?: ItemVectorOptions;
  ranker?: Omit<RankerTrainingOptions, 'itemVectorsFor' | 'candidates' | 'seed' | 'signal'>;
  candidates?: HomeCandidateOptions;
  /** candidates per query the trees score, as a page does (default: the engine's, 150) */
  treeRows?: number;
  seed?: number;
  /** settings that differ from the defaults, shown after the name ("successor=50") so variants' rows differ */
  label?: string;
  /**
   * the next-track model as a candidate source and ranker feature: a sequence model trained on
   * each cross-fitting fold's past part (never the fold's labels) for the ranker's training rows,
   * and one on every training row for the queries; `k` tracks asked per listener (default 50).
   * Trained as the build's homeRanker part trains them: the sequenceModel part's settings
   * (SEQUENCE_MODEL_OPTIONS: back-off, prior, last plays kept) for `epochs` passes, `dim` wide.
   */
  sequence?: { epochs: number; dim?: number; k?: number };
}

interface Serving {
  /** the next-track model trained on every training row (with `sequence`) */
  next?: (history: ArrayLike<number>, k: number) => SequenceAnswer;
  index: HomeIndex;
  log: InteractionLog;
  popularityOrder: Int32Array;
}

interface Fitted extends Serving {
  ranker: CompiledRanker;
  model: HomeRankerModel;
  report: RankerTrainingReport;
}

/** A fit up to the trees: the ranker's labelled rows and the serving parts (the expensive part of a fit). */
interface Stage {
  dataset: RankerDataset;
  serving: Serving;
}

interface Shared<T> {
  /** the variant that fitted it */
  by: string;
  context: FitContext;
  value: Promise<T>;
}

/**
 * Per training matrix (one split of a run), what variants can share; dropped with the split. `rows`: the ranker's
 * rows and the serving parts, by the options minus the heads' and the blend's; `heads`: the trees, by the options
 * minus the blend's.
 */
const sharedFits = new WeakMap<CsrMatrix, { rows: Map<string, Shared<Stage>>; heads: Map<string, Shared<TrainedRankerHeads>> }>();

/** Options that change only the heads (XGBoost's settings, the base margin, the row order, the objectives), not the rows. */
const HEADS_ONLY = ['xgboost', 'baseMargin', 'rowOrder', 'objectives'] as const;
/** Options that change only the served blend. */
const BLEND_ONLY = ['maxHeadScale', 'minEaseShare', 'blendBags', 'blendReference'] as const;

export class HomeStackRecommender implements Recommender {
  readonly name: string;
  notes: string | undefined;
  /**
   * What it fits with (what a registry spec such as `home-stack:threads=1` built). Read-only at every depth:
   * the shared-fit key is this object's JSON, so an edit after construction would let a variant share a fit it
   * did not make. The type stops it (no copy: some options are functions); the caller's own object is kept.
   */
  readonly options: DeepReadonly<HomeStackRecommenderOptions>;
  private fitted: Fitted | undefined;

  constructor(options: HomeStackRecommenderOptions = {}) {
    this.options = options;
    this.name = `home stack (candidates + LambdaMART heads${options.label ? `; ${options.label}` : ''})`;
  }

  /** The fitted ranker's training report (candidate recall, heads, trade-offs). */
  get report(): RankerTrainingReport | undefined {
    return this.fitted?.report;
  }

  async fit(train: CsrMatrix, context: FitContext = {}): Promise<void> {
    // an explicit `seed` (home-stack:seed=N) wins over the run's, so a second fit of the same split measures fit noise
    const seed = this.options.seed ?? context.seed ?? 42;
    // Variants share what their options do not change on this split (everything is deterministic for the data, seed and
    // options): variants that differ only in the served blend share the trees, variants that differ only in the heads'
    // settings share the ranker's rows and the serving parts. One run then compares them on identical inputs at the cost
    // of one fit. (The sequence option is data — epochs, dim, k — and its models train deterministically for a seed and
    // thread count, so it is part of the keys like the rest.)
    const keyWithout = (names: readonly string[]) => {
      const ranker: Record<string, unknown> = { ...this.options.ranker };
      for (const name of names) ranker[name] = undefined;
      return JSON.stringify({ seed, options: { ...this.options, label: undefined, ranker } });
    };
    const shared = sharedFits.get(train) ?? { rows: new Map(), heads: new Map() };
    sharedFits.set(train, shared);
    const reuse = <T>(map: Map<string, Shared<T>>, key: string, make: () => Promise<T>) => {
      const found = map.get(key);
      if (found && found.context.store === context.store && found.context.trainTime === context.trainTime && found.context.itemArtist === context.itemArtist) return { by: found.by, value: found.value };
      const value = make();
      map.set(key, { by: this.name, context, value });
      return { by: undefined, value };
    };
    const rows = reuse(shared.rows, keyWithout([...HEADS_ONLY, ...BLEND_ONLY]), () => this.stage(train, context, seed));
    const say = (line: string) => context.logger?.info({ model: this.name }, line);
    // this variant's own heads' settings on the (maybe shared) rows
    const trees = reuse(shared.heads, keyWithout(BLEND_ONLY), async () => trainRankerHeads((await rows.value).dataset, { ...this.options.ranker, seed, log: say, signal: context.signal }));
    const { dataset, serving } = await rows.value;
    const heads = await trees.value;
    if (trees.by) context.logger?.info({ model: this.name }, `trees, candidates and serving lists shared with an earlier variant of this split (${trees.by}); only the served blend is refitted`);
    else if (rows.by) context.logger?.info({ model: this.name }, `candidates, ranker rows and serving lists shared with an earlier variant of this split (${rows.by}); only the heads and the served blend are refitted`);
    const { model, report } = fitRankerHeads(dataset, { ...this.options.ranker, seed, log: say, signal: context.signal }, heads);
    this.fitted = { ...serving, ranker: compileRanker(model, {}, { treeRows: this.options.treeRows }), model, report };
    const headList = report.heads.map((head) => `${head.objective} ${head.rounds} trees`).join(', ');
    this.notes =
      `${report.split.kind} ranker split inside the training rows (${report.split.detail}); heads: ${headList}; ` +
      `validation NDCG@10 ${report.validationNdcg10.served} (best single feature ${report.bestSingleFeature.name} ${report.bestSingleFeature.ndcg10}); ` +
      `candidate recall ${report.candidateRecall.total} with ${report.candidates.meanUnheard.toFixed(0)} unheard candidates per listener; lists are filled by popularity below the candidates` +
      // a results table's Fit (s) for this row is then the refit alone: say so beside it
      (trees.by ? `; trees, candidates and serving lists shared with ${trees.by} (fit time: the blend only)` : rows.by ? `; candidates, ranker rows and serving lists shared with ${rows.by} (fit time: the heads and the blend)` : '');
  }

  /** Everything but the heads and the served blend: item vectors, the ranker's rows, the serving lists and index. */
  private async stage(train: CsrMatrix, context: FitContext, seed: number): Promise<Stage> {
    const store = context.store && context.store.trackCount === train.cols ? context.store : minimalCatalog(train.cols, context.itemArtist);
    const log = logFromRows(train, context.trainTime);
    const say = (line: string) => context.logger?.info({ model: this.name }, line);
    const vectorOptions = { seed, ...this.options.itemVectors, signal: context.signal };
    const vectors = await trainItemVectors(store, log, vectorOptions);
    // popularity from the training rows: importers derive catalog popularity from the whole dataset (a leak here)
    const data = { store, interactions: log, ...vectors, popularity: 'log' as const };
    const sequence = this.options.sequence;
    const trainNext = async (from: InteractionLog) => {
      const histories = historiesFromInteractions(from, { lastItems: SEQUENCE_MODEL_OPTIONS.historyItems });
      const settings = { ...SEQUENCE_MODEL_OPTIONS, ...(sequence!.dim ? { dim: sequence!.dim } : {}) };
      const training = sequenceTrainingOptions(settings, sequence!.epochs, { threads: 2, seed }, store);
      const trained = await trainSequenceModel({ ...histories, numItems: store.trackCount }, { ...training, signal: context.signal });
      say(`sequence model: ${trained.history.length} epochs on ${from.length} events, best epoch ${trained.bestEpoch}`);
      return createExactNextTracks(trained.model);
    };
    const rankerOptions = {
      ...(sequence ? { sequenceFor: trainNext, sequenceK: sequence.k } : {}),
      ...this.options.ranker,
      candidates: this.options.candidates,
      seed,
      signal: context.signal,
      log: say,
      itemVectorsFor: (pastLog: InteractionLog) => trainItemVectors(store, pastLog, vectorOptions),
    };
    const dataset = await prepareRankerData(data, rankerOptions);
    // the serving parts: item models over every training row
    const models = await buildItemModels(data, { ...this.options.ranker, log: say, signal: context.signal, seed });
    const bare = createHomeIndex({ ...data, neighbours: models.neighbours, factors: models.factors });
    // as the bundle's homeCandidates part does: the listeners' taste clusters and ANN answers, stored
    const index = createHomeIndex({ ...data, neighbours: models.neighbours, factors: models.factors, factorIndex: bare.factorIndex, listeners: computeListenerState(bare, { candidates: this.options.candidates }) });
    const counts = new Float64Array(train.cols);
    for (let e = 0; e < train.indices.length; e++) counts[train.indices[e]!]!++;
    const popularityOrder = Int32Array.from({ length: train.cols }, (_unused, i) => i).sort((a, b) => counts[b]! - counts[a]! || a - b);
    // the queries' model only when the ranker reads its columns (it does not on a log without usable time, as a bundle's page would not ask)
    const next = sequence && dataset.sequenceK !== undefined ? await trainNext(log) : undefined;
    return { dataset, serving: { next, index, log, popularityOrder } };
  }

  recommend(batch: QueryBatch, k: number, options: RecommendOptions = {}): Recommendations {
    const fitted = this.fitted;
    if (!fitted) throw new Error(`${this.name}: recommend() before fit()`);
    const { index, ranker, log, popularityOrder } = fitted;
    if (batch.seeds.rows !== log.userCount) throw new Error(`${this.name}: queries must be rows of the training matrix (${log.userCount} rows), got a matrix of ${batch.seeds.rows}`);
    const exclude = options.exclude ?? batch.seeds;
    const items = new Int32Array(batch.rows.length * k).fill(-1);
    const scores = new Float32Array(batch.rows.length * k);
    const candidates = new CandidateSet(index.store.trackCount);
    let features = new Float32Array(2048 * HOME_FEATURE_COUNT);
    let ranked = new Float32Array(2048);
    const excluded = new Uint8Array(index.store.trackCount);
    for (let q = 0; q < batch.rows.length; q++) {
      const row = batch.rows[q]!;
      // the query is that listener's row in the log, as a Home request for a known listener
      const profile = buildUserProfile(index, log.userId(row));
      candidates.reset();
      // as a served page does: the next-track model answers for the listener's recent plays
      const sequence = fitted.next && profile.recent.length > 0 ? fitted.next(sequenceHistory(profile), this.options.sequence!.k ?? DEFAULT_SEQUENCE_K) : undefined;
      generateHomeCandidatesSync(index, profile, sequence ? { ...this.options.candidates, sequence } : this.options.candidates, candidates);
      const n = candidates.size;
      if (features.length < n * HOME_FEATURE_COUNT) features = new Float32Array(n * 2 * HOME_FEATURE_COUNT);
      if (ranked.length < n) ranked = new Float32Array(n * 2);
      scoreHomeCandidates(index, profile, candidates, ranker, features, ranked);
      for (let e = exclude.indptr[row]!; e < exclude.indptr[row + 1]!; e++) excluded[exclude.indices[e]!] = 1;
      const order = Array.from({ length: n }, (_unused, r) => r)
        .filter((r) => !excluded[candidates.tracks[r]!])
        .sort((a, b) => ranked[b]! - ranked[a]! || a - b);
      let filled = 0;
      for (const r of order) {
        if (filled === k) break;
        items[q * k + filled] = candidates.tracks[r]!;
        scores[q * k + filled] = ranked[r]!;
        excluded[candidates.tracks[r]!] = 2;
        filled++;
      }
      const floor = filled > 0 ? scores[q * k + filled - 1]! : 0;
      for (let p = 0; p < popularityOrder.length && filled < k; p++) {
        const item = popularityOrder[p]!;
        if (excluded[item]) continue;
        items[q * k + filled] = item;
        scores[q * k + filled] = floor - 1 - p;
        filled++;
      }
      for (let e = exclude.indptr[row]!; e < exclude.indptr[row + 1]!; e++) excluded[exclude.indices[e]!] = 0;
      for (let j = 0; j < filled; j++) excluded[items[q * k + j]!] = 0;
    }
    return { k, items, scores };
  }
}

/** The training rows as an interaction log: one play per (row, item), count = the value, time = the entry's latest training time. */
export function logFromRows(train: CsrMatrix, trainTime?: Float64Array): InteractionLog {
  const builder = new InteractionLogBuilder(train.indices.length);
  for (let r = 0; r < train.rows; r++) {
    const user = builder.userIndex(`row${r}`);
    for (let e = train.indptr[r]!; e < train.indptr[r + 1]!; e++) {
      const time = trainTime ? trainTime[e]! : 0;
      builder.pushEncoded(user, train.indices[e]!, Number.isFinite(time) ? time : 0, 0, 0, Math.max(1, Math.round(train.values[e]!)), -1);
    }
  }
  return builder.build();
}

/** A catalog of bare items (one artist each unless `itemArtist` says otherwise) when the dataset has none. */
function minimalCatalog(items: number, itemArtist: Int32Array | undefined): CatalogStore {
  const artistIds = new Map<number, string>();
  const tracks: Track[] = [];
  for (let i = 0; i < items; i++) {
    const artist = itemArtist && itemArtist[i]! >= 0 ? itemArtist[i]! : items + i;
    if (!artistIds.has(artist)) artistIds.set(artist, `a${artist}`);
    tracks.push({ id: `i${i}`, title: `item ${i}`, artistIds: [artistIds.get(artist)!], durationMs: 200_000, explicit: false, popularity: 0, genres: [], subgenres: [] });
  }
  const artists: Artist[] = [...artistIds.values()].map((id) => ({ id, name: id, genres: [] }));
  return new CatalogStore(new CatalogBuilder().addCatalog({ tracks, artists, albums: [] }).build());
}

export function createHomeStackRecommender(options: HomeStackRecommenderOptions = {}): HomeStackRecommender {
  return new HomeStackRecommender(options);
}
