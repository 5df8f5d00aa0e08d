// Home's bundle parts. homeRanker: the LambdaMART heads (XGBoost, one per objective the log
// supports) trained by `mixtape build` on a per-listener split of the log — temporal when the log
// has time, a seeded random holdout when not — with the item vectors retrained on the past part;
// a log that cannot train one gets the hand-set ranker with the reason in the model and the
// manifest (or, with requireRanker, a failed build). homeCandidates: the item → item neighbour
// lists (EASE, RP3β, co-listening, item vectors), the ALS factors and a FAISS index over the item
// factors, computed over the whole log, that a Home request merges instead of scanning the log.
// With homeRanker.successor = k the ranker trains with "what follows this track" lists of k per
// track, and homeCandidates stores lists of the same k (it reads the k from the ranker it serves).
// With homeRanker.sequence = epochs (default 2; 0 = off) it trains with the next-track model as a candidate source and
// feature: one model per cross-fitting fold, trained on that fold's past part with the
// sequenceModel part's *default* settings (SEQUENCE_MODEL_OPTIONS; only dim follows
// homeRanker.sequenceDim) for homeRanker.sequence epochs — not any `--set sequenceModel.*` nor the
// part's position-budget epochs, so the served model can be sharper than the fold models (known
// skew, review s7 finding 3); the served page asks the bundle's sequenceModel part. On a log too
// short for that part the ranker trains without the source (training.sequenceNotUsed says why).
import { formatProgress } from '@mixtape/base';
import type { InteractionLog } from '@mixtape/catalog';
import { VectorIndex, buildTrackIndex, chooseFactory, trainItemVectors } from '@mixtape/embeddings';
import {
  chooseHomePopularity,
  describeHomePopularity,
  DEFAULT_BLEND_REFERENCE,
  DEFAULT_RANKER_HOLDOUT_FRACTION,
  HOME_FEATURES_BEFORE_SUCCESSOR,
  InsufficientTrainingDataError,
  RANKER_FORMAT,
  buildItemModels,
  computeListenerState,
  createHomeIndex,
  heuristicRankerModel,
  homePartBytes,
  homePartsFromArrays,
  homePartsToArrays,
  parseRankerModel,
  trainHomeRanker,
  type HomeParts,
  type HomeRankerModel,
  type RankerTrainingReport,
} from '@mixtape/ranking';
import { rankerExamples } from '@mixtape/pipelines';
import { HOME_SEQUENCE_EPOCHS, SEQUENCE_MODEL_OPTIONS, createExactNextTracks, historiesFromInteractions, sequenceTrainingOptions, trainSequenceModel } from '@mixtape/sequence';
import { definePart } from '../registry/define';
import { packTypedArrays, unpackTypedArrays } from '../typed-pack';
import { aggregatesPart, type AggregatesPartValue } from './aggregates';
import { datasetPart } from './dataset';
import { contentVectorsPart, indexInfo, itemIndexPart, itemVectorsPart } from './embeddings';
import { MIN_CONSECUTIVE_PLAYS, consecutivePlays } from './sequence-model';

/** What a Home request merges: neighbour lists per source, ALS factors and their FAISS index, the logged listeners' precomputed ANN answers. */
export type HomeCandidatesPartValue = Pick<HomeParts, 'neighbours' | 'factors' | 'listeners'> & { factorIndex: VectorIndex };

const MiB = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** What the manifest says about the ranker (and `mixtape bundle show` prints). */
function rankerMetadata(model: HomeRankerModel): Record<string, unknown> {
  const training = model.training as Partial<RankerTrainingReport> | undefined;
  return {
    ranker: model.kind,
    ...(model.fallback ? { fallback: model.fallback } : {}),
    popularity: model.popularity ?? 'catalog',
    heads: model.heads.map((head) => ({ objective: head.objective, trees: head.rounds, validationNdcg10: head.validation.ndcg10 })),
    ...(training?.split ? { split: training.split } : {}),
    ...(training?.candidateRecall ? { candidateRecall: training.candidateRecall } : {}),
  };
}

/**
 * k of the successor lists the ranker was trained with — what homeCandidates must store for it
 * (0: the ranker reads no successor columns). Recorded by the homeRanker part as training.successorK.
 */
export function successorListsOfRanker(model: HomeRankerModel | undefined): number {
  if (!model || model.kind !== 'lambdamart' || model.features.length === HOME_FEATURES_BEFORE_SUCCESSOR.length) return 0;
  const { successorK: k, sequenceK } = (model.training ?? {}) as { successorK?: unknown; sequenceK?: unknown };
  // trained with the sequence source but without successor lists: those columns were all zero
  if (k === undefined && typeof sequenceK === 'number') return 0;
  if (typeof k !== 'number' || !Number.isInteger(k) || k <= 0) {
    throw new Error(`homeCandidates: the ranker reads the successor columns but does not say how long its successor lists were (training.successorK is ${JSON.stringify(k)}); rebuild homeRanker with --set homeRanker.successor=<k>`);
  }
  return k;
}

