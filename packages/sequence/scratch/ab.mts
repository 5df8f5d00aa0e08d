// old (main efc57fc) vs new recommender in one process, interleaved: c=8 closed loop, CPU per request + latency
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { Random } from '@mixtape/base';
import { VectorIndex, setFaissThreads } from '@mixtape/embeddings';
import { readSnapshot } from '@mixtape/catalog';
import { createNextTrackRecommender, deserializeSequenceModel, historiesFromInteractions, outputEmbeddings } from '../src/index';
import { createNextTrackRecommender as createOld } from './old-serve';
setFaissThreads(1);
const seconds = Number(process.argv[2] ?? 4), rounds = Number(process.argv[3] ?? 3), connections = Number(process.argv[4] ?? 8);
const model = deserializeSequenceModel(await readFile('/tmp/seq6/model-50k.bin'), 'm');
const { numItems, dim } = model.config;
const index = VectorIndex.build({ dim, factory: 'HNSW32', metric: 'ip', ids: Array.from({ length: numItems }, (_, i) => `t${i}`), vectors: outputEmbeddings(model) });
index.setParams({ efSearch: 64 });
const all = historiesFromInteractions((await readSnapshot('/tmp/mixtape-synth-50k')).interactions);
const random = new Random(12345);
const rowsOk = Array.from({ length: all.offsets.length - 1 }, (_, r) => r).filter((r) => all.offsets[r + 1]! - all.offsets[r]! >= 2);
const histories = Array.from({ length: 4096 }, () => { const r = rowsOk[random.int(rowsOk.length)]!; const end = all.offsets[r]! + 1 + random.int(all.offsets[r + 1]! - all.offsets[r]! - 1); return all.items.slice(Math.max(all.offsets[r]!, end - 50), end); });
const engines = process.argv[5] === "swap" ? { new: createNextTrackRecommender(model, index, { cacheSize: 0 }), old: createOld(model, index, { cacheSize: 0 }) } : { old: createOld(model, index, { cacheSize: 0 }), new: createNextTrackRecommender(model, index, { cacheSize: 0 }) };
const pct = (a: Float64Array, p: number) => a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))]!;
console.log(`| code | round | req/s | p50 ms | p95 ms | p99 ms | CPU ms/request | load |`);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (let round = 0; round < rounds; round++)
  for (const [name, rec] of Object.entries(engines)) {
    await Promise.all(Array.from({ length: 200 }, (_, c) => rec.recommend({ history: histories[c]!, k: 10 })));
    const lat: number[] = [];
    const cpu0 = process.cpuUsage();
    const end = performance.now() + seconds * 1000;
    let next = 0;
    await Promise.all(Array.from({ length: connections }, async () => { while (performance.now() < end) { const t = performance.now(); await rec.recommend({ history: histories[next++ % 4096]!, k: 10 }); lat.push(performance.now() - t); } }));
    const cpu = process.cpuUsage(cpu0);
    const s = Float64Array.from(lat).sort();
    console.log(`| ${name} | ${round} | ${(lat.length / seconds).toFixed(0)} | ${pct(s, 50).toFixed(2)} | ${pct(s, 95).toFixed(2)} | ${pct(s, 99).toFixed(2)} | ${((cpu.user + cpu.system) / 1000 / lat.length).toFixed(3)} | ${loadavg()[0]!.toFixed(2)} |`);
  }
