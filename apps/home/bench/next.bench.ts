// HTTP load test of Up next and radio: the Home service runs as its own process (src/main.ts) on a
// bundle with the sequenceModel part, and this process drives GET /v1/users/:userId/next and
// GET /v1/radio over keep-alive connections. Closed loop at each --concurrency (each connection
// sends its next request when the last one answers), then an optional open loop at each --rate
// (requests on a fixed schedule, latency from the scheduled time, so a slow answer cannot hide
// the waiting it causes). Per row: req/s, p50/p95/p99, errors, the service's CPU per request
// (user + system of its process, all threads, from /proc: wall-clock on a shared machine is not
// the code's speed) and the mean of each stage the route reports in its Server-Timing header.
//
// Every request is a new history (what a request after a new play costs): listeners are taken
// in a fixed shuffled cycle over all of the bundle's listeners, seed tracks over the whole
// catalog, so the recommender's query-vector cache (4,096 histories) never holds the next one
// while the cycle is longer than it. --check N first sends N fixed requests per route at 8
// connections and prints the sha256 of their bodies (generatedAt blanked): the same hash before
// and after a change proves the answers unchanged, batching and all.
//
//   pnpm --filter @mixtape/home bench:next -- --bundle file:///tmp/nextserve/bundles50k
//        [--routes next,radio --concurrency 1,8 --duration 10 --rate 400 --limit 10 --radio-limit 20 --check 2000 --cpu-prof /abs/dir]
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs } from '@mixtape/base';
import { datasetPart, loadParts, openBundleStore, sequenceModelPart } from '@mixtape/bundle';
import { seededOrder } from './sample';
import { cpuSeconds, isReadinessPollLine, loadText, loopLag, metricValue, openLoop, percentile, scrape, startService } from './service';
import type { RunningService } from './service';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const count = { integer: true, min: 1 } as const;
const values = parseBenchArgs(
  {
    bundle: undefined,
    routes: 'next,radio',
    concurrency: [1, 8],
    duration: 10,
    rate: [],
    'rate-connections': 8,
    limit: 10,
    'radio-limit': 20,
    check: 0,
    'warmup-seconds': 3,
    'cpu-prof': undefined,
    'log-level': 'warn',
  },
  {
    rules: {
      concurrency: count,
      duration: { above: 0 },
      rate: { above: 0 },
      'rate-connections': count,
      limit: count,
      'radio-limit': count,
      // 0: no hash check; 0 warm-up seconds: none (said, not silently)
      check: { integer: true, min: 0 },
      'warmup-seconds': { min: 0 },
    },
  },
);
if (!values.bundle) throw new Error('bench:next (HTTP): --bundle <uri> is required — a bundle with the sequenceModel part, e.g. file:///tmp/nextserve/bundles50k (see apps/home/README.md, "Up next and radio: HTTP bench")');
const bundleUri = values.bundle;
/** livez: the HTTP floor — the same server, middleware and client, a route that does nothing */
type Route = 'next' | 'radio' | 'livez';
const routes = values.routes.split(',').filter(Boolean) as Route[];
if (routes.length === 0 || routes.some((route) => route !== 'next' && route !== 'radio' && route !== 'livez')) throw new RangeError(`--routes expects a comma list of next, radio and livez (got "${values.routes}")`);
const { concurrency: concurrencies, rate: rates, 'rate-connections': rateConnections, duration, limit, 'radio-limit': radioLimit, check: checkCount, 'warmup-seconds': warmupSeconds } = values;
for (const rate of rates) if (Math.round(rate * duration) < 1) throw new RangeError(`--rate ${rate} × --duration ${duration} s rounds to 0 requests`);

const work = await mkdtemp(join(tmpdir(), 'home-next-bench-'));

