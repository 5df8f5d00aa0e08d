// Re-fits a trained model's served transition prior (with back-off levels, if given) without
// training: the same validation rows, choice and counts as the end of trainSequenceModel, the
// logits from the scorer. For models trained before a prior option existed, or to refresh the
// counts on a newer log of the same catalog.
import type { SequenceModel } from './model';
import { createSequenceScorer } from './scorer';
import type { SequenceTrainingData, TransitionPriorReport } from './train';
import { chooseValidationRows, validateHistories } from './train';
import type { TransitionGroup } from './transitions';
import { buildTransitionPrior, checkTransitionGroups, chooseTransitionPrior, countTransitions, transitionPriorActive } from './transitions';

export interface RefitPriorOptions {
  /** validation rows (default 1000), drawn as training draws them with `seed` (default 1) */
  validationRows?: number;
  seed?: number;
  /** back-off levels (default none) */
  groups?: TransitionGroup[];
}

/** The model with its prior chosen on `data`'s validation rows and counted over all of `data` (no prior when none helps). */
export function refitTransitionPrior(model: SequenceModel, data: SequenceTrainingData, options: RefitPriorOptions = {}): { model: SequenceModel; report: TransitionPriorReport } {
  validateHistories(data);
  const groups = options.groups ?? [];
  checkTransitionGroups(groups, data.numItems);
  if (data.numItems !== model.config.numItems) throw new RangeError(`refit transition prior: the data has ${data.numItems} items, the model ${model.config.numItems}`);
  const { rows, targets } = chooseValidationRows(data, options.validationRows ?? 1000, options.seed ?? 1);
  if (rows.length === 0) throw new RangeError('refit transition prior: no row has ≥ 3 items with a last item that is not a repeat (nothing to validate on)');
  const ends = data.offsets.slice(1);
  for (const row of rows) ends[row]!--;
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((row, q) => (offsets[q + 1] = offsets[q]! + ends[row]! - data.offsets[row]!));
  const items = new Int32Array(offsets[rows.length]!);
  rows.forEach((row, q) => items.set(data.items.subarray(data.offsets[row]!, ends[row]!), offsets[q]!));
  const scorer = createSequenceScorer(model);
  const score = (first: number, count: number, out: Float32Array) => {
    const { vectors } = scorer.encode({ items, offsets }, Int32Array.from({ length: count }, (_, b) => first + b));
    scorer.scoreAll(vectors, count, out);
  };
  const last = Int32Array.from(rows, (_, q) => items[offsets[q + 1]! - 1]!);
  const history = (q: number) => items.subarray(offsets[q]!, offsets[q + 1]!);
  const chosen = chooseTransitionPrior(countTransitions(data, data.numItems, ends), { last, targets, history, score }, undefined, groups);
  const report: TransitionPriorReport = { settings: chosen.settings, chosenOnValidation: true, validationNdcg10: chosen.ndcg10, modelValidationNdcg10: chosen.baseline };
  const { config, parameters } = model;
  if (!transitionPriorActive(chosen.settings)) return { model: { config, parameters }, report };
  return { model: { config, parameters, transitions: buildTransitionPrior(countTransitions(data, data.numItems), chosen.settings, groups) }, report };
}
