// Serving cost of the next-track model: C concurrent clients (closed loop: each sends its next
// request when the last one answers) ask for the next 10 tracks after a history of 10–50 plays;
// the recommender batches them into one forward pass and one FAISS search, as Home's
// /v1/users/:id/next does. The model has the bundle part's shape on the 50k-track synthetic
// catalog (d=64, 2 blocks, L=50; parameters from the seeded initialisation — the cost does not
// depend on their values) and the index is the one `mixtape build` would choose (HNSW32 at 50k);
// --factory and --ef-search compare others in the same run (e.g. Flat: exact, BLAS for batches).
//
//   pnpm --filter @mixtape/sequence bench:serving [--items 50000 --concurrency 1,8,32 --seconds 5 --k 10
//                                                  --factory auto,Flat --ef-search 128,64 --over-fetch 2]
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
    factory: { type: 'string', default: 'auto' },
    'ef-search': { type: 'string', default: '128' },
    'over-fetch': { type: 'string', default: '2' },
  },
});
const numItems = Number(values.items);
const seconds = Number(values.seconds);
const k = Number(values.k);
setFaissThreads(1);

const model = initializeModel(resolveModelConfig({ numItems, dim: 64, blocks: 2, heads: 1, maxLength: 50, tied: false }), 1);
const overFetch = Number(values['over-fetch']);
const ids = Array.from({ length: numItems }, (_, i) => `t${i}`);
/** every (index, efSearch) setting to measure: HNSW factories once per efSearch, the others once */
const setups: Array<{ label: string; index: VectorIndex }> = [];
for (const name of values.factory.split(',')) {
  const factory = name === 'auto' ? chooseFactory(numItems, 64) : name;
  const built = performance.now();
  const index = VectorIndex.build({ dim: 64, factory, metric: 'ip', ids, vectors: outputEmbeddings(model) });
  console.error(`index ${factory} over ${numItems} output embeddings in ${((performance.now() - built) / 1000).toFixed(1)} s`);
  if (!factory.startsWith('HNSW')) setups.push({ label: factory, index });
  else
    for (const efSearch of values['ef-search'].split(',').map(Number)) {
      // one FAISS index, several efSearch settings: a copy per setting keeps each run's params fixed
      const copy = VectorIndex.fromBuffer(index.toBuffer());
      copy.setParams({ efSearch });
      setups.push({ label: `${factory} efSearch ${efSearch}`, index: copy });
    }
}

const random = new Random(12345);
const histories = Array.from({ length: 4096 }, () => Int32Array.from({ length: 10 + random.int(41) }, () => random.int(numItems)));

const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const rows: string[] = [];
for (const { label, index } of setups) {
  for (const connections of values.concurrency.split(',').map(Number)) {
    // no query-vector cache: every request here is a new history (the cost of a request after a new play)
    const recommender = createNextTrackRecommender(model, index, { overFetch, cacheSize: 0 });
    // warm-up: JIT, FAISS
    await Promise.all(Array.from({ length: connections }, (_, c) => recommender.recommend({ history: histories[c]!, k })));
    const before = recommender.stats();
    const latencies: number[] = [];
    const cpuBefore = process.cpuUsage();
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
    const cpu = process.cpuUsage(cpuBefore);
    const after = recommender.stats();
    const sorted = Float64Array.from(latencies).sort();
    const batches = after.batches - before.batches;
    const line = `| ${label} | ${connections} | ${latencies.length} | ${(latencies.length / seconds).toFixed(0)} | ${percentile(sorted, 50).toFixed(2)} | ${percentile(sorted, 95).toFixed(2)} | ${percentile(sorted, 99).toFixed(2)} | ${((cpu.user + cpu.system) / 1000 / latencies.length).toFixed(2)} | ${((after.requests - before.requests) / Math.max(1, batches)).toFixed(1)} | ${after.retries - before.retries} |`;
    rows.push(line);
    console.error(`${label} c=${connections}: ${(latencies.length / seconds).toFixed(0)} req/s`);
  }
}
console.log(`Next-track inference (forward pass + FAISS search, k=${k}, over-fetch ${overFetch}) on ${numItems} items, d=64, 2 blocks, L=50; ${seconds} s per level; load average ${loadavg().map((v) => v.toFixed(1)).join(' ')} on 2 cores`);
console.log('');
console.log('| index | concurrency | requests | req/s | p50 ms | p95 ms | p99 ms | CPU ms per request | requests per batch | deeper searches |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
