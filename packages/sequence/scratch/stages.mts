// per-stage CPU cost (single thread, synchronous): forward pass per batch, FAISS search per batch, pick/rank per request
import { createSequenceScorer, createNextTrackRecommender } from '../src/index';
import { model, loadIndex, loadHistories } from './common.mts';
const index = await loadIndex(64);
const histories = await loadHistories();
const { dim } = model.config;
const scorer = createSequenceScorer(model, { maxBatch: 64 });
function csr(hs: Int32Array[]) {
  const offsets = new Int32Array(hs.length + 1);
  hs.forEach((h, i) => (offsets[i + 1] = offsets[i]! + h.length));
  const items = new Int32Array(offsets[hs.length]!);
  hs.forEach((h, i) => items.set(h, offsets[i]!));
  return { items, offsets };
}
const meanLen = histories.reduce((s, h) => s + h.length, 0) / histories.length;
console.log(`mean history length ${meanLen.toFixed(1)}`);
function time(label: string, reps: number, per: number, fn: (i: number) => void) {
  for (let i = 0; i < Math.min(reps, 50); i++) fn(i);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn(i);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  console.log(`${label}: ${(wall / reps).toFixed(3)} ms wall per call, ${((cpu.user + cpu.system) / 1000 / reps).toFixed(3)} ms CPU per call, ${((cpu.user + cpu.system) / 1000 / reps / per).toFixed(3)} ms CPU per request`);
}
for (const b of [1, 4, 8]) {
  const batches = Array.from({ length: 200 }, (_, i) => csr(histories.slice((i * b) % 4000, (i * b) % 4000 + b)));
  const rows = Int32Array.from({ length: b }, (_, i) => i);
  time(`encode batch ${b}`, 400, b, (i) => scorer.encode(batches[i % 200]!, rows));
}
const vecs = scorer.encode(csr(histories.slice(0, 1024)), Int32Array.from({ length: 1024 }, (_, i) => i)).vectors;
for (const b of [1, 4, 8]) {
  time(`search sync batch ${b} depth 40 ef 64`, 400, b, (i) => index.searchBatch(vecs.subarray(((i * b) % 1000) * dim, ((i * b) % 1000 + b) * dim), 40));
}
// async search: wall per batch of 4 (thread hop)
{
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < 400; i++) await index.searchBatchAsync(vecs.subarray(((i * 4) % 1000) * dim, ((i * 4) % 1000 + 4) * dim), 40);
  const cpu = process.cpuUsage(c0);
  console.log(`search async batch 4: ${((performance.now() - t0) / 400).toFixed(3)} ms wall, ${((cpu.user + cpu.system) / 1000 / 400).toFixed(3)} ms CPU per call`);
}
// whole recommend at c=1 (serial), cacheSize 0, with Flat-free index: subtract
const rec = createNextTrackRecommender(model, index, { cacheSize: 0 });
{
  for (let i = 0; i < 100; i++) await rec.recommend({ history: histories[i]!, k: 10 });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < 1000; i++) await rec.recommend({ history: histories[i % 4096]!, k: 10 });
  const cpu = process.cpuUsage(c0);
  console.log(`recommend serial: ${((performance.now() - t0) / 1000).toFixed(3)} ms wall, ${((cpu.user + cpu.system) / 1000 / 1000).toFixed(3)} ms CPU per request`);
}
{
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < 250; i++) await Promise.all([0, 1, 2, 3].map((j) => rec.recommend({ history: histories[(i * 4 + j) % 4096]!, k: 10 })));
  const cpu = process.cpuUsage(c0);
  console.log(`recommend 4 at a time: ${((performance.now() - t0) / 250).toFixed(3)} ms wall per 4, ${((cpu.user + cpu.system) / 1000 / 1000).toFixed(3)} ms CPU per request`);
}
