// Where the tail of /next at 8 connections comes from: per-request queue wait, forward pass,
// search, pick; GC pauses; event-loop delay. Needs the probe hooks in serve.ts (scratch only).
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { Random } from '@mixtape/base';
import { VectorIndex, setFaissThreads } from '@mixtape/embeddings';
import { readSnapshot } from '@mixtape/catalog';
import { createNextTrackRecommender, deserializeSequenceModel, historiesFromInteractions, outputEmbeddings } from '../src/index';
setFaissThreads(1);
const [modelPath = '/tmp/seq6/model-50k.bin', dataPath = '/tmp/mixtape-synth-50k', secondsArg = '5', connArg = '8', inFlightArg = '2', efArg = '64'] = process.argv.slice(2);
const model = deserializeSequenceModel(await readFile(modelPath), modelPath);
const { numItems, dim } = model.config;
const ids = Array.from({ length: numItems }, (_, i) => `t${i}`);
const index = VectorIndex.build({ dim, factory: 'HNSW32', metric: 'ip', ids, vectors: outputEmbeddings(model) });
index.setParams({ efSearch: Number(efArg) });
const snapshot = await readSnapshot(dataPath);
const all = historiesFromInteractions(snapshot.interactions);
const random = new Random(12345);
const rowsOk = Array.from({ length: all.offsets.length - 1 }, (_, r) => r).filter((r) => all.offsets[r + 1]! - all.offsets[r]! >= 2);
const histories = Array.from({ length: 4096 }, () => {
  const r = rowsOk[random.int(rowsOk.length)]!;
  const end = all.offsets[r]! + 1 + random.int(all.offsets[r + 1]! - all.offsets[r]! - 1);
  return all.items.slice(Math.max(all.offsets[r]!, end - model.config.maxLength), end);
});
const recommender = createNextTrackRecommender(model, index, { cacheSize: 0, maxInFlight: Number(inFlightArg) });
const k = 10;
const connections = Number(connArg);
await Promise.all(Array.from({ length: 200 }, (_, c) => recommender.recommend({ history: histories[c]!, k })));

