// scavenges and heap growth per request with the query-vector cache on (the service default): old (d2cd797) vs new
import { PerformanceObserver } from 'node:perf_hooks';
import { createNextTrackRecommender as newRec } from '../src/index';
import { createNextTrackRecommender as oldRec } from './old-src/index';
import { model, loadIndex, loadHistories } from './common.mts';
const index = await loadIndex(64);
const histories = await loadHistories();
let scavenges = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries()) if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === 1) scavenges++; }).observe({ entryTypes: ['gc'] });
const recs = { old: oldRec(model, index, {}), new: newRec(model, index, {}) };
for (const round of [0, 1])
  for (const name of (round ? ['new', 'old'] : ['old', 'new']) as ('old' | 'new')[]) {
    const rec = recs[name];
    for (let i = 0; i < 400; i += 8) await Promise.all(histories.slice(i, i + 8).map((history) => rec.recommend({ history, k: 10 })));
    await new Promise((r) => setTimeout(r, 50));
    const s0 = scavenges;
    const N = 8000;
    for (let i = 0; i < N; i += 8) await Promise.all(Array.from({ length: 8 }, (_, j) => rec.recommend({ history: histories[(i + j) % 4096]!, k: 10 })));
    await new Promise((r) => setTimeout(r, 50));
    console.log(`${name}: ${scavenges - s0} scavenges per ${N} requests (cache hits ${rec.stats().cacheHits})`);
  }
