// `pnpm bench:load`: home, search and playlists on the default bundle, each driven with
// autocannon at fixed concurrencies on 127.0.0.1, against a bare node:http hello-world (the
// ceiling of this machine for one Node process). Prints a markdown table.
//   pnpm bench:load [--duration 5] [--connections 1,8,32] [--services home,search,playlists]
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseBenchArgs } from '@mixtape/base';
import { readSnapshot } from '@mixtape/catalog';
import { misspellLongestWord } from '@mixtape/language';
import { authHeaders, benchServiceEnv, ensureDatasetAndBundle, findWorkspaceRoot, LOAD_PROMPTS, freePort, isBundleWired, peakRssBytes, runLoad, startServiceProcess } from '../src/index';
import type { LoadRequest, LoadResult, ServiceName, ServiceProcess } from '../src/index';

const values = parseBenchArgs({ duration: 5, connections: [1, 8, 32], services: 'home,search,playlists', data: '.data/synthetic', bundle: undefined });
const durationSeconds = values.duration;
const concurrencies = values.connections;
if (!(durationSeconds > 0) || concurrencies.some((c) => !Number.isInteger(c) || c < 1)) {
  throw new Error(`--duration must be > 0 and --connections a comma list of positive integers (got ${values.duration}, ${values.connections.join(',')})`);
}
const services = values.services.split(',') as ServiceName[];
const root = findWorkspaceRoot();
const loadAtStart = loadavg().map((value) => value.toFixed(1)).join(' / ');
const log = (line: string) => process.stderr.write(`${line}\n`);

// ---- 1. the default dataset and bundle, built when missing -------------------------------------
const dataDir = join(root, values.data);
const bundleUri = values.bundle ?? pathToFileURL(join(root, '.data/bundles')).href;
ensureDatasetAndBundle({ root, dataDir, bundleUri, log });

// ---- 2. realistic requests from the dataset ----------------------------------------------------
const snapshot = await readSnapshot(dataDir);
const { store, interactions } = snapshot;
const popular = [...store.mostPopular(400)];
const tracks = popular.map((index) => store.getTrack(index)!).filter(Boolean);
const artistOf = (track: (typeof tracks)[number]) => store.getArtist(track.artistIds[0]!)?.name ?? '';
const userIds = Array.from({ length: Math.min(500, interactions.userCount) }, (_, i) => interactions.userId(Math.floor((i * interactions.userCount) / Math.min(500, interactions.userCount))));
const searchQueries = tracks.flatMap((track, i) => {
  const title = track.title.toLowerCase();
  const variants = [title, misspellLongestWord(title), `${title} ${artistOf(track).toLowerCase()}`, title.slice(0, Math.max(3, Math.ceil(title.length / 2)))];
  return [variants[i % variants.length]!];
});
const prompts = [...LOAD_PROMPTS, ...tracks.slice(0, 20).map((track) => `songs like ${artistOf(track)}`)];
const requestsFor: Record<ServiceName, LoadRequest[]> = {
  home: userIds.map((userId) => ({ method: 'GET', path: `/v1/users/${encodeURIComponent(userId)}/home?limit=10` })),
  search: searchQueries.map((q) => ({ method: 'GET', path: `/v1/search?q=${encodeURIComponent(q)}&limit=10` })),
  playlists: prompts.map((prompt) => ({ method: 'POST', path: '/v1/playlists', body: JSON.stringify({ prompt, length: 20 }) })),
};
log(`dataset ${dataDir}: ${store.trackCount} tracks, ${interactions.userCount} users; bundle ${bundleUri}`);

