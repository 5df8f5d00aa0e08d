// Diagnosis of next-item models on a synthetic snapshot's VALIDATION rows (the trainer's own: the
// last training item of a seeded sample of leave-one-out rows; the test item is never read).
// NDCG@10 per ground-truth label of the target for the transition baseline and, for each saved
// model, its logits alone, its served score (the model file's prior settings, counts rebuilt
// without the held-out items) and, with --backoff, a prior with those back-off levels chosen on
// the same rows (what training would choose).
//
// --prior-alone adds the served prior without a model (eval's transition-backoff: chosen on the
// same rows over popularity) and a paired table of every served column against it; --wide-grid
// widens the α grids of the priors chosen here; --train NAME=FILE[:sideInputs=album+artist+albumPosition+artistRank]
// [:trainWithPrior=alone|none|default] [:epochs=12] [:patience=3] [:checkpoint=PATH] trains a model as eval's
// sasrec does on the same split (validationRows = --rows, seed = --seed) into FILE unless FILE exists
// — then FILE must record the same recipe (options, rows, seed, back-off) — and reads it as --model.
//
//   pnpm --filter @mixtape/eval diagnose:next-items --data /tmp/mixtape-synth-10k \
//     --model A=/tmp/seq6/A.bin [--model B=…] [--backoff album+artist] [--rows 1000] [--seed 42]
//     [--prior-alone] [--wide-grid] [--train D3=/tmp/seq9/D3.bin:sideInputs=album+artist]
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readSnapshot, sequenceFromExtras } from '@mixtape/catalog';
import {
  addTransitionPrior,
  buildTransitionPrior,
  catalogSideInputs,
  catalogTransitionGroups,
  chooseTransitionPrior,
  checkHeldOutRows,
  chooseValidationRows,
  countTransitions,
  createSequenceScorer,
  describeTransitionSettings,
  deserializeSequenceModel,
  parseBackoffLevels,
  serializeSequenceModel,
  trainSequenceModel,
  trainingPlayCounts,
  TRANSITION_GROUP_GRID,
  TRANSITION_PRIOR_GRID,
  type BackoffLevel,
  type TransitionPriorSettings,
} from '@mixtape/sequence';
import { breakdownTable, checkDiagnoseRecipe, datasetFromInteractionLog, diagnoseTrainingOf, labelNextItemTargets, pairedBootstrapDifference, splitForTask } from '../src/index';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '/tmp/mixtape-synth-10k' },
    model: { type: 'string', multiple: true, default: [] },
    backoff: { type: 'string' },
    rows: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '42' },
    'prior-alone': { type: 'boolean', default: false },
    'wide-grid': { type: 'boolean', default: false },
    train: { type: 'string', multiple: true, default: [] },
  },
});
// the α grids widened upwards (the prior can then make the logits its tie-breaker)
const grids = values['wide-grid']
  ? { item: { ...TRANSITION_PRIOR_GRID, alpha: [0.5, 1, 2, 3, 5, 8, 12, 20, 50] }, group: { alpha: [0.5, 1, 2, 3, 5, 8, 12, 20, 50], mu: [0.0001, ...TRANSITION_GROUP_GRID.mu] } }
  : { item: TRANSITION_PRIOR_GRID, group: TRANSITION_GROUP_GRID };
