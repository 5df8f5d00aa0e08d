// Fits the served transition prior on the trainer's validation rows without training: for a
// trained model (re-fit its prior: the same rows, choice and counts as the end of
// trainSequenceModel, the logits from the scorer), or for no model at all
// (the prior alone over fixed base scores: the baseline that shows what the transformer adds).
// A model is refit only on data that draws the validation rows it held out (checkHeldOutRows: the
// recorded hash must match; a model without one is refused): on another log the draw differs, and
// choosing there would read trained-on items.
import type { SequenceModel } from './model';
import { createSequenceScorer } from './scorer';
import type { SequenceTrainingData, TransitionPriorReport } from './train';
import { DEFAULT_VALIDATION_ROWS, checkHeldOutRows, chooseValidationRows, validateHistories } from './train';
import type { TransitionGroup, TransitionPrior } from './transitions';
import { buildTransitionPrior, checkTransitionGroups, chooseTransitionPrior, countTransitions, transitionPriorActive } from './transitions';
import type { Histories } from './internal/queries';

export interface RefitPriorOptions {
  /**
   * validation rows (default DEFAULT_VALIDATION_ROWS = 2000, the trainer's), drawn as training draws
   * them with `seed` (default 1, the trainer's): pass the training run's own values, or the refit
   * chooses on rows whose targets the model was trained on
   */
  validationRows?: number;
  seed?: number;
  /** back-off levels (default none) */
  groups?: TransitionGroup[];
}

export interface PriorAloneOptions extends RefitPriorOptions {
  /**
   * every item's score before the prior (one per item), e.g. popularity scaled below any boost so
   * that it only orders what the prior leaves tied. Not constant: validation counts ties in the
   * target's favour, so equal base scores would rank every target first without a prior.
   */
  base: Float32Array;
}

/** The model with its prior chosen on `data`'s validation rows and counted over all of `data` (no prior when none helps). */
export function refitTransitionPrior(model: SequenceModel, data: SequenceTrainingData, options: RefitPriorOptions = {}): { model: SequenceModel; report: TransitionPriorReport } {
  if (data.numItems !== model.config.numItems) throw new RangeError(`refit transition prior: the data has ${data.numItems} items, the model ${model.config.numItems}`);
  const own = model.validation;
  if (own && ((options.seed !== undefined && options.seed !== own.seed) || (options.validationRows !== undefined && options.validationRows !== own.rows))) {
    throw new RangeError(
      `refit transition prior: the model held out ${own.rows} validation rows drawn with seed ${own.seed}, got validationRows ${options.validationRows ?? own.rows}, seed ${options.seed ?? own.seed} — other rows were trained on; leave them out (the model's own are the default)`,
    );
  }
  checkHeldOutRows(own, data, 'refit transition prior');
  const rows = { validationRows: own!.rows, seed: own!.seed };
  const scorer = createSequenceScorer(model);
  const { prior, report } = fitPriorOnValidation(data, { ...options, ...rows }, 'refit transition prior', (histories) => (first, count, out) => {
    const { vectors } = scorer.encode(histories, Int32Array.from({ length: count }, (_, b) => first + b));
    scorer.scoreAll(vectors, count, out);
  });
  const { config, parameters, validation } = model;
  const held = validation ? { validation } : {};
  return { model: prior ? { config, parameters, transitions: prior, ...held } : { config, parameters, ...held }, report };
}

/**
 * The served prior with no model: settings chosen on the trainer's validation rows over `base`
 * (the same grid, rows and counts as refitTransitionPrior), the served score of a history being
 * `base` + the prior after its last item. Undefined prior: none beat `base` alone on validation.
 */
export function fitTransitionPriorAlone(data: SequenceTrainingData, options: PriorAloneOptions): { prior?: TransitionPrior; report: TransitionPriorReport } {
  const { base } = options;
  if (base.length !== data.numItems) throw new RangeError(`transition prior alone: base has ${base.length} scores, the data ${data.numItems} items`);
  let constant = true;
  for (let i = 1; i < base.length && constant; i++) constant = base[i] === base[0];
  if (constant && base.length > 1) throw new RangeError('transition prior alone: base scores are all equal (validation counts ties for the target); give e.g. popularity scaled below the boosts');
  const { numItems } = data;
  return fitPriorOnValidation(data, options, 'transition prior alone', () => (_first, count, out) => {
    for (let b = 0; b < count; b++) out.set(base, b * numItems);
  });
}

/** Validation rows as training draws them, the choice on their histories (held-out items not counted), the prior counted over all rows. */
function fitPriorOnValidation(
  data: SequenceTrainingData,
  options: RefitPriorOptions,
  where: string,
  scoring: (histories: Histories) => (first: number, count: number, out: Float32Array) => void,
): { prior?: TransitionPrior; report: TransitionPriorReport } {
  validateHistories(data);
  const groups = options.groups ?? [];
  checkTransitionGroups(groups, data.numItems);
  const { rows, targets } = chooseValidationRows(data, options.validationRows ?? DEFAULT_VALIDATION_ROWS, options.seed ?? 1);
  if (rows.length === 0) throw new RangeError(`${where}: no row has ≥ 3 items with a last item that is not a repeat (nothing to validate on)`);
  const ends = data.offsets.slice(1);
  for (const row of rows) ends[row]!--;
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((row, q) => (offsets[q + 1] = offsets[q]! + ends[row]! - data.offsets[row]!));
  const items = new Int32Array(offsets[rows.length]!);
  rows.forEach((row, q) => items.set(data.items.subarray(data.offsets[row]!, ends[row]!), offsets[q]!));
  const last = Int32Array.from(rows, (_, q) => items[offsets[q + 1]! - 1]!);
  const history = (q: number) => items.subarray(offsets[q]!, offsets[q + 1]!);
  const chosen = chooseTransitionPrior(countTransitions(data, data.numItems, ends), { last, targets, history, score: scoring({ items, offsets }) }, undefined, groups);
  const report: TransitionPriorReport = { settings: chosen.settings, chosenOnValidation: true, validationNdcg10: chosen.ndcg10, modelValidationNdcg10: chosen.baseline };
  if (!transitionPriorActive(chosen.settings)) return { report };
  return { prior: buildTransitionPrior(countTransitions(data, data.numItems), chosen.settings, groups), report };
}