/** Every listener id and track id of the bundle, in a fixed shuffled order; refuses a bundle without the next-track model. */
async function requestTargets(): Promise<{ users: string[]; tracks: string[]; version: string }> {
  const store = openBundleStore(bundleUri, {});
  const bundle = await loadParts(store, [datasetPart], { cacheDir: join(work, 'ids-cache') });
  if (!bundle.manifest.files.some((file) => file.path === sequenceModelPart.files.model.path)) {
    throw new Error(`bench:next (HTTP): bundle ${bundle.version} at ${bundleUri} has no sequenceModel part (models/sequence.bin); build one with mixtape build --only sequenceModel (apps/home/README.md)`);
  }
  const log = bundle.parts.dataset.interactions;
  const catalog = bundle.parts.dataset.store;
  if (!log || log.userCount === 0) throw new Error(`bench:next (HTTP): bundle ${bundle.version} has no listeners to ask Up next for`);
  // the order requests take listeners and seed tracks in (bench/sample.ts: the benches' LCG)
  const users = Array.from(seededOrder(log.userCount, 12345), (u) => log.userId(u));
  const tracks = Array.from(seededOrder(catalog.trackCount, 54321), (t) => catalog.trackId(t));
  await bundle.dispose();
  return { users, tracks, version: bundle.version };
}

// a 50k bundle loads in well under a minute even on a loaded machine; a service that neither exits
// nor becomes ready stops the bench after this
const READY_TIMEOUT_MS = 600_000;

function startHome(): Promise<RunningService> {
  const profile = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];
  return startService({
    args: [...profile, '--conditions', '@mixtape/source', '--import', 'tsx', 'src/main.ts'],
    cwd: appRoot,
    // development mode (no API keys: the bench only reads), no per-IP rate limit (it measures serving,
    // not the limiter), LOG_LEVEL=warn (as bench:home; --log-level info adds the per-request log line),
    // no page store and no warmer (Up next and radio never use them; the warmer would take the CPU measured here)
    env: {
      PATH: process.env.PATH ?? '',
      OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '1',
      LOG_LEVEL: values['log-level'],
      NODE_ENV: 'development',
      RATE_LIMIT_PER_SECOND: '0',
      MIXTAPE_BUNDLE: bundleUri,
      MIXTAPE_CACHE_DIR: join(work, 'cache'),
      MIXTAPE_BUNDLE_POLL_MS: '0',
      HOME_PAGE_CACHE_MIB: '0',
      HOME_PAGE_WARM_LISTENERS: '0',
    },
    readyTimeoutMs: READY_TIMEOUT_MS,
    // the service's log lines, except the readiness polls' 503s while it loads
    onLine: (line) => {
      if (!isReadinessPollLine(line)) process.stderr.write(`${line}\n`);
    },
  });
}

/** the next-track model's counters (home_next_model_work): requests per batch and cache hits between two scrapes */
function modelWork(before: string, after: string): string {
  const delta = (kind: string) => metricValue(after, 'home_next_model_work', `kind="${kind}"`) - metricValue(before, 'home_next_model_work', `kind="${kind}"`);
  const requests = delta('requests');
  if (requests === 0) return '–';
  return `${requests} model requests, ${(requests / Math.max(1, delta('batches'))).toFixed(1)} per batch, ${delta('cacheHits')} cache hits`;
}

/** Sums of the Server-Timing durations per stage name, and how many responses reported each. */
class StageTotals {
  readonly sums = new Map<string, number>();
  readonly counts = new Map<string, number>();
  add(header: string | string[] | undefined): void {
    if (typeof header !== 'string') return;
    for (const entry of header.split(',')) {
      const match = /^\s*([\w-]+);dur=([\d.]+)/.exec(entry);
      if (!match) continue;
      this.sums.set(match[1]!, (this.sums.get(match[1]!) ?? 0) + Number(match[2]));
      this.counts.set(match[1]!, (this.counts.get(match[1]!) ?? 0) + 1);
    }
  }
  means(): string {
    return Array.from(this.sums, ([stage, sum]) => `${stage} ${(sum / this.counts.get(stage)!).toFixed(3)}`).join(', ') || '–';
  }
}

