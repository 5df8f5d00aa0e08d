// The generative next-track model from @mixtape/sequence (a SASRec-style causal transformer)
// behind the Recommender interface: trained on each row's items in time order, queried with the
// row's history (the last maxLength items), scored against every item.
import { readFile } from 'node:fs/promises';
import { DEFAULT_BACKOFF_LEVELS, DEFAULT_VALIDATION_ROWS, catalogSideInputs, catalogTransitionGroups, checkHeldOutRows, createSequenceScorer, describeTransitionSettings, deserializeSequenceModel, trainSequenceModel, trainingPlayCounts, transitionPriorActive } from '@mixtape/sequence';
import type { BackoffLevel, SequenceScorer, SideInputLevel, TrainSequenceOptions, TransitionGroup, TransitionPriorReport, TransitionPriorSettings } from '@mixtape/sequence';
import type { CsrMatrix } from '@mixtape/embeddings';
import { columnCounts } from '@mixtape/embeddings';
import type { FitContext, QueryBatch } from '../recommender';
import { ScoringRecommender, assertFitted, requireSequences } from '../recommender';

export interface SasRecRecommenderOptions {
  dim?: number;
  heads?: number;
  blocks?: number;
  ffDim?: number;
  maxLength?: number;
  dropout?: number;
  /** output layer = item embeddings (default false: separate output embeddings, chosen on validation) */
  tied?: boolean;
  /** the query adds the last item's embedding (a direct first-order path) */
  lastItemResidual?: boolean;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** 'constant' (default), or decay to 0 over `epochs` ('linear' | 'cosine') */
  learningRateDecay?: 'constant' | 'linear' | 'cosine';
  /** steps of linear warm-up (default 0) */
  warmupSteps?: number;
  /** decoupled weight decay on embeddings and weight matrices (AdamW) */
  weightDecay?: number;
  /** 'sampled' (default) or 'full' softmax */
  loss?: 'sampled' | 'full';
  negatives?: number;
  /** negatives drawn ∝ (count + 1)^samplingExponent (default 0.75; 0 = uniform) */
  samplingExponent?: number;
  patience?: number;
  validationRows?: number;
  /** the served score adds the first-order transition prior, its settings chosen on the validation rows (default true; false = the logits alone) */
  transitionPrior?: boolean;
  /**
   * train with this transition prior inside the softmax (product of experts; see
   * @mixtape/sequence); default DEFAULT_TRAINING_PRIOR, false = the softmax alone, 'alone' =
   * residual training over the prior alone (back-off levels included) chosen on validation
   */
  trainWithPrior?: TransitionPriorSettings | 'alone' | false;
  /**
   * back-off levels of the served prior, in order (see @mixtape/sequence): 'album' (the catalog's
   * album of each item) and/or 'artist' (its primary artist); a level the dataset lacks is left out
   * (the notes say so). Default DEFAULT_BACKOFF.
   */
  backoff?: readonly BackoffLevel[];
  /**
   * side inputs of the transformer (see @mixtape/sequence sideInputs, catalogSideInputs): a learned
   * album / artist / album-position / artist-rank embedding added to each track's input and output
   * embeddings during training. Default none; a level the dataset lacks is left out (the notes say so).
   */
  sideInputs?: readonly SideInputLevel[];
  /**
   * read this trained model file instead of training (e.g. one `diagnose:next-items --train` wrote
   * on the same split): it must record its validation rows, and they must be the rows this split's
   * training data draws (seed, count and hash), so it was trained on exactly these rows — never on
   * a test item. Its own prior is served. Training options are refused with it.
   */
  modelFile?: string;
  /** fixed (default 2) so that results do not depend on the machine's core count */
  threads?: number;
  seed?: number;
}

/**
 * The prior inside the training softmax by default: on synthetic next-item validation (the
 * trainer's 1,000 rows) it served NDCG@10 0.2267 against 0.2244 with the prior at serving only
 * (a rule fixed before the run: adopt if higher; the margin is within noise).
 */
