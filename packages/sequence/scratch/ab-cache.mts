// A/B in one process: old (scratch/old-src = d2cd797) vs new recommender, c connections closed loop, interleaved rounds
import { loadavg } from 'node:os';
import { createNextTrackRecommender as newRec } from '../src/index';
import { createNextTrackRecommender as oldRec } from './old-src/index';
import { model, loadIndex, loadHistories } from './common.mts';
const index = await loadIndex(64);
const histories = await loadHistories();
const seconds = Number(process.env.SECONDS_ ?? 4);
const connections = Number(process.env.C ?? 8);
const rounds = Number(process.env.ROUNDS ?? 3);
const recs: Record<string, ReturnType<typeof newRec>> = { old: oldRec(model, index, {}) as unknown as ReturnType<typeof newRec>, faiss: newRec(model, index, {}), local: newRec(model, index, { cacheSize: 0 }) };
const names = (process.env.NAMES ?? 'old,faiss,local').split(',');
const k = 10;
async function run(name: string) {
  const rec = recs[name]!;
  for (let w = 0; w < 3; w++) await Promise.all(Array.from({ length: connections }, (_, c) => rec.recommend({ history: histories[c + w * 8]!, k })));
  const lat: number[] = [];
  const c0 = process.cpuUsage();
  let next = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      await rec.recommend({ history: histories[next++ % Number(process.env.POOL ?? 512)]!, k });
      lat.push(performance.now() - t);
    }
  }));
  const cpu = process.cpuUsage(c0);
  const s = Float64Array.from(lat).sort();
  const p = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { cpu: (cpu.user + cpu.system) / 1000 / lat.length, rps: lat.length / seconds, p50: p(0.5), p99: p(0.99) };
}
const sums: Record<string, { cpu: number; rps: number; p50: number; p99: number }> = Object.fromEntries(names.map((n) => [n, { cpu: 0, rps: 0, p50: 0, p99: 0 }]));
console.log(`c=${connections}, ${seconds} s × ${rounds} rounds each, load ${loadavg()[0]!.toFixed(1)}`);
for (let round = 0; round < rounds; round++)
  for (const name of round % 2 ? [...names].reverse() : names) {
    const r = await run(name);
    for (const key of ['cpu', 'rps', 'p50', 'p99'] as const) sums[name]![key] += r[key] / rounds;
    console.log(`round ${round} ${name}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} p99 ${r.p99.toFixed(2)} ms, CPU ${r.cpu.toFixed(3)} ms/request (load ${loadavg()[0]!.toFixed(1)})`);
  }
for (const name of names) console.log(`mean ${name}: ${sums[name]!.rps.toFixed(0)} req/s, p50 ${sums[name]!.p50.toFixed(2)}, p99 ${sums[name]!.p99.toFixed(2)} ms, CPU ${sums[name]!.cpu.toFixed(3)} ms/request`);
for (const name of names) console.log(`CPU ${name}/${names[0]} ${(sums[name]!.cpu / sums[names[0]!]!.cpu).toFixed(2)}`);
