// Load test of the running Home service on a real bundle (default: the synthetic default bundle
// in .data/bundles): the service runs as its own process (src/main.ts), autocannon drives
// GET /v1/users/:userId/home at fixed concurrencies over a sample of the bundle's listeners,
// and the per-stage costs come from the service's own /metrics histogram.
//   pnpm --filter @mixtape/home bench [-- --bundle file:///abs/dir --duration 10 --concurrency 1,8,32 --rate 150 --cpu-prof /abs/dir]
// --cpu-prof writes the served process's V8 CPU profile (node --cpu-prof) into that directory.
// --rate N[,N…] adds an open-loop table after the closed-loop one: requests are sent on a fixed
// schedule of N per second over --rate-connections keep-alive connections (default 8), whatever
// the service's speed, and latency counts from each request's scheduled time (time queued for a
// busy connection included), so a slow page cannot hide the waiting it causes.
// --cache warm,live,event picks the service setups (default warm,live): warm = the page store and
// its warmer (kept pages), live = no store (every page computed, listeners without live events read
// their stored answers), event = no store and every sampled listener posts one play first (pages
// from live state: the costliest computed page, what a listener gets right after an event).
// CPU per page is the service process's own CPU time (user + system, all its threads, from
// /proc) over the pages it served: wall-clock on a shared machine is not the code's speed.
import { availableParallelism } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs } from '@mixtape/base';
import { datasetPart, loadParts, openBundleStore } from '@mixtape/bundle';
import autocannon from 'autocannon';
import { benchEventTrack, benchListeners } from './sample';
import { cpuSeconds, loadText, loopLag, metricValue, openLoop, percentile, scrape, startService } from './service';
import type { RunningService } from './service';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
// every flag is read and checked here, before anything is created (the work directory below)
const count = { integer: true, min: 1 } as const;
const values = parseBenchArgs(
  {
    bundle: `file://${fileURLToPath(new URL('../../../.data/bundles', import.meta.url))}`,
    duration: 10,
    concurrency: [1, 8, 32],
    users: 2000,
    limit: 10,
    'cpu-prof': undefined,
    rate: [],
    'rate-connections': 8,
    cache: 'warm,live',
    'cache-mib': 256,
  },
  { rules: { duration: { above: 0 }, concurrency: count, users: count, limit: count, rate: { above: 0 }, 'rate-connections': count, 'cache-mib': { integer: true, min: 0 } } },
);
const modes = values.cache.split(',').filter(Boolean);
type Mode = 'warm' | 'live' | 'event';
if (modes.length === 0 || modes.some((mode) => mode !== 'warm' && mode !== 'live' && mode !== 'event')) throw new RangeError(`--cache expects a comma list of warm, live and event (got "${values.cache}")`);
const { rate: rates, 'rate-connections': rateConnections, duration, concurrency: concurrencies, limit } = values;
// an open loop of rate × duration requests: 0 would wait forever for the first answer
for (const rate of rates) {
  if (Math.round(rate * duration) < 1) throw new RangeError(`--rate ${rate} × --duration ${duration} s rounds to 0 requests; raise either so at least one request is sent`);
}

const work = await mkdtemp(join(tmpdir(), 'home-bench-'));

// Listener ids to request: a seeded sample of the bundle's users (10% unknown → cold start); and
// track ids for the event mode's plays.
async function sampleUsers(count: number): Promise<{ ids: string[]; trackIds: string[] }> {
  const store = openBundleStore(values.bundle, {});
  const bundle = await loadParts(store, [datasetPart], { cacheDir: join(work, 'ids-cache') });
  const log = bundle.parts.dataset.interactions;
  const ids = benchListeners(log, count);
  const catalog = bundle.parts.dataset.store;
  const trackIds = Array.from({ length: Math.min(1000, catalog.trackCount) }, (_, i) => benchEventTrack(catalog, i));
  return { ids, trackIds };
}

// a 50k bundle loads in well under a minute even on a loaded machine; a service that neither exits
// nor becomes ready stops the bench after this
const READY_TIMEOUT_MS = 600_000;

