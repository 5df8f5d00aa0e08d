// pnpm bench:serving — what a service pays to start and to answer vector queries:
// 1. loading a 1M × 64 HNSW bundle from s3rver vs from local disk (download + verify + deserialize);
// 2. queries per second under 32 concurrent clients, unbatched vs the micro-batcher.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadBundle, openBundleStore, publishBundle, type BundleStore } from '../src/index';
import { startLocalS3 } from '../src/testing/index';
import { VectorIndex, createSearchBatcher, setFaissThreads } from '@mixtape/embeddings';

const COUNT = Number(process.env.BENCH_COUNT ?? 1_000_000);
const DIM = 64;
const CONCURRENCY = 32;
const QPS_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const root = resolve(process.env.BENCH_DIR ?? '.data/bench');

function mixture(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const random = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const gaussian = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const centers = new Float32Array(500 * DIM).map(() => gaussian());
  const out = new Float32Array(count * DIM);
  for (let i = 0; i < count; i++) {
    const c = Math.floor(random() * 500);
    let norm = 0;
    for (let j = 0; j < DIM; j++) norm += (out[i * DIM + j] = centers[c * DIM + j]! + 1.2 * gaussian()) ** 2;
    norm = Math.sqrt(norm);
    for (let j = 0; j < DIM; j++) out[i * DIM + j]! /= norm;
  }
  return out;
}

/** The index file is built once and kept: HNSW over 1M vectors takes minutes on 2 cores. */
async function ensureIndexFile(): Promise<string> {
  const path = join(root, `hnsw32-${COUNT}x${DIM}.mxvi`);
  if (existsSync(path)) return path;
  await mkdir(root, { recursive: true });
  console.error(`building HNSW32 over ${COUNT.toLocaleString('en')} × ${DIM} (once; cached at ${path}) …`);
  const started = performance.now();
  const index = VectorIndex.create({ dim: DIM, factory: 'HNSW32', metric: 'ip' });
  const chunk = 100_000;
  const vectors = mixture(COUNT, 11);
  for (let start = 0; start < COUNT; start += chunk) {
    const end = Math.min(COUNT, start + chunk);
    index.add(Array.from({ length: end - start }, (_, i) => `t${start + i}`), vectors.subarray(start * DIM, end * DIM));
    const seconds = (performance.now() - started) / 1000;
    console.error(`  ${end.toLocaleString('en')} / ${COUNT.toLocaleString('en')} vectors, ${Math.round(end / seconds)}/s, ETA ${Math.round(((COUNT - end) * seconds) / end)} s`);
  }
  index.setParams({ efSearch: 64 });
  await writeFile(path, index.toBuffer());
  return path;
}

async function timeLoad(store: BundleStore, cacheDir: string) {
  const started = performance.now();
  const loaded = await loadBundle(store, { cacheDir });
  const downloaded = performance.now();
  const index = VectorIndex.fromBuffer(await readFile(loaded.file('indexes/items.faiss').localPath));
  const done = performance.now();
  return { download: (downloaded - started) / 1000, deserialize: (done - downloaded) / 1000, total: (done - started) / 1000, size: index.size, cached: loaded.stats.filesFromCache > 0 };
}

async function qps(run: (query: Float32Array) => Promise<unknown>, queries: Float32Array): Promise<number> {
  let done = 0;
  const deadline = performance.now() + QPS_SECONDS * 1000;
  const nq = queries.length / DIM;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, client) => {
      let i = client;
      while (performance.now() < deadline) {
        await run(queries.subarray((i % nq) * DIM, ((i % nq) + 1) * DIM));
        i += CONCURRENCY;
        done++;
      }
    }),
  );
  return done / QPS_SECONDS;
}

async function main(): Promise<void> {
  setFaissThreads(Number(process.env.OMP_NUM_THREADS ?? 1));
  const indexPath = await ensureIndexFile();
  const work = await mkdtemp(join(tmpdir(), 'mixtape-serving-bench-'));
  const s3 = await startLocalS3({ directory: join(work, 's3') });
  try {
    const files = [{ path: 'indexes/items.faiss', localPath: indexPath, index: { dim: DIM, metric: 'ip', factory: 'HNSW32', count: COUNT } }];
    const s3Store = openBundleStore('s3://mixtape/bench', { s3: s3.s3Options });
    const fileStore = openBundleStore(join(work, 'bundles'));
    console.error('publishing to s3rver and to a local directory …');
    await publishBundle(s3Store, files, { producer: 'serving.bench', version: 'v1' });
    await publishBundle(fileStore, files, { producer: 'serving.bench', version: 'v1' });

    console.error('loading …');
    const fromS3 = await timeLoad(s3Store, join(work, 'cache-s3'));
    const fromS3Cached = await timeLoad(s3Store, join(work, 'cache-s3'));
    const fromDisk = await timeLoad(fileStore, join(work, 'cache-disk'));
    const bytes = (await readFile(indexPath)).byteLength;

    console.error(`queries: ${CONCURRENCY} concurrent clients, ${QPS_SECONDS} s each mode …`);
    const index = VectorIndex.fromBuffer(await readFile(indexPath));
    const flat = VectorIndex.build({ dim: DIM, factory: 'Flat', ids: Array.from({ length: 100_000 }, (_, i) => `f${i}`), vectors: mixture(100_000, 5) });
    const queries = mixture(2000, 99);
    const rows: string[] = [];
    for (const [name, target] of [['HNSW32 1M (efSearch 64)', index], ['Flat 100k', flat]] as const) {
      const sync = await qps(async (q) => target.search(q, 10), queries);
      const asyncSingle = await qps((q) => target.searchBatchAsync(q, 10), queries);
      const batcher = createSearchBatcher(target, { maxWaitMs: 2 });
      const batched = await qps((q) => batcher.search(q, 10), queries);
      const stats = batcher.stats();
      rows.push(`| ${name} | ${Math.round(sync)} | ${Math.round(asyncSingle)} | ${Math.round(batched)} | ${(batched / sync).toFixed(2)}× | ${(stats.queries / stats.batches).toFixed(1)} |`);
    }

    const mb = (bytes / (1 << 20)).toFixed(0);
    console.log(`\n### Bundle load: ${COUNT.toLocaleString('en')} × ${DIM} HNSW32 index (${mb} MiB)\n`);
    console.log('| source | download + verify s | deserialize s | total s | vs local disk |');
    console.log('|---|---:|---:|---:|---:|');
    for (const [name, result] of [['s3rver (cold cache)', fromS3], ['s3rver (checksum cache hit)', fromS3Cached], ['local disk (file://, cold cache)', fromDisk]] as const) {
      console.log(`| ${name} | ${result.download.toFixed(2)} | ${result.deserialize.toFixed(2)} | ${result.total.toFixed(2)} | ${(result.total / fromDisk.total).toFixed(2)}× |`);
    }
    console.log(`\n### Vector queries/s under ${CONCURRENCY} concurrent clients (k=10, OMP threads ${process.env.OMP_NUM_THREADS ?? 1}, ${QPS_SECONDS} s each)\n`);
    console.log('| index | sync single | async single | micro-batched (2 ms) | batched / sync | mean batch size |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const row of rows) console.log(row);
  } finally {
    await s3.stop();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
