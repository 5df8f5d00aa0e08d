// the replica vs FAISS: same label sets? and CPU per batch of 4
import { createSequenceScorer } from '../src/index';
import { createFaissHnswSearcher, readFaissHnswFlatIp } from '../src/internal/faiss-hnsw';
import { model, loadIndex, loadHistories } from './common.mts';
const index = await loadIndex(64);
const histories = await loadHistories();
const { dim } = model.config;
const t0 = performance.now();
const graph = readFaissHnswFlatIp(index.faissBytes());
if (!graph) throw new Error('not parsed');
const searcher = createFaissHnswSearcher(graph);
console.log(`parsed + copied in ${(performance.now() - t0).toFixed(0)} ms; efSearch ${graph.efSearch}, maxLevel ${graph.maxLevel}, cum ${Array.from(graph.cum).slice(0, 4)}`);
const scorer = createSequenceScorer(model, { maxBatch: 64 });
const N = 4096;
const offsets = new Int32Array(N + 1);
histories.forEach((h, i) => (offsets[i + 1] = offsets[i]! + h.length));
const items = new Int32Array(offsets[N]!);
histories.forEach((h, i) => items.set(h, offsets[i]!));
const vecs = scorer.encode({ items, offsets }, Int32Array.from({ length: N }, (_, i) => i)).vectors;
let same = 0, orderSame = 0;
for (const k of [40, 10, 100]) {
  const faiss = index.searchBatch(vecs, k).labels;
  const mine = searcher.search(vecs, k);
  let diff = 0;
  for (let q = 0; q < N; q++) {
    const a = Array.from(faiss.subarray(q * k, (q + 1) * k)).sort((x, y) => x - y).join();
    const b = Array.from(mine.subarray(q * k, (q + 1) * k)).sort((x, y) => x - y).join();
    if (a !== b) { diff++; if (diff < 3) console.log(`k ${k} q ${q}: faiss ${a.slice(0, 80)} | mine ${b.slice(0, 80)}`); }
  }
  console.log(`k=${k}: ${N - diff}/${N} queries with the same label set`);
}
const reps = 2000;
for (const name of ['faiss', 'replica', 'faiss', 'replica']) {
  const c0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) {
    const q = vecs.subarray(((i * 4) % 4000) * dim, ((i * 4) % 4000 + 4) * dim);
    if (name === 'faiss') index.searchBatch(q, 40); else searcher.search(q, 40);
  }
  const cpu = process.cpuUsage(c0);
  console.log(`${name}: ${((cpu.user + cpu.system) / 1000 / reps).toFixed(3)} ms CPU per batch of 4 (depth 40)`);
}
