// A/B in one process: old (d2cd797) vs new scorer.encode, interleaved rounds, CPU per batch of 4
import { createSequenceScorer as newScorer } from '../src/index';
import { createSequenceScorer as oldScorer } from './old-src/index';
import { model, loadHistories } from './common.mts';
const histories = await loadHistories();
function csr(hs: Int32Array[]) {
  const offsets = new Int32Array(hs.length + 1);
  hs.forEach((h, i) => (offsets[i + 1] = offsets[i]! + h.length));
  const items = new Int32Array(offsets[hs.length]!);
  hs.forEach((h, i) => items.set(h, offsets[i]!));
  return { items, offsets };
}
const b = Number(process.env.B ?? 4);
const batches = Array.from({ length: 1000 }, (_, i) => csr(histories.slice((i * b) % 4000, (i * b) % 4000 + b)));
const rows = Int32Array.from({ length: b }, (_, i) => i);
const scorers = { old: oldScorer(model, { maxBatch: 64 }), new: newScorer(model, { maxBatch: 64 }) };
// identical vectors
for (let i = 0; i < 200; i++) {
  const x = scorers.old.encode(batches[i]!, rows).vectors, y = scorers.new.encode(batches[i]!, rows).vectors;
  for (let j = 0; j < x.length; j++) if (!Object.is(x[j], y[j])) throw new Error(`differs at batch ${i} element ${j}: ${x[j]} vs ${y[j]}`);
}
console.log('vectors bit-identical on 200 batches');
const N = 1500;
const totals = { old: 0, new: 0 };
for (let round = 0; round < 4; round++)
  for (const name of (round % 2 ? ['new', 'old'] : ['old', 'new']) as ('old' | 'new')[]) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < N; i++) scorers[name].encode(batches[i % 1000]!, rows);
    const cpu = process.cpuUsage(c0);
    const ms = (cpu.user + cpu.system) / 1000 / N;
    if (round > 0) totals[name] += ms / 3;
    console.log(`round ${round} ${name}: ${ms.toFixed(3)} ms CPU per batch of ${b}`);
  }
console.log(`mean of rounds 1–3: old ${totals.old.toFixed(3)}, new ${totals.new.toFixed(3)} ms per batch (${(totals.new / totals.old).toFixed(2)}×)`);