// ---- 3. the targets -----------------------------------------------------------------------------
const work = await mkdtemp(join(tmpdir(), 'mixtape-bench-load-'));
interface Target {
  name: string;
  url: string;
  pid: number;
  requests: LoadRequest[];
  stop(): Promise<unknown>;
  note?: string;
}
const targets: Target[] = [];
const skipped: string[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
process.once('SIGINT', () => void Promise.all(cleanups.map((c) => c())).finally(() => process.exit(130)));

try {
  // The ceiling: a bare node:http server in its own process, same loopback, same load generator.
  const helloPort = await freePort();
  const hello = spawn(process.execPath, ['-e', `require('node:http').createServer((q, s) => { s.setHeader('content-type', 'text/plain'); s.end('hello'); }).listen(${helloPort}, '127.0.0.1', () => console.log('listening'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => hello.stdout.once('data', resolve));
  cleanups.push(async () => hello.kill('SIGTERM'));
  targets.push({ name: 'node:http hello', url: `http://127.0.0.1:${helloPort}`, pid: hello.pid!, requests: [{ method: 'GET', path: '/' }], stop: async () => hello.kill('SIGTERM') });

  for (const name of services) {
    const started = performance.now();
    const service: ServiceProcess = await startServiceProcess(name, benchServiceEnv(name, bundleUri, work));
    cleanups.push(() => service.stop());
    try {
      await service.waitUntilReady(300_000);
    } catch (error) {
      // One service that cannot start must not cost the other rows; say why in the table.
      log(`${name} did not become ready: ${(error as Error).message.split('\n')[0]}`);
      skipped.push(`${name}: not ready within 300 s (${(error as Error).message.split('\n')[0]})`);
      await service.stop();
      continue;
    }
    log(`${name} ready in ${((performance.now() - started) / 1000).toFixed(1)} s (pid ${service.pid})`);
    const note = isBundleWired(root, name) ? undefined : 'not wired to the bundle yet: serves its built-in catalog or answers 503';
    targets.push({ name, url: service.url, pid: service.pid, requests: requestsFor[name], stop: () => service.stop(), note });
  }

  // ---- 4. load ----------------------------------------------------------------------------------
  const rows: Array<{ target: Target; result: LoadResult }> = [];
  const peakRss = new Map<string, number | undefined>();
  for (const target of targets) {
    // A short warm-up at the highest concurrency (JIT, caches), not reported.
    await runLoad({ url: target.url, connections: Math.max(...concurrencies), durationSeconds: 1, requests: target.requests, headers: authHeaders });
    for (const connections of concurrencies) {
      const result = await runLoad({ url: target.url, connections, durationSeconds, requests: target.requests, headers: authHeaders });
      rows.push({ target, result });
      log(`${target.name.padEnd(16)} c=${String(connections).padEnd(3)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${result.p50Ms.toFixed(1)} ms  p99 ${result.p99Ms.toFixed(1)} ms  errors ${result.errors}${result.errors ? ` ${JSON.stringify(result.nonSuccessStatuses)}` : ''}`);
    }
    peakRss.set(target.name, await peakRssBytes(target.pid));
  }

  // ---- 5. the table -------------------------------------------------------------------------------
  const ceiling = new Map(rows.filter((row) => row.target.name === 'node:http hello').map((row) => [row.result.connections, row.result.requestsPerSecond]));
  const mb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${(bytes / 2 ** 20).toFixed(0)} MB`);
  const lines = [
    `Load: ${durationSeconds} s per row on 127.0.0.1, autocannon in the bench process, services from source (tsx), OMP/OpenBLAS threads 1; node ${process.version}, ${cpus().length} cores, load average at start ${loadAtStart} (other work on the machine shares these cores; compare rows as ratios within this run).`,
    `Dataset ${values.data} (${store.trackCount} tracks, ${interactions.userCount} users). Requests: home for ${requestsFor.home.length} real user ids; search with ${requestsFor.search.length} titles (exact, misspelt, with artist, prefixes); playlists POST with ${requestsFor.playlists.length} prompts (length 20, fsync per playlist).`,
    '',
    '| service | connections | req/s | vs hello | p50 ms | p95 ms | p99 ms | errors | peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(({ target, result }) => {
      const ratio = target.name === 'node:http hello' ? '1' : (result.requestsPerSecond / (ceiling.get(result.connections) ?? Number.NaN)).toPrecision(2);
      return `| ${target.name} | ${result.connections} | ${result.requestsPerSecond.toFixed(0)} | ${ratio} | ${result.p50Ms.toFixed(1)} | ${result.p95Ms.toFixed(1)} | ${result.p99Ms.toFixed(1)} | ${result.errors}${result.errors ? ` (${Object.entries(result.nonSuccessStatuses).map(([code, n]) => `${n}×${code}`).join(', ') || 'socket'})` : ''} | ${mb(peakRss.get(target.name))} |`;
    }),
    ...targets.filter((t) => t.note).map((t) => `\n${t.name}: ${t.note}.`),
    ...skipped.map((line) => `\n${line}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  await rm(work, { recursive: true, force: true });
}