/** the route's path for the i-th request of the cycle */
function pathFor(route: Route, i: number, targets: { users: string[]; tracks: string[] }): string {
  if (route === 'livez') return '/livez';
  return route === 'next'
    ? `/v1/users/${encodeURIComponent(targets.users[i % targets.users.length]!)}/next?limit=${limit}`
    : `/v1/radio?seedTrackId=${encodeURIComponent(targets.tracks[i % targets.tracks.length]!)}&limit=${radioLimit}`;
}

interface Answer {
  status: number;
  body: Buffer | undefined;
  serverTiming: string | string[] | undefined;
}

/** one GET over the agent; the body is kept only when asked (the hash check) */
function get(url: string, agent: Agent, keepBody: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { agent }, (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => {
        if (keepBody) chunks.push(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: keepBody ? Buffer.concat(chunks) : undefined, serverTiming: response.headers['server-timing'] }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.setTimeout(30_000, () => request.destroy(new Error('no answer in 30 s')));
    request.end();
  });
}

interface Row {
  label: string;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  cpuMs: number | undefined;
  stages: string;
  work: string;
  lag: { p99: number; max: number };
  load: string;
}

/** request counter per route: the cycle continues across rows, so no row repeats a recent history */
const cursor: Record<Route, number> = { next: 0, radio: 0, livez: 0 };

async function closedLoop(url: string, route: Route, connections: number, seconds: number, targets: { users: string[]; tracks: string[] }): Promise<Omit<Row, 'label' | 'cpuMs' | 'lag' | 'load' | 'work'>> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const stages = new StageTotals();
  let errors = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const sent = performance.now();
        try {
          const answer = await get(url + pathFor(route, cursor[route]++, targets), agent, false);
          if (answer.status !== 200) errors++;
          stages.add(answer.serverTiming);
        } catch {
          errors++;
        }
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return { requests: latencies.length, rps: latencies.length / elapsed, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), errors, stages: stages.means() };
}

/** the shared open loop (bench/service.ts) on one route, with the stages its answers report */
async function routeOpenLoop(url: string, route: Route, rate: number, connections: number, seconds: number, targets: { users: string[]; tracks: string[] }): Promise<Omit<Row, 'label' | 'cpuMs' | 'lag' | 'load' | 'work'>> {
  const stages = new StageTotals();
  const run = await openLoop(url, { rate, connections, seconds, path: () => pathFor(route, cursor[route]++, targets), onResponse: (response) => stages.add(response.headers['server-timing']) });
  const sorted = run.latencies.slice().sort();
  return { requests: run.requests, rps: run.requests / run.seconds, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), errors: run.errors, stages: stages.means() };
}

/** sha256 over `count` fixed requests' bodies (in request order, generatedAt blanked), asked 8 at a time (batched as under load) */
async function bodyHash(url: string, route: Route, count: number, targets: { users: string[]; tracks: string[] }): Promise<{ sha256: string; errors: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const bodies: Buffer[] = new Array<Buffer>(count);
  let errors = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const i = next++;
        const answer = await get(url + pathFor(route, i, targets), agent, true);
        if (answer.status !== 200) errors++;
        bodies[i] = answer.body!;
      }
    }),
  );
  agent.destroy();
  const hash = createHash('sha256');
  for (const body of bodies) hash.update(body.toString('utf8').replace(/"generatedAt":"[^"]*"/, '"generatedAt":""')).update('\n');
  return { sha256: hash.digest('hex'), errors };
}

