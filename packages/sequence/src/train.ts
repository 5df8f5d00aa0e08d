// Training: every listener's ordered items are cut into windows of ≤ maxLength (from the most
// recent end), each position predicts the next item with a softmax cross-entropy — over every
// item, or over shared sampled negatives with the log-Q correction (Yi et al. 2019) — and Adam
// updates the parameters. Threads split each batch (data parallel, no Hogwild), so a fixed
// thread count gives the same model run to run. A validation split (each sampled row's last
// item) drives early stopping; checkpoints make a run resumable.
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Random, type ProgressEvent } from '@mixtape/base';
import { EngineHost } from './internal/host';
import { roundUp4 } from './internal/layout';
import type { Histories } from './internal/queries';
import { encodeHistories, scoreAllItems, transposeOutput } from './internal/queries';
import type { SequenceModel, SequenceModelConfig } from './model';
import { SequenceConfigError, describeParameters, engineConfig, initializeModel, resolveModelConfig } from './model';
import { packArrays, unpackArrays } from './serialize';
import type { TransitionGroup, TransitionPrior, TransitionPriorSettings } from './transitions';
import type { TransitionCounts } from './transitions';
import { addTransitionPrior, buildTransitionPrior, checkTransitionGroups, chooseTransitionPrior, countGroupTransitions, countTransitions, ndcgAt10, transitionPriorActive } from './transitions';
import { loadPrior, priorRegions } from './internal/training-prior';
import { SideInputs } from './internal/side-inputs';

/** Ordered item histories (CSR, oldest first) over an item space of numItems. */
export interface SequenceTrainingData extends Histories {
  numItems: number;
}

export interface SequenceTrainingProgress extends ProgressEvent {
  epoch: number;
  epochs: number;
  /** mean training loss of the current epoch so far */
  loss: number;
}

export interface EpochRecord {
  epoch: number;
  /** mean cross-entropy per target */
  loss: number;
  seconds: number;
  tokensPerSecond: number;
  /** full-catalog NDCG@10 / HitRate@10 of the held-out last items (validation rows' own items excluded) */
  validationNdcg10?: number;
  validationHitRate10?: number;
  best: boolean;
}

/** validation rows the trainer holds out by default (the refit's default too, so it draws the same rows) */
export const DEFAULT_VALIDATION_ROWS = 2000;

export interface TrainSequenceOptions {
  model?: Partial<Omit<SequenceModelConfig, 'numItems'>>;
  /** most passes over the data (default 30); early stopping may end sooner */
  epochs?: number;
  /** sequences (windows) per batch (default 128) */
  batchSize?: number;
  /** Adam (defaults 5e-3 — chosen on next-item validation; SASRec's paper uses 1e-3 —, 0.9, 0.98, 1e-8) */
  learningRate?: number;
  /**
   * the learning rate over the run (default 'constant'): 'linear' / 'cosine' decay it to 0 at
   * the last step of `epochs` (an early stop ends sooner), after `warmupSteps` rising from 0
   */
  learningRateDecay?: 'constant' | 'linear' | 'cosine';
  /** steps of linear warm-up from 0 to learningRate (default 0) */
  warmupSteps?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /**
   * decoupled weight decay (AdamW, Loshchilov & Hutter 2019) on the embeddings and weight
   * matrices — not on biases and layer-norm parameters: each step multiplies them by
   * 1 − learningRate · weightDecay (default 0)
   */
  weightDecay?: number;
  /** 'sampled' (default): shared negatives with log-Q correction; 'full': softmax over every item */
  loss?: 'sampled' | 'full';
  /** negatives per batch for the sampled softmax (default 2048: on next-item validation 256 → 1024 → 2048 each learned faster and plateaued higher, for ~1.7× / ~2.2× the time per position) */
  negatives?: number;
  /** negatives are drawn ∝ (count + 1)^exponent (default 0.75) */
  samplingExponent?: number;
  /** rows whose last item is held out for early stopping (default 2000; 0 = no validation) */
  validationRows?: number;
  /** hold out the last item of exactly these rows instead of a seeded sample of validationRows rows */
  validationRowIds?: Int32Array;
  /** validations without improvement before stopping (default 3) */
  patience?: number;
  /**
   * the first-order transition prior added to the model's logits when serving (see
   * transitions.ts): true (default) = α, μ, γ chosen on the validation rows (none without
   * validation rows; α = 0 when it does not help), settings = fixed, false = none
   */
  transitionPrior?: boolean | TransitionPriorSettings;
  /**
   * back-off levels of the served prior (e.g. album, then artist of each item): "j followed an
   * item of the last item's group and is in that group" — each level's α, μ chosen on the
   * validation rows after the item level's (α = 0 turns a level off). Default: none.
   */
  transitionGroups?: TransitionGroup[];
  /**
   * train with this transition prior inside the softmax (a product of experts: the transformer
   * learns what the successor counts — each position's own transition left out — do not say);
   * validation then scores logits + this prior, and the served prior is chosen on validation
   * as usual (default: none). Settings with `groups` (the names of `transitionGroups`, in order)
   * back off inside the loss too. `'alone'` = residual training: the prior alone — item level and
   * every level of `transitionGroups` — chosen on the validation rows over popularity before
   * training (what fitTransitionPriorAlone chooses), so the logits learn only what it misses.
   */
  trainWithPrior?: TransitionPriorSettings | 'alone';
  /**
   * side inputs (e.g. album, then artist of each item; `of[i]` = −1 none): a learned embedding per
   * group added to its items' input embeddings and, untied, to their output embeddings during
   * training, so what holds for a group is learned once and reaches pairs never seen. The trained
   * model stores the summed rows: its file, forward pass and serving are unchanged. Not with
   * weightDecay (the decay would shrink the group parts through the rows). Default: none.
   */
  sideInputs?: TransitionGroup[];
  seed?: number;
  /** threads (default min(4, available cores)); the calling thread is one of them */
  threads?: number;
  /** shorthand for threads: 1 (identical models on any machine) */
  deterministic?: boolean;
  /** written after every epoch (atomically) */
  checkpointPath?: string;
  /** continue from checkpointPath when it exists */
  resume?: boolean;
  /** start from these parameters instead of a fresh initialisation */
  initial?: SequenceModel;
  onProgress?: (progress: SequenceTrainingProgress) => void;
  onEpoch?: (record: EpochRecord) => void;
  /** default 1000 ms */
  progressIntervalMs?: number;
  signal?: AbortSignal;
}