function startHome(mode: Mode): Promise<RunningService> {
  // LOG_LEVEL=warn: per-request info logs would cost the service time under load
  const profile = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];
  return startService({
    args: [...profile, '--conditions', '@mixtape/source', '--import', 'tsx', 'src/main.ts'],
    cwd: appRoot,
    // Development mode (no API keys; the bench only reads) and no per-IP limit: it measures serving, not the limiter.
    // live: no page store, every page computed; warm: the page store and its background warmer (ADR 0013)
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', NODE_ENV: 'development', RATE_LIMIT_PER_SECOND: '0', MIXTAPE_BUNDLE: values.bundle, MIXTAPE_CACHE_DIR: join(work, 'cache'), MIXTAPE_BUNDLE_POLL_MS: '0', HOME_PAGE_CACHE_MIB: mode === 'warm' ? String(values['cache-mib']) : '0' },
    readyTimeoutMs: READY_TIMEOUT_MS,
  });
}

/** pages served from the page store and computed, so far (a page shared with a concurrent request's compute counts as computed once, by that request) */
function cacheCounts(text: string): { hit: number; computed: number; shared: number } {
  const count = (result: string) => metricValue(text, 'home_page_cache_requests_total', `result="${result}"`);
  return { hit: count('hit'), computed: count('miss') + count('off'), shared: count('shared') };
}

/** Waits for the service's page warmer (known listeners' default pages) to finish, printing its progress. */
async function waitForWarmer(url: string): Promise<void> {
  const started = performance.now();
  for (;;) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const pending = metricValue(text, 'home_page_warmer_pending');
    const entries = metricValue(text, 'home_page_cache_entries');
    const mib = metricValue(text, 'home_page_cache_bytes') / 2 ** 20;
    const seconds = (performance.now() - started) / 1000;
    console.error(`warmer: ${entries} pages kept (${mib.toFixed(1)} MiB), ${pending} listeners to go, ${seconds.toFixed(0)} s`);
    if (pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}

function stageTotals(text: string): Map<string, { sum: number; count: number }> {
  const totals = new Map<string, { sum: number; count: number }>();
  for (const match of text.matchAll(/^home_stage_duration_seconds_(sum|count)\{([^}]*)\} ([\d.e+-]+)$/gm)) {
    const stage = /stage="([^"]+)"/.exec(match[2]!)?.[1];
    if (!stage) continue;
    const entry = totals.get(stage) ?? { sum: 0, count: 0 };
    entry[match[1] as 'sum' | 'count'] = Number(match[3]);
    totals.set(stage, entry);
  }
  return totals;
}

/** mean ms per stage between two /metrics readings */
function stageMeans(before: Map<string, { sum: number; count: number }>, after: Map<string, { sum: number; count: number }>): Record<string, number> {
  const stages: Record<string, number> = {};
  for (const [stage, total] of after) {
    const previous = before.get(stage) ?? { sum: 0, count: 0 };
    stages[stage] = ((total.sum - previous.sum) / Math.max(1, total.count - previous.count)) * 1000;
  }
  return stages;
}

const startLoad = loadText();
let users: string[] = [];
let trackIds: string[] = [];

interface OpenRow { rate: number; connections: number; requests: number; achieved: number; p50: number; p95: number; p99: number; errors: number; cpuMs: number | undefined; load: string; stages: Record<string, number>; hitRate: number; sharedRate: number; lag: { p99: number; max: number } }
interface Row { concurrency: number; requests: number; rps: number; p50: number; p95: number; p99: number; errors: number; cpuMs: number | undefined; load: string; stages: Record<string, number>; hitRate: number; sharedRate: number; lag: { p99: number; max: number } }
interface ModeResult { mode: Mode; rows: Row[]; openRows: OpenRow[]; readySeconds: number; warmSeconds: number; keptMiB: number; keptPages: number }

type CacheCounts = ReturnType<typeof cacheCounts>;
const hitRateOf = (before: CacheCounts, after: CacheCounts) => {
  const hits = after.hit - before.hit;
  return hits / Math.max(1, hits + after.computed - before.computed + after.shared - before.shared);
};
/** share of the row's pages that waited for a concurrent request's compute of the same page (single flight) */
const sharedRateOf = (before: CacheCounts, after: CacheCounts) => {
  const served = after.hit - before.hit + after.computed - before.computed + after.shared - before.shared;
  return (after.shared - before.shared) / Math.max(1, served);
};

