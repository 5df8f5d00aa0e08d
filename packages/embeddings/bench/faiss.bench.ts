// pnpm bench:faiss — FAISS through Mixtape's VectorIndex vs the same FAISS through Python.
// 100k normalized 64-d vectors (a Gaussian mixture, like real embeddings), 1,000 held-out queries.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VectorIndex, faissBuildInfo, type SearchParams } from '../src/index';

const COUNT = Number(process.env.BENCH_COUNT ?? 100_000);
const DIM = 64;
const QUERIES = 1000;
const SINGLES = Number(process.env.BENCH_SINGLES ?? 500);
const K = 10;

interface Row {
  index: string;
  params: string;
  buildSeconds: number;
  singleP50: number;
  singleP99: number;
  batchPerQuery: number;
  recall: number;
  python?: { buildSeconds: number; singleP50: number; singleP99: number; batchPerQuery: number; recall: number };
}

function mixture(count: number, dim: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const random = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const gaussian = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const clusters = 200;
  const centers = new Float32Array(clusters * dim).map(() => gaussian());
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    const c = Math.floor(random() * clusters);
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += (out[i * dim + j] = centers[c * dim + j]! + 1.5 * gaussian()) ** 2;
    norm = Math.sqrt(norm);
    for (let j = 0; j < dim; j++) out[i * dim + j]! /= norm;
  }
  return out;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function recallAt(truth: Int32Array, found: Int32Array): number {
  let hits = 0;
  for (let q = 0; q < QUERIES; q++) {
    const expected = new Set(truth.subarray(q * K, (q + 1) * K));
    for (const label of found.subarray(q * K, (q + 1) * K)) if (expected.has(label)) hits++;
  }
  return hits / (QUERIES * K);
}

