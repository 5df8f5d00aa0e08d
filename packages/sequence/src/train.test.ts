import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProgress } from '@mixtape/base';
import { describeParameters } from './model';
import { deserializeSequenceModel, serializeSequenceModel } from './serialize';
import { createSequenceScorer } from './scorer';
import { fitTransitionPriorAlone, refitTransitionPrior } from './refit';
import { DEFAULT_VALIDATION_ROWS, chooseValidationRows, scheduledRate, trainSequenceModel, trainingPlayCounts, validationRowsHash } from './train';
import { addTransitionPrior } from './transitions';
import type { TransitionGroup } from './transitions';
import type { SequenceTrainingData, SequenceTrainingProgress, TrainSequenceOptions } from './train';

/** Listeners walking a chain: the next item is (current + step) with probability `order`, else random. */
function chainData(order: number, users = 240, length = 30, numItems = 150): SequenceTrainingData {
  let seed = 17;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const items = new Int32Array(users * length);
  const offsets = new Int32Array(users + 1);
  for (let u = 0; u < users; u++) {
    let current = Math.floor(random() * numItems);
    for (let t = 0; t < length; t++) {
      items[u * length + t] = current;
      current = random() < order ? (current + 1 + (u % 2)) % numItems : Math.floor(random() * numItems);
    }
    offsets[u + 1] = (u + 1) * length;
  }
  return { items, offsets, numItems };
}

/**
 * 1,500 items in blocks of 10; the next play is a random item of the last one's block (90 %):
 * ~5 transitions per item leave most (item, next) pairs unseen, the block's ~50 know them all.
 */
function blockData(): { data: SequenceTrainingData; group: TransitionGroup } {
  const numItems = 1500;
  let seed = 5;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const items = new Int32Array(240 * 30);
  for (let u = 0, e = 0; u < 240; u++) {
    let current = Math.floor(random() * numItems);
    for (let t = 0; t < 30; t++, e++) {
      items[e] = current;
      current = random() < 0.9 ? current - (current % 10) + Math.floor(random() * 10) : Math.floor(random() * numItems);
    }
  }
  const data = { items, offsets: Int32Array.from({ length: 241 }, (_, u) => u * 30), numItems };
  return { data, group: { name: 'block', of: Int32Array.from({ length: numItems }, (_, i) => Math.floor(i / 10)) } };
}

const small: TrainSequenceOptions = {
  model: { dim: 16, maxLength: 12, heads: 2, dropout: 0.1 },
  batchSize: 32,
  negatives: 64,
  learningRate: 3e-3,
  validationRows: 100,
  threads: 1,
};