export interface SequenceTrainingResult {
  /** the parameters of the best validation epoch (the last epoch without validation) */
  model: SequenceModel;
  history: EpochRecord[];
  bestEpoch: number;
  stoppedEarly: boolean;
  /** set when the run continued a checkpoint */
  resumedFromEpoch?: number;
  /** the transition prior's settings and how they were chosen (absent: no prior was fitted) */
  transitionPrior?: TransitionPriorReport;
  /** the prior inside the training softmax (absent: none); with `trainWithPrior: 'alone'` chosen on validation */
  trainingPrior?: TransitionPriorReport;
  stats: {
    windows: number;
    /** training targets per epoch */
    tokens: number;
    validationRows: number;
    threads: number;
    /** trainable values: the model's parameters plus the side inputs' group tables */
    parameters: number;
    /** the side inputs' names (empty: none) */
    sideInputs: string[];
    /** optimiser steps this run (a resumed run counts its own) */
    steps: number;
    /** CPU seconds of the side inputs' own work this run (summing the group gradients, their Adam step, adding the change to the rows); 0 without */
    sideInputSeconds: number;
    negatives: number;
  };
}

export interface TransitionPriorReport {
  settings: TransitionPriorSettings;
  chosenOnValidation: boolean;
  /** validation NDCG@10 of the blended score with the chosen settings */
  validationNdcg10?: number;
  /** validation NDCG@10 of the model alone (the same rows) */
  modelValidationNdcg10?: number;
}

interface Resolved {
  epochs: number;
  batchSize: number;
  learningRate: number;
  learningRateDecay: 'constant' | 'linear' | 'cosine';
  warmupSteps: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  loss: 'sampled' | 'full';
  negatives: number;
  samplingExponent: number;
  validationRows: number;
  patience: number;
  seed: number;
  threads: number;
  progressIntervalMs: number;
}

function resolveOptions(options: TrainSequenceOptions): Resolved {
  const resolved: Resolved = {
    epochs: options.epochs ?? 30,
    batchSize: options.batchSize ?? 128,
    learningRate: options.learningRate ?? 5e-3,
    learningRateDecay: options.learningRateDecay ?? 'constant',
    warmupSteps: options.warmupSteps ?? 0,
    beta1: options.beta1 ?? 0.9,
    beta2: options.beta2 ?? 0.98,
    epsilon: options.epsilon ?? 1e-8,
    weightDecay: options.weightDecay ?? 0,
    loss: options.loss ?? 'sampled',
    negatives: options.negatives ?? 2048,
    samplingExponent: options.samplingExponent ?? 0.75,
    validationRows: options.validationRows ?? DEFAULT_VALIDATION_ROWS,
    patience: options.patience ?? 3,
    seed: options.seed ?? 1,
    threads: options.deterministic ? 1 : (options.threads ?? Math.max(1, Math.min(4, availableParallelism()))),
    progressIntervalMs: options.progressIntervalMs ?? 1000,
  };
  const integer = (name: keyof Resolved, minimum: number) => {
    const value = resolved[name] as number;
    if (!Number.isInteger(value) || value < minimum) throw new SequenceConfigError(`sequence training ${name}: expected an integer ≥ ${minimum}, got ${value}`);
  };
  integer('epochs', 1);
  integer('batchSize', 1);
  integer('negatives', 1);
  integer('validationRows', 0);
  integer('patience', 1);
  integer('threads', 1);
  integer('warmupSteps', 0);
  if (!['constant', 'linear', 'cosine'].includes(resolved.learningRateDecay)) {
    throw new SequenceConfigError(`sequence training learningRateDecay: expected "constant", "linear" or "cosine", got "${String(resolved.learningRateDecay)}"`);
  }
  if (resolved.loss !== 'sampled' && resolved.loss !== 'full') throw new SequenceConfigError(`sequence training loss: expected "sampled" or "full", got "${String(resolved.loss)}"`);
  if (!(resolved.weightDecay >= 0)) throw new SequenceConfigError(`sequence training weightDecay: expected ≥ 0, got ${resolved.weightDecay}`);
  if (!(resolved.learningRate > 0)) throw new SequenceConfigError(`sequence training learningRate: expected > 0, got ${resolved.learningRate}`);
  return resolved;
}