/**
 * Why homeRanker.sequence cannot be trained with on this log (undefined: it can): the sequenceModel
 * part is absent below MIN_CONSECUTIVE_PLAYS, and a ranker trained with the source would then be
 * served with its columns always 0. Like successor lists on a log without time, the ranker then
 * trains without the source, and its training metadata says why (sequenceNotUsed).
 */
export function sequenceSourceUnavailable(historyLog: InteractionLog | undefined, sequence: number): string | undefined {
  if (sequence <= 0) return undefined;
  if (!historyLog) return 'the aggregates part holds no histories to count consecutive plays in';
  const pairs = consecutivePlays(historiesFromInteractions(historyLog, { lastItems: SEQUENCE_MODEL_OPTIONS.historyItems }));
  if (pairs >= MIN_CONSECUTIVE_PLAYS) return undefined;
  return `the log has ${pairs.toLocaleString('en')} consecutive plays and the sequenceModel part needs ${MIN_CONSECUTIVE_PLAYS.toLocaleString('en')}, so the bundle would have no next-track model to serve the columns of homeRanker.sequence=${sequence}`;
}

/**
 * training.successorK: the k of the successor lists the ranker was really trained with (none when
 * the log had no usable time and the lists were not built, whatever homeRanker.successor asked).
 */
export function withSuccessorK(model: HomeRankerModel, successor: number): HomeRankerModel {
  const reports = (model.training as Partial<RankerTrainingReport> | undefined)?.neighbours ?? [];
  if (successor <= 0 || !reports.some((report) => report.source === 'successor')) return model;
  return { ...model, training: { ...model.training, successorK: successor } };
}

/** The ranker's split from the aggregates, refusing one made with other settings than the ranker's. */
function rankerExamplesOf(aggregates: AggregatesPartValue, kind: 'temporal' | 'random', seed: number) {
  const { rankerLabels, manifest } = aggregates;
  if (!rankerLabels) throw new Error('homeRanker: the aggregates part holds no ranker labels (opened from a bundle, not built)');
  const { holdoutFraction, holdoutSeed } = manifest.options;
  if (holdoutFraction !== DEFAULT_RANKER_HOLDOUT_FRACTION)
    throw new Error(`homeRanker: the aggregates' ranker labels hold out ${holdoutFraction} of each listener's events; the ranker trains on ${DEFAULT_RANKER_HOLDOUT_FRACTION} (rerun the pipeline with --holdout-fraction ${DEFAULT_RANKER_HOLDOUT_FRACTION})`);
  if (kind === 'random' && holdoutSeed !== seed)
    throw new Error(`homeRanker: the log has no usable time, so the ranker's split is the seeded random one; the aggregates' was made with seed ${holdoutSeed}, this build's is ${seed} (rerun the pipeline with --seed ${seed}, or build with --seed ${holdoutSeed})`);
  return rankerExamples(rankerLabels[kind]);
}