interface Req { submit: number; start?: number; encoded?: number; searched?: number; done?: number; end?: number; batch?: number; size?: number }
const reqs = new Map<object, Req>();
let batchNo = 0;
const batchOf = new Map<number, object[]>();
const phases: Array<{ ev: string; t: number; b: number }> = [];
let currentBatch = -1;
(globalThis as any).__probe = (ev: string, n: number, batch?: Array<{ request: object }>) => {
  const t = performance.now();
  if (ev === 'batch') {
    const b = batchNo++;
    batchOf.set(b, batch!.map((i) => i.request));
    for (const i of batch!) { const r = reqs.get(i.request)!; r.start = t; r.batch = b; r.size = batch!.length; }
    currentBatch = b;
  }
  phases.push({ ev, t, b: currentBatch });
};
// encoded directly follows batch synchronously, so currentBatch is right for 'encoded'; 'searched' / 'done' are async: map by request end instead
const gcs: Array<{ t: number; d: number; kind: number }> = [];
const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) gcs.push({ t: e.startTime, d: e.duration, kind: (e as any).detail?.kind ?? 0 }); });
obs.observe({ entryTypes: ['gc'] });
const eld = monitorEventLoopDelay({ resolution: 1 });
eld.enable();
import { readFileSync } from 'node:fs';
const threadTicks = () => { const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return Number(f[11]) + Number(f[12]); };
const main0 = threadTicks();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const end = t0 + Number(secondsArg) * 1000;
let next = 0;
const lat: number[] = [];
const list: Req[] = [];
await Promise.all(Array.from({ length: connections }, async () => {
  while (performance.now() < end) {
    const request = { history: histories[next++ % histories.length]!, k };
    const r: Req = { submit: performance.now() };
    reqs.set(request, r);
    await recommender.recommend(request);
    r.end = performance.now();
    lat.push(r.end - r.submit);
    list.push(r);
  }
}));
const cpu = process.cpuUsage(cpu0);
const mainMs = (threadTicks() - main0) * 10;
eld.disable();
obs.disconnect();
// encode time per batch
const enc = new Map<number, number>();
for (let i = 0; i < phases.length; i++) if (phases[i]!.ev === 'batch') { const j = phases.findIndex((p, x) => x > i && p.ev === 'encoded'); enc.set(phases[i]!.b, phases[j]!.t - phases[i]!.t); }
const sorted = Float64Array.from(lat).sort();
const pct = (a: Float64Array, p: number) => a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))]!;
console.log(`load ${loadavg().map((v) => v.toFixed(2)).join(' ')}; c=${connections} inflight ${inFlightArg} ef ${efArg}: ${lat.length} req, ${(lat.length / Number(secondsArg)).toFixed(0)} req/s, p50 ${pct(sorted, 50).toFixed(2)} p95 ${pct(sorted, 95).toFixed(2)} p99 ${pct(sorted, 99).toFixed(2)} max ${sorted[sorted.length - 1]!.toFixed(2)}; cpu ${((cpu.user + cpu.system) / 1000 / lat.length).toFixed(3)} ms/req`);
console.log(`main thread CPU ${(mainMs / lat.length).toFixed(3)} ms/req (${(mainMs / (Number(secondsArg) * 10)).toFixed(0)} % of wall), other threads ${(((cpu.user + cpu.system) / 1000 - mainMs) / lat.length).toFixed(3)} ms/req`);
console.log(`event loop delay p50 ${(eld.percentile(50) / 1e6).toFixed(2)} p99 ${(eld.percentile(99) / 1e6).toFixed(2)} max ${(eld.max / 1e6).toFixed(2)} ms`);
const gcIn = gcs.filter((g) => g.t >= t0);
console.log(`GC: ${gcIn.length} pauses, total ${gcIn.reduce((s, g) => s + g.d, 0).toFixed(1)} ms over ${secondsArg}s, max ${Math.max(0, ...gcIn.map((g) => g.d)).toFixed(2)} ms, kinds ${JSON.stringify(gcIn.reduce((m: Record<number, number>, g) => ((m[g.kind] = (m[g.kind] ?? 0) + 1), m), {}))}`);
const encs = Float64Array.from(enc.values()).sort();
console.log(`encode per batch: p50 ${pct(encs, 50).toFixed(2)} p99 ${pct(encs, 99).toFixed(2)} ms`);
const waits = Float64Array.from(list.map((r) => r.start! - r.submit)).sort();
const serves = Float64Array.from(list.map((r) => r.end! - r.start!)).sort();
console.log(`queue wait p50 ${pct(waits, 50).toFixed(2)} p99 ${pct(waits, 99).toFixed(2)}; start→end p50 ${pct(serves, 50).toFixed(2)} p99 ${pct(serves, 99).toFixed(2)}`);
const sizes = list.reduce((m: Record<number, number>, r) => ((m[r.size!] = (m[r.size!] ?? 0) + 1), m), {});
console.log('batch sizes (requests)', JSON.stringify(sizes));
// tail requests: what overlapped them
const p99 = pct(sorted, 99);
const tail = list.filter((r) => r.end! - r.submit >= p99);
let withGc = 0, gcMs = 0;
for (const r of tail) { const o = gcIn.filter((g) => g.t + g.d > r.submit && g.t < r.end!); if (o.length) withGc++; gcMs += o.reduce((s, g) => s + g.d, 0); }
console.log(`tail (≥ p99, ${tail.length} req): wait mean ${(tail.reduce((s, r) => s + r.start! - r.submit, 0) / tail.length).toFixed(2)}, start→end mean ${(tail.reduce((s, r) => s + r.end! - r.start!, 0) / tail.length).toFixed(2)}, encode of its batch mean ${(tail.reduce((s, r) => s + (enc.get(r.batch!) ?? 0), 0) / tail.length).toFixed(2)}, size mean ${(tail.reduce((s, r) => s + r.size!, 0) / tail.length).toFixed(1)}; overlapping a GC: ${withGc}, GC ms within them mean ${(gcMs / tail.length).toFixed(2)}`);
const all50 = list.filter((r) => r.end! - r.submit < pct(sorted, 50));
let g50 = 0; for (const r of all50) if (gcIn.some((g) => g.t + g.d > r.submit && g.t < r.end!)) g50++;
console.log(`below-median requests overlapping a GC: ${(g50 / all50.length * 100).toFixed(1)} %`);
