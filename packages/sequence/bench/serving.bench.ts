// Serving cost of the next-track model: C concurrent clients (closed loop: each sends its next
// request when the last one answers) ask for the next 10 tracks after a history of 10–50 plays;
// the recommender batches them into one forward pass and one FAISS search, as Home's
// /v1/users/:id/next does: the requests that arrive while a batch is computed form the next one
// (--in-flight 1,2 compares one batch at a time with two, one's forward pass overlapping the
// other's search). The model has the bundle part's shape on the 50k-track synthetic
// catalog (d=64, 2 blocks, L=50; parameters from the seeded initialisation — the cost does not
// depend on their values) and the index is the one `mixtape build` would choose (HNSW32 at 50k);
// --factory and --ef-search compare others in the same run (e.g. Flat: exact, BLAS for batches).
// Like a trained model it carries a transition prior (counted over random sequences with
// --transitions-per-item pairs per item, 30 ≈ the synthetic logs'), so each request also
// re-scores the last play's successors; --transitions-per-item 0 serves the logits alone.
//
// With --model (a model file, e.g. a bundle's models/sequence.bin) and --data (the snapshot it
// was trained on), the bench serves that trained model with the listeners' own histories (each
// cut at a random point) and also prints recall@k of every index setting against the exact
// top-k of the same model — the number that decides whether a cheaper efSearch is safe.
//
//   pnpm --filter @mixtape/sequence bench:serving [--items 50000 --concurrency 1,8,32 --seconds 5 --k 10
//                                                  --factory auto,Flat --ef-search 128,64 --over-fetch 2 --transitions-per-item 30 --compare-prior --in-flight 1,2
//                                                  --model models/sequence.bin --data <snapshot dir> --recall-queries 1000 --index indexes/sequence.faiss]
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Random, selectTopK } from '@mixtape/base';
import { VectorIndex, chooseFactory, setFaissThreads } from '@mixtape/embeddings';
import { readSnapshot } from '@mixtape/catalog';
import {
  buildTransitionPrior,
  countTransitions,
  createNextTrackRecommender,
  createSequenceScorer,
  describeTransitionSettings,
  deserializeSequenceModel,
  historiesFromInteractions,
  initializeModel,
  outputEmbeddings,
  resolveModelConfig,
} from '../src/index';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '50000' },
    concurrency: { type: 'string', default: '1,8,32' },
    seconds: { type: 'string', default: '5' },
    k: { type: 'string', default: '10' },
    factory: { type: 'string', default: 'auto' },
    'ef-search': { type: 'string', default: '64' },
    'over-fetch': { type: 'string', default: '2' },
    /** batches computed at once (the recommender's maxInFlight), one row each */
    'in-flight': { type: 'string', default: '2' },
    model: { type: 'string' },
    data: { type: 'string' },
    /** a saved index of this model's output embeddings (e.g. a bundle's indexes/sequence.faiss) instead of building one (a --factory list other than auto is built beside it); --ef-search applies to all */
    index: { type: 'string' },
    'recall-queries': { type: 'string', default: '1000' },
    'transitions-per-item': { type: 'string', default: '30' },
    /** the stage table's interleaved rounds (median reported) */
    'stage-rounds': { type: 'string', default: '5' },
    /** also serve every setting without the model's prior, in the same run (the prior's cost as a same-run ratio) */
    'compare-prior': { type: 'boolean', default: false },
  },
});
if ((values.model === undefined) !== (values.data === undefined)) throw new Error('bench:next: --model and --data go together (a trained model and the snapshot it was trained on)');
const seconds = Number(values.seconds);
const k = Number(values.k);
setFaissThreads(1);

const model = values.model
  ? deserializeSequenceModel(await readFile(values.model), values.model)
  : initializeModel(resolveModelConfig({ numItems: Number(values.items), dim: 64, blocks: 2, heads: 1, maxLength: 50, tied: false }), 1);
const { numItems, dim } = model.config;
const perItem = Number(values['transitions-per-item']);
if (!values.model && perItem > 0) {
  // random sequences of 100 plays with perItem · numItems pairs in all: a prior of a trained model's size
  const draw = new Random(777);
  const rows = Math.ceil((perItem * numItems) / 99);
  const items = Int32Array.from({ length: rows * 100 }, () => draw.int(numItems));
  const offsets = Int32Array.from({ length: rows + 1 }, (_, r) => r * 100);
  model.transitions = buildTransitionPrior(countTransitions({ items, offsets }, numItems), { alpha: 1, mu: 0.04, gamma: 0.5 });
}
const priorLabel = model.transitions
  ? `transition prior ${describeTransitionSettings(model.transitions.settings)} over ${model.transitions.items.length} successor pairs`
  : 'no transition prior';