async function runMode(mode: Mode): Promise<ModeResult> {
  console.error(`[${mode}] sampled ${users.length} listener ids; starting the service on ${values.bundle}`);
  const bootStarted = performance.now();
  const service = await startHome(mode);
  const readySeconds = (performance.now() - bootStarted) / 1000;
  console.error(`[${mode}] ready in ${readySeconds.toFixed(1)} s at ${service.url}`);
  const rows: Row[] = [];
  const openRows: OpenRow[] = [];
  let warmSeconds = 0;
  let keptMiB = 0;
  let keptPages = 0;
  try {
    if (mode === 'warm') {
      // the background warmer computes every known listener's default page; then one pass over the
      // sampled ids keeps what it could not know (unknown ids share the cold-start page)
      const warmStarted = performance.now();
      await waitForWarmer(service.url);
      await autocannon({ url: service.url, connections: 4, amount: users.length, requests: [{ setupRequest: (request) => ({ ...request, path: `/v1/users/${encodeURIComponent(users[(warmed++) % users.length]!)}/home?limit=${limit}` }) }] });
      warmSeconds = (performance.now() - warmStarted) / 1000;
      const text = await (await fetch(`${service.url}/metrics`)).text();
      keptMiB = metricValue(text, 'home_page_cache_bytes') / 2 ** 20;
      keptPages = metricValue(text, 'home_page_cache_entries');
    }
    if (mode === 'event') {
      // every sampled listener plays one track now: their pages are computed from live state (taste
      // clusters by k-means, three FAISS searches, the factor folded in), as right after an event
      for (let from = 0; from < users.length; from += 1000) {
        const events = users.slice(from, from + 1000).map((userId, i) => ({ userId, trackId: trackIds[(from + i) % trackIds.length]!, type: 'play', msPlayed: 200_000 }));
        const response = await fetch(`${service.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
        if (response.status !== 202) throw new Error(`POST /v1/events answered ${response.status}: ${await response.text()}`);
      }
    }
    // warm-up: JIT, FAISS threads, similar-artist cache
    await autocannon({ url: service.url, connections: 4, duration: 3, requests: [{ setupRequest: (request) => ({ ...request, path: `/v1/users/${encodeURIComponent(users[Math.floor(Math.random() * users.length)]!)}/home?limit=${limit}` }) }] });
    for (const connections of concurrencies) {
      // one scrape before and one after: the event-loop lag monitor restarts at each scrape
      const textBefore = await scrape(service.url);
      const cpuBefore = await cpuSeconds(service.pid);
      let latencies = new Float64Array(1 << 14);
      let recorded = 0;
      let next = 0;
      const result = await new Promise<autocannon.Result>((resolve, reject) => {
        const instance = autocannon(
          {
            url: service.url,
            connections,
            duration,
            requests: [{ setupRequest: (request) => ({ ...request, path: `/v1/users/${encodeURIComponent(users[next++ % users.length]!)}/home?limit=${limit}` }) }],
          },
          (error, result) => (error ? reject(error) : resolve(result)),
        );
        instance.on('response', (_client, _status, _bytes, responseTime) => {
          if (recorded === latencies.length) {
            const grown = new Float64Array(latencies.length * 2);
            grown.set(latencies);
            latencies = grown;
          }
          latencies[recorded++] = responseTime;
        });
      });
      const cpuAfter = await cpuSeconds(service.pid);
      const textAfter = await scrape(service.url);
      const hitRate = hitRateOf(cacheCounts(textBefore), cacheCounts(textAfter));
      const sharedRate = sharedRateOf(cacheCounts(textBefore), cacheCounts(textAfter));
      const sorted = latencies.slice(0, recorded).sort();
      const stages = stageMeans(stageTotals(textBefore), stageTotals(textAfter));
      const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined && result.requests.total > 0 ? ((cpuAfter - cpuBefore) * 1000) / result.requests.total : undefined;
      rows.push({ concurrency: connections, requests: result.requests.total, rps: result.requests.average, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), errors: result.errors + result.non2xx, cpuMs, load: loadText(), stages, hitRate, sharedRate, lag: loopLag(textAfter) });
      console.error(`[${mode}] c=${connections}: ${result.requests.average.toFixed(0)} req/s`);
    }
    for (const rate of rates) {
      const textBefore = await scrape(service.url);
      const cpuBefore = await cpuSeconds(service.pid);
      const run = await openLoop(service.url, { rate, connections: rateConnections, seconds: duration, path: (i) => `/v1/users/${encodeURIComponent(users[i % users.length]!)}/home?limit=${limit}` });
      const cpuAfter = await cpuSeconds(service.pid);
      const textAfter = await scrape(service.url);
      const sorted = run.latencies.slice().sort();
      const stages = stageMeans(stageTotals(textBefore), stageTotals(textAfter));
      const hitRate = hitRateOf(cacheCounts(textBefore), cacheCounts(textAfter));
      const sharedRate = sharedRateOf(cacheCounts(textBefore), cacheCounts(textAfter));
      const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? ((cpuAfter - cpuBefore) * 1000) / run.requests : undefined;
      openRows.push({ rate, connections: rateConnections, requests: run.requests, achieved: run.requests / run.seconds, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), errors: run.errors, cpuMs, load: loadText(), stages, hitRate, sharedRate, lag: loopLag(textAfter) });
      console.error(`[${mode}] open loop ${rate}/s over ${rateConnections} connections: p99 ${percentile(sorted, 99).toFixed(1)} ms`);
    }
  } finally {
    await service.stop();
  }
  return { mode, rows, openRows, readySeconds, warmSeconds, keptMiB, keptPages };
}

let warmed = 0;
const results: ModeResult[] = [];
try {
  ({ ids: users, trackIds } = await sampleUsers(values.users));
  for (const mode of modes as Mode[]) results.push(await runMode(mode));
} finally {
  await rm(work, { recursive: true, force: true });
}

const f = (value: number, digits = 1) => value.toFixed(digits);
console.log(`Home GET /v1/users/:id/home?limit=${limit}, ${duration} s per level, ${users.length} listener ids (10% unknown → cold start), bundle ${values.bundle}`);
console.log(`${new Date().toISOString()}; load average at the start ${startLoad}, at the end ${loadText()} (1, 5, 15 min; ${availableParallelism()} cores)`);
const stageCells = (row: { stages: Record<string, number> }) => ['candidates', 'features', 'ranking', 'assembly', 'cache', 'shared'].map((stage) => f(row.stages[stage] ?? 0, 2)).join(' | ');
for (const result of results) {
  console.log('');
  console.log(
    result.mode === 'warm'
      ? `**warm** (page store on, ${values['cache-mib']} MiB): the background warmer kept ${result.keptPages} pages (${result.keptMiB.toFixed(1)} MiB) in ${result.warmSeconds.toFixed(0)} s after ready (${result.readySeconds.toFixed(1)} s), then one pass over the sampled ids; a hit serves a kept page (stage \`cache\`), a miss computes it (stages candidates … assembly are means over computed pages only).`
      : result.mode === 'event'
        ? `**event** (HOME_PAGE_CACHE_MIB=0, each sampled listener posted one play first): every page computed from live state — taste clusters by k-means, three FAISS searches, the factor folded in — as right after an event (ready in ${result.readySeconds.toFixed(1)} s).`
        : `**live** (HOME_PAGE_CACHE_MIB=0): every page computed (ready in ${result.readySeconds.toFixed(1)} s), except that concurrent requests for the same page (e.g. two cold-start ids) share one compute (column shared).`,
  );
  console.log('');
  console.log('| concurrency | requests | req/s | p50 ms | p95 ms | p99 ms | errors | hit rate | shared | CPU ms/page | candidates ms | features ms | ranking ms | assembly ms | cache ms | shared ms | loop lag p99 / max ms | load (1 min) |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of result.rows) {
    console.log(`| ${row.concurrency} | ${row.requests} | ${f(row.rps)} | ${f(row.p50)} | ${f(row.p95)} | ${f(row.p99)} | ${row.errors} | ${f(row.hitRate * 100)} % | ${f(row.sharedRate * 100)} % | ${row.cpuMs === undefined ? 'n/a' : f(row.cpuMs, 2)} | ${stageCells(row)} | ${f(row.lag.p99)} / ${f(row.lag.max)} | ${row.load.split(' ')[0]} |`);
  }
  if (result.openRows.length > 0) {
    console.log('');
    console.log(`Open loop (${result.mode}): requests sent on a fixed schedule over ${rateConnections} keep-alive connections; latency from each request's scheduled time (queueing included).`);
    console.log('');
    console.log('| offered req/s | connections | requests | achieved req/s | p50 ms | p95 ms | p99 ms | errors | hit rate | shared | CPU ms/page | candidates ms | features ms | ranking ms | assembly ms | cache ms | shared ms | loop lag p99 / max ms | load (1 min) |');
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of result.openRows) {
      console.log(`| ${row.rate} | ${row.connections} | ${row.requests} | ${f(row.achieved)} | ${f(row.p50)} | ${f(row.p95)} | ${f(row.p99)} | ${row.errors} | ${f(row.hitRate * 100)} % | ${f(row.sharedRate * 100)} % | ${row.cpuMs === undefined ? 'n/a' : f(row.cpuMs, 2)} | ${stageCells(row)} | ${f(row.lag.p99)} / ${f(row.lag.max)} | ${row.load.split(' ')[0]} |`);
    }
  }
}
