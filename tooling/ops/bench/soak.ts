// `pnpm --filter @mixtape/ops soak`: memory under a sustained mixed load (issue 13.4). Starts home,
// search and playlists as real processes on one bundle, warms them up, then drives all three at
// once for --duration seconds with what users do — home pages and events, searches and
// suggestions, playlist creates (some retried with the same Idempotency-Key), refinements (past
// the version cap), feedback (mostly repeats), reads of old versions and export pages — while
// sampling every process's RSS from /proc. Passes when each service's RSS at the end is within
// --tolerance (20 %) of its value right after the warm-up. Prints a markdown table; exit 1 on failure.
//   pnpm --filter @mixtape/ops soak [--duration 300] [--warmup 60] [--tracks 10000] [--concurrency 4] [--root /other/checkout]
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseBenchArgs } from '@mixtape/base';
import { readSnapshot } from '@mixtape/catalog';
import { authHeaders, benchServiceEnv, ensureDatasetAndBundle, findWorkspaceRoot, LOAD_PROMPTS, startServiceProcess } from '../src/index';
import type { ServiceName, ServiceProcess } from '../src/index';

const values = parseBenchArgs({
  duration: 300,
  warmup: 60,
  sample: 5,
  tracks: 10000,
  concurrency: 4,
  tolerance: 0.2,
  data: undefined,
  bundle: undefined,
  /** run the services from another checkout (e.g. to measure an older main) */
  root: undefined,
});
const { duration: durationSeconds, warmup: warmupSeconds, sample: sampleSeconds, concurrency, tolerance, tracks: trackCount } = values;
for (const [name, value] of Object.entries({ duration: durationSeconds, warmup: warmupSeconds, sample: sampleSeconds, concurrency, tolerance, tracks: trackCount })) {
  if (!(value > 0)) throw new Error(`--${name} must be a positive number (got ${value})`);
}
const root = findWorkspaceRoot();
const serviceRoot = values.root ? resolve(values.root) : root;
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const loadAtStart = loadavg().map((value) => value.toFixed(1)).join(' / ');

// ---- 1. a dataset and bundle (small by default: this measures growth, not size) ------------------
const dataDir = resolve(root, values.data ?? `.data/soak-${trackCount}`);
const bundleUri = values.bundle ?? pathToFileURL(join(dataDir, 'bundles')).href;
ensureDatasetAndBundle({ root, dataDir, bundleUri, log, generateArgs: ['--tracks', String(trackCount), '--users', String(Math.max(500, Math.round(trackCount / 5)))] });

const snapshot = await readSnapshot(dataDir);
const { store, interactions } = snapshot;
const popular = [...store.mostPopular(300)].map((index) => store.getTrack(index)!).filter(Boolean);
const userIds = Array.from({ length: Math.min(400, interactions.userCount) }, (_, i) => interactions.userId(Math.floor((i * interactions.userCount) / Math.min(400, interactions.userCount))));
const REFINEMENTS = ['less upbeat', 'more 80s', 'no rap', 'more acoustic', 'faster', 'calmer', 'more energy', 'older songs'];
const SIGNALS = ['like', 'dislike', 'skip', 'save', 'remove'] as const;
log(`dataset ${dataDir}: ${store.trackCount} tracks, ${interactions.userCount} users; bundle ${bundleUri}; services from ${serviceRoot}`);

// ---- 2. the services ---------------------------------------------------------------------------
const work = await mkdtemp(join(tmpdir(), 'mixtape-soak-'));
const names: ServiceName[] = ['home', 'search', 'playlists'];
const services = new Map<ServiceName, ServiceProcess>();
const cleanups: Array<() => Promise<unknown>> = [];
process.once('SIGINT', () => void Promise.all(cleanups.map((cleanup) => cleanup())).finally(() => process.exit(130)));

