// main-thread CPU of searchBatchAsync (the sync part + OnOK) vs the FAISS thread's, via /proc per-thread ticks
import { readFileSync } from 'node:fs';
import { createSequenceScorer } from '../src/index';
import { model, loadIndex, loadHistories } from './common.mts';
const index = await loadIndex(64);
const histories = await loadHistories();
const { dim } = model.config;
const scorer = createSequenceScorer(model, { maxBatch: 64 });
const offsets = new Int32Array(1025);
histories.slice(0, 1024).forEach((h, i) => (offsets[i + 1] = offsets[i]! + h.length));
const items = new Int32Array(offsets[1024]!);
histories.slice(0, 1024).forEach((h, i) => items.set(h, offsets[i]!));
const vecs = scorer.encode({ items, offsets }, Int32Array.from({ length: 1024 }, (_, i) => i)).vectors;
const mainTicks = () => { const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return Number(f[11]) + Number(f[12]); };
const N = 3000;
for (let i = 0; i < 200; i++) await index.searchBatchAsync(vecs.subarray((i % 250) * 4 * dim, ((i % 250) * 4 + 4) * dim), 40);
let syncPart = 0;
const m0 = mainTicks(); const c0 = process.cpuUsage(); const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const q = vecs.subarray((i % 250) * 4 * dim, ((i % 250) * 4 + 4) * dim);
  const s = performance.now();
  const p = index.searchBatchAsync(q, 40);
  syncPart += performance.now() - s;
  await p;
}
const cpu = process.cpuUsage(c0); const m1 = mainTicks();
console.log(`async: ${((performance.now() - t0) / N).toFixed(3)} ms wall/call, sync part ${(syncPart / N * 1000).toFixed(1)} µs, process CPU ${((cpu.user + cpu.system) / 1000 / N).toFixed(3)} ms/call, main thread CPU ${((m1 - m0) * 10 / N).toFixed(3)} ms/call`);
const m2 = mainTicks(); const c2 = process.cpuUsage();
for (let i = 0; i < N; i++) index.searchBatch(vecs.subarray((i % 250) * 4 * dim, ((i % 250) * 4 + 4) * dim), 40);
const cpu2 = process.cpuUsage(c2); const m3 = mainTicks();
console.log(`sync: process CPU ${((cpu2.user + cpu2.system) / 1000 / N).toFixed(3)} ms/call, main thread CPU ${((m3 - m2) * 10 / N).toFixed(3)} ms/call`);