const startLoad = loadText();
const rows: Row[] = [];
const hashes: string[] = [];
let readySeconds = 0;
let version = '';
try {
  const targets = await requestTargets();
  version = targets.version;
  console.error(`bundle ${version}: ${targets.users.length} listeners, ${targets.tracks.length} tracks; starting the service`);
  const booted = performance.now();
  const service = await startHome();
  readySeconds = (performance.now() - booted) / 1000;
  console.error(`ready in ${readySeconds.toFixed(1)} s at ${service.url}`);
  try {
    for (const route of routes) {
      if (checkCount > 0 && route !== 'livez') {
        // first, before any other request: the hash covers the same requests on every run
        const { sha256, errors } = await bodyHash(service.url, route, checkCount, targets);
        hashes.push(`${route}: sha256 of ${checkCount} bodies ${sha256}${errors > 0 ? ` (${errors} not 200)` : ''}`);
        console.error(hashes[hashes.length - 1]);
        // the hash's requests are in the query-vector cache: the timed rows start after them
        cursor[route] = checkCount;
      }
    }
    for (const route of routes) {
      // warm-up: JIT, FAISS's thread
      if (warmupSeconds > 0) await closedLoop(service.url, route, 4, warmupSeconds, targets);
      else console.error(`${route}: no warm-up (--warmup-seconds 0)`);
      for (const connections of concurrencies) {
        const textBefore = await scrape(service.url); // also restarts the loop-lag monitor
        const cpuBefore = await cpuSeconds(service.pid);
        const run = await closedLoop(service.url, route, connections, duration, targets);
        const cpuAfter = await cpuSeconds(service.pid);
        const textAfter = await scrape(service.url);
        const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? ((cpuAfter - cpuBefore) * 1000) / run.requests : undefined;
        rows.push({ label: `${route} | closed, ${connections} connections`, ...run, cpuMs, work: modelWork(textBefore, textAfter), lag: loopLag(textAfter), load: loadText() });
        console.error(`${route} c=${connections}: ${run.rps.toFixed(0)} req/s, p99 ${run.p99.toFixed(2)} ms, CPU ${cpuMs?.toFixed(3)} ms/request`);
      }
      for (const rate of rates) {
        const textBefore = await scrape(service.url);
        const cpuBefore = await cpuSeconds(service.pid);
        const run = await routeOpenLoop(service.url, route, rate, rateConnections, duration, targets);
        const cpuAfter = await cpuSeconds(service.pid);
        const textAfter = await scrape(service.url);
        const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? ((cpuAfter - cpuBefore) * 1000) / run.requests : undefined;
        rows.push({ label: `${route} | open, ${rate}/s over ${rateConnections}`, ...run, cpuMs, work: modelWork(textBefore, textAfter), lag: loopLag(textAfter), load: loadText() });
        console.error(`${route} open ${rate}/s: p99 ${run.p99.toFixed(2)} ms, CPU ${cpuMs?.toFixed(3)} ms/request`);
      }
    }
  } finally {
    await service.stop();
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

const f = (value: number, digits = 2) => value.toFixed(digits);
console.log(
  `Home over HTTP: GET /v1/users/:id/next?limit=${limit} and GET /v1/radio?seedTrackId=…&limit=${radioLimit}, bundle ${version} (${bundleUri}), ${duration} s per row, every request a new history; service ready in ${readySeconds.toFixed(1)} s`,
);
console.log(`${new Date().toISOString()}; load average at the start ${startLoad}, at the end ${loadText()} (1, 5, 15 min; ${availableParallelism()} cores); the client runs on the same machine`);
console.log('');
console.log('| route | loop | requests | req/s | p50 ms | p95 ms | p99 ms | errors | service CPU ms/request | Server-Timing means (ms) | the model\'s batches | loop lag p99 / max ms | load (1 min) |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: |');
for (const row of rows) {
  console.log(`| ${row.label} | ${row.requests} | ${f(row.rps, 0)} | ${f(row.p50)} | ${f(row.p95)} | ${f(row.p99)} | ${row.errors} | ${row.cpuMs === undefined ? 'n/a' : f(row.cpuMs, 3)} | ${row.stages} | ${row.work} | ${f(row.lag.p99, 1)} / ${f(row.lag.max, 1)} | ${row.load.split(' ')[0]} |`);
}
if (hashes.length > 0) {
  console.log('');
  for (const line of hashes) console.log(`- ${line}`);
}