/** Checks a CSR history set; errors name the offending row or position. */
export function validateHistories(data: SequenceTrainingData): void {
  const { items, offsets, numItems } = data;
  if (!Number.isInteger(numItems) || numItems < 1) throw new RangeError(`sequence data: numItems must be a positive integer, got ${numItems}`);
  if (offsets.length < 1 || offsets[0] !== 0 || offsets[offsets.length - 1] !== items.length) {
    throw new RangeError(`sequence data: offsets must start at 0 and end at items.length (${items.length}), got ${offsets[0]} … ${offsets[offsets.length - 1]}`);
  }
  for (let r = 0; r + 1 < offsets.length; r++) {
    if (offsets[r + 1]! < offsets[r]!) throw new RangeError(`sequence data: offsets decrease at row ${r}`);
  }
  for (let p = 0; p < items.length; p++) {
    const item = items[p]!;
    if (!(item >= 0 && item < numItems)) throw new RangeError(`sequence data: item ${item} at position ${p} outside 0…${numItems - 1}`);
  }
}

/** The trainer's seeded uniform draws (base's 'mulberry32' stream, as before). */
function createRandom(seed: number): () => number {
  const random = new Random(seed, 'mulberry32');
  return () => random.next();
}

const mix = (a: number, b: number): number => (Math.imul(a ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) >>> 0;

/** Vose's alias table: O(1) draws from a discrete distribution. */
class AliasSampler {
  private readonly probability: Float64Array;
  private readonly alias: Int32Array;
  constructor(weights: Float64Array) {
    const n = weights.length;
    this.probability = new Float64Array(n);
    this.alias = new Int32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i]!;
    const scaled = Float64Array.from(weights, (w) => (w * n) / total);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((value, i) => (value < 1 ? small : large).push(i));
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.probability[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      (scaled[l]! < 1 ? small : large).push(l);
    }
    for (const i of [...small, ...large]) this.probability[i] = 1;
  }
  sample(random: () => number): number {
    const column = Math.floor(random() * this.probability.length);
    return random() < this.probability[column]! ? column : this.alias[column]!;
  }
}

interface Windows {
  start: Int32Array;
  length: Int32Array;
  tokens: number;
}

/** Cuts every row's (input → next item) pairs into windows of ≤ maxLength, from the most recent end. */
function buildWindows(items: Int32Array, offsets: Int32Array, ends: Int32Array, maxLength: number): Windows {
  const starts: number[] = [];
  const lengths: number[] = [];
  let tokens = 0;
  for (let r = 0; r + 1 < offsets.length; r++) {
    const first = offsets[r]!;
    let hi = ends[r]! - first - 1; // inputs [0, T − 1), targets shifted by one
    while (hi > 0) {
      const lo = Math.max(0, hi - maxLength);
      starts.push(first + lo);
      lengths.push(hi - lo);
      tokens += hi - lo;
      hi = lo;
    }
  }
  return { start: Int32Array.from(starts), length: Int32Array.from(lengths), tokens };
}

/**
 * The trainer's validation rows: a seeded sample of rows with ≥ 3 items whose last item is not a
 * repeat (that last item is held out). Exported so diagnoses read exactly the rows training did.
 */
export function chooseValidationRows(data: SequenceTrainingData, count: number, seed: number): { rows: Int32Array; targets: Int32Array } {
  const { items, offsets } = data;
  const eligible: number[] = [];
  for (let r = 0; r + 1 < offsets.length; r++) {
    const start = offsets[r]!;
    const end = offsets[r + 1]!;
    if (end - start < 3) continue;
    const last = items[end - 1]!;
    let repeat = false;
    for (let p = start; p < end - 1 && !repeat; p++) repeat = items[p] === last;
    if (!repeat) eligible.push(r);
  }
  const random = createRandom(mix(seed, 0x7a11d));
  for (let i = eligible.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [eligible[i], eligible[j]] = [eligible[j]!, eligible[i]!];
  }
  const rows = Int32Array.from(eligible.slice(0, count)).sort();
  return { rows, targets: Int32Array.from(rows, (r) => items[offsets[r + 1]! - 1]!) };
}

/**
 * A fingerprint of the validation rows drawn (row ids and held-out items): two 32-bit FNV-1a
 * streams as 16 hex digits. The trained model records it, so a refit or a diagnosis on a changed
 * log — where the same seed and count draw other rows, whose last items the model trained on — is
 * refused rather than choosing on them.
 */
