import { VectorIndex } from '@mixtape/embeddings';
import { createSequenceScorer, initializeModel, outputEmbeddings, resolveModelConfig } from '../src/index';
const numItems = 4000;
const big = initializeModel(resolveModelConfig({ numItems, dim: 16, maxLength: 6, blocks: 2 }), 9);
{ const out = outputEmbeddings(big); for (let i = 0; i < numItems; i++) { let n = 0; for (let c = 0; c < 16; c++) n += out[i * 16 + c]! ** 2; for (let c = 0; c < 16; c++) out[i * 16 + c]! /= Math.sqrt(n); } }
const ids = Array.from({ length: numItems }, (_, i) => `t${i}`);
const hnsw = VectorIndex.build({ dim: 16, factory: 'HNSW4', metric: 'ip', ids, vectors: outputEmbeddings(big) });
hnsw.setParams({ efSearch: 1 });
const scorer = createSequenceScorer(big);
let diff = 0;
for (let q = 0; q < 100; q += 2) {
  const history = Array.from({ length: 1 + ((q * 5) % 9) }, (_, t) => (q * 31 + t * 17) % numItems);
  const items = Int32Array.from(history.slice(-6));
  const query = scorer.encode({ items, offsets: Int32Array.of(0, items.length) }, [0]).vectors;
  const a = hnsw.searchBatch(query, 4).labels; const b = hnsw.searchBatch(query, 40).labels;
  if (q < 10) console.log(Array.from(query.slice(0, 4)), Array.from(a), Array.from(b.slice(0, 4)));
  if (a[0] !== b[0]) diff++;
}
console.log('differ', diff);
