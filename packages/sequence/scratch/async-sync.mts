import { readFile } from 'node:fs/promises';
import { VectorIndex, setFaissThreads } from '@mixtape/embeddings';
import { deserializeSequenceModel, outputEmbeddings } from '../src/index';
setFaissThreads(1);
const model = deserializeSequenceModel(await readFile('/tmp/seq6/model-50k.bin'), 'm');
const { numItems, dim } = model.config;
const index = VectorIndex.build({ dim, factory: 'HNSW32', metric: 'ip', ids: Array.from({ length: numItems }, (_, i) => `t${i}`), vectors: outputEmbeddings(model) });
index.setParams({ efSearch: 64 });
const out = outputEmbeddings(model);
const q = out.slice(0, 4 * dim);
for (let round = 0; round < 3; round++) {
  let sync = 0, total = 0, syncSearch = 0;
  const n = 500;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const p = index.searchBatchAsync(q, 40);
    sync += performance.now() - t;
    await p;
    total += performance.now() - t;
    const t2 = performance.now();
    index.searchBatch(q, 40);
    syncSearch += performance.now() - t2;
  }
  console.log(`async call sync part ${(sync / n * 1000).toFixed(0)} µs, async total ${(total / n * 1000).toFixed(0)} µs, sync search ${(syncSearch / n * 1000).toFixed(0)} µs`);
}
