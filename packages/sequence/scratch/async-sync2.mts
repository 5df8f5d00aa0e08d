import { VectorIndex, setFaissThreads } from '@mixtape/embeddings';
setFaissThreads(1);
const dim = 64;
const small = VectorIndex.build({ dim, factory: 'Flat', metric: 'ip', ids: Array.from({ length: 10 }, (_, i) => `t${i}`), vectors: new Float32Array(10 * dim).fill(0.1) });
const q = new Float32Array(4 * dim).fill(0.2);
for (let round = 0; round < 3; round++) {
  let sync = 0, total = 0; const n = 2000;
  for (let i = 0; i < n; i++) { const t = performance.now(); const p = small.searchBatchAsync(q, 5); sync += performance.now() - t; await p; total += performance.now() - t; }
  console.log(`tiny Flat: async call sync part ${(sync / n * 1000).toFixed(0)} µs, total ${(total / n * 1000).toFixed(0)} µs`);
}
