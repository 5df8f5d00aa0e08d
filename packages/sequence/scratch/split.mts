import { loadavg } from 'node:os';
import { Random } from '@mixtape/base';
import { VectorIndex, setFaissThreads } from '@mixtape/embeddings';
import { createSequenceScorer, initializeModel, outputEmbeddings, resolveModelConfig } from '../src/index';
setFaissThreads(1);
const numItems = 50000;
const model = initializeModel(resolveModelConfig({ numItems, dim: 64, blocks: 2, heads: 1, maxLength: 50 }), 1);
const ids = Array.from({ length: numItems }, (_, i) => `t${i}`);
const hnsw = VectorIndex.build({ dim: 64, factory: 'HNSW32', metric: 'ip', ids, vectors: outputEmbeddings(model) });
const scorer = createSequenceScorer(model, { maxBatch: 64 });
const random = new Random(1);
const batch = 8;
const rounds = 100;
let encodeMs = 0;
const queries: Float32Array[] = [];
for (let r = 0; r < rounds; r++) {
  const lengths = Array.from({ length: batch }, () => 10 + random.int(41));
  const offsets = new Int32Array(batch + 1);
  lengths.forEach((l, q) => (offsets[q + 1] = offsets[q]! + l));
  const items = Int32Array.from({ length: offsets[batch]! }, () => random.int(numItems));
  const t = performance.now();
  const { vectors } = scorer.encode({ items, offsets }, Int32Array.from({ length: batch }, (_, q) => q));
  encodeMs += performance.now() - t;
  queries.push(Float32Array.from(vectors.subarray(0, batch * 64)));
}
console.log(`load ${loadavg()[0]!.toFixed(1)}: encode batch of ${batch}: ${(encodeMs / rounds).toFixed(2)} ms`);
for (const ef of [128, 64, 32]) {
  hnsw.setParams({ efSearch: ef });
  for (const k of [40, 20]) {
    const t = performance.now();
    for (const q of queries) hnsw.searchBatch(q, k);
    console.log(`HNSW32 efSearch ${ef} k=${k}: ${((performance.now() - t) / rounds).toFixed(2)} ms per batch of ${batch}`);
  }
}
// exact top-40 of 8 queries, for recall of the HNSW answers
const exact = queries.map((q) => {
  const out: number[][] = [];
  const emb = outputEmbeddings(model);
  for (let b = 0; b < batch; b++) {
    const s = new Float32Array(numItems);
    for (let i = 0; i < numItems; i++) { let d = 0; for (let c = 0; c < 64; c++) d += q[b * 64 + c]! * emb[i * 64 + c]!; s[i] = d; }
    out.push(Array.from(s.keys()).sort((a, b2) => s[b2]! - s[a]!).slice(0, 10));
  }
  return out;
}).slice(0, 10);
for (const ef of [128, 64, 32]) {
  hnsw.setParams({ efSearch: ef });
  let hit = 0, total = 0;
  exact.forEach((rows, r) => { const res = hnsw.searchBatch(queries[r]!, 10); rows.forEach((row, b) => { const got = new Set(Array.from(res.labels.subarray(b * 10, b * 10 + 10))); for (const x of row) { total++; if (got.has(x)) hit++; } }); });
  console.log(`HNSW32 efSearch ${ef}: recall@10 vs exact ${(hit / total).toFixed(3)} (untrained model)`);
}
const flat = VectorIndex.build({ dim: 64, factory: 'Flat', metric: 'ip', ids, vectors: outputEmbeddings(model) });
for (const size of [8, 32]) {
  const q = new Float32Array(size * 64);
  for (let i = 0; i < q.length; i++) q[i] = queries[Math.floor(i / 512) % rounds]![i % 512]!;
  const t = performance.now();
  for (let r = 0; r < 20; r++) flat.searchBatch(q, 40);
  console.log(`Flat batch ${size} k=40: ${((performance.now() - t) / 20).toFixed(2)} ms`);
}