describe('trainSequenceModel', () => {
  const directory = mkdtempSync(join(tmpdir(), 'mixtape-sequence-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('learns sequential structure: held-out next items rank high on the full catalog', async () => {
    const lines: string[] = [];
    const result = await trainSequenceModel(chainData(0.9), { ...small, epochs: 12, onEpoch: (r) => lines.push(`${r.epoch} ${r.loss}`) });
    const last = result.history[result.history.length - 1]!;
    expect(result.history[0]!.validationNdcg10!).toBeLessThan(0.3);
    expect(Math.max(...result.history.map((r) => r.validationNdcg10!))).toBeGreaterThan(0.6);
    expect(last.loss).toBeLessThan(result.history[0]!.loss);
    expect(lines.length).toBe(result.history.length);
    expect(result.model.parameters.length).toBe(result.stats.parameters);
  });

  it('is deterministic for a fixed thread count, and two threads train the same model up to float rounding', async () => {
    const data = chainData(0.8);
    const options = { ...small, epochs: 2 };
    const a = await trainSequenceModel(data, options);
    const b = await trainSequenceModel(data, options);
    expect(Buffer.from(a.model.parameters.buffer).equals(Buffer.from(b.model.parameters.buffer))).toBe(true);
    const two = await trainSequenceModel(data, { ...options, threads: 2 });
    let worst = 0;
    for (let i = 0; i < a.model.parameters.length; i++) worst = Math.max(worst, Math.abs(a.model.parameters[i]! - two.model.parameters[i]!));
    expect(worst).toBeLessThan(1e-3);
    expect(two.history[1]!.validationNdcg10!).toBeCloseTo(a.history[1]!.validationNdcg10!, 1);
  });

  it('resumes from a checkpoint to exactly the model of an uninterrupted run', async () => {
    const data = chainData(0.8);
    const full = await trainSequenceModel(data, { ...small, epochs: 4 });
    const checkpointPath = join(directory, 'run.ckpt');
    const first = await trainSequenceModel(data, { ...small, epochs: 2, checkpointPath });
    expect(first.history).toHaveLength(2);
    const resumed = await trainSequenceModel(data, { ...small, epochs: 4, checkpointPath, resume: true });
    expect(resumed.resumedFromEpoch).toBe(2);
    expect(resumed.history.map((r) => r.epoch)).toEqual([1, 2, 3, 4]);
    expect(Buffer.from(resumed.model.parameters.buffer).equals(Buffer.from(full.model.parameters.buffer))).toBe(true);
    await expect(trainSequenceModel(data, { ...small, model: { ...small.model, dim: 8 }, epochs: 3, checkpointPath, resume: true })).rejects.toThrow(/configuration/);
  });

  it('reports progress lines with the epoch, the running loss, the rate and an ETA that reaches 0 at the last step', async () => {
    const events: SequenceTrainingProgress[] = [];
    const result = await trainSequenceModel(chainData(0.8), { ...small, epochs: 2, progressIntervalMs: 0, onProgress: (p) => events.push(p) });
    expect(result.history).toHaveLength(2);
    expect(events.length).toBeGreaterThan(4); // an interval of 0 reports every step
    const total = events[0]!.total!;
    for (const [i, event] of events.entries()) {
      expect(event.phase).toBe(`sequence model epoch ${event.epoch}/2`);
      expect(event.unit).toBe('tokens');
      expect(event.total).toBe(total);
      expect(event.done).toBeLessThanOrEqual(total);
      if (i > 0) expect(event.done).toBeGreaterThan(events[i - 1]!.done);
      expect(event.ratePerSecond).toBeGreaterThan(0);
      expect(event.etaSeconds).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(event.loss) && event.loss > 0).toBe(true);
    }
    expect(new Set(events.map((e) => e.epoch))).toEqual(new Set([1, 2]));
    const last = events[events.length - 1]!;
    expect(last.done).toBe(total);
    expect(last.etaSeconds).toBe(0);
    // the loss is the epoch's running mean: the last report of epoch 2 is below the first step's (≈ log of the 65-way softmax)
    expect(last.loss).toBeLessThan(events[0]!.loss);
    expect(last.loss).toBeCloseTo(result.history[1]!.loss, 6);
    expect(formatProgress(last)).toMatch(/^sequence model epoch 2\/2 \S+\/\S+ tokens \(100%\) \S+\/s ETA 0s$/);
  });

  it('stops early when validation stops improving and returns the best epoch', async () => {
    const result = await trainSequenceModel(chainData(0), { ...small, epochs: 40, patience: 1 });
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.length).toBeLessThan(40);
    expect(result.history.find((r) => r.best && r.epoch === result.bestEpoch)).toBeDefined();
  });

  it('decays embeddings and weight matrices (not layer-norm gains) with weightDecay, and learns with the last-item residual', async () => {
    const data = chainData(0.9);
    const options = { ...small, model: { ...small.model, lastItemResidual: true }, epochs: 2 };
    const plain = await trainSequenceModel(data, options);
    const decayed = await trainSequenceModel(data, { ...options, weightDecay: 20 });
    const norm = (values: Float32Array, from: number, to: number) => Math.hypot(...values.subarray(from, to));
    const items = 150 * 16;
    expect(norm(decayed.model.parameters, 0, items)).toBeLessThan(0.8 * norm(plain.model.parameters, 0, items));
    const gain = describeParameters(decayed.model.config).find((tensor) => tensor.name === 'final.gain')!;
    const gains = decayed.model.parameters.subarray(gain.offset, gain.offset + 16);
    expect(gains.reduce((a, b) => a + b, 0) / 16).toBeGreaterThan(0.5); // initialised at 1, a decay of 20 · 3e-3 per step would leave ~0
    expect(Math.max(...plain.history.map((r) => r.validationNdcg10!))).toBeGreaterThan(0.3);
    await expect(trainSequenceModel(data, { ...options, weightDecay: -1 })).rejects.toThrow('sequence training weightDecay: expected ≥ 0, got -1');
  });

  it('fits the transition prior on the validation rows: it lifts an under-trained model, travels with it and is what the scorer serves', async () => {
    const data = chainData(0.9);
    const result = await trainSequenceModel(data, { ...small, epochs: 1 });
    const report = result.transitionPrior!;
    expect(report.chosenOnValidation).toBe(true);
    expect(report.modelValidationNdcg10).toBeCloseTo(result.history[0]!.validationNdcg10!, 6);
    expect(report.settings.alpha).toBeGreaterThan(0);
    expect(report.validationNdcg10!).toBeGreaterThan(report.modelValidationNdcg10! + 0.1);
    const prior = result.model.transitions!;
    expect(prior.settings).toEqual(report.settings);
    // the served score = logits + the prior after the history's last item
    const scorer = createSequenceScorer(result.model);
    const histories = { items: data.items.subarray(0, 60), offsets: Int32Array.of(0, 30, 60) };
    const served = new Float32Array(2 * 150);
    scorer.scoreHistories(histories, [0, 1], served);
    const logits = new Float32Array(2 * 150);
    scorer.scoreAll(scorer.encode(histories, [0, 1]).vectors, 2, logits);
    addTransitionPrior(prior, data.items[29]!, logits, 0);
    addTransitionPrior(prior, data.items[59]!, logits, 150);
    expect(Array.from(served)).toEqual(Array.from(logits));
    // fixed settings or none
    const fixed = await trainSequenceModel(data, { ...small, epochs: 1, transitionPrior: { alpha: 1, mu: 0.1, gamma: 0 } });
    expect(fixed.transitionPrior).toEqual({ settings: { alpha: 1, mu: 0.1, gamma: 0 }, chosenOnValidation: false });
    const none = await trainSequenceModel(data, { ...small, epochs: 1, transitionPrior: false });
    expect(none.model.transitions).toBeUndefined();
    expect(none.transitionPrior).toBeUndefined();
  });

  it('chooses back-off levels for the served prior on validation and refuses groups that do not fit the items', async () => {
    const { data, group } = blockData();
    const result = await trainSequenceModel(data, { ...small, epochs: 1, transitionGroups: [group] });
    const report = result.transitionPrior!;
    expect(report.settings.groups!.map((level) => level.name)).toEqual(['block']);
    expect(report.settings.groups![0]!.alpha).toBeGreaterThan(0);
    expect(result.model.transitions!.settings).toEqual(report.settings);
    // the same model and rows without the level: the back-off must serve clearly better on validation
    const plain = await trainSequenceModel(data, { ...small, epochs: 1 });
    expect(report.validationNdcg10!).toBeGreaterThan(plain.transitionPrior!.validationNdcg10! + 0.05);
    await expect(trainSequenceModel(data, { ...small, epochs: 1, transitionGroups: [{ name: 'block', of: new Int32Array(149) }] })).rejects.toThrow(
      'transition group "block": expected one group per item (1500), got 149',
    );
  });

  it('trains residually with trainWithPrior \'alone\': the prior alone (back-off levels included) chosen on validation sits inside the loss', async () => {
    const { data, group } = blockData();
    const seed = 2;
    const result = await trainSequenceModel(data, { ...small, epochs: 1, seed, transitionGroups: [group], trainWithPrior: 'alone' });
    const training = result.trainingPrior!;
    expect(training.chosenOnValidation).toBe(true);
    expect(training.settings.groups![0]!.alpha).toBeGreaterThan(0);
    // the same choice as fitTransitionPriorAlone over popularity (occurrences in the training part, below any boost)
    const { rows } = chooseValidationRows(data, small.validationRows!, seed);
    const ends = data.offsets.slice(1);
    for (const row of rows) ends[row]!--;
    const occurrences = new Float32Array(data.numItems);
    for (let r = 0; r + 1 < data.offsets.length; r++) for (let p = data.offsets[r]!; p < ends[r]!; p++) occurrences[data.items[p]!]!++;
    const top = occurrences.reduce((a, b) => Math.max(a, b), 0);
    const alone = fitTransitionPriorAlone(data, { base: occurrences.map((c) => (1e-6 * c) / (top + 1)), groups: [group], validationRows: small.validationRows, seed });
    expect(training.settings).toEqual(alone.report.settings);
    expect(training.validationNdcg10).toBeCloseTo(alone.report.validationNdcg10!, 6);
    // validation scores logits + that prior: after one epoch far above the logits alone, and the item-level prior inside the loss
    const plain = await trainSequenceModel(data, { ...small, epochs: 1, seed, transitionPrior: false });
    const itemLevel = await trainSequenceModel(data, { ...small, epochs: 1, seed, transitionGroups: [group], trainWithPrior: { alpha: 1, mu: 0.04, gamma: 0.5 } });
    expect(result.history[0]!.validationNdcg10!).toBeGreaterThan(plain.history[0]!.validationNdcg10! + 0.05);
    expect(result.history[0]!.validationNdcg10!).toBeGreaterThan(itemLevel.history[0]!.validationNdcg10! + 0.05);
    await expect(trainSequenceModel(data, { ...small, epochs: 1, validationRows: 0, trainWithPrior: 'alone' })).rejects.toThrow("trainWithPrior 'alone' chooses the prior on validation rows; set validationRows > 0");
    await expect(trainSequenceModel(data, { ...small, epochs: 1, trainWithPrior: { alpha: 1, mu: 0.04, gamma: 0, groups: [{ name: 'album', alpha: 1, mu: 0.01 }] }, transitionGroups: [group] })).rejects.toThrow(
      'transition prior: settings name the back-off levels [album] but the groups given are [block]',
    );
  });

  it('side inputs: a group embedding learned once reaches (item, next) pairs never seen, and resumes exactly from a checkpoint', async () => {
    const { data, group } = blockData();
    const options: TrainSequenceOptions = { ...small, epochs: 2, seed: 6, transitionPrior: false };
    const plain = await trainSequenceModel(data, options);
    const side = await trainSequenceModel(data, { ...options, sideInputs: [group] });
    expect(side.stats.sideInputs).toEqual(['block']);
    expect(side.stats.parameters).toBe(plain.stats.parameters + 2 * 150 * 16);
    // the side inputs' own work is measured (session 10): CPU seconds over the run's steps; none without them
    const stepsPerEpoch = Math.ceil(side.stats.windows / small.batchSize!);
    expect(side.stats.steps).toBe(2 * stepsPerEpoch);
    expect(side.stats.sideInputSeconds).toBeGreaterThan(0);
    expect(plain.stats.sideInputSeconds).toBe(0);
    // the logits alone (no prior): the block is known to every item of it
    expect(side.history[1]!.validationNdcg10!).toBeGreaterThan(plain.history[1]!.validationNdcg10! + 0.02);
    const checkpointPath = join(directory, 'side.ckpt');
    await trainSequenceModel(data, { ...options, epochs: 1, sideInputs: [group], checkpointPath });
    const resumed = await trainSequenceModel(data, { ...options, sideInputs: [group], checkpointPath, resume: true });
    expect(resumed.resumedFromEpoch).toBe(1);
    expect(resumed.stats.steps).toBe(stepsPerEpoch);
    expect(Buffer.from(resumed.model.parameters.buffer).equals(Buffer.from(side.model.parameters.buffer))).toBe(true);
    await expect(trainSequenceModel(data, { ...options, checkpointPath, resume: true })).rejects.toThrow('the checkpoint was trained with side inputs [block], this run asks for []');
    await expect(trainSequenceModel(data, { ...options, sideInputs: [group], weightDecay: 0.01 })).rejects.toThrow('sideInputs cannot be combined with weightDecay > 0');
    await expect(trainSequenceModel(data, { ...options, sideInputs: [{ name: 'album', of: new Int32Array(3) }] })).rejects.toThrow('side input "album": expected one group per item (1500), got 3');
  });

  it('re-fits a trained model\'s prior without training: the trainer\'s own choice on the same rows, and with back-off levels', async () => {
    const data = chainData(0.9);
    const group = { name: 'block', of: Int32Array.from({ length: 150 }, (_, i) => Math.floor(i / 10)) };
    const trained = await trainSequenceModel(data, { ...small, epochs: 1, seed: 9, transitionGroups: [group] });
    const refit = refitTransitionPrior(trained.model, data, { validationRows: small.validationRows, seed: 9, groups: [group] });
    expect(refit.report).toEqual(trained.transitionPrior);
    expect(Array.from(refit.model.transitions!.boosts)).toEqual(Array.from(trained.model.transitions!.boosts));
    expect(refit.model.parameters).toBe(trained.model.parameters);
    expect(() => refitTransitionPrior(trained.model, { ...data, numItems: 151 })).toThrow('refit transition prior: the data has 151 items, the model 150');
    // the model records its validation rows (review s8 findings 4/5): the refit defaults to them and refuses others
    const { rows: drawn, targets: heldOut } = chooseValidationRows(data, small.validationRows!, 9);
    expect(trained.model.validation).toEqual({ seed: 9, rows: small.validationRows, hash: validationRowsHash(drawn, heldOut) });
    expect(trained.model.validation!.hash).toMatch(/^[0-9a-f]{16}$/);
    const reread = deserializeSequenceModel(serializeSequenceModel(trained.model));
    expect(reread.validation).toEqual(trained.model.validation);
    expect(refitTransitionPrior(reread, data, { groups: [group] }).report).toEqual(trained.transitionPrior);
    expect(refitTransitionPrior(reread, data, { groups: [group] }).model.validation).toEqual(reread.validation);
    expect(() => refitTransitionPrior(reread, data, { seed: 1, groups: [group] })).toThrow(
      'refit transition prior: the model held out 100 validation rows drawn with seed 9, got validationRows 100, seed 1 — other rows were trained on',
    );
    expect(() => refitTransitionPrior(reread, data, { validationRows: 2000 })).toThrow('got validationRows 2000, seed 9');
    // a changed log (review s9): the same seed and count draw rows with other last items — those the model trained on — so the hash differs and the refit is refused
    const changed = { ...data, items: Int32Array.from(data.items) };
    for (let r = 0; r + 1 < data.offsets.length; r++) changed.items[data.offsets[r + 1]! - 1] = (changed.items[data.offsets[r + 1]! - 1]! + 7) % 150;
    expect(() => refitTransitionPrior(reread, changed, { groups: [group] })).toThrow(/^refit transition prior: the 100 validation rows drawn from this data with seed 9 \(hash [0-9a-f]{16}\) are not the ones the model held out \(hash [0-9a-f]{16}\) — it was trained on other data/);
    // one policy with eval's sasrec:model=FILE and diagnose (checkHeldOutRows): a model that records no hash (session 9) or no rows cannot be shown to be trained on this data — refused
    const { hash: _hash, ...unhashed } = reread.validation!;
    expect(() => refitTransitionPrior({ ...reread, validation: unhashed }, data, { groups: [group] })).toThrow('refit transition prior: the model does not record a hash of its validation rows');
    const { validation: _none, ...norecord } = reread;
    expect(() => refitTransitionPrior(norecord, data, { validationRows: 100, seed: 9, groups: [group] })).toThrow('refit transition prior: the model does not record a hash of its validation rows');
    // files without the record (before session 9) read as unknown, and a malformed record is refused
    const { validation: _dropped, ...unrecorded } = trained.model;
    expect(deserializeSequenceModel(serializeSequenceModel(unrecorded)).validation).toBeUndefined();
    expect(() => deserializeSequenceModel(serializeSequenceModel(unrecorded, { validation: { seed: 'x', rows: 3 } }), 'm.bin')).toThrow('m.bin: header "validation" must be { seed: integer, rows: integer ≥ 0, hash?: 16 hex digits }, got {"seed":"x","rows":3}');
    expect(() => deserializeSequenceModel(serializeSequenceModel(unrecorded, { validation: { seed: 9, rows: 100, hash: 'xyz' } }), 'h.bin')).toThrow('h.bin: header "validation" must be { seed: integer, rows: integer ≥ 0, hash?: 16 hex digits }, got {"seed":9,"rows":100,"hash":"xyz"}');
  });

  it('counts the plays training sees: every item, minus each validation row\'s held-out last item', () => {
    const data = { items: Int32Array.from([0, 1, 2, 1, 2, 3, 4, 0, 3]), offsets: Int32Array.from([0, 3, 6, 9]), numItems: 5 };
    const { targets } = chooseValidationRows(data, 2, 3);
    expect(targets.length).toBe(2);
    const all = [2, 2, 2, 2, 1];
    for (const target of targets) all[target]!--;
    expect(Array.from(trainingPlayCounts(data, 2, 3))).toEqual(all);
    expect(Array.from(trainingPlayCounts(data, 0, 3))).toEqual([2, 2, 2, 2, 1]);
  });

  it('re-fits on the trainer\'s default validation rows when none are given (2000, not 1000)', async () => {
    // 1,200 rows: the trainer's default draws all of them, a default of 1000 would draw other rows
    const data = chainData(0.9, 1200, 8);
    const { validationRows: _unused, ...defaults } = small;
    const trained = await trainSequenceModel(data, { ...defaults, epochs: 1, seed: 4 });
    expect(DEFAULT_VALIDATION_ROWS).toBe(2000);
    expect(refitTransitionPrior(trained.model, data, { seed: 4 }).report).toEqual(trained.transitionPrior);
  });

  it('fits the prior alone over base scores (no model) on the same validation rows, and refuses base scores that cannot break ties', () => {
    const data = chainData(0.9);
    const group = { name: 'block', of: Int32Array.from({ length: 150 }, (_, i) => Math.floor(i / 10)) };
    const base = Float32Array.from({ length: 150 }, (_, i) => 1e-6 * ((i * 37) % 150));
    const { prior, report } = fitTransitionPriorAlone(data, { base, validationRows: small.validationRows, seed: 9, groups: [group] });
    expect(report.chosenOnValidation).toBe(true);
    // the chain's successor is known from the counts; base scores alone rank it nowhere
    expect(report.modelValidationNdcg10!).toBeLessThan(0.1);
    expect(report.validationNdcg10!).toBeGreaterThan(0.6);
    expect(prior!.settings).toEqual(report.settings);
    // served: base + the prior after the last item → the chain's next items (last + 1 or + 2) first
    const scores = Float32Array.from(base);
    addTransitionPrior(prior, 40, scores);
    const top = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!).slice(0, 2);
    expect(new Set(top)).toEqual(new Set([41, 42]));
    expect(() => fitTransitionPriorAlone(data, { base: new Float32Array(150) })).toThrow('transition prior alone: base scores are all equal (validation counts ties for the target)');
    expect(() => fitTransitionPriorAlone(data, { base: new Float32Array(149) })).toThrow('transition prior alone: base has 149 scores, the data 150 items');
  });

  it('trains with the prior inside the softmax: validation scores logits + that prior, and the served prior is chosen after', async () => {
    const data = chainData(0.9);
    const settings = { alpha: 1, mu: 0.04, gamma: 0.5 };
    const plain = await trainSequenceModel(data, { ...small, epochs: 1, transitionPrior: false });
    const joint = await trainSequenceModel(data, { ...small, epochs: 1, trainWithPrior: settings });
    // the first epoch's validation already has the counts' first-order knowledge
    expect(joint.history[0]!.validationNdcg10!).toBeGreaterThan(plain.history[0]!.validationNdcg10! + 0.1);
    expect(joint.transitionPrior!.validationNdcg10!).toBeGreaterThanOrEqual(joint.history[0]!.validationNdcg10! - 1e-9);
    const two = await trainSequenceModel(data, { ...small, epochs: 1, trainWithPrior: settings, threads: 2 });
    expect(two.history[0]!.validationNdcg10!).toBeCloseTo(joint.history[0]!.validationNdcg10!, 1);
  });

  it('refuses bad input with the position and what was expected', async () => {
    const data = chainData(0.5, 4, 5, 10);
    data.items[7] = 10;
    await expect(trainSequenceModel(data, small)).rejects.toThrow('item 10 at position 7 outside 0…9');
    await expect(trainSequenceModel(chainData(0.5), { ...small, model: { dim: 10, heads: 1 } })).rejects.toThrow(/multiple of 4/);
    await expect(trainSequenceModel(chainData(0.5), { ...small, loss: 'softmax' as 'full' })).rejects.toThrow(/"sampled" or "full"/);
    await expect(trainSequenceModel(chainData(0.5), { ...small, learningRateDecay: 'step' as 'linear' })).rejects.toThrow(/"constant", "linear" or "cosine", got "step"/);
    await expect(trainSequenceModel(chainData(0.5), { ...small, warmupSteps: -1 })).rejects.toThrow(/warmupSteps: expected an integer ≥ 0/);
  });

  it('schedules the learning rate: warm-up from 0, then constant or a decay that ends near 0 at the last step', () => {
    const rate = (learningRateDecay: 'constant' | 'linear' | 'cosine', step: number) => scheduledRate({ learningRate: 0.01, learningRateDecay, warmupSteps: 9 }, step, 109);
    expect(rate('linear', 1)).toBeCloseTo(0.001, 10);
    expect(rate('cosine', 9)).toBeCloseTo(0.009, 10);
    for (const decay of ['constant', 'linear', 'cosine'] as const) expect(rate(decay, 10)).toBeCloseTo(0.01, 10);
    expect(rate('constant', 109)).toBe(0.01);
    expect(rate('linear', 60)).toBeCloseTo(0.005, 10);
    expect(rate('cosine', 60)).toBeCloseTo(0.005, 10);
    expect(rate('cosine', 35)).toBeGreaterThan(rate('linear', 35));
    expect(rate('linear', 109)).toBeCloseTo(0.0001, 10);
    expect(rate('cosine', 109)).toBeLessThan(1e-5);
  });

  it('decays the rate over the run: an epoch whose rate falls to 0 moves the parameters about half as far as one at a constant rate', async () => {
    const data = chainData(0.8);
    const options: TrainSequenceOptions = { ...small, epochs: 1, validationRows: 0, seed: 3 };
    const start = (await trainSequenceModel(data, options)).model;
    const moved = async (learningRateDecay: 'constant' | 'linear') => {
      const { parameters } = (await trainSequenceModel(data, { ...options, initial: start, learningRateDecay })).model;
      return Math.sqrt(parameters.reduce((sum, value, i) => sum + (value - start.parameters[i]!) ** 2, 0));
    };
    const ratio = (await moved('linear')) / (await moved('constant'));
    expect(ratio).toBeGreaterThan(0.3);
    expect(ratio).toBeLessThan(0.8);
  });
});
