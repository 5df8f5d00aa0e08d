// prototype: tune a transition prior on the trainer's validation rows for a saved model
import { readFileSync } from 'node:fs';
import { Random } from '@mixtape/base';
import { loadEvalDataset, splitForTask } from '../src/index';
import { deserializeSequenceModel, createSequenceScorer } from '@mixtape/sequence';
const dataset = await loadEvalDataset(process.env.DATA ?? '/tmp/mixtape-synth-10k');
const split = splitForTask(dataset, 'next-items', { nextItems: 'leave-one-out', validation: false });
const s = split.sequences!;
const items = s.indices, offsets = s.indptr, N = dataset.numItems;
const model = deserializeSequenceModel(readFileSync(process.argv[2]!));
const mix = (a: number, b: number): number => (Math.imul(a ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
const seed = 42;
const eligible: number[] = [];
for (let r = 0; r + 1 < offsets.length; r++) {
  const start = offsets[r]!, end = offsets[r + 1]!;
  if (end - start < 3) continue;
  const last = items[end - 1]!;
  let repeat = false;
  for (let p = start; p < end - 1 && !repeat; p++) repeat = items[p] === last;
  if (!repeat) eligible.push(r);
}
const rnd = new Random(mix(seed, 0x7a11d), 'mulberry32');
for (let i = eligible.length - 1; i > 0; i--) { const j = Math.floor(rnd.next() * (i + 1)); [eligible[i], eligible[j]] = [eligible[j]!, eligible[i]!]; }
const rows = Int32Array.from(eligible.slice(0, 1000)).sort();
const ends = offsets.slice(1);
for (const r of rows) ends[r]!--;
// transition counts & popularity from training part
const pop = new Float64Array(N);
const succ = new Map<number, Map<number, number>>();
const outDeg = new Float64Array(N);
for (let r = 0; r + 1 < offsets.length; r++) for (let p = offsets[r]!; p < ends[r]!; p++) {
  pop[items[p]!]!++;
  if (p + 1 < ends[r]!) { const a = items[p]!, b = items[p + 1]!; let m = succ.get(a); if (!m) succ.set(a, (m = new Map())); m.set(b, (m.get(b) ?? 0) + 1); outDeg[a]!++; }
}
const scorer = createSequenceScorer(model);
const hist = { items: new Int32Array(0), offsets: new Int32Array(rows.length + 1) };
const hi: number[] = [];
rows.forEach((r, q) => { for (let p = offsets[r]!; p < ends[r]!; p++) hi.push(items[p]!); hist.offsets[q + 1] = hi.length; });
hist.items = Int32Array.from(hi);
const { vectors } = scorer.encode(hist, Int32Array.from(rows, (_, q) => q));
const logits = new Float32Array(rows.length * N);
scorer.scoreAll(vectors, rows.length, logits);
const targets = Int32Array.from(rows, (r) => items[ends[r]!]!);
type Variant = { name: string; boost: (last: number, j: number, c: number) => number; all?: (j: number) => number };
const variants: Variant[] = [{ name: 'none', boost: () => 0 }];
for (const gamma of [0, 0.5, 1]) {
  let mean = 0; for (let j = 0; j < N; j++) mean += Math.pow(pop[j]! + 1, gamma); mean /= N;
  const q = Float64Array.from(pop, (n) => Math.pow(n + 1, gamma) / mean);
  for (const alpha of [0.5, 1, 2, 3, 5]) for (const mu of [0.1, 0.5, 2, 8]) {
    variants.push({ name: `lift a=${alpha} mu=${mu} g=${gamma}`, boost: (_l, j, c) => alpha * Math.log1p(c / (mu * q[j]!)) });
    variants.push({ name: `cond a=${alpha} mu=${mu / 50} g=${gamma}`, boost: (l, j, c) => alpha * Math.log1p(c / ((mu / 50) * (outDeg[l]! + 1) * q[j]!)) });
  }
}
const results: Array<[string, number]> = [];
// mixture: log(lam * Pt(j|i) + (1-lam) * softmax(logits)_j), Pt = (c + m*q)/(ci + m)
{
  let mean = 0; for (let j = 0; j < N; j++) mean += pop[j]! + 1; const tot = mean; 
  const qpop = Float64Array.from(pop, (n) => (n + 1) / tot);
  for (const lam of [0.3, 0.5, 0.7, 0.85]) for (const m of [0.5, 2, 8]) for (const temp of [1]) {
    let ndcg = 0; const score = new Float64Array(N); const ex = new Uint8Array(N);
    for (let q = 0; q < rows.length; q++) {
      const base = q * N; let max = -Infinity;
      for (let j = 0; j < N; j++) max = Math.max(max, logits[base + j]! * temp);
      let z = 0; for (let j = 0; j < N; j++) z += Math.exp(logits[base + j]! * temp - max);
      const last = hist.items[hist.offsets[q + 1]! - 1]!;
      const ci = outDeg[last]!;
      for (let j = 0; j < N; j++) score[j] = (1 - lam) * Math.exp(logits[base + j]! * temp - max) / z + lam * (m * qpop[j]!) / (ci + m);
      const mm = succ.get(last); if (mm) for (const [j, c] of mm) score[j]! += lam * c / (ci + m);
      for (let p = hist.offsets[q]!; p < hist.offsets[q + 1]!; p++) ex[hist.items[p]!] = 1;
      const ts = score[targets[q]!]!; let rank = 0;
      for (let i = 0; i < N && rank < 10; i++) if (ex[i] === 0 && score[i]! > ts) rank++;
      if (rank < 10) ndcg += 1 / Math.log2(rank + 2);
      for (let p = hist.offsets[q]!; p < hist.offsets[q + 1]!; p++) ex[hist.items[p]!] = 0;
    }
    results.push([`MIX lam=${lam} m=${m} T=${temp}`, ndcg / rows.length]);
  }
}
const excluded = new Uint8Array(N);
const t0 = performance.now();
const seg = new Uint8Array(rows.length);
for (let q = 0; q < rows.length; q++) { const last = hist.items[hist.offsets[q + 1]! - 1]!; seg[q] = succ.get(last)?.has(targets[q]!) ? 1 : 0; }
console.log('rows with target among successors', seg.reduce((a, b) => a + b, 0), 'of', rows.length);
const segSums = new Map<string, [number, number]>();
for (const v of variants) {
  let ndcg = 0;
  const score = new Float32Array(N);
  for (let q = 0; q < rows.length; q++) {
    const base = q * N;
    score.set(logits.subarray(base, base + N));
    const last = hist.items[hist.offsets[q + 1]! - 1]!;
    const m = succ.get(last);
    if (m) for (const [j, c] of m) score[j]! += v.boost(last, j, c);
    for (let p = hist.offsets[q]!; p < hist.offsets[q + 1]!; p++) excluded[hist.items[p]!] = 1;
    const ts = score[targets[q]!]!;
    let rank = 0;
    for (let i = 0; i < N && rank < 10; i++) if (excluded[i] === 0 && score[i]! > ts) rank++;
    if (rank < 10) { ndcg += 1 / Math.log2(rank + 2); const e = segSums.get(v.name) ?? [0, 0]; e[seg[q]!]! += 1 / Math.log2(rank + 2); segSums.set(v.name, e); }
    for (let p = hist.offsets[q]!; p < hist.offsets[q + 1]!; p++) excluded[hist.items[p]!] = 0;
  }
  results.push([v.name, ndcg / rows.length]);
}
// transition baseline on same validation
{
  let ndcg = 0; const score = new Float32Array(N); let max = 0; for (const n of pop) max = Math.max(max, n);
  for (let q = 0; q < rows.length; q++) {
    for (let j = 0; j < N; j++) score[j] = 0.5 * pop[j]! / (max + 1);
    const last = hist.items[hist.offsets[q + 1]! - 1]!;
    const m = succ.get(last); if (m) for (const [j, c] of m) score[j]! += c;
    for (let p = hist.offsets[q]!; p < hist.offsets[q + 1]!; p++) excluded[hist.items[p]!] = 1;
    const ts = score[targets[q]!]!; let rank = 0;
    for (let i = 0; i < N && rank < 10; i++) if (excluded[i] === 0 && score[i]! > ts) rank++;
    if (rank < 10) { ndcg += 1 / Math.log2(rank + 2); const e = segSums.get('T') ?? [0, 0]; e[seg[q]!]! += 1 / Math.log2(rank + 2); segSums.set('T', e); }
    for (let p = hist.offsets[q]!; p < hist.offsets[q + 1]!; p++) excluded[hist.items[p]!] = 0;
  }
  results.push(['TRANSITION baseline', ndcg / rows.length]);
  for (const k of ['none', 'T', 'cond a=5 mu=0.04 g=0.5', 'cond a=1 mu=0.002 g=0.5', 'lift a=1 mu=0.5 g=0']) console.log('SEG', k, 'non-succ sum', segSums.get(k)?.[0]?.toFixed(1), 'succ sum', segSums.get(k)?.[1]?.toFixed(1));
}
results.sort((a, b) => b[1] - a[1]);
for (const [n, v] of results.slice(0, 25)) console.log(v.toFixed(4), n);
console.log('none', results.find((r) => r[0] === 'none')![1].toFixed(4), 'transition', results.find((r) => r[0] === 'TRANSITION baseline')![1].toFixed(4), 'ms', (performance.now() - t0).toFixed(0));