/** the recommender's overFetch settings to compare (each index setting is served with each) */
const overFetches = values['over-fetch'].split(',').map(Number);
if (overFetches.some((o) => !(o >= 1))) throw new RangeError(`bench:next: --over-fetch expects numbers ≥ 1 (got "${values['over-fetch']}")`);
const ids = Array.from({ length: numItems }, (_, i) => `t${i}`);
/** every (index, efSearch) setting to measure: HNSW factories once per efSearch, the others once */
const setups: Array<{ label: string; index: VectorIndex; overFetch: number }> = [];
const addSetup = (label: string, index: VectorIndex) => {
  for (const overFetch of overFetches) setups.push({ label: overFetches.length > 1 ? `${label}, over-fetch ${overFetch}` : label, index, overFetch });
};
const savedIndex = values.index ? VectorIndex.fromBuffer(await readFile(values.index)) : undefined;
if (savedIndex && (savedIndex.size !== numItems || savedIndex.dim !== dim)) throw new Error(`bench:next: --index ${values.index} holds ${savedIndex.size} vectors of dim ${savedIndex.dim}, the model ${numItems} of dim ${dim}`);
// with --index: the saved index, and the --factory ones (other than the default auto) built beside it
const factoryNames = savedIndex ? ['saved', ...(values.factory === 'auto' ? [] : values.factory.split(','))] : values.factory.split(',');
for (const name of factoryNames) {
  const factory = name === 'saved' ? savedIndex!.info().factory : name === 'auto' ? chooseFactory(numItems, dim) : name;
  const built = performance.now();
  const index = name === 'saved' ? savedIndex! : VectorIndex.build({ dim, factory, metric: 'ip', ids, vectors: outputEmbeddings(model) });
  console.error(`index ${factory} over ${numItems} output embeddings ${name === 'saved' ? `read from ${values.index}` : `built in ${((performance.now() - built) / 1000).toFixed(1)} s`}`);
  if (!factory.startsWith('HNSW')) addSetup(factory, index);
  else
    for (const efSearch of values['ef-search'].split(',').map(Number)) {
      // one FAISS index, several efSearch settings: a copy per setting keeps each run's params fixed
      const copy = VectorIndex.fromBuffer(index.toBuffer());
      copy.setParams({ efSearch });
      addSetup(`${factory} efSearch ${efSearch}`, copy);
    }
}

const random = new Random(12345);
let histories: Int32Array[];
if (values.data) {
  const snapshot = await readSnapshot(values.data);
  if (snapshot.store.trackCount !== numItems) throw new Error(`bench:next: ${values.data} has ${snapshot.store.trackCount} tracks, the model ${numItems}`);
  const all = historiesFromInteractions(snapshot.interactions);
  const rows = Array.from({ length: all.offsets.length - 1 }, (_, r) => r).filter((r) => all.offsets[r + 1]! - all.offsets[r]! >= 2);
  // each listener's history cut at a random point (what "Up next" sees mid-session)
  histories = Array.from({ length: 4096 }, () => {
    const r = rows[random.int(rows.length)]!;
    const end = all.offsets[r]! + 1 + random.int(all.offsets[r + 1]! - all.offsets[r]! - 1);
    return all.items.slice(Math.max(all.offsets[r]!, end - model.config.maxLength), end);
  });
} else histories = Array.from({ length: 4096 }, () => Int32Array.from({ length: 10 + random.int(41) }, () => random.int(numItems)));

// recall@k of each setting's answers against the exact top-k of the model (history excluded)
const recallRows: string[] = [];
if (values.model) {
  const queries = Math.min(histories.length, Number(values['recall-queries']));
  const scorer = createSequenceScorer(model);
  const scores = new Float32Array(numItems);
  const best = new Int32Array(k);
  const bestScores = new Float32Array(k);
  const exact = histories.slice(0, queries).map((history) => {
    // the served score (logits + the model's transition prior)
    scorer.scoreHistories({ items: history, offsets: Int32Array.of(0, history.length) }, [0], scores);
    for (const track of history) scores[track] = -Infinity;
    selectTopK(scores, k, best, bestScores);
    return new Set(best);
  });
  for (const { label, index, overFetch } of setups) {
    const recommender = createNextTrackRecommender(model, index, { overFetch, cacheSize: 0 });
    let found = 0;
    for (let q = 0; q < queries; q++) for (const track of (await recommender.recommend({ history: histories[q]!, k })).tracks) if (exact[q]!.has(track)) found++;
    recallRows.push(`| ${label} | ${(found / (queries * k)).toFixed(4)} |`);
  }
}