export function validationRowsHash(rows: Int32Array, targets: Int32Array): string {
  let a = 0x811c9dc5;
  let b = 0x9dc5811c;
  const add = (value: number) => {
    for (let shift = 0; shift < 32; shift += 8) {
      const byte = (value >>> shift) & 0xff;
      a = Math.imul(a ^ byte, 0x01000193) >>> 0;
      b = Math.imul(b ^ byte, 0x01000193 ^ 0x5bd1) >>> 0;
    }
  };
  add(rows.length);
  for (let q = 0; q < rows.length; q++) {
    add(rows[q]!);
    add(targets[q]!);
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/**
 * Plays per item that training sees: every item of every row, minus each validation row's held-out
 * last item (the rows chooseValidationRows draws with this count and seed — what trainSequenceModel
 * holds out by default). Side inputs counted from a log (artistRank) are computed from these, never
 * from a catalog whose popularity may count test-period plays.
 */
export function trainingPlayCounts(data: SequenceTrainingData, validationRows: number, seed: number): Float64Array {
  validateHistories(data);
  const plays = new Float64Array(data.numItems);
  for (let p = 0; p < data.items.length; p++) plays[data.items[p]!]!++;
  const { targets } = chooseValidationRows(data, validationRows, seed);
  for (const target of targets) plays[target]!--;
  return plays;
}

/** What a trained model records of the validation rows it held out (SequenceModel.validation). */
export interface HeldOutRows {
  seed: number;
  rows: number;
  hash?: string;
}

/**
 * The one check that a model is used on the data it was trained on: draw the validation rows again
 * (the model's count and seed) and compare their hash with the recorded one. A different hash means
 * the log changed (another split, seed or snapshot), so the draw lands on rows whose last items the
 * model trained on. A model without a recorded hash (written before session 10, or trained on
 * explicit rows) cannot be checked: refused. `where` names the model in the message. Returns the
 * rows drawn.
 */
export function checkHeldOutRows(held: HeldOutRows | undefined, data: SequenceTrainingData, where: string): { rows: Int32Array; targets: Int32Array; hash: string } {
  if (!held || held.hash === undefined) {
    throw new RangeError(`${where}: the model does not record a hash of its validation rows (written before session 10, or trained on explicit rows), so it cannot be shown to be trained on this data; retrain it on this data`);
  }
  const { rows, targets } = chooseValidationRows(data, held.rows, held.seed);
  const hash = validationRowsHash(rows, targets);
  if (hash !== held.hash) {
    throw new RangeError(
      `${where}: the ${held.rows} validation rows drawn from this data with seed ${held.seed} (hash ${hash}) are not the ones the model held out (hash ${held.hash}) — it was trained on other data (another split, seed or snapshot), so these rows' last items may be ones it trained on; use the data it was trained on, or retrain`,
    );
  }
  return { rows, targets, hash };
}

function sameConfig(a: SequenceModelConfig, b: SequenceModelConfig): boolean {
  const keys = Object.keys(b) as Array<keyof SequenceModelConfig>;
  return Object.keys(a).length === keys.length && keys.every((key) => a[key] === b[key]);
}

function explicitValidation(data: SequenceTrainingData, rows: Int32Array): { rows: Int32Array; targets: Int32Array } {
  const sorted = Int32Array.from(rows).sort();
  for (let i = 0; i < sorted.length; i++) {
    const row = sorted[i]!;
    if (!(row >= 0 && row + 1 < data.offsets.length)) throw new RangeError(`sequence training validationRowIds: row ${row} outside 0…${data.offsets.length - 2}`);
    if (i > 0 && sorted[i - 1] === row) throw new RangeError(`sequence training validationRowIds: row ${row} listed twice`);
    if (data.offsets[row + 1]! - data.offsets[row]! < 2) throw new RangeError(`sequence training validationRowIds: row ${row} has fewer than 2 items`);
  }
  return { rows: sorted, targets: Int32Array.from(sorted, (r) => data.items[data.offsets[r + 1]! - 1]!) };
}

interface CheckpointState {
  epoch: number;
  step: number;
  bestEpoch: number;
  bestMetric: number;
  badEpochs: number;
  history: EpochRecord[];
}

export async function trainSequenceModel(data: SequenceTrainingData, options: TrainSequenceOptions = {}): Promise<SequenceTrainingResult> {
  validateHistories(data);
  checkTransitionGroups(options.transitionGroups ?? [], data.numItems);
  const o = resolveOptions(options);
  const config = resolveModelConfig({ ...options.model, numItems: data.numItems });
  const sideLevels = options.sideInputs ?? [];
  if (sideLevels.length > 0 && o.weightDecay > 0) throw new SequenceConfigError('sequence training: sideInputs cannot be combined with weightDecay > 0 (the decay of the summed rows would shrink the group embeddings unseen)');
  if (options.initial && !sameConfig(options.initial.config, config)) {
    throw new SequenceConfigError('sequence training initial: its configuration differs from the requested model');
  }
  const { items, offsets } = data;
  const rowCount = offsets.length - 1;
  const validation = options.validationRowIds
    ? explicitValidation(data, options.validationRowIds)
    : o.validationRows > 0
      ? chooseValidationRows(data, o.validationRows, o.seed)
      : { rows: new Int32Array(0), targets: new Int32Array(0) };
  // training ends: the validation rows lose their last item
  const ends = offsets.slice(1);
  for (const r of validation.rows) ends[r]!--;
  const windows = buildWindows(items, offsets, ends, config.maxLength);
  if (windows.tokens === 0) throw new RangeError('sequence training: no row has two items in order, nothing to learn');

  const counts = new Float64Array(config.numItems);
  for (let r = 0; r < rowCount; r++) for (let p = offsets[r]!; p < ends[r]!; p++) counts[items[p]!]!++;
  const sampler = new AliasSampler(Float64Array.from(counts, (c) => Math.pow(c + 1, o.samplingExponent)));
  let weightTotal = 0;
  for (let i = 0; i < config.numItems; i++) weightTotal += Math.pow(counts[i]! + 1, o.samplingExponent);

  const maxTokens = o.batchSize * config.maxLength;
  const candidateSlots = o.loss === 'full' ? roundUp4(config.numItems) : roundUp4(o.negatives);
  if (o.loss === 'full' && maxTokens * candidateSlots > 2 ** 26) {
    throw new SequenceConfigError(
      `sequence training loss "full": ${maxTokens} tokens × ${config.numItems} items of logits per batch is too large; use loss "sampled" or a smaller batchSize`,
    );
  }
  const chunk = 64;
  const width = roundUp4(config.numItems);
  // the training transitions (validation items left out), for a prior inside the loss
  const trainingCounts = options.trainWithPrior ? countTransitions(data, data.numItems, ends) : undefined;
  const training = trainingCounts ? trainingPriorOf(options.trainWithPrior!, trainingCounts, data, ends, validation, options.transitionGroups ?? []) : undefined;
  const trainingPrior = training ? buildTransitionPrior(trainingCounts!, training.report.settings, training.groups) : undefined;
  const levelCounts = training ? training.groups.map((group) => countGroupTransitions(trainingCounts!, group)) : [];
  const host = EngineHost.create({
    config: engineConfig(config),
    threads: o.threads,
    maxTokens,
    maxSequences: o.batchSize,
    maxCandidates: candidateSlots,
    training: true,
    extra: {
      outputT: config.dim * width,
      queries: chunk * config.dim,
      scores: chunk * width,
      ...(trainingCounts ? priorRegions(trainingCounts, levelCounts, candidateSlots) : {}),
    },
  });
  try {
    const { f32, i32 } = host.runtime;
    const { batch } = host;
    for (let i = 0; i < config.numItems; i++) f32[batch.itemLogQ + i] = Math.log(Math.pow(counts[i]! + 1, o.samplingExponent) / weightTotal);
    host.parameters.set((options.initial ?? initializeModel(config, o.seed)).parameters);
    const side = sideLevels.length > 0 ? new SideInputs(sideLevels, config.dim, config.numItems, { item: host.offsets.item, output: config.tied ? undefined : host.offsets.output }) : undefined;

    let state: CheckpointState = { epoch: 0, step: 0, bestEpoch: 0, bestMetric: -Infinity, badEpochs: 0, history: [] };
    let best: Float32Array | undefined;
    let resumedFromEpoch: number | undefined;
    if (options.checkpointPath && options.resume && existsSync(options.checkpointPath)) {
      const loaded = await loadCheckpoint(options.checkpointPath, config, host, side);
      state = loaded.state;
      best = loaded.best;
      resumedFromEpoch = state.epoch;
    }

    // [from, to) ranges of the parameters weight decay applies to: embeddings and weight matrices
    const decay =
      o.weightDecay > 0
        ? describeParameters(config)
            .filter((tensor) => tensor.shape.length === 2)
            .map((tensor) => [tensor.offset, tensor.offset + tensor.shape[0]! * tensor.shape[1]!] as const)
        : undefined;
    const validate = (): { ndcg: number; hitRate: number } => evaluateValidation(host, data, ends, validation, chunk, trainingPrior);
    const priorJob = training ? loadPrior(host, trainingCounts!, training.report.settings, training.groups, levelCounts) : undefined;
    const started = performance.now();
    let tokensThisRun = 0;
    let stepsThisRun = 0;
    let sideMicroseconds = 0;
    const totalTokens = windows.tokens * o.epochs;
    const totalSteps = Math.ceil(windows.start.length / o.batchSize) * o.epochs;
    let lastReport = performance.now();
    let stoppedEarly = false;

    for (let epoch = state.epoch + 1; epoch <= o.epochs; epoch++) {
      const epochStarted = performance.now();
      const order = Int32Array.from({ length: windows.start.length }, (_, i) => i);
      const random = createRandom(mix(o.seed, epoch));
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        const swap = order[i]!;
        order[i] = order[j]!;
        order[j] = swap;
      }
      let lossSum = 0;
      let targetSum = 0;
      let epochTokens = 0;
      for (let first = 0; first < order.length; first += o.batchSize) {
        options.signal?.throwIfAborted();
        const count = Math.min(o.batchSize, order.length - first);
        let tokens = 0;
        i32[batch.sequenceOffsets] = 0;
        for (let s = 0; s < count; s++) {
          const w = order[first + s]!;
          const start = windows.start[w]!;
          const n = windows.length[w]!;
          for (let t = 0; t < n; t++) {
            i32[batch.tokens + tokens + t] = items[start + t]!;
            i32[batch.positions + tokens + t] = config.maxLength - n + t;
            i32[batch.targets + tokens + t] = items[start + t + 1]!;
          }
          tokens += n;
          i32[batch.sequenceOffsets + s + 1] = tokens;
        }
        // shards balanced by tokens
        const bounds = new Int32Array(o.threads + 1);
        bounds[o.threads] = count;
        for (let t = 1, s = 0; t < o.threads; t++) {
          while (s < count && i32[batch.sequenceOffsets + s]! < (tokens * t) / o.threads) s++;
          bounds[t] = s;
        }
        state.step++;
        if (o.loss === 'full') {
          for (let j = 0; j < candidateSlots; j++) i32[batch.candidates + j] = j < config.numItems ? j : -1;
        } else {
          const draw = createRandom(mix(o.seed ^ 0x51ed, state.step));
          for (let j = 0; j < candidateSlots; j++) i32[batch.candidates + j] = j < o.negatives ? sampler.sample(draw) : -1;
          if (priorJob) {
            // slot lists per item: the loss finds every slot of a successor
            for (let j = 0; j < candidateSlots; j++) {
              const id = i32[batch.candidates + j]!;
              if (id < 0) continue;
              i32[priorJob.slotNext + j] = i32[priorJob.slotHead + id]!;
              i32[priorJob.slotHead + id] = j;
            }
          }
        }
        const result = await host.trainStep(
          { seed: o.seed, step: state.step, training: true, candidateCount: candidateSlots, fullSoftmax: o.loss === 'full', lossScale: 1 / tokens, prior: priorJob },
          bounds,
        );
        if (priorJob && o.loss !== 'full') for (let j = 0; j < candidateSlots; j++) if (i32[batch.candidates + j]! >= 0) i32[priorJob.slotHead + i32[batch.candidates + j]!] = -1;
        // the side inputs' own work, measured (CPU: the workers wait meanwhile, so it is this thread's)
        const sideStarted = side ? process.cpuUsage() : undefined;
        side?.accumulate(host, o.threads);
        const learningRate = scheduledRate(o, state.step, totalSteps);
        if (decay) {
          const keep = 1 - learningRate * o.weightDecay;
          const parameters = host.parameters;
          for (const [from, to] of decay) for (let i = from; i < to; i++) parameters[i]! *= keep;
        }
        await host.adamStep(state.step, learningRate, o.beta1, o.beta2, o.epsilon);
        if (side) {
          side.update(host.parameters, state.step, learningRate, o.beta1, o.beta2, o.epsilon);
          const used = process.cpuUsage(sideStarted);
          sideMicroseconds += used.user + used.system;
        }
        stepsThisRun++;
        lossSum += result.loss;
        targetSum += result.targets;
        epochTokens += tokens;
        tokensThisRun += tokens;
        const now = performance.now();
        if (options.onProgress && now - lastReport >= o.progressIntervalMs) {
          lastReport = now;
          const elapsedSeconds = (now - started) / 1000;
          const rate = tokensThisRun / elapsedSeconds;
          const done = (epoch - 1) * windows.tokens + epochTokens;
          options.onProgress({
            phase: `sequence model epoch ${epoch}/${o.epochs}`,
            unit: 'tokens',
            done,
            total: totalTokens,
            ratePerSecond: rate,
            etaSeconds: rate > 0 ? (totalTokens - done) / rate : undefined,
            elapsedSeconds,
            epoch,
            epochs: o.epochs,
            loss: lossSum / Math.max(1, targetSum),
          });
        }
      }
      const seconds = (performance.now() - epochStarted) / 1000;
      const record: EpochRecord = { epoch, loss: lossSum / Math.max(1, targetSum), seconds, tokensPerSecond: epochTokens / seconds, best: false };
      if (validation.rows.length > 0) {
        const metrics = validate();
        record.validationNdcg10 = metrics.ndcg;
        record.validationHitRate10 = metrics.hitRate;
        if (metrics.ndcg > state.bestMetric) {
          state.bestMetric = metrics.ndcg;
          state.bestEpoch = epoch;
          state.badEpochs = 0;
          best = Float32Array.from(host.parameters);
          record.best = true;
        } else state.badEpochs++;
      } else {
        state.bestEpoch = epoch;
        record.best = true;
      }
      state.epoch = epoch;
      state.history.push(record);
      options.onEpoch?.(record);
      if (options.checkpointPath) await saveCheckpoint(options.checkpointPath, config, host, state, best, side);
      if (validation.rows.length > 0 && state.badEpochs >= o.patience) {
        stoppedEarly = epoch < o.epochs;
        break;
      }
    }
    const parameters = best ?? Float32Array.from(host.parameters);
    host.parameters.set(parameters);
    const { prior, report } = fitTransitionPrior(host, data, ends, validation, chunk, options.transitionPrior ?? true, options.transitionGroups ?? []);
    // the rows a refit must draw again to choose on what training held out (unknown for explicit ids)
    const held = !options.validationRowIds && validation.rows.length > 0 ? { validation: { seed: o.seed, rows: o.validationRows, hash: validationRowsHash(validation.rows, validation.targets) } } : {};
    return {
      model: prior ? { config, parameters, transitions: prior, ...held } : { config, parameters, ...held },
      transitionPrior: report,
      ...(training ? { trainingPrior: training.report } : {}),
      history: state.history,
      bestEpoch: state.bestEpoch,
      stoppedEarly,
      resumedFromEpoch,
      stats: {
        windows: windows.start.length,
        tokens: windows.tokens,
        validationRows: validation.rows.length,
        threads: o.threads,
        parameters: host.offsets.total + (side?.tables.reduce((sum, table) => sum + table.values.length, 0) ?? 0),
        sideInputs: sideLevels.map((level) => level.name),
        steps: stepsThisRun,
        sideInputSeconds: sideMicroseconds / 1e6,
        negatives: o.loss === 'full' ? config.numItems : o.negatives,
      },
    };
  } finally {
    await host.close();
  }
}

/** The learning rate of step `step` (1-based) of `total`: linear warm-up, then the decay. */
export function scheduledRate(o: Pick<Resolved, 'learningRate' | 'learningRateDecay' | 'warmupSteps'>, step: number, total: number): number {
  if (step <= o.warmupSteps) return (o.learningRate * step) / (o.warmupSteps + 1);
  if (o.learningRateDecay === 'constant') return o.learningRate;
  // progress through the steps after warm-up, 0 at the first, 1 one step past the last
  const progress = Math.min(1, (step - o.warmupSteps - 1) / Math.max(1, total - o.warmupSteps));
  return o.learningRateDecay === 'linear' ? o.learningRate * (1 - progress) : o.learningRate * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/**
 * The prior inside the training loss: given settings (their back-off levels name, in order, the
 * first `groups`), or 'alone' — the prior alone chosen on the validation rows over popularity
 * (scaled below any boost, so it only breaks ties), every level of `groups` on its grid.
 */
function trainingPriorOf(
  option: TransitionPriorSettings | 'alone',
  counts: TransitionCounts,
  data: SequenceTrainingData,
  ends: Int32Array,
  validation: { rows: Int32Array; targets: Int32Array },
  groups: TransitionGroup[],
): { report: TransitionPriorReport; groups: TransitionGroup[] } {
  if (option !== 'alone') {
    const named = groups.slice(0, option.groups?.length ?? 0);
    return { report: { settings: option, chosenOnValidation: false }, groups: named };
  }
  if (validation.rows.length === 0) throw new RangeError("sequence training: trainWithPrior 'alone' chooses the prior on validation rows; set validationRows > 0");
  const { histories } = validationHistories(data, ends, validation.rows);
  const popularity = new Float32Array(data.numItems);
  let top = 0;
  for (const count of counts.itemCounts) top = Math.max(top, count);
  for (let i = 0; i < data.numItems; i++) popularity[i] = (1e-6 * counts.itemCounts[i]!) / (top + 1);
  const last = Int32Array.from(validation.rows, (_, q) => histories.items[histories.offsets[q + 1]! - 1]!);
  const chosen = chooseTransitionPrior(
    counts,
    {
      last,
      targets: validation.targets,
      history: (q) => histories.items.subarray(histories.offsets[q]!, histories.offsets[q + 1]!),
      score: (_first, count, out) => {
        for (let b = 0; b < count; b++) out.set(popularity, b * data.numItems);
      },
    },
    undefined,
    groups,
  );
  return { report: { settings: chosen.settings, chosenOnValidation: true, validationNdcg10: chosen.ndcg10, modelValidationNdcg10: chosen.baseline }, groups };
}

/** The validation rows' histories, each ending before its held-out item. */
function validationHistories(data: SequenceTrainingData, ends: Int32Array, rows: Int32Array): { histories: Histories } {
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((row, q) => (offsets[q + 1] = offsets[q]! + ends[row]! - data.offsets[row]!));
  const items = new Int32Array(offsets[rows.length]!);
  rows.forEach((row, q) => items.set(data.items.subarray(data.offsets[row]!, ends[row]!), offsets[q]!));
  return { histories: { items, offsets } };
}

/** The validation rows' histories (each ends before its held-out item) and a scorer of their logits with the host's current parameters. */
function validationScoring(host: EngineHost, data: SequenceTrainingData, ends: Int32Array, rows: Int32Array, chunk: number): { histories: Histories; score: (first: number, count: number, out: Float32Array) => void } {
  const { dim } = host.config;
  const { f32 } = host.runtime;
  const { histories } = validationHistories(data, ends, rows);
  transposeOutput(host, host.extra.outputT!);
  const queries = new Float32Array(chunk * dim);
  return {
    histories,
    score(first, count, out) {
      for (let from = first; from < first + count; from += chunk) {
        const n = Math.min(chunk, first + count - from);
        encodeHistories(host, histories, Int32Array.from({ length: n }, (_, q) => from + q), queries);
        f32.set(queries.subarray(0, n * dim), host.extra.queries!);
        scoreAllItems(host, host.extra.queries!, n, host.extra.outputT!, host.extra.scores!, chunk, out.subarray((from - first) * host.config.numItems));
      }
    },
  };
}

/** Full-catalog NDCG@10 and HitRate@10 of each validation row's held-out item (its training items excluded). */
function evaluateValidation(
  host: EngineHost,
  data: SequenceTrainingData,
  ends: Int32Array,
  validation: { rows: Int32Array; targets: Int32Array },
  chunk: number,
  prior?: TransitionPrior,
): { ndcg: number; hitRate: number } {
  const { numItems } = host.config;
  const { histories, score } = validationScoring(host, data, ends, validation.rows, chunk);
  const excluded = new Uint8Array(numItems);
  const scores = new Float32Array(chunk * numItems);
  let ndcg = 0;
  let hits = 0;
  for (let first = 0; first < validation.rows.length; first += chunk) {
    const count = Math.min(chunk, validation.rows.length - first);
    score(first, count, scores);
    for (let b = 0; b < count; b++) {
      const q = first + b;
      const own = histories.items.subarray(histories.offsets[q]!, histories.offsets[q + 1]!);
      for (const item of own) excluded[item] = 1;
      if (own.length > 0) addTransitionPrior(prior, own[own.length - 1]!, scores, b * numItems);
      const gain = ndcgAt10(scores.subarray(b * numItems, (b + 1) * numItems), validation.targets[q]!, excluded);
      if (gain > 0) hits++;
      ndcg += gain;
      for (const item of own) excluded[item] = 0;
    }
  }
  const count = Math.max(1, validation.rows.length);
  return { ndcg: ndcg / count, hitRate: hits / count };
}

/**
 * The transition prior of the finished model: settings chosen on the validation rows (their
 * held-out items not counted), then the counts of every row (the held-out items included, as
 * the model's training data and the transition baseline's).
 */
function fitTransitionPrior(
  host: EngineHost,
  data: SequenceTrainingData,
  ends: Int32Array,
  validation: { rows: Int32Array; targets: Int32Array },
  chunk: number,
  option: boolean | TransitionPriorSettings,
  groups: readonly TransitionGroup[],
): { prior?: TransitionPrior; report?: TransitionPriorReport } {
  if (option === false) return {};
  if (option !== true) return { prior: buildTransitionPrior(countTransitions(data, data.numItems), option, groups), report: { settings: option, chosenOnValidation: false } };
  if (validation.rows.length === 0) return {};
  const all = countTransitions(data, data.numItems);
  const { histories, score } = validationScoring(host, data, ends, validation.rows, chunk);
  const counted = countTransitions(data, data.numItems, ends);
  const last = Int32Array.from(validation.rows, (_, q) => histories.items[histories.offsets[q + 1]! - 1]!);
  const history = (q: number) => histories.items.subarray(histories.offsets[q]!, histories.offsets[q + 1]!);
  const chosen = chooseTransitionPrior(counted, { last, targets: validation.targets, history, score }, undefined, groups);
  const report: TransitionPriorReport = { settings: chosen.settings, chosenOnValidation: true, validationNdcg10: chosen.ndcg10, modelValidationNdcg10: chosen.baseline };
  return { prior: transitionPriorActive(chosen.settings) ? buildTransitionPrior(all, chosen.settings, groups) : undefined, report };
}

async function saveCheckpoint(path: string, config: SequenceModelConfig, host: EngineHost, state: CheckpointState, best: Float32Array | undefined, side: SideInputs | undefined): Promise<void> {
  const { f32 } = host.runtime;
  const total = host.offsets.total;
  const arrays: Record<string, Float32Array> = {
    parameters: f32.slice(host.paramBase, host.paramBase + total),
    adamM: f32.slice(host.adamM, host.adamM + total),
    adamV: f32.slice(host.adamV, host.adamV + total),
  };
  if (best) arrays.best = best;
  if (side) Object.assign(arrays, side.save());
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, packArrays('checkpoint', { config, state, sideInputs: side?.levels.map((level) => level.name) ?? [] }, arrays));
  await rename(temporary, path);
}

async function loadCheckpoint(path: string, config: SequenceModelConfig, host: EngineHost, side: SideInputs | undefined): Promise<{ state: CheckpointState; best?: Float32Array }> {
  const { kind, meta, arrays } = unpackArrays(await readFile(path), path);
  if (kind !== 'checkpoint') throw new SequenceConfigError(`${path}: holds a "${kind}", expected a "checkpoint"`);
  if (!sameConfig(meta.config as SequenceModelConfig, config)) {
    throw new SequenceConfigError(`${path}: the checkpoint's model configuration ${JSON.stringify(meta.config)} differs from this run's ${JSON.stringify(config)}`);
  }
  const total = host.offsets.total;
  const { f32 } = host.runtime;
  for (const [name, base] of [['parameters', host.paramBase], ['adamM', host.adamM], ['adamV', host.adamV]] as const) {
    const array = arrays[name];
    if (!(array instanceof Float32Array) || array.length !== total) throw new SequenceConfigError(`${path}: "${name}" has ${array?.length ?? 0} values, expected ${total}`);
    f32.set(array, base);
  }
  const best = arrays.best instanceof Float32Array ? arrays.best : undefined;
  const saved = Array.isArray(meta.sideInputs) ? (meta.sideInputs as string[]) : [];
  const wanted = side?.levels.map((level) => level.name) ?? [];
  if (saved.join('+') !== wanted.join('+')) throw new SequenceConfigError(`${path}: the checkpoint was trained with side inputs [${saved.join(', ')}], this run asks for [${wanted.join(', ')}]`);
  side?.load(arrays, path);
  const state = meta.state as CheckpointState;
  // JSON has no -Infinity: a checkpoint written before any validation stores null
  state.bestMetric = typeof state.bestMetric === 'number' ? state.bestMetric : -Infinity;
  return { state, best };
}
