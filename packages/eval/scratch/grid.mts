// served-prior grid on a saved model, the trainer's own 1,000 validation rows (seed 42): never reads test
import { readFileSync } from 'node:fs';
import { Random } from '@mixtape/base';
import { loadEvalDataset, splitForTask } from '../src/index';
import { chooseTransitionPrior, countTransitions, createSequenceScorer, deserializeSequenceModel, TRANSITION_PRIOR_GRID } from '@mixtape/sequence';
const dataset = await loadEvalDataset('/tmp/mixtape-synth-10k');
const s = splitForTask(dataset, 'next-items', { nextItems: 'leave-one-out', validation: false, seed: 42 }).sequences!;
const data = { items: s.indices, offsets: s.indptr, numItems: dataset.numItems };
const mix = (a: number, b: number): number => (Math.imul(a ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
const eligible: number[] = [];
for (let r = 0; r + 1 < data.offsets.length; r++) {
  const start = data.offsets[r]!, end = data.offsets[r + 1]!;
  if (end - start < 3) continue;
  const last = data.items[end - 1]!;
  let repeat = false;
  for (let p = start; p < end - 1 && !repeat; p++) repeat = data.items[p] === last;
  if (!repeat) eligible.push(r);
}
const rnd = new Random(mix(42, 0x7a11d), 'mulberry32');
for (let i = eligible.length - 1; i > 0; i--) { const j = Math.floor(rnd.next() * (i + 1)); [eligible[i], eligible[j]] = [eligible[j]!, eligible[i]!]; }
const rows = Int32Array.from(eligible.slice(0, 1000)).sort();
const targets = Int32Array.from(rows, (r) => data.items[data.offsets[r + 1]! - 1]!);
const ends = data.offsets.slice(1);
for (const r of rows) ends[r]!--;
const counted = countTransitions(data, data.numItems, ends);
const offsets = new Int32Array(rows.length + 1);
rows.forEach((row, q) => (offsets[q + 1] = offsets[q]! + ends[row]! - data.offsets[row]!));
const items = new Int32Array(offsets[rows.length]!);
rows.forEach((row, q) => items.set(data.items.subarray(data.offsets[row]!, ends[row]!), offsets[q]!));
const grids = {
  default: TRANSITION_PRIOR_GRID,
  wide: { alpha: [0.5, 1, 2, 3, 5, 8, 12, 20], mu: [0.0005, 0.002, 0.01, 0.04, 0.2], gamma: [0, 0.25, 0.5, 0.75, 1] },
};
for (const file of process.argv.slice(2)) {
  const model = deserializeSequenceModel(readFileSync(file), file);
  const scorer = createSequenceScorer(model);
  const score = (first: number, count: number, out: Float32Array) => {
    const { vectors } = scorer.encode({ items, offsets }, Int32Array.from({ length: count }, (_, q) => first + q));
    scorer.scoreAll(vectors, count, out);
  };
  const validation = { last: Int32Array.from(rows, (_, q) => items[offsets[q + 1]! - 1]!), targets, history: (q: number) => items.subarray(offsets[q]!, offsets[q + 1]!), score };
  for (const [name, grid] of Object.entries(grids)) {
    const chosen = chooseTransitionPrior(counted, validation, grid);
    console.log(file, name, JSON.stringify(chosen.settings), chosen.ndcg10.toFixed(4), 'model alone', chosen.baseline.toFixed(4));
  }
}