export const homeRankerPart = definePart({
  name: 'homeRanker',
  description: 'the Home ranker: LambdaMART heads per objective (XGBoost), or the hand-set ranker with the reason stated',
  files: { model: { path: 'models/ranker.json', role: 'model', contentType: 'application/json' } },
  // optional for bundles built before Home had a ranker; a new build always writes one
  optional: true,
  // folds: cross-fitting folds of listeners (each rebuilds the lists, factors and — with
  // retrainItemVectors — the item vectors without that fold's labels); folds=1 and
  // retrainItemVectors=false make a cheap build (the report states the vectors' mild leak);
  // successor = k > 0 trains with "what follows this track" lists of k per track (0: off);
  // sequence = epochs > 0 trains with the next-track model's answers (sequenceK tracks per
  // listener) from a model per fold of sequenceDim and the sequenceModel part's default settings
  // (not its build overrides; default HOME_SEQUENCE_EPOCHS; 0: off; a log without usable time never uses it)
  // blendReference = R > 0: the served blend reads each list column per listener from its R-th value (0: the shares)
  // popularity = auto | catalog | log: what the popularity feature, the chart and the artist and genre
  // lists follow, in training and serving (chooseHomePopularity; auto: the log's listener counts when
  // the importer counted the catalog's popularity from the same events, or the catalog has none)
  options: { requireRanker: false, maxUsers: 2000, folds: 2, retrainItemVectors: true, successor: 0, sequence: HOME_SEQUENCE_EPOCHS, sequenceK: 50, sequenceDim: SEQUENCE_MODEL_OPTIONS.dim, blendReference: DEFAULT_BLEND_REFERENCE, popularity: 'auto' as string },
  dependsOn: [datasetPart, aggregatesPart, contentVectorsPart, itemVectorsPart, itemIndexPart],
  build: async ({ inputs, options, settings, write, progress }): Promise<HomeRankerModel> => {
    // checked before training: a bad k would otherwise fail only in homeCandidates, after it
    if (!Number.isInteger(options.successor) || options.successor < 0) throw new RangeError(`homeRanker.successor: expected an integer ≥ 0 (0: off), got ${options.successor}`);
    if (!Number.isInteger(options.sequence) || options.sequence < 0) throw new RangeError(`homeRanker.sequence: expected an integer ≥ 0 (epochs; 0: off), got ${options.sequence}`);
    const { store, interactions } = inputs.dataset;
    const choice = chooseHomePopularity(store, inputs.dataset.metadata, options.popularity);
    progress(`homeRanker: popularity — ${describeHomePopularity(choice.popularity)}: ${choice.reason}`);
    const data = { store, interactions, itemVectors: inputs.itemVectors.vectors, itemDim: inputs.itemVectors.dim, itemIndex: inputs.itemIndex, popularity: choice.popularity };
    const sequenceNotUsed = sequenceSourceUnavailable(inputs.aggregates.historyLog, options.sequence);
    if (sequenceNotUsed) progress(`homeRanker: sequence source not used — ${sequenceNotUsed}; the ranker trains without it`);
    const sequence = sequenceNotUsed ? 0 : options.sequence;
    let model: HomeRankerModel;
    try {
      ({ model } = await trainHomeRanker(data, {
        // the split and labels are the aggregates' `ranker-labels` (pipeline or single process: one path)
        examples: (kind) => rankerExamplesOf(inputs.aggregates, kind, settings.seed),
        seed: settings.seed,
        maxUsers: options.maxUsers,
        folds: options.folds,
        blendReference: options.blendReference,
        ...(options.successor > 0 ? { neighbours: { successor: { k: options.successor } } } : {}),
        // cross-fitted like the lists: each fold's next-track model never sees that fold's labels
        ...(sequence > 0
          ? {
              sequenceK: options.sequenceK,
              sequenceFor: async (pastLog) => {
                const histories = historiesFromInteractions(pastLog, { lastItems: SEQUENCE_MODEL_OPTIONS.historyItems });
                const training = sequenceTrainingOptions({ ...SEQUENCE_MODEL_OPTIONS, dim: options.sequenceDim }, sequence, settings, store);
                const trained = await trainSequenceModel({ ...histories, numItems: store.trackCount }, training);
                progress(`  homeRanker: next-track model on ${pastLog.length.toLocaleString('en')} past events, ${trained.history.length} epochs (best ${trained.bestEpoch})`);
                return createExactNextTracks(trained.model);
              },
            }
          : {}),
        xgboost: { params: { nthread: settings.threads } },
        log: (line) => progress(`  ${line}`),
        onProgress: (event) => progress(`  ${formatProgress(event)}`),
        // the features of training listeners come from vectors that never saw their future
        itemVectorsFor: options.retrainItemVectors
          ? async (pastLog) => {
              const items = await trainItemVectors(store, pastLog, inputs.contentVectors, { ...itemVectorsPart.options, dim: inputs.itemVectors.dim, threads: settings.threads, seed: settings.seed });
              // each fold's index the same on every build (HNSW on one thread), so a rebuild trains the same ranker
              return { itemVectors: items.vectors, itemIndex: buildTrackIndex(store, items, { ...itemIndexPart.options, deterministic: true }) };
            }
          : undefined,
      }));
      // on a log without usable time no successor lists are built and the ranker reads none
      model = withSuccessorK(model, options.successor);
      if (sequenceNotUsed) model.training = { ...model.training, sequenceNotUsed };
      progress(`homeRanker: ${model.heads.map((head) => `${head.objective} (${head.rounds} trees, validation NDCG@10 ${head.validation.ndcg10})`).join(', ')}`);
    } catch (error) {
      if (!(error instanceof InsufficientTrainingDataError) || options.requireRanker) throw error;
      model = { ...heuristicRankerModel(error.message), ...(choice.popularity === 'log' ? { popularity: 'log' as const } : {}) };
      progress(`homeRanker: NOT trained — ${error.message}; the bundle serves the hand-set ranker and its manifest says so`);
    }
    model = { ...model, training: { ...model.training, popularity: choice.reason } };
    await write('model', JSON.stringify(model), { metadata: rankerMetadata(model) });
    return model;
  },
  open: async ({ read, version }): Promise<HomeRankerModel> => {
    const where = `bundle ${version}: models/ranker.json`;
    const text = (await read('model')).toString('utf8');
    const header = JSON.parse(text) as { format?: unknown; version?: unknown };
    // A ranker from before Home v2 cannot score today's features: serve the hand-set one and say so.
    if (header.format === RANKER_FORMAT && header.version !== 2) return heuristicRankerModel(`${where} is ranker format version ${String(header.version)} (before Home v2); rebuild the bundle`);
    return parseRankerModel(text, where);
  },
  summarize: (model) => (model.kind === 'heuristic' ? `hand-set ranker (${model.fallback})` : `LambdaMART: ${model.heads.map((head) => `${head.objective} ${head.rounds} trees`).join(', ')}`),
});

