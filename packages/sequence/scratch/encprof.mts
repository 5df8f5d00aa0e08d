import { createSequenceScorer } from '../src/index';
import { model, loadHistories } from './common.mts';
const histories = await loadHistories();
const scorer = createSequenceScorer(model, { maxBatch: 64 });
function csr(hs: Int32Array[]) {
  const offsets = new Int32Array(hs.length + 1);
  hs.forEach((h, i) => (offsets[i + 1] = offsets[i]! + h.length));
  const items = new Int32Array(offsets[hs.length]!);
  hs.forEach((h, i) => items.set(h, offsets[i]!));
  return { items, offsets };
}
const b = 4;
const batches = Array.from({ length: 1000 }, (_, i) => csr(histories.slice((i * b) % 4000, (i * b) % 4000 + b)));
const rows = Int32Array.from({ length: b }, (_, i) => i);
const c0 = process.cpuUsage();
const N = Number(process.env.N ?? 6000);
for (let i = 0; i < N; i++) scorer.encode(batches[i % 1000]!, rows);
const cpu = process.cpuUsage(c0);
console.log(`encode batch 4: ${((cpu.user + cpu.system) / 1000 / N).toFixed(3)} ms CPU per batch`);