export const DEFAULT_TRAINING_PRIOR: TransitionPriorSettings = { alpha: 1, mu: 0.04, gamma: 0.5 };

/** The served prior's back-off levels by default (album, then artist: chosen on validation, then one test read — see DEFAULT_BACKOFF_LEVELS). */
export const DEFAULT_BACKOFF: readonly BackoffLevel[] = DEFAULT_BACKOFF_LEVELS;

/** The back-off groups of a dataset's catalog (album, artist of each item); without one every level is missing. */
export function backoffGroups(levels: readonly BackoffLevel[], numItems: number, context: FitContext): { groups: TransitionGroup[]; missing: BackoffLevel[] } {
  if (levels.length === 0 || !context.store || context.store.trackCount !== numItems) return { groups: [], missing: [...levels] };
  return { groups: catalogTransitionGroups(context.store, levels), missing: [] };
}

/**
 * The side-input groups of a dataset's catalog; without one every level is missing. artistRank is
 * ranked by the plays training sees (`data` = the training split's sequences, minus the trainer's
 * validation rows' last items: `validation` = its row count and seed), never by the catalog's
 * popularity — an importer counts that over the whole log, so it would carry test-period plays.
 */
export function sideInputGroups(
  levels: readonly SideInputLevel[],
  data: { items: Int32Array; offsets: Int32Array; numItems: number },
  context: FitContext,
  validation: { rows: number; seed: number },
): { groups: TransitionGroup[]; missing: SideInputLevel[] } {
  if (levels.length === 0 || !context.store || context.store.trackCount !== data.numItems) return { groups: [], missing: [...levels] };
  const plays = levels.includes('artistRank') ? trainingPlayCounts(data, validation.rows, validation.seed) : undefined;
  return { groups: catalogSideInputs(context.store, levels, plays), missing: [] };
}

interface SasRecState {
  numItems: number;
  scorer: SequenceScorer;
  fallback: Float32Array;
}

export class SasRecRecommender extends ScoringRecommender {
  readonly name: string;
  private readonly options: SasRecRecommenderOptions;
  private state: SasRecState | undefined;

  constructor(options: SasRecRecommenderOptions = {}) {
    super();
    if (options.modelFile !== undefined) {
      const training = Object.keys(options).filter((key) => options[key as keyof SasRecRecommenderOptions] !== undefined && key !== 'modelFile' && key !== 'seed');
      if (training.length > 0) throw new RangeError(`model sasrec: modelFile reads a trained model; its training options cannot be set too (got ${training.join(', ')})`);
    }
    this.options = { ...options, trainWithPrior: options.trainWithPrior === undefined ? DEFAULT_TRAINING_PRIOR : options.trainWithPrior, backoff: options.backoff ?? DEFAULT_BACKOFF };
    const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
    const o = { dim: 64, blocks: 2, heads: 1, maxLength: 50, dropout: 0.3, loss: 'sampled', negatives: 2048, samplingExponent: 0.75, tied: false, lastItemResidual: false, learningRate: 0.005, weightDecay: 0, transitionPrior: true, ...given };
    const sampling = o.samplingExponent === 0.75 ? '' : o.samplingExponent === 0 ? ' uniform' : ` ∝ count^${o.samplingExponent}`;
    const loss = o.loss === 'full' ? 'full softmax' : `sampled softmax, ${o.negatives}${sampling} negatives + log-Q`;
    if (options.modelFile !== undefined) {
      this.name = `SASRec transformer read from ${options.modelFile} (its own served prior)`;
      return;
    }
    this.name =
      `SASRec transformer (d=${o.dim}, ${o.blocks} blocks, ${o.heads} head${o.heads > 1 ? 's' : ''}, L=${o.maxLength}, dropout ${o.dropout}, ` +
      `${o.tied ? 'tied' : 'untied'} output${o.lastItemResidual ? ' + last-item residual' : ''}${options.sideInputs && options.sideInputs.length > 0 ? `, side inputs ${options.sideInputs.join(', ')}` : ''}, lr ${o.learningRate}${describeSchedule(options.learningRateDecay, options.warmupSteps)}${o.weightDecay ? `, weight decay ${o.weightDecay}` : ''}, ${loss}` +
      `${describeTrainingPrior(this.options.trainWithPrior, this.options.backoff!)}` +
      `${o.transitionPrior ? `; + transition prior${this.options.backoff!.length > 0 ? ` backing off to ${this.options.backoff!.join(', ')}` : ''} chosen on validation` : ''})`;
  }

