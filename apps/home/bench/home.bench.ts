// Load test of the running Home service on a real bundle (default: the synthetic default bundle
// in .data/bundles): the service runs as its own process (src/main.ts), autocannon drives
// GET /v1/users/:userId/home at fixed concurrencies over a sample of the bundle's listeners,
// and the per-stage costs come from the service's own /metrics histogram.
//   pnpm --filter @mixtape/home bench [-- --bundle file:///abs/dir --duration 10 --concurrency 1,8,32 --cpu-prof /abs/dir]
// --cpu-prof writes the served process's V8 CPU profile (node --cpu-prof) into that directory.
// CPU per page is the service process's own CPU time (user + system, all its threads, from
// /proc) over the pages it served: wall-clock on a shared machine is not the code's speed.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { datasetPart, loadParts, openBundleStore } from '@mixtape/bundle';
import autocannon from 'autocannon';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
// `pnpm --filter @mixtape/home bench -- --bundle …` passes the `--` through: drop it
const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    bundle: { type: 'string', default: `file://${fileURLToPath(new URL('../../../.data/bundles', import.meta.url))}` },
    duration: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '1,8,32' },
    users: { type: 'string', default: '2000' },
    limit: { type: 'string', default: '10' },
    'cpu-prof': { type: 'string' },
  },
});
const duration = Number(values.duration);
const concurrencies = values.concurrency.split(',').map(Number);
const limit = Number(values.limit);

const work = await mkdtemp(join(tmpdir(), 'home-bench-'));

// Listener ids to request: a seeded sample of the bundle's users (10% unknown → cold start).
async function sampleUsers(count: number): Promise<string[]> {
  const store = openBundleStore(values.bundle, {});
  const bundle = await loadParts(store, [datasetPart], { cacheDir: join(work, 'ids-cache') });
  const log = bundle.parts.dataset.interactions;
  const ids: string[] = [];
  let state = 12345;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    ids.push(i % 10 === 9 ? `bench-new-listener-${i}` : log.userId(state % log.userCount));
  }
  return ids;
}

/** A free TCP port on 127.0.0.1 (the service runs with LOG_LEVEL=warn, so it cannot tell us). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** CPU seconds (user + system) the process has used so far, from /proc/<pid>/stat; undefined off Linux. */
async function cpuSeconds(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name (which may hold spaces): utime and stime are fields 14 and 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const loadText = () => loadavg().map((value) => value.toFixed(2)).join(' ');
/** USER_HZ: 100 on every Linux this runs on */
const CLOCK_TICKS = 100;

async function startService(): Promise<{ url: string; pid: number | undefined; stop: () => Promise<number | null> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // LOG_LEVEL=warn: per-request info logs would cost the service time under load
  const profile = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];
  const child = spawn(process.execPath, [...profile, '--conditions', '@mixtape/source', '--import', 'tsx', 'src/main.ts'], {
    cwd: appRoot,
    // Development mode (no API keys; the bench only reads) and no per-IP limit: it measures serving, not the limiter.
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'development', RATE_LIMIT_PER_SECOND: '0', MIXTAPE_BUNDLE: values.bundle, MIXTAPE_CACHE_DIR: join(work, 'cache'), MIXTAPE_BUNDLE_POLL_MS: '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let running = true;
  void exited.then(() => (running = false));
  while (running) {
    const ready = await fetch(`${url}/readyz`).then((response) => response.status === 200, () => false);
    if (ready) return { url, pid: child.pid, stop: async () => (child.kill('SIGTERM'), exited) };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`home exited ${await exited} before ready`);
}

async function stageTotals(url: string): Promise<Map<string, { sum: number; count: number }>> {
  const text = await (await fetch(`${url}/metrics`)).text();
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

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const startLoad = loadText();
const users = await sampleUsers(Number(values.users));
console.error(`sampled ${users.length} listener ids; starting the service on ${values.bundle}`);
const bootStarted = performance.now();
const service = await startService();
console.error(`ready in ${((performance.now() - bootStarted) / 1000).toFixed(1)} s at ${service.url}`);

interface Row { concurrency: number; requests: number; rps: number; p50: number; p95: number; p99: number; errors: number; cpuMs: number | undefined; load: string; stages: Record<string, number> }
const rows: Row[] = [];
try {
  // warm-up: JIT, FAISS threads, similar-artist cache
  await autocannon({ url: service.url, connections: 4, duration: 3, requests: [{ setupRequest: (request) => ({ ...request, path: `/v1/users/${encodeURIComponent(users[Math.floor(Math.random() * users.length)]!)}/home?limit=${limit}` }) }] });
  for (const connections of concurrencies) {
    const before = await stageTotals(service.url);
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
    const after = await stageTotals(service.url);
    const sorted = latencies.slice(0, recorded).sort();
    const stages: Record<string, number> = {};
    for (const [stage, total] of after) {
      const previous = before.get(stage) ?? { sum: 0, count: 0 };
      stages[stage] = ((total.sum - previous.sum) / Math.max(1, total.count - previous.count)) * 1000;
    }
    const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined && result.requests.total > 0 ? ((cpuAfter - cpuBefore) * 1000) / result.requests.total : undefined;
    rows.push({ concurrency: connections, requests: result.requests.total, rps: result.requests.average, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), errors: result.errors + result.non2xx, cpuMs, load: loadText(), stages });
    console.error(`c=${connections}: ${result.requests.average.toFixed(0)} req/s`);
  }
} finally {
  await service.stop();
  await rm(work, { recursive: true, force: true });
}

const f = (value: number, digits = 1) => value.toFixed(digits);
console.log(`Home GET /v1/users/:id/home?limit=${limit}, ${duration} s per level, ${users.length} listener ids (10% unknown → cold start), bundle ${values.bundle}`);
console.log(`${new Date().toISOString()}; load average at the start ${startLoad}, at the end ${loadText()} (1, 5, 15 min; ${availableParallelism()} cores)`);
console.log('');
console.log('| concurrency | requests | req/s | p50 ms | p95 ms | p99 ms | errors | CPU ms/page | candidates ms | features ms | ranking ms | assembly ms | load (1 min) |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) {
  console.log(
    `| ${row.concurrency} | ${row.requests} | ${f(row.rps)} | ${f(row.p50)} | ${f(row.p95)} | ${f(row.p99)} | ${row.errors} | ${row.cpuMs === undefined ? 'n/a' : f(row.cpuMs, 2)} | ${f(row.stages.candidates ?? 0, 2)} | ${f(row.stages.features ?? 0, 2)} | ${f(row.stages.ranking ?? 0, 2)} | ${f(row.stages.assembly ?? 0, 2)} | ${row.load.split(' ')[0]} |`,
  );
}
