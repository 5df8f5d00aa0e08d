// The next-track model as a bundle part: the causal transformer of @mixtape/sequence trained on
// every listener's plays in order, plus a FAISS inner-product index over its output embeddings
// (ids = track ids, so label = track index) that serves "Up next", radio and a Home candidate
// source. The model file carries the first-order transition prior the served score adds (CSR
// typed arrays, settings chosen on validation). Absent when the log has too little order to learn from.
// Its options (SEQUENCE_MODEL_OPTIONS) live in @mixtape/sequence, so the eval's home-stack trains with the same.
import { formatProgress } from '@mixtape/base';
import { VectorIndex, chooseFactory, type SearchParams } from '@mixtape/embeddings';
import type { InteractionLog } from '@mixtape/catalog';
import {
  SEQUENCE_MODEL_OPTIONS,
  sequenceTrainingOptions,
  calibrateEfSearch,
  describeTransitionSettings,
  deserializeSequenceModel,
  historiesFromInteractions,
  outputEmbeddings,
  sampleServingHistories,
  serializeSequenceModel,
  trainSequenceModel,
  type Histories,
  type SequenceModel,
} from '@mixtape/sequence';
import { definePart } from '../registry/define';
import { aggregatesPart } from './aggregates';
import { datasetPart } from './dataset';

export interface SequenceModelPartValue {
  model: SequenceModel;
  /** inner-product index over the output embeddings, label = track index */
  index: VectorIndex;
}

const count = (value: number) => value.toLocaleString('en');

/** The epochs a build trains: the budget over the positions of one epoch, capped by `epochs` (both ≥ 1). */
export function epochsFor(positions: number, epochs: number, positionBudget: number): number {
  if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`sequenceModel.epochs: expected a positive integer, got ${epochs}`);
  if (!(positionBudget >= 0)) throw new RangeError(`sequenceModel.positionBudget: expected a number ≥ 0 (0 = no budget), got ${positionBudget}`);
  if (positionBudget === 0 || positions <= 0) return epochs;
  return Math.max(1, Math.min(epochs, Math.ceil(positionBudget / positions)));
}


/** The least consecutive plays (training positions) the part trains on; with fewer it is absent. */
export const MIN_CONSECUTIVE_PLAYS = 1000;

/** Training positions of these histories: each listener's plays after their first. */
export function consecutivePlays(histories: Histories): number {
  let pairs = 0;
  for (let u = 0; u + 1 < histories.offsets.length; u++) pairs += Math.max(0, histories.offsets[u + 1]! - histories.offsets[u]! - 1);
  return pairs;
}

/**
 * What order the model learns: the timestamps', or — for listeners whose every event has one
 * timestamp (Last.fm play counts, an import at one moment) — the order of the input file, which
 * may mean nothing. Said in the build's output and in the manifest (the model file's
 * `metadata.listeningOrder`), so a user knows what Up next and radio were trained on.
 */
export function listeningOrder(log: InteractionLog): { untimed: number; listeners: number; text: string } {
  const { userOffsets } = log;
  const time = log.columns.timestamp;
  let untimed = 0;
  let listeners = 0;
  for (let u = 0; u + 1 < userOffsets.length; u++) {
    const start = userOffsets[u]!;
    const end = userOffsets[u + 1]!;
    if (end - start < 2) continue;
    listeners++;
    let equal = true;
    for (let i = start + 1; i < end && equal; i++) equal = time[i] === time[start];
    if (equal) untimed++;
  }
  const text =
    untimed === 0
      ? 'by timestamp'
      : untimed === listeners
        ? `file order: every listener's events share one timestamp, so the model learns the order of the input file (meaningful only if it was written in listening order)`
        : `by timestamp, except ${count(untimed)} of ${count(listeners)} listeners whose events share one timestamp: their order is the input file's`;
  return { untimed, listeners, text };
}