function measure(index: VectorIndex, queries: Float32Array, truth: Int32Array) {
  const times: number[] = [];
  for (let q = 0; q < SINGLES; q++) {
    const query = queries.subarray(q * DIM, (q + 1) * DIM);
    const start = performance.now();
    index.search(query, K);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const start = performance.now();
  const labels = new Int32Array(QUERIES * K);
  for (let b = 0; b < QUERIES; b += 100) labels.set(index.searchBatch(queries.subarray(b * DIM, (b + 100) * DIM), K).labels, b * K);
  const batchPerQuery = (performance.now() - start) / QUERIES;
  return { singleP50: percentile(times, 50), singleP99: percentile(times, 99), batchPerQuery, recall: recallAt(truth, labels) };
}

const PYTHON = String.raw`
import json, sys, time
import numpy as np, faiss
d, n, nq, k, singles = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), 10, int(sys.argv[5])
xb = np.fromfile(sys.argv[1] + "/base.f32", dtype=np.float32).reshape(n, d)
xq = np.fromfile(sys.argv[1] + "/queries.f32", dtype=np.float32).reshape(nq, d)
truth = np.fromfile(sys.argv[1] + "/truth.i32", dtype=np.int32).reshape(nq, k)
out = []
for factory, params in json.loads(sys.argv[6]):
    t = time.perf_counter(); index = faiss.index_factory(d, factory, faiss.METRIC_INNER_PRODUCT)
    if not index.is_trained: index.train(xb)
    index.add(xb); build = time.perf_counter() - t
    for p in params:
        for name, value in p.items(): faiss.ParameterSpace().set_index_parameter(index, name, value)
        times = []
        for i in range(singles):
            t = time.perf_counter(); index.search(xq[i:i+1], k); times.append((time.perf_counter() - t) * 1000)
        times.sort()
        t = time.perf_counter(); labels = np.vstack([index.search(xq[b:b+100], k)[1] for b in range(0, nq, 100)])
        batch = (time.perf_counter() - t) * 1000 / nq
        recall = np.mean([len(set(labels[i]) & set(truth[i])) / k for i in range(nq)])
        out.append(dict(buildSeconds=build, singleP50=times[len(times)//2], singleP99=times[min(len(times)-1, int(0.99*len(times)))], batchPerQuery=batch, recall=float(recall)))
print(json.dumps(out))
`;

/** Debian's python3-faiss lives in the system interpreter, which a pyenv/venv python3 may shadow. */
function pythonWithFaiss(): string | undefined {
  return ['python3', '/usr/bin/python3'].find((python) => spawnSync(python, ['-c', 'import faiss, numpy'], { stdio: 'ignore' }).status === 0);
}

const plan: Array<[string, SearchParams[]]> = [
  ['Flat', [{}]],
  ['HNSW32', [{ efSearch: 16 }, { efSearch: 64 }, { efSearch: 128 }]],
  ['IVF1024,Flat', [{ nprobe: 8 }, { nprobe: 32 }]],
];

function main(): void {
  const info = faissBuildInfo();
  const threads = process.env.OMP_NUM_THREADS ?? `${info.ompMaxThreads} (OMP default)`;
  console.error(`generating ${COUNT} × ${DIM} vectors …`);
  const all = mixture(COUNT + QUERIES, DIM, 42);
  const base = all.subarray(0, COUNT * DIM);
  const queries = all.slice(COUNT * DIM);
  const ids = Array.from({ length: COUNT }, (_, i) => String(i));

  const exact = VectorIndex.build({ dim: DIM, factory: 'Flat', ids, vectors: base });
  const truth = new Int32Array(QUERIES * K);
  for (let b = 0; b < QUERIES; b += 100) truth.set(exact.searchBatch(queries.subarray(b * DIM, (b + 100) * DIM), K).labels, b * K);

  const rows: Row[] = [];
  for (const [factory, paramSets] of plan) {
    console.error(`building ${factory} …`);
    const start = performance.now();
    const index = factory === 'Flat' ? exact : VectorIndex.build({ dim: DIM, factory, ids, vectors: base });
    const buildSeconds = factory === 'Flat' ? Number.NaN : (performance.now() - start) / 1000;
    for (const params of paramSets) {
      index.setParams(params);
      console.error(`  measuring ${factory} ${JSON.stringify(params)} …`);
      rows.push({ index: factory, params: Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ') || '—', buildSeconds, ...measure(index, queries, truth) });
    }
  }

  let pythonNote = 'python3-faiss not installed: no Python column (apt-get install python3-faiss)';
  const python = pythonWithFaiss();
  if (python) {
    const dir = mkdtempSync(join(tmpdir(), 'mixtape-bench-'));
    try {
      writeFileSync(join(dir, 'base.f32'), base);
      writeFileSync(join(dir, 'queries.f32'), queries);
      writeFileSync(join(dir, 'truth.i32'), truth);
      writeFileSync(join(dir, 'bench.py'), PYTHON);
      console.error('running the same through python3-faiss …');
      const output = execFileSync(python, [join(dir, 'bench.py'), dir, String(DIM), String(COUNT), String(QUERIES), String(SINGLES), JSON.stringify(plan)], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      });
      const results = JSON.parse(output) as NonNullable<Row['python']>[];
      results.forEach((result, i) => (rows[i]!.python = result));
      const version = execFileSync(python, ['-c', 'import faiss; print(faiss.__version__)'], { encoding: 'utf8' }).trim();
      pythonNote = `Python: Debian python3-faiss ${version}, same data, queries and parameters`;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const fmt = (value: number | undefined, digits = 3) => (value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits));
  const ratio = (a: number, b: number | undefined) => (b ? (a / b).toFixed(2) + '×' : '—');
  console.log(`\n### FAISS through Mixtape's VectorIndex (${COUNT.toLocaleString('en')} × ${DIM}-d normalized, inner product, k=${K})\n`);
  console.log(`FAISS ${info.faissVersion}; ${info.blas}; OMP threads ${threads}; ${pythonNote}.`);
  console.log(`Single = one query per call (${SINGLES} calls); batch = 10 calls of 100 queries, time per query. Recall@10 against exact Flat.\n`);
  console.log('| index | params | build s | single p50 ms | single p99 ms | batch ms/query | recall@10 | py single p50 ms | py batch ms/query | py recall@10 | node/py single | node/py batch |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const py = row.python;
    console.log(
      `| ${row.index} | ${row.params} | ${fmt(row.buildSeconds, 1)} | ${fmt(row.singleP50)} | ${fmt(row.singleP99)} | ${fmt(row.batchPerQuery)} | ${row.recall.toFixed(3)} | ${fmt(py?.singleP50)} | ${fmt(py?.batchPerQuery)} | ${py ? py.recall.toFixed(3) : '—'} | ${ratio(row.singleP50, py?.singleP50)} | ${ratio(row.batchPerQuery, py?.batchPerQuery)} |`,
    );
  }
}

main();
