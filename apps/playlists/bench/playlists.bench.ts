// Playlists benchmark: offline planner + fulfilment on the default synthetic catalog size
// (generateSynthetic's 50k tracks), in-process and over HTTP with autocannon, with the reward
// model loaded (trained first from simulated feedback of 40 listeners, as a bundle would ship it).
//   pnpm --filter @mixtape/playlists bench [-- --tracks 50000 --iterations 400 --duration 10 --concurrency 1,4,16]
// Prints markdown tables: latency percentiles, requests/s, and the cost of each fulfilment stage,
// with the load average (the machine is shared: compare rows of one run).
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseBenchArgs } from '@mixtape/base';
import { setFaissThreads } from '@mixtape/embeddings';
import type { FeedbackRecord, PlaylistVersionRecord } from '@mixtape/llm';
import { fulfilPlan, rewardPairsFromFeedback, trainRewardModel } from '@mixtape/ranking';
import type { StageCosts } from '@mixtape/ranking';
import { createTestServiceContext } from '@mixtape/service-kit/testing';
import autocannon from 'autocannon';
import { createApp, createPlannerFactory, createPlaylistServingState, openFilePlaylistStore, buildSyntheticPlaylistContext } from '../src/index';

const values = parseBenchArgs({ tracks: 50000, iterations: 400, duration: 10, concurrency: [1, 4, 16], 'faiss-threads': 1 });
// As the service does (FAISS_THREADS, default 1): one OpenMP thread per search.
const faissThreads = values['faiss-threads'];
setFaissThreads(faissThreads);
const { tracks: trackCount, iterations, duration: durationSeconds, concurrency: concurrencies } = values;

const PROMPTS = [
  'upbeat latin for a run, no reggaeton',
  'rainy-day 90s indie for reading',
  'chill lo-fi beats for studying',
  'sad songs',
  '80s rock, no hard rock',
  'energetic edm at 128 bpm',
  'happy country road trip',
  'an hour of jazz for dinner',
  'dark ambient for sleep',
  'workout hip hop',
  'mellow acoustic folk',
  'party dance pop from the 2010s',
  'metal over 140 bpm',
  'classical for focus',
  'reggae for a sunny afternoon',
  'neo soul, 20 songs',
  // issue 18's phrasing: eras in words, people and occasions, track lengths, negation scope, a
  // genre the catalog may lack (honest fulfilment: nearest genres by content centroid)
  'songs from the sixties',
  "songs for my grandmother's birthday party",
  'pop songs under 3 minutes',
  'no sad songs, nothing too loud',
  'rainy-day 90s trip-hop',
  'música latina de los 80 sin reggaeton',
];