const snapshot = await readSnapshot(values.data);
const truth = sequenceFromExtras(snapshot.extras);
if (!truth) throw new Error(`${values.data}: no ground-truth sequence columns (a synthetic snapshot from \`mixtape data generate\` has them)`);
const dataset = datasetFromInteractionLog(snapshot.interactions, snapshot.store, { name: 'synthetic', source: values.data });
const seed = Number(values.seed);
const sequences = splitForTask(dataset, 'next-items', { nextItems: 'leave-one-out', validation: false, seed }).sequences!;
const data = { items: sequences.indices, offsets: sequences.indptr, numItems: dataset.numItems };
const numItems = data.numItems;
const { rows, targets } = chooseValidationRows(data, Number(values.rows), seed);
const ends = data.offsets.slice(1);
for (const row of rows) ends[row]!--;
const counted = countTransitions(data, numItems, ends);
const labels = labelNextItemTargets(snapshot.interactions, truth, snapshot.store, sequences, rows, Int32Array.from(rows, (row) => ends[row]! - data.offsets[row]!));
// the query histories: each validation row without its held-out item
const offsets = new Int32Array(rows.length + 1);
rows.forEach((row, q) => (offsets[q + 1] = offsets[q]! + ends[row]! - data.offsets[row]!));
const items = new Int32Array(offsets[rows.length]!);
rows.forEach((row, q) => items.set(data.items.subarray(data.offsets[row]!, ends[row]!), offsets[q]!));
const history = (q: number) => items.subarray(offsets[q]!, offsets[q + 1]!);
const excluded = new Uint8Array(numItems);
/** NDCG@10 of the target in a full-catalog row, the history excluded (ties favour the target, as training's validation) */
function ndcg(q: number, scores: Float32Array): number {
  const h = history(q);
  for (const i of h) excluded[i] = 1;
  const target = scores[targets[q]!]!;
  let rank = 0;
  for (let i = 0; i < numItems && rank < 10; i++) if (excluded[i] === 0 && i !== targets[q] && scores[i]! > target) rank++;
  for (const i of h) excluded[i] = 0;
  return rank < 10 ? 1 / Math.log2(rank + 2) : 0;
}