export const sequenceModelPart = definePart({
  name: 'sequenceModel',
  description: 'the next-track transformer (@mixtape/sequence) and a FAISS inner-product index over its output embeddings, for Up next, radio and Home',
  files: {
    model: { path: 'models/sequence.bin', role: 'model' },
    index: { path: 'indexes/sequence.faiss', role: 'index' },
  },
  optional: true,
  options: SEQUENCE_MODEL_OPTIONS,
  dependsOn: [datasetPart, aggregatesPart],
  build: async ({ inputs, options, settings, write, stage, progress, signal, absent }): Promise<SequenceModelPartValue | undefined> => {
    const { store } = inputs.dataset;
    // the aggregates' ordered histories (a pipeline run's or this process's: one path)
    const historyLog = inputs.aggregates.historyLog;
    if (!historyLog) throw new Error('sequenceModel: the aggregates part holds no histories (opened from a bundle, not built)');
    const histories = historiesFromInteractions(historyLog, { lastItems: options.historyItems });
    const pairs = consecutivePlays(histories);
    if (pairs < MIN_CONSECUTIVE_PLAYS) {
      // the count is over each listener's last historyItems plays: a log of one heavy listener has
      // thousands of consecutive plays, of which the model reads the last historyItems. Cut means a
      // history of plays was cut (skips and repeats are dropped first), not a long run of events.
      const cut = histories.truncated > 0;
      const where = !cut ? 'the log' : `each listener's last ${count(options.historyItems)} plays`;
      const more = cut ? ' (--set sequenceModel.historyItems=N reads more of each history)' : '';
      return absent(`not trained: ${count(pairs)} consecutive plays in ${where}, need ${count(MIN_CONSECUTIVE_PLAYS)}${more}; Up next and radio are unavailable`);
    }
    const order = listeningOrder(historyLog);
    if (order.untimed > 0) progress(`sequenceModel: WARNING — ${order.text}`);
    const epochs = epochsFor(pairs, options.epochs, options.positionBudget);
    progress(`sequenceModel: ${epochs} epoch${epochs === 1 ? '' : 's'} at most over ${count(pairs)} positions${options.positionBudget > 0 ? ` (position budget ${count(options.positionBudget)}, epochs ≤ ${options.epochs})` : ''}`);
    const trained = await stage(
      'sequence model',
      () =>
        trainSequenceModel(
          { ...histories, numItems: store.trackCount },
          {
            ...sequenceTrainingOptions(options, epochs, settings, store, { ...histories, numItems: store.trackCount }),
            signal,
            onProgress: (event) => progress(`  ${formatProgress(event)} loss ${event.loss.toFixed(3)}`),
            onEpoch: (record) =>
              progress(`  epoch ${record.epoch}: loss ${record.loss.toFixed(4)}, ${record.seconds.toFixed(1)} s, validation NDCG@10 ${record.validationNdcg10?.toFixed(4) ?? '–'}`),
          },
        ),
      (result) => `${result.history.length} epochs, best ${result.bestEpoch}, ${count(result.stats.tokens)} positions per epoch`,
    );
    const model = trained.model;
    const best = trained.history.find((record) => record.epoch === trained.bestEpoch);
    const prior = trained.transitionPrior;
    if (prior?.chosenOnValidation) {
      progress(
        `sequenceModel: transition prior ${describeTransitionSettings(prior.settings)} (validation NDCG@10 ${prior.validationNdcg10!.toFixed(4)} with it, ${prior.modelValidationNdcg10!.toFixed(4)} without)`,
      );
    }
    await write(
      'model',
      serializeSequenceModel(model, {
        bestEpoch: trained.bestEpoch,
        validationNdcg10: best?.validationNdcg10 ?? null,
        epochs: trained.history.length,
        priorValidationNdcg10: prior?.validationNdcg10 ?? null,
      }),
      { metadata: { listeningOrder: order.text } },
    );
    const factory = options.factory === 'auto' ? chooseFactory(store.trackCount, model.config.dim) : options.factory;
    const index = await stage('sequence index', () => {
      const params: SearchParams = factory.startsWith('HNSW') ? { efSearch: options.efSearch } : factory.startsWith('IVF') ? { nprobe: options.nprobe } : {};
      const ids = Array.from({ length: store.trackCount }, (_, i) => store.trackId(i));
      return VectorIndex.build({ dim: model.config.dim, factory, metric: 'ip', ids, vectors: outputEmbeddings(model), params });
    });
    // HNSW: efSearch chosen for this model by the recall of its served answers (@mixtape/sequence calibrateEfSearch)
    const calibration =
      factory.startsWith('HNSW') && options.efSearchRecall > 0
        ? await stage(
            'efSearch by recall',
            () => calibrateEfSearch(model, index, sampleServingHistories(histories, 1000, model.config.maxLength, settings.seed), { target: options.efSearchRecall }),
            (result) =>
              `efSearch ${result.efSearch} (${result.met ? 'the smallest' : 'none'} reaching recall@${result.k} ${result.target} on its lower bound over ${count(result.queries)} listeners' histories; ${result.recalls.map((row) => `${row.efSearch}: ${row.recall.toFixed(4)} (≥ ${row.lower.toFixed(4)})`).join(', ')})`,
          )
        : undefined;
    const info = index.info();
    await write('index', index.toBuffer(), {
      index: { dim: info.dim, metric: info.metric, factory: info.factory, count: info.count, contains: 'output embeddings of the next-track model', params: info.params },
      ...(calibration ? { metadata: { efSearchRecall: { target: calibration.target, met: calibration.met, k: calibration.k, queries: calibration.queries, recalls: calibration.recalls } } } : {}),
    });
    return { model, index };
  },
  openDependsOn: [datasetPart],
  open: async ({ read, inputs, version }): Promise<SequenceModelPartValue> => {
    const model = deserializeSequenceModel(await read('model'), `bundle ${version}: models/sequence.bin`);
    const index = VectorIndex.fromBuffer(await read('index'));
    const tracks = inputs.dataset.store.trackCount;
    if (model.config.numItems !== tracks) throw new Error(`bundle ${version}: the sequence model scores ${model.config.numItems} items, the catalog has ${tracks} tracks`);
    if (index.size !== tracks || index.dim !== model.config.dim) {
      throw new Error(`bundle ${version}: the sequence index holds ${index.size} vectors of dim ${index.dim}, expected ${tracks} of dim ${model.config.dim}`);
    }
    if (index.idOf(0) !== inputs.dataset.store.trackId(0)) throw new Error(`bundle ${version}: the sequence index is not in catalog track order`);
    return { model, index };
  },
  summarize: (value) =>
    `${count(value.model.config.numItems)} items, d=${value.model.config.dim}, ${value.model.config.blocks} blocks, L=${value.model.config.maxLength}; ` +
    `${value.model.transitions ? `transition prior ${describeTransitionSettings(value.model.transitions.settings)} over ${count(value.model.transitions.items.length)} successor pairs` : 'no transition prior'}; index ${value.index.info().factory}`,
});