const percentile = (sorted: Float64Array, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const log = (message: string): void => void process.stderr.write(`${message}\n`);

const startLoad = loadavg().map((value) => value.toFixed(1)).join(', ');
log(`building synthetic catalog: ${trackCount} tracks … (load average ${startLoad})`);
const buildStarted = performance.now();
const playlistContext = buildSyntheticPlaylistContext({ tracks: trackCount });
const catalogMs = performance.now() - buildStarted;
const stateStarted = performance.now();
const plain = createPlaylistServingState(playlistContext, createPlannerFactory(undefined));
const stateMs = performance.now() - stateStarted;
log(`catalog + FAISS ${(catalogMs / 1000).toFixed(1)} s (${playlistContext.contentIndex.factory}), engine + lexicon ${stateMs.toFixed(0)} ms`);

// The reward model the service would load from the bundle: 40 listeners, 4 playlists each, who
// like acoustic tracks and remove the loudest (simulated feedback → pairs → Bradley–Terry).
const rewardStarted = performance.now();
const { store: catalog } = playlistContext;
const acoustic = catalog.featureColumn('acousticness');
const versions: PlaylistVersionRecord[] = [];
const feedback: FeedbackRecord[] = [];
const LISTENERS = 40;
for (let listener = 0; listener < LISTENERS; listener++) {
  for (let session = 0; session < 4; session++) {
    const prompt = PROMPTS[(listener * 4 + session) % PROMPTS.length]!;
    const plan = (await plain.planner.plan({ prompt })).plan;
    const served = fulfilPlan(plain.engine, plan);
    const playlistId = `bench-${listener}-${session}`;
    const userId = `bench-listener-${listener}`;
    versions.push({ playlistId, version: 1, parentVersion: null, prompt, plan, planner: 'offline', trackIds: served.tracks.map((track) => track.trackId), userId, createdAt: session });
    for (const track of served.trackIndices) {
      const value = acoustic[track]!;
      if (value > 0.5 || value < 0.15) feedback.push({ playlistId, version: 1, trackId: catalog.trackId(track), signal: value > 0.5 ? 'like' : 'remove', userId, createdAt: session });
    }
  }
}
const pairs = rewardPairsFromFeedback(catalog, versions, feedback).pairs;
const rewardModel = trainRewardModel(catalog, pairs, { seed: 1 });
if (!rewardModel) throw new Error('bench: the simulated feedback gave no preference pairs');
const state = createPlaylistServingState(playlistContext, createPlannerFactory(undefined), { reward: rewardModel });
const rewardMs = performance.now() - rewardStarted;
log(`reward model: ${pairs.length} pairs, validation accuracy ${rewardModel.training.validation.accuracy.toFixed(3)}, ${(rewardMs / 1000).toFixed(1)} s (feedback simulation + training + scorer)`);
const listenerOf = (i: number): string => `bench-listener-${i % LISTENERS}`;

// ---- in-process: plan + fulfil, sequential; with and without the reward model, interleaved ----
const warmup = Math.min(50, iterations);
for (let i = 0; i < warmup; i++) fulfilPlan(state.engine, (await state.planner.plan({ prompt: PROMPTS[i % PROMPTS.length]! })).plan, { userId: listenerOf(i), reward: state.reward! });
const latencies = new Float64Array(iterations);
const plainLatencies = new Float64Array(iterations);
const planLatencies = new Float64Array(iterations);
const stageTotals: Record<keyof StageCosts, Float64Array> = {
  resolve: new Float64Array(iterations),
  candidates: new Float64Array(iterations),
  scoring: new Float64Array(iterations),
  sequencing: new Float64Array(iterations),
  notes: new Float64Array(iterations),
  total: new Float64Array(iterations),
};
let trackSum = 0;
const runStarted = performance.now();
for (let i = 0; i < iterations; i++) {
  // the same request without the model first (same prompt, listener and machine load), then with it
  const plainStarted = performance.now();
  fulfilPlan(plain.engine, (await plain.planner.plan({ prompt: PROMPTS[i % PROMPTS.length]! })).plan, { userId: listenerOf(i) });
  plainLatencies[i] = performance.now() - plainStarted;
  const started = performance.now();
  const planned = await state.planner.plan({ prompt: PROMPTS[i % PROMPTS.length]! });
  const planned_ = performance.now();
  const result = fulfilPlan(state.engine, planned.plan, { userId: listenerOf(i), reward: state.reward! });
  latencies[i] = performance.now() - started;
  planLatencies[i] = planned_ - started;
  for (const stage of Object.keys(stageTotals) as (keyof StageCosts)[]) stageTotals[stage][i] = result.costs[stage];
  trackSum += result.tracks.length;
  if ((i + 1) % 100 === 0) log(`in-process ${i + 1}/${iterations}, ${((i + 1) / ((performance.now() - runStarted) / 1000)).toFixed(0)} req/s`);
}
const inProcessSeconds = (performance.now() - runStarted) / 1000;
latencies.sort();
plainLatencies.sort();
const plainSeconds = plainLatencies.reduce((sum, value) => sum + value, 0) / 1000;
const rewardSeconds = latencies.reduce((sum, value) => sum + value, 0) / 1000;

const lines: string[] = [];
lines.push(`### Playlists benchmark — ${trackCount.toLocaleString('en')} synthetic tracks, ${playlistContext.contentIndex.factory} content index (FAISS threads ${faissThreads}), offline planner, Node ${process.version}`);
lines.push('');
lines.push(`Setup: catalog + content vectors + FAISS ${(catalogMs / 1000).toFixed(1)} s; engine + lexicon ${stateMs.toFixed(0)} ms; reward model ${(rewardMs / 1000).toFixed(1)} s (${pairs.length.toLocaleString('en')} pairs from ${LISTENERS} simulated listeners; requests name one of them). ${PROMPTS.length} prompts in rotation, ${(trackSum / iterations).toFixed(1)} tracks per playlist on average. Load average at the start: ${startLoad}; at the end: ${loadavg().map((value) => value.toFixed(1)).join(', ')}.`);
lines.push('');
lines.push('| run | requests | p50 ms | p95 ms | p99 ms | req/s |');
lines.push('| --- | --- | --- | --- | --- | --- |');
lines.push(`| in-process plan + fulfil, no reward model (1 at a time) | ${iterations} | ${ms(percentile(plainLatencies, 50))} | ${ms(percentile(plainLatencies, 95))} | ${ms(percentile(plainLatencies, 99))} | ${(iterations / plainSeconds).toFixed(0)} |`);
lines.push(`| in-process plan + fulfil, reward model loaded (1 at a time) | ${iterations} | ${ms(percentile(latencies, 50))} | ${ms(percentile(latencies, 95))} | ${ms(percentile(latencies, 99))} | ${(iterations / rewardSeconds).toFixed(0)} |`);
void inProcessSeconds;

// ---- HTTP with autocannon ---------------------------------------------------------------------
const directory = mkdtempSync(join(tmpdir(), 'playlists-bench-'));
const httpRows: string[] = [];
for (const fsync of [true, false]) {
  const store = await openFilePlaylistStore({ directory: join(directory, fsync ? 'fsync' : 'nofsync'), fsync });
  const { context } = createTestServiceContext({ name: 'playlists', level: 'silent' });
  context.readiness.markReady();
  const app = createApp({ context, serving: () => state, store });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  for (const connections of fsync ? concurrencies : [concurrencies.at(-1)!]) {
    let counter = 0;
    const result = await autocannon({
      url: `http://127.0.0.1:${port}`,
      connections,
      duration: durationSeconds,
      requests: [
        {
          method: 'POST',
          path: '/v1/playlists',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => {
            const i = counter++;
            return { ...request, body: JSON.stringify({ prompt: PROMPTS[i % PROMPTS.length], userId: listenerOf(i) }) };
          },
        },
      ],
    });
    const errors = result.errors + result.timeouts + result.non2xx;
    httpRows.push(
      `| HTTP POST /v1/playlists, ${connections} connection${connections > 1 ? 's' : ''}${fsync ? '' : ', no fsync'} | ${result.requests.total} | ${result.latency.p50} | ${result.latency.p97_5} (p97.5) | ${result.latency.p99} | ${result.requests.average.toFixed(0)}${errors > 0 ? ` (${errors} errors)` : ''} |`,
    );
    log(`HTTP c=${connections} fsync=${fsync}: ${result.requests.average.toFixed(0)} req/s, p99 ${result.latency.p99} ms, errors ${errors}`);
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await store.close();
}
rmSync(directory, { recursive: true, force: true });
lines.push(...httpRows);
lines.push('');

// ---- cost per stage ---------------------------------------------------------------------------
lines.push('Cost per stage (in-process run with the reward model; plan = offline planner):');
lines.push('');
lines.push('| stage | mean ms | p50 ms | p95 ms | p99 ms |');
lines.push('| --- | --- | --- | --- | --- |');
const stageRow = (name: string, values: Float64Array): string => {
  const sorted = Float64Array.from(values).sort();
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return `| ${name} | ${ms(mean)} | ${ms(percentile(sorted, 50))} | ${ms(percentile(sorted, 95))} | ${ms(percentile(sorted, 99))} |`;
};
lines.push(stageRow('plan (offline planner)', planLatencies));
for (const stage of ['resolve', 'candidates', 'scoring', 'sequencing', 'notes', 'total'] as const) lines.push(stageRow(stage === 'total' ? 'fulfilment total' : stage, stageTotals[stage]));
lines.push('');
process.stdout.write(`${lines.join('\n')}\n`);