let random = 42;
/** Deterministic choices (mulberry32), so two runs send the same mix. */
function next(): number {
  random = (random + 0x6d2b79f5) | 0;
  let t = Math.imul(random ^ (random >>> 15), 1 | random);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;

interface Tally {
  ok: number;
  clientErrors: number;
  serverErrors: number;
  byStatus: Map<number, number>;
}
const tallies = new Map<ServiceName, Tally>(names.map((name) => [name, { ok: 0, clientErrors: 0, serverErrors: 0, byStatus: new Map() }]));

async function call(service: ServiceName, method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json?: unknown }> {
  const url = services.get(service)!.url + path;
  const tally = tallies.get(service)!;
  try {
    const response = await fetch(url, {
      method,
      headers: { ...authHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    tally.byStatus.set(response.status, (tally.byStatus.get(response.status) ?? 0) + 1);
    if (response.status >= 500) tally.serverErrors++;
    else if (response.status >= 400) tally.clientErrors++;
    else tally.ok++;
    const json = response.headers.get('content-type')?.includes('application/json') ? (JSON.parse(text) as unknown) : undefined;
    return { status: response.status, json };
  } catch {
    tally.serverErrors++;
    tally.byStatus.set(0, (tally.byStatus.get(0) ?? 0) + 1);
    return { status: 0 };
  }
}

// What a listener does on each service; one step per call.
const playlists: Array<{ id: string; tracks: string[]; versions: number }> = [];
let createCount = 0;
const steps: Record<ServiceName, () => Promise<unknown>> = {
  home: async () => {
    const roll = next();
    const userId = roll < 0.1 ? `soak-new-${Math.floor(next() * 100_000)}` : pick(userIds);
    if (roll < 0.7) return call('home', 'GET', `/v1/users/${encodeURIComponent(userId)}/home?limit=10`);
    const events = Array.from({ length: 1 + Math.floor(next() * 5) }, () => ({ userId, trackId: pick(popular).id, type: pick(['play', 'complete', 'skip', 'save'] as const), timestamp: Date.now() - Math.floor(next() * 60_000) }));
    return call('home', 'POST', '/v1/events', { events });
  },
  search: async () => {
    const track = pick(popular);
    const title = track.title.toLowerCase();
    if (next() < 0.3) return call('search', 'GET', `/v1/suggest?q=${encodeURIComponent(title.slice(0, Math.max(2, Math.ceil(title.length / 3))))}`);
    return call('search', 'GET', `/v1/search?q=${encodeURIComponent(next() < 0.5 ? title : `${title} ${Math.floor(next() * 1000)}`)}&limit=10`);
  },
  playlists: async () => {
    const roll = next();
    if (roll < 0.25 || playlists.length < 5) {
      // Every third create is retried with the same key (a client that did not see the answer).
      const key = `soak-${createCount++}`;
      const body = { prompt: pick(LOAD_PROMPTS), length: 15, userId: pick(userIds) };
      const created = await call('playlists', 'POST', '/v1/playlists', body, { 'idempotency-key': key });
      if (created.status === 201) {
        const playlist = created.json as { id: string; tracks: Array<{ trackId: string }> };
        playlists.push({ id: playlist.id, tracks: playlist.tracks.map((track) => track.trackId), versions: 1 });
        if (playlists.length > 2000) playlists.shift();
        if (createCount % 3 === 0) await call('playlists', 'POST', '/v1/playlists', body, { 'idempotency-key': key });
      }
      return created;
    }
    const playlist = pick(playlists);
    if (roll < 0.45) {
      // Refinements keep going past the version cap (409 is the expected answer there).
      const refined = await call('playlists', 'POST', `/v1/playlists/${playlist.id}/refine`, { prompt: pick(REFINEMENTS) });
      if (refined.status === 201) playlist.versions++;
      return refined;
    }
    if (roll < 0.75) {
      // Mostly the same few signals again: duplicates must not grow anything.
      return call('playlists', 'POST', `/v1/playlists/${playlist.id}/feedback`, { trackId: playlist.tracks[Math.floor(next() * Math.min(3, playlist.tracks.length))], signal: pick(SIGNALS.slice(0, 2)) });
    }
    if (roll < 0.97) return call('playlists', 'GET', `/v1/playlists/${playlist.id}?version=${1 + Math.floor(next() * playlist.versions)}`);
    return call('playlists', 'GET', `/v1/preferences/export?limit=50&kinds=plan,track${next() < 0.5 ? `&userId=${encodeURIComponent(pick(userIds))}` : ''}`);
  },
};

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

async function storeRecords(): Promise<Record<string, number>> {
  const text = await (await fetch(`${services.get('playlists')!.url}/metrics`)).text();
  return Object.fromEntries([...text.matchAll(/^playlists_store_records\{[^}]*kind="(\w+)"[^}]*\} (\S+)$/gm)].map((match) => [match[1]!, Number(match[2])]));
}

try {
  for (const name of names) {
    const started = performance.now();
    const service = await startServiceProcess(
      name,
      // a small version cap makes refinements reach it
      { ...benchServiceEnv(name, bundleUri, work), PLAYLISTS_MAX_VERSIONS: '8' },
      { root: serviceRoot },
    );
    services.set(name, service);
    cleanups.push(() => service.stop());
    await service.waitUntilReady(600_000);
    log(`${name} ready in ${((performance.now() - started) / 1000).toFixed(1)} s (pid ${service.pid})`);
  }

  // ---- 3. load: warm-up, then the measured run, all services at once --------------------------
  const totalSeconds = warmupSeconds + durationSeconds;
  const startedAt = performance.now();
  const elapsed = () => (performance.now() - startedAt) / 1000;
  const samples = new Map<ServiceName, Array<{ t: number; rss: number }>>(names.map((name) => [name, []]));
  let baseline: Map<ServiceName, number> | undefined;
  let baselineRecords: Record<string, number> | undefined;
  let stop = false;
  const workers = names.flatMap((name) =>
    Array.from({ length: concurrency }, async () => {
      while (!stop) await steps[name]();
    }),
  );
  while (elapsed() < totalSeconds) {
    await new Promise((done) => setTimeout(done, sampleSeconds * 1000));
    const t = Math.round(elapsed());
    for (const name of names) samples.get(name)!.push({ t, rss: await rssBytes(services.get(name)!.pid) });
    if (!baseline && elapsed() >= warmupSeconds) {
      baseline = new Map(names.map((name) => [name, samples.get(name)!.at(-1)!.rss]));
      baselineRecords = await storeRecords();
      log(`warm-up done at ${t} s: ${names.map((name) => `${name} ${mb(baseline!.get(name)!)}`).join(', ')}`);
    } else if (t % 30 < sampleSeconds) {
      const requests = names.map((name) => `${name} ${tallies.get(name)!.ok + tallies.get(name)!.clientErrors + tallies.get(name)!.serverErrors}`).join(', ');
      log(`${t}/${totalSeconds} s: RSS ${names.map((name) => `${name} ${mb(samples.get(name)!.at(-1)!.rss)}`).join(', ')}; requests ${requests}; ETA ${Math.max(0, Math.round(totalSeconds - t))} s`);
    }
  }
  stop = true;
  await Promise.all(workers);
  const finalRecords = await storeRecords();

  // ---- 4. the verdict ---------------------------------------------------------------------------
  const minuteMarks = Array.from({ length: Math.floor(durationSeconds / 60) }, (_, i) => warmupSeconds + 60 * (i + 1));
  const at = (name: ServiceName, t: number) => samples.get(name)!.reduce((best, sample) => (Math.abs(sample.t - t) < Math.abs(best.t - t) ? sample : best)).rss;
  let failed = false;
  const rows = names.map((name) => {
    const start = baseline!.get(name)!;
    const measured = samples.get(name)!.filter((sample) => sample.t >= warmupSeconds);
    const end = measured.at(-1)!.rss;
    const peak = Math.max(...measured.map((sample) => sample.rss));
    const change = end / start - 1;
    const pass = Math.abs(change) <= tolerance;
    failed ||= !pass;
    const tally = tallies.get(name)!;
    const statuses = [...tally.byStatus.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${count}×${status || 'socket'}`).join(' ');
    return `| ${name} | ${mb(start)} | ${minuteMarks.map((t) => mb(at(name, t))).join(' | ')} | ${mb(end)} | ${(change * 100).toFixed(1)} % | ${mb(peak)} | ${statuses} | ${pass ? 'pass' : '**FAIL**'} |`;
  });
  const lines = [
    `Soak: ${warmupSeconds} s warm-up + ${durationSeconds} s measured, ${concurrency} concurrent clients per service, all three at once, RSS (VmRSS) sampled every ${sampleSeconds} s; node ${process.version}, ${cpus().length} cores, load average at start ${loadAtStart}, at end ${loadavg().map((value) => value.toFixed(1)).join(' / ')}.`,
    `Dataset ${dataDir} (${store.trackCount} tracks, ${interactions.userCount} users); services from ${serviceRoot}; PLAYLISTS_MAX_VERSIONS=8. Pass: RSS at the end within ±${(tolerance * 100).toFixed(0)} % of RSS after the warm-up.`,
    '',
    `| service | after warm-up | ${minuteMarks.map((t) => `+${(t - warmupSeconds) / 60} min`).join(' | ')} | end | change | peak | answers (count×status) | verdict |`,
    `|---|---:|${minuteMarks.map(() => '---:').join('|')}|---:|---:|---:|---|---|`,
    ...rows,
    '',
    `Playlist store after warm-up → end: ${Object.keys(finalRecords).map((kind) => `${kind} ${baselineRecords?.[kind] ?? '?'} → ${finalRecords[kind]}`).join(', ')}.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exitCode = failed ? 1 : 0;
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  await rm(work, { recursive: true, force: true });
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
}