export const homeCandidatesPart = definePart({
  name: 'homeCandidates',
  description:
    "Home's offline candidates: item → item neighbour lists (EASE, RP3β, co-listening, item vectors), ALS factors, a FAISS index over the item factors, and each logged listener's taste clusters and ANN answers",
  files: {
    lists: { path: 'models/home-parts.pack', role: 'model' },
    factorIndex: { path: 'indexes/factors.faiss', role: 'index' },
  },
  // absent from bundles built before Home v2, and when the log is empty
  optional: true,
  // the ranker says which lists it reads (the successor lists, and their k)
  dependsOn: [datasetPart, itemVectorsPart, itemIndexPart, homeRankerPart],
  build: async ({ inputs, settings, write, progress, stage, absent }): Promise<HomeCandidatesPartValue | undefined> => {
    const { store, interactions } = inputs.dataset;
    if (interactions.length === 0) return absent('the log is empty; Home serves from item vectors and popularity only');
    const data = { store, interactions, itemVectors: inputs.itemVectors.vectors, itemDim: inputs.itemVectors.dim, itemIndex: inputs.itemIndex };
    const successor = successorListsOfRanker(inputs.homeRanker);
    const models = await buildItemModels(data, { seed: settings.seed, log: (line) => progress(`  ${line}`), ...(successor > 0 ? { neighbours: { successor: { k: successor } } } : {}) });
    const factors = models.factors;
    if (!factors) throw new Error('homeCandidates: no item factors were learned from a non-empty log');
    const factorIndex = await stage('factor index', () => {
      const ids = Array.from({ length: store.trackCount }, (_unused, t) => store.trackId(t));
      // one thread for HNSW (catalogs ≥ 20k tracks): the same graph on every build of the same data
      return VectorIndex.build({ dim: factors.dim, factory: chooseFactory(ids.length, factors.dim), metric: 'ip', ids, vectors: factors.items, deterministic: true });
    });
    // a logged listener's page reads their taste clusters and ANN answers instead of k-means + FAISS
    const listeners = await stage('listener state', () =>
      // with the popularity the ranker was trained with, as serving builds its index
      computeListenerState(createHomeIndex({ ...data, popularity: inputs.homeRanker.popularity, neighbours: models.neighbours, factors, factorIndex }), {
        onProgress: (done, total) => {
          if (done === total || done % 2048 === 0) progress(`  listener state ${done}/${total}`);
        },
      }),
    );
    const parts = { neighbours: models.neighbours, factors, listeners };
    const { arrays, meta } = homePartsToArrays(parts);
    const bytes = homePartBytes(parts);
    await write('lists', packTypedArrays(arrays, meta), { metadata: { sources: Object.keys(models.neighbours), MiB: Object.fromEntries(Object.entries(bytes).map(([name, value]) => [name, MiB(value)])) } });
    await write('factorIndex', factorIndex.toBuffer(), { index: indexInfo(factorIndex, 'ALS item factors of every track') });
    return { ...parts, factorIndex };
  },
  openDependsOn: [datasetPart],
  open: async ({ read, inputs, version }): Promise<HomeCandidatesPartValue> => {
    const where = `bundle ${version}: models/home-parts.pack`;
    const pack = unpackTypedArrays(await read('lists'), where);
    const parts = homePartsFromArrays(pack.arrays, pack.meta, inputs.dataset.store.trackCount, where);
    const factorIndex = VectorIndex.fromBuffer(await read('factorIndex'));
    if (factorIndex.size !== inputs.dataset.store.trackCount) {
      throw new Error(`bundle ${version}: indexes/factors.faiss holds ${factorIndex.size} vectors for ${inputs.dataset.store.trackCount} tracks`);
    }
    return { ...parts, factorIndex };
  },
  summarize: (value) => {
    const bytes = homePartBytes(value);
    return `${Object.keys(value.neighbours).join(', ')} lists + factors d=${value.factors?.dim ?? 0}${value.listeners ? ` + ${value.listeners.queryOffsets.length - 1} listeners' ANN answers` : ''}: ${MiB(Object.values(bytes).reduce((sum, b) => sum + b, 0))} MiB`;
  },
});
