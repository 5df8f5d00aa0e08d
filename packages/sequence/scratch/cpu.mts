// CPU time (process.cpuUsage, not wall-clock) of the serving steps: encode a batch of 8, HNSW search
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Random } from '@mixtape/base';
import { VectorIndex, setFaissThreads } from '@mixtape/embeddings';
import { createSequenceScorer, initializeModel, outputEmbeddings, resolveModelConfig } from '../src/index';
setFaissThreads(1);
const numItems = 50000;
const model = initializeModel(resolveModelConfig({ numItems, dim: 64, blocks: 2, heads: 1, maxLength: 50 }), 1);
const ids = Array.from({ length: numItems }, (_, i) => `t${i}`);
const path = '/tmp/seq/hnsw50k.faiss';
let hnsw: VectorIndex;
if (existsSync(path)) hnsw = VectorIndex.fromBuffer(readFileSync(path));
else { hnsw = VectorIndex.build({ dim: 64, factory: 'HNSW32', metric: 'ip', ids, vectors: outputEmbeddings(model) }); writeFileSync(path, hnsw.toBuffer()); }
const scorer = createSequenceScorer(model, { maxBatch: 64 });
const random = new Random(1);
const batch = Number(process.argv[3] ?? 8), rounds = Number(process.argv[2] ?? 100);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const queries: Float32Array[] = [];
let c0 = cpu(), w0 = performance.now();
for (let r = 0; r < rounds; r++) {
  const offsets = new Int32Array(batch + 1);
  for (let q = 0; q < batch; q++) offsets[q + 1] = offsets[q]! + 10 + random.int(41);
  const items = Int32Array.from({ length: offsets[batch]! }, () => random.int(numItems));
  queries.push(Float32Array.from(scorer.encode({ items, offsets }, Int32Array.from({ length: batch }, (_, q) => q)).vectors));
}
console.log(`load ${loadavg()[0]!.toFixed(1)}: encode batch of ${batch}: cpu ${((cpu() - c0) / rounds).toFixed(2)} ms wall ${((performance.now() - w0) / rounds).toFixed(2)} ms`);
for (const ef of [128, 64, 32]) {
  hnsw.setParams({ efSearch: ef });
  c0 = cpu(); w0 = performance.now();
  for (const q of queries) hnsw.searchBatch(q, 40);
  console.log(`HNSW32 efSearch ${ef} k=40 batch of ${batch}: cpu ${((cpu() - c0) / rounds).toFixed(2)} ms wall ${((performance.now() - w0) / rounds).toFixed(2)} ms`);
}