  async fit(train: CsrMatrix, context: FitContext = {}): Promise<void> {
    const sequences = requireSequences(context.sequences, 'sasrec');
    const o = this.options;
    if (o.modelFile) {
      const model = await readTrainedModel(o.modelFile, { items: sequences.indices, offsets: sequences.indptr, numItems: train.cols });
      const recipe = model.meta.diagnoseTraining;
      this.notes =
        `read from ${o.modelFile} (${recipe ? `trained by diagnose:next-items with ${JSON.stringify(recipe)}` : 'training options not recorded'}${typeof model.meta.bestEpoch === 'number' ? `, best epoch ${model.meta.bestEpoch}` : ''}; ` +
        `validation rows ${model.validation!.rows}, seed ${model.validation!.seed}, hash ${model.validation!.hash} — this split's); ` +
        `${model.transitions ? `transition prior ${describeTransitionSettings(model.transitions.settings)} (the file's)` : 'no transition prior'}; rows without history are ranked by popularity`;
      this.state = { numItems: train.cols, scorer: createSequenceScorer(model), fallback: Float32Array.from(columnCounts(train)) };
      return;
    }
    const { groups, missing } = backoffGroups(o.transitionPrior === false ? [] : o.backoff!, train.cols, context);
    const trainingData = { items: sequences.indices, offsets: sequences.indptr, numItems: train.cols };
    const side = sideInputGroups(o.sideInputs ?? [], trainingData, context, { rows: o.validationRows ?? DEFAULT_VALIDATION_ROWS, seed: o.seed ?? context.seed ?? 1 });
    const options: TrainSequenceOptions = {
      model: { dim: o.dim, heads: o.heads, blocks: o.blocks, ffDim: o.ffDim, maxLength: o.maxLength, dropout: o.dropout, tied: o.tied, lastItemResidual: o.lastItemResidual },
      epochs: o.epochs,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      learningRateDecay: o.learningRateDecay,
      warmupSteps: o.warmupSteps,
      weightDecay: o.weightDecay,
      loss: o.loss,
      negatives: o.negatives,
      samplingExponent: o.samplingExponent,
      patience: o.patience,
      validationRows: o.validationRows,
      transitionPrior: o.transitionPrior ?? true,
      transitionGroups: groups,
      sideInputs: side.groups.length > 0 ? side.groups : undefined,
      trainWithPrior: o.trainWithPrior || undefined,
      threads: o.threads ?? 2,
      seed: o.seed ?? context.seed,
      signal: context.signal,
      onProgress: context.onProgress ? (p) => context.onProgress!({ ...p, phase: `${p.phase}, loss ${p.loss.toFixed(3)}` }) : undefined,
      onEpoch: (record) => context.logger?.info({ model: 'sasrec', ...record }, 'epoch'),
    };
    // drop undefined keys so the trainer's defaults apply
    const model = options.model as Record<string, unknown>;
    for (const key of Object.keys(model)) if (model[key] === undefined) delete model[key];
    for (const key of Object.keys(options) as Array<keyof TrainSequenceOptions>) if (options[key] === undefined) delete options[key];
    const result = await trainSequenceModel(trainingData, options);
    const seconds = result.history.reduce((sum, r) => sum + r.seconds, 0) / Math.max(1, result.history.length);
    const best = result.history.find((r) => r.epoch === result.bestEpoch);
    this.notes =
      `${result.history.length} epochs (${seconds.toFixed(1)} s each, ${result.stats.threads} threads), best epoch ${result.bestEpoch}` +
      (best?.validationNdcg10 !== undefined ? ` by full-catalog NDCG@10 ${best.validationNdcg10.toFixed(4)} on ${result.stats.validationRows} rows' last training item` : '') +
      `${result.stoppedEarly ? ' (stopped early)' : ''}; ${result.trainingPrior?.chosenOnValidation ? `trained over the prior alone ${describeTransitionSettings(result.trainingPrior.settings)} (validation NDCG@10 ${result.trainingPrior.validationNdcg10!.toFixed(4)}); ` : ''}${describePrior(result.transitionPrior)}` +
      `${missing.length > 0 ? `; back-off to ${missing.join(', ')} left out (the dataset has no catalog)` : ''}` +
      `${side.missing.length > 0 ? `; side inputs ${side.missing.join(', ')} left out (the dataset has no catalog)` : ''}; rows without history are ranked by popularity`;
    const users = columnCounts(train);
    this.state = { numItems: train.cols, scorer: createSequenceScorer(result.model), fallback: Float32Array.from(users) };
  }

  protected get numItems(): number {
    return assertFitted(this.state, this.name).numItems;
  }

  scoreBatch(batch: QueryBatch, out: Float32Array): void {
    const { numItems, scorer, fallback } = assertFitted(this.state, this.name);
    const sequences = requireSequences(batch.sequences, 'sasrec');
    // the served score (logits + transition prior): one code path with Up next and radio
    const encoded = scorer.scoreHistories({ items: sequences.indices, offsets: sequences.indptr }, batch.rows, out);
    for (let b = 0; b < batch.rows.length; b++) if (encoded[b] === 0) out.set(fallback, b * numItems);
  }
}

function describeTrainingPrior(prior: TransitionPriorSettings | 'alone' | false | undefined, backoff: readonly BackoffLevel[]): string {
  if (!prior) return '';
  if (prior === 'alone') return `; trained residually over the prior alone${backoff.length > 0 ? ` (backing off to ${backoff.join(', ')})` : ''} chosen on validation`;
  return `; trained with transition prior α=${prior.alpha}, μ=${prior.mu}, γ=${prior.gamma}`;
}

function describeSchedule(decay: string | undefined, warmupSteps: number | undefined): string {
  return `${decay && decay !== 'constant' ? ` with ${decay} decay` : ''}${warmupSteps ? ` after ${warmupSteps} warm-up steps` : ''}`;
}

function describePrior(report: TransitionPriorReport | undefined): string {
  if (!report) return 'no transition prior';
  const settings = describeTransitionSettings(report.settings);
  if (!report.chosenOnValidation) return `transition prior ${settings} (fixed)`;
  const figures = `validation NDCG@10 ${report.validationNdcg10!.toFixed(4)} with it, ${report.modelValidationNdcg10!.toFixed(4)} without`;
  return !transitionPriorActive(report.settings)
    ? `transition prior off (no setting beat the model alone on validation: ${figures})`
    : `transition prior ${settings} chosen on validation (${figures})`;
}

/** A trained model file for this training data: refused unless its recorded validation rows are the ones this data draws. */
export async function readTrainedModel(file: string, data: { items: Int32Array; offsets: Int32Array; numItems: number }) {
  const model = deserializeSequenceModel(await readFile(file), file);
  if (model.config.numItems !== data.numItems) throw new RangeError(`model sasrec: ${file} scores ${model.config.numItems} items, this dataset has ${data.numItems}`);
  checkHeldOutRows(model.validation, data, `model sasrec: ${file}`);
  return model;
}

export function createSasRecRecommender(options: SasRecRecommenderOptions = {}): SasRecRecommender {
  return new SasRecRecommender(options);
}
