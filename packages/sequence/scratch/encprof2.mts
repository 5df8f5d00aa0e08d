import { readFile } from 'node:fs/promises';
import { Random } from '@mixtape/base';
import { createSequenceScorer, deserializeSequenceModel } from '../src/index';
const MODEL = '/tmp/seq8/model-50k-backoff.bin';
const model = deserializeSequenceModel(await readFile(MODEL), MODEL);
const r = new Random(5);
const n = model.config.numItems;
const hs = Array.from({ length: 4000 }, () => Int32Array.from({ length: 2 + r.int(49) }, () => r.int(n)));
const scorer = createSequenceScorer(model, { maxBatch: 64 });
function csr(h: Int32Array[]) {
  const offsets = new Int32Array(h.length + 1);
  h.forEach((x, i) => (offsets[i + 1] = offsets[i]! + x.length));
  const items = new Int32Array(offsets[h.length]!);
  h.forEach((x, i) => items.set(x, offsets[i]!));
  return { items, offsets };
}
const b = 4;
const batches = Array.from({ length: 1000 }, (_, i) => csr(hs.slice((i * b) % 3996, (i * b) % 3996 + b)));
const rows = Int32Array.from({ length: b }, (_, i) => i);
const N = Number(process.env.N ?? 8000);
const c0 = process.cpuUsage();
for (let i = 0; i < N; i++) scorer.encode(batches[i % 1000]!, rows);
const cpu = process.cpuUsage(c0);
console.log(`encode batch 4 (random histories 2–50): ${((cpu.user + cpu.system) / 1000 / N).toFixed(3)} ms CPU per batch`);
