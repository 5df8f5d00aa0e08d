// Serving cost of the next-track model: C concurrent clients (closed loop: each sends its next
// request when the last one answers) ask for the next 10 tracks after a history of 10–50 plays;
// the recommender batches them into one forward pass and one FAISS search, as Home's
// /v1/users/:id/next does. The model has the bundle part's shape on the 50k-track synthetic
// catalog (d=64, 2 blocks, L=50; parameters from the seeded initialisation — the cost does not
// depend on their values) and the index is the one `mixtape build` would choose (HNSW32 at 50k).
//
//   pnpm --filter @mixtape/sequence bench:serving [--items 50000 --concurrency 1,8,32 --seconds 5 --k 10]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Random } from '@mixtape/base';
import { VectorIndex, chooseFactory, setFaissThreads } from '@mixtape/embeddings';
import { createNextTrackRecommender, initializeModel, outputEmbeddings, resolveModelConfig } from '../src/index';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '50000' },
    concurrency: { type: 'string', default: '1,8,32' },
    seconds: { type: 'string', default: '5' },
    k: { type: 'string', default: '10' },
  },
});
const numItems = Number(values.items);
const seconds = Number(values.seconds);
const k = Number(values.k);
setFaissThreads(1);

const model = initializeModel(resolveModelConfig({ numItems, dim: 64, blocks: 2, heads: 1, maxLength: 50, tied: false }), 1);
const factory = chooseFactory(numItems, 64);
const built = performance.now();
const index = VectorIndex.build({ dim: 64, factory, metric: 'ip', ids: Array.from({ length: numItems }, (_, i) => `t${i}`), vectors: outputEmbeddings(model), params: factory.startsWith('HNSW') ? { efSearch: 128 } : {} });
console.error(`index ${factory} over ${numItems} output embeddings in ${((performance.now() - built) / 1000).toFixed(1)} s`);

const random = new Random(12345);
const histories = Array.from({ length: 4096 }, () => Int32Array.from({ length: 10 + random.int(41) }, () => random.int(numItems)));

const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const rows: string[] = [];
for (const connections of values.concurrency.split(',').map(Number)) {
  const recommender = createNextTrackRecommender(model, index);
  // warm-up: JIT, FAISS
  await Promise.all(Array.from({ length: connections }, (_, c) => recommender.recommend({ history: histories[c]!, k })));
  const before = recommender.stats();
  const latencies: number[] = [];
  let next = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        await recommender.recommend({ history: histories[next++ % histories.length]!, k });
        latencies.push(performance.now() - started);
      }
    }),
  );
  const after = recommender.stats();
  const sorted = Float64Array.from(latencies).sort();
  const batches = after.batches - before.batches;
  const line = `| ${connections} | ${latencies.length} | ${(latencies.length / seconds).toFixed(0)} | ${percentile(sorted, 50).toFixed(2)} | ${percentile(sorted, 95).toFixed(2)} | ${percentile(sorted, 99).toFixed(2)} | ${((after.requests - before.requests) / Math.max(1, batches)).toFixed(1)} |`;
  rows.push(line);
  console.error(`c=${connections}: ${(latencies.length / seconds).toFixed(0)} req/s`);
}
console.log(`Next-track inference (forward pass + FAISS ${factory} search, k=${k}) on ${numItems} items, d=64, 2 blocks, L=50; ${seconds} s per level; load average ${loadavg().map((v) => v.toFixed(1)).join(' ')} on 2 cores`);
console.log('');
console.log('| concurrency | requests | req/s | p50 ms | p95 ms | p99 ms | requests per batch |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
