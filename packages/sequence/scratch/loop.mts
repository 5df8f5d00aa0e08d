// closed loop like bench:next (c connections, in-flight slots), cached index; prints CPU/request, percentiles
import { createNextTrackRecommender } from '../src/index';
import { model, loadIndex, loadHistories } from './common.mts';
import { loadavg } from 'node:os';
const index = await loadIndex(64);
const histories = await loadHistories();
const seconds = Number(process.env.SECONDS_ ?? 10);
const connections = Number(process.env.C ?? 8);
const maxInFlight = Number(process.env.F ?? 2);
const rec = createNextTrackRecommender(model, index, { cacheSize: 0, maxInFlight });
const k = 10;
for (let w = 0; w < 3; w++) await Promise.all(Array.from({ length: connections }, (_, c) => rec.recommend({ history: histories[c + w * 8]!, k })));
const lat: number[] = [];
const c0 = process.cpuUsage();
let next = 0;
const la = loadavg()[0]!;
const end = performance.now() + seconds * 1000;
await Promise.all(Array.from({ length: connections }, async () => {
  while (performance.now() < end) {
    const t = performance.now();
    await rec.recommend({ history: histories[next++ % histories.length]!, k });
    lat.push(performance.now() - t);
  }
}));
const cpu = process.cpuUsage(c0);
const s = Float64Array.from(lat).sort();
const p = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(2);
console.log(`c=${connections} f=${maxInFlight} load ${la.toFixed(1)}→${loadavg()[0]!.toFixed(1)}: ${(lat.length / seconds).toFixed(0)} req/s p50 ${p(0.5)} p95 ${p(0.95)} p99 ${p(0.99)} CPU ${((cpu.user + cpu.system) / 1000 / lat.length).toFixed(3)} ms/req (user ${(cpu.user/1000/lat.length).toFixed(3)} sys ${(cpu.system/1000/lat.length).toFixed(3)})`);