const columns: Record<string, Float64Array> = {};
{
  // the transition baseline as eval's: successor counts, popularity (rows holding the item) below one count
  const popularity = new Float32Array(numItems);
  const stamp = new Int32Array(numItems).fill(-1);
  for (let r = 0; r + 1 < data.offsets.length; r++) {
    for (let p = data.offsets[r]!; p < ends[r]!; p++) {
      if (stamp[data.items[p]!] !== r) popularity[data.items[p]!]!++;
      stamp[data.items[p]!] = r;
    }
  }
  const top = popularity.reduce((a, b) => Math.max(a, b), 0);
  const scores = new Float32Array(numItems);
  columns.transition = Float64Array.from(rows, (_, q) => {
    const h = history(q);
    const last = h[h.length - 1]!;
    for (let i = 0; i < numItems; i++) scores[i] = (0.5 * popularity[i]!) / (top + 1);
    for (let e = counted.offsets[last]!; e < counted.offsets[last + 1]!; e++) scores[counted.items[e]!]! += counted.counts[e]!;
    return ndcg(q, scores);
  });
}
const backoff: BackoffLevel[] = values.backoff ? parseBackoffLevels(values.backoff, '--backoff') : [];
const last = Int32Array.from(rows, (_, q) => items[offsets[q + 1]! - 1]!);
if (values['prior-alone']) {
  // eval's transition-backoff: popularity (rows holding the item) scaled below any boost, the prior chosen over it
  const popularity = new Float32Array(numItems);
  const stamp = new Int32Array(numItems).fill(-1);
  for (let r = 0; r + 1 < data.offsets.length; r++) {
    for (let p = data.offsets[r]!; p < data.offsets[r + 1]!; p++) {
      if (stamp[data.items[p]!] !== r) popularity[data.items[p]!]!++;
      stamp[data.items[p]!] = r;
    }
  }
  const top = popularity.reduce((a, b) => Math.max(a, b), 0);
  for (let i = 0; i < numItems; i++) popularity[i] = (1e-6 * popularity[i]!) / (top + 1);
  const score = (_first: number, count: number, out: Float32Array) => {
    for (let b = 0; b < count; b++) out.set(popularity, b * numItems);
  };
  const groups = catalogTransitionGroups(snapshot.store, backoff);
  const chosen = chooseTransitionPrior(counted, { last, targets, history, score }, grids.item, groups, grids.group);
  const prior = buildTransitionPrior(counted, chosen.settings, groups);
  columns[`prior alone (${describeTransitionSettings(chosen.settings)})`] = Float64Array.from(rows, (_, q) => {
    const scores = popularity.slice();
    addTransitionPrior(prior, last[q]!, scores);
    return ndcg(q, scores);
  });
}
for (const spec of values.train) {
  const [head, ...pairs] = spec.split(':');
  const [name, file] = head!.split('=', 2) as [string, string];
  const given = Object.fromEntries(pairs.map((pair) => pair.split('=', 2) as [string, string]));
  const training = diagnoseTrainingOf(name, given);
  // what decides the trained model: a file trained otherwise (other options, rows, seed or back-off) is refused, not reused
  // artistRank ranks by the training plays (review s10 finding 4; before: the catalog's popularity), recorded so a file ranked the old way is refused
  const recipe = { ...training.recipe, rows: Number(values.rows), seed, backoff, ...(training.sideInputs.includes('artistRank') ? { artistRank: 'training plays' } : {}) };
  if (existsSync(file)) {
    checkDiagnoseRecipe(file, name, deserializeSequenceModel(await readFile(file), file).meta.diagnoseTraining, recipe);
  } else {
    console.error(`training ${name} → ${file} (${JSON.stringify(recipe)})`);
    const result = await trainSequenceModel(data, {
      epochs: training.epochs,
      patience: training.patience,
      ...(training.checkpoint ? { checkpointPath: training.checkpoint, resume: true } : {}),
      validationRows: Number(values.rows),
      seed,
      threads: 2,
      transitionGroups: catalogTransitionGroups(snapshot.store, backoff),
      trainWithPrior: training.trainWithPrior,
      sideInputs: training.sideInputs.length > 0 ? catalogSideInputs(snapshot.store, training.sideInputs, trainingPlayCounts(data, Number(values.rows), seed)) : undefined,
      onEpoch: (r) => console.error(`${name} epoch ${r.epoch}: loss ${r.loss.toFixed(4)}, validation NDCG@10 ${r.validationNdcg10?.toFixed(4)}, ${r.seconds.toFixed(0)} s (load ${loadavg()[0]!.toFixed(1)})`),
    });
    console.error(`${name}: side inputs ${result.stats.sideInputSeconds.toFixed(1)} CPU s of ${result.history.reduce((sum, r) => sum + r.seconds, 0).toFixed(0)} s training (${((1000 * result.stats.sideInputSeconds) / Math.max(1, result.stats.steps)).toFixed(2)} ms per step)`);
    await writeFile(file, serializeSequenceModel(result.model, { bestEpoch: result.bestEpoch, diagnoseTraining: recipe }));
  }
  values.model.push(`${name}=${file}`);
}
const chunk = 64;
const logits = new Float32Array(chunk * numItems);
for (const spec of values.model) {
  const [name, file] = spec.includes('=') ? (spec.split('=', 2) as [string, string]) : [spec, spec];
  const model = deserializeSequenceModel(await readFile(file), file);
  // a model that records its validation rows (session 9) must be read on them: other rows were trained on
  if (model.validation && (model.validation.seed !== seed || model.validation.rows !== Number(values.rows))) {
    throw new Error(`${file}: the model held out ${model.validation.rows} validation rows drawn with seed ${model.validation.seed}; run with --rows ${model.validation.rows} --seed ${model.validation.seed}`);
  }
  // the same seed and count on a changed snapshot draw other rows: one check (and policy) with refit and eval's sasrec:model=FILE
  checkHeldOutRows(model.validation, data, file);
  const scorer = createSequenceScorer(model);
  const score = (first: number, count: number, out: Float32Array) => {
    const { vectors } = scorer.encode({ items, offsets }, Int32Array.from({ length: count }, (_, b) => first + b));
    scorer.scoreAll(vectors, count, out);
  };
  const settings = model.transitions?.settings;
  const groupsOf = (s: TransitionPriorSettings) => catalogTransitionGroups(snapshot.store, (s.groups ?? []).map((level) => level.name as BackoffLevel));
  const priors: Array<{ label: string; settings: TransitionPriorSettings }> = [];
  if (settings) priors.push({ label: `${name} + its prior (${describeTransitionSettings(settings)})`, settings });
  if (values.backoff !== undefined) {
    const chosen = chooseTransitionPrior(counted, { last, targets, history, score }, grids.item, catalogTransitionGroups(snapshot.store, backoff), grids.group);
    priors.push({ label: `${name} + prior chosen here, back-off ${values.backoff} (${describeTransitionSettings(chosen.settings)})`, settings: chosen.settings });
  }
  const built = priors.map(({ label, settings: s }) => ({ label, prior: buildTransitionPrior(counted, s, groupsOf(s)), out: new Float64Array(rows.length) }));
  const alone = new Float64Array(rows.length);
  for (let first = 0; first < rows.length; first += chunk) {
    const count = Math.min(chunk, rows.length - first);
    score(first, count, logits);
    for (let b = 0; b < count; b++) {
      const q = first + b;
      const row = logits.subarray(b * numItems, (b + 1) * numItems);
      alone[q] = ndcg(q, row);
      const h = history(q);
      for (const { prior, out } of built) {
        const served = row.slice();
        addTransitionPrior(prior, h[h.length - 1]!, served);
        out[q] = ndcg(q, served);
      }
    }
  }
  columns[`${name} alone`] = alone;
  for (const { label, out } of built) columns[label] = out;
}