const loadBefore = loadavg();
const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const rows: string[] = [];
const variants = values['compare-prior'] && model.transitions ? [{ suffix: '', served: model }, { suffix: ' (no prior)', served: { config: model.config, parameters: model.parameters } }] : [{ suffix: '', served: model }];
for (const { label: setupLabel, index, overFetch } of setups) {
  // --concurrency none: recall and the stage table only
  for (const connections of values.concurrency === 'none' ? [] : values.concurrency.split(',').map(Number))
    for (const maxInFlight of values['in-flight'].split(',').map(Number))
      for (const { suffix, served } of variants) {
        const label = setupLabel + suffix;
        // no query-vector cache: every request here is a new history (the cost of a request after a new play)
        const recommender = createNextTrackRecommender(served, index, { overFetch, cacheSize: 0, maxInFlight });
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
        const line = `| ${label} | ${connections} | ${maxInFlight} | ${latencies.length} | ${(latencies.length / seconds).toFixed(0)} | ${percentile(sorted, 50).toFixed(2)} | ${percentile(sorted, 95).toFixed(2)} | ${percentile(sorted, 99).toFixed(2)} | ${((cpu.user + cpu.system) / 1000 / latencies.length).toFixed(2)} | ${((after.requests - before.requests) / Math.max(1, batches)).toFixed(1)} | ${after.retries - before.retries} |`;
        rows.push(line);
        console.error(`${label} c=${connections} in flight ${maxInFlight}: ${(latencies.length / seconds).toFixed(0)} req/s`);
      }
}
// Where a request's CPU goes: the forward pass and the FAISS search of a batch of 4 (what 8
// connections with two batches in flight form), each timed alone on this thread; the rest of a
// request's CPU (ranking with the prior, batching, the hop to FAISS's thread and back) is the
// main table's CPU per request minus these two shares.
const stageRows: string[] = [];
{
  const stageScorer = createSequenceScorer(model, { maxBatch: 64 });
  const batchSize = 4;
  const depthOf = (overFetch: number) => Math.ceil(k * overFetch + Math.min(model.config.maxLength, k * overFetch));
  const batches = Array.from({ length: 256 }, (_, b) => {
    const members = Array.from({ length: batchSize }, (_, m) => histories[(b * batchSize + m) % histories.length]!);
    const offsets = new Int32Array(batchSize + 1);
    members.forEach((h, m) => (offsets[m + 1] = offsets[m]! + Math.min(h.length, model.config.maxLength)));
    const items = new Int32Array(offsets[batchSize]!);
    members.forEach((h, m) => items.set(h.subarray(h.length - (offsets[m + 1]! - offsets[m]!)), offsets[m]!));
    return { items, offsets };
  });
  const rows = Int32Array.from({ length: batchSize }, (_, m) => m);
  const vectors = batches.map((batch) => stageScorer.encode(batch, rows).vectors);
  const cpuPerCall = (calls: number, run: (call: number) => void) => {
    for (let call = 0; call < Math.min(calls, 64); call++) run(call);
    const before = process.cpuUsage();
    for (let call = 0; call < calls; call++) run(call);
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000 / calls;
  };
  // interleaved rounds, the median per stage: on a shared machine one stage timed in one stretch
  // measures the machine's moment as much as the code (--stage-rounds)
  const stages: Array<{ label: string; run: (call: number) => void; calls: number }> = [
    { label: 'forward pass (query vectors)', run: (call) => stageScorer.encode(batches[call % batches.length]!, rows), calls: 1000 },
    ...setups.map(({ label, index, overFetch }) => {
      const depth = depthOf(overFetch);
      return { label: `FAISS search, ${label}, depth ${depth}`, run: (call: number) => void index.searchBatch(vectors[call % vectors.length]!, depth), calls: 500 };
    }),
  ];
  const rounds = Number(values['stage-rounds']);
  const perRound = stages.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) stages.forEach((stage, s) => perRound[s]!.push(cpuPerCall(Math.ceil(stage.calls / rounds), stage.run)));
  const median = (list: number[]) => list.slice().sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  stages.forEach((stage, s) => {
    const perBatch = median(perRound[s]!);
    stageRows.push(`| ${stage.label} | ${perBatch.toFixed(3)} | ${(perBatch / batchSize).toFixed(3)} | ${Math.min(...perRound[s]!).toFixed(3)}–${Math.max(...perRound[s]!).toFixed(3)} |`);
  });
}

const source = values.model ? `the trained model ${values.model}, histories of ${values.data}'s listeners` : 'an initialised model, random histories of 10–50 plays';
console.log(
  `Next-track inference (forward pass + FAISS search + prior re-scoring, k=${k}, over-fetch ${overFetches.join(' / ')}) on ${numItems} items, d=${dim}, ${model.config.blocks} blocks, L=${model.config.maxLength}; ${priorLabel}; ${source}; ${seconds} s per level; load average ${loadBefore.map((v) => v.toFixed(1)).join(' ')} before, ${loadavg().map((v) => v.toFixed(1)).join(' ')} after, on 2 cores`,
);
console.log('');
console.log('| index | concurrency | batches in flight | requests | req/s | p50 ms | p95 ms | p99 ms | CPU ms per request | requests per batch | deeper searches |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
console.log('');
console.log(`CPU per stage, a batch of 4 of the same histories timed alone on one thread, median of ${values['stage-rounds']} interleaved rounds (the rest of a request — ranking with the prior, batching, the hop to the FAISS thread — is the table above minus these):`);
console.log('');
console.log('| stage | CPU ms per batch of 4 | CPU ms per request | rounds\' range per batch |');
console.log('| --- | ---: | ---: | ---: |');
for (const row of stageRows) console.log(row);
if (recallRows.length > 0) {
  console.log('');
  console.log(`Recall@${k} against the exact top-${k} of the same model's served score (${Math.min(histories.length, Number(values['recall-queries']))} histories, history excluded):`);
  console.log('');
  console.log(`| index | recall@${k} |`);
  console.log('| --- | ---: |');
  for (const row of recallRows) console.log(row);
}