const seen = (q: number) => {
  const h = history(q);
  const last = h[h.length - 1]!;
  for (let e = counted.offsets[last]!; e < counted.offsets[last + 1]!; e++) if (counted.items[e] === targets[q]) return true;
  return false;
};
console.log(`# Next-item diagnosis: ${values.data}, ${rows.length} validation rows (seed ${seed}); NDCG@10 mean (sum)\n`);
const tables: Array<[string, (q: number) => string]> = [
  ['all', () => 'all'],
  ['generator transition', (q) => labels[q]!.transition],
  ['transition, skip between', (q) => `${labels[q]!.transition}${labels[q]!.skipBefore ? ' (skip between)' : ''}`],
  ['catalog relation to the last item', (q) => labels[q]!.relation],
  ['transition, target followed the last item before', (q) => `${labels[q]!.transition} ${seen(q) ? 'seen' : 'unseen'}`],
  ['plays of the last item in training', (q) => {
    const h = history(q);
    const plays = counted.itemCounts[h[h.length - 1]!]!;
    return plays < 5 ? '< 5' : plays < 20 ? '5–19' : plays < 80 ? '20–79' : '80+';
  }],
  ['history length (the query reads the last 50)', (q) => {
    const length = history(q).length;
    return length < 20 ? '< 20' : length < 50 ? '20–49' : length < 150 ? '50–149' : '150+';
  }],
];
for (const [title, groupOf] of tables) console.log(`## By ${title}\n\n${breakdownTable(title, groupOf, rows.length, columns)}\n`);
const alone = Object.keys(columns).find((label) => label.startsWith('prior alone'));
if (alone) {
  console.log(`## Paired NDCG@10 against the ${alone} (bootstrap 2,000 over the rows, 95 %)\n\n| column | NDCG@10 | difference [95 % CI] |\n| --- | ---: | ---: |`);
  for (const [label, column] of Object.entries(columns)) {
    if (label === alone) continue;
    const d = pairedBootstrapDifference(column, columns[alone]!, { samples: 2000 });
    console.log(`| ${label} | ${(column.reduce((a, b) => a + b, 0) / column.length).toFixed(4)} | ${d.mean >= 0 ? '+' : ''}${d.mean.toFixed(4)} [${d.lower.toFixed(4)}, ${d.upper.toFixed(4)}] |`);
  }
}
