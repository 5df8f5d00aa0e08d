// Real FAISS (patched faiss-node linked against the system libfaiss + OpenBLAS).
import { describe, expect, it } from 'vitest';
import { VectorIndex, chooseFactory, createSearchBatcher, faissBuildInfo, setFaissThreads } from '../src/index';

/** Deterministic clustered unit vectors (like real embeddings: structure, not uniform noise). */
function clusteredVectors(count: number, dim: number, clusters: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const centers = new Float32Array(clusters * dim).map(() => gaussian());
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    const c = Math.floor(random() * clusters);
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const value = centers[c * dim + j]! + 0.6 * gaussian();
      out[i * dim + j] = value;
      norm += value * value;
    }
    norm = Math.sqrt(norm);
    for (let j = 0; j < dim; j++) out[i * dim + j]! /= norm;
  }
  return out;
}

const ids = (n: number, prefix = 't') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function recallAt(k: number, truth: Int32Array, found: Int32Array, queries: number): number {
  let hits = 0;
  for (let q = 0; q < queries; q++) {
    const expected = new Set(truth.subarray(q * k, (q + 1) * k));
    for (const label of found.subarray(q * k, (q + 1) * k)) if (expected.has(label)) hits++;
  }
  return hits / (queries * k);
}

describe('VectorIndex over real FAISS', () => {
  const dim = 32;
  // Queries come from the same distribution as the data (held-out rows), as in real use.
  const all = clusteredVectors(20_200, dim, 50, 7);
  const data = all.subarray(0, 20_000 * dim);
  const queries = all.subarray(20_000 * dim);

  it('maps string ids to labels and finds a vector as its own nearest neighbour (Flat, inner product)', () => {
    const index = VectorIndex.build({ dim, factory: 'Flat', metric: 'ip', ids: ids(1000), vectors: data.subarray(0, 1000 * dim) });
    expect(index.size).toBe(1000);
    const result = index.search(data.subarray(42 * dim, 43 * dim), 5);
    expect(result.ids[0]).toBe('t42');
    expect(result.scores[0]).toBeCloseTo(1, 5);
    expect([...result.scores]).toEqual([...result.scores].sort((a, b) => b - a));
    expect(index.labelOf('t42')).toBe(42);
    expect(index.idOf(42)).toBe('t42');
    expect(index.vectorOf('t42')).toEqual(data.slice(42 * dim, 43 * dim));
  });

  it('reports L2 results as higher-is-better scores (negative squared distance)', () => {
    const index = VectorIndex.build({ dim, factory: 'Flat', metric: 'l2', ids: ids(500), vectors: data.subarray(0, 500 * dim) });
    const result = index.search(data.subarray(3 * dim, 4 * dim), 4);
    expect(result.ids[0]).toBe('t3');
    expect(result.scores[0]).toBeCloseTo(0, 5);
    expect(result.scores[1]!).toBeLessThan(0);
  });

  it('raising efSearch raises HNSW recall@10 against exact search', () => {
    const exact = VectorIndex.build({ dim, factory: 'Flat', ids: ids(data.length / dim), vectors: data });
    const hnsw = VectorIndex.build({ dim, factory: 'HNSW16', ids: ids(data.length / dim), vectors: data });
    const truth = exact.searchBatch(queries, 10).labels;
    hnsw.setParams({ efSearch: 4 });
    const low = recallAt(10, truth, hnsw.searchBatch(queries, 10).labels, 200);
    hnsw.setParams({ efSearch: 128 });
    const high = recallAt(10, truth, hnsw.searchBatch(queries, 10).labels, 200);
    expect(hnsw.info().params.efSearch).toBe(128);
    expect(high).toBeGreaterThan(low);
    expect(high).toBeGreaterThanOrEqual(0.95);
  });

  it('raising nprobe raises IVF recall, and IVF-PQ trains and answers', () => {
    const exact = VectorIndex.build({ dim, factory: 'Flat', ids: ids(data.length / dim), vectors: data });
    const truth = exact.searchBatch(queries, 10).labels;
    const ivf = VectorIndex.build({ dim, factory: 'IVF64,Flat', ids: ids(data.length / dim), vectors: data });
    ivf.setParams({ nprobe: 1 });
    const low = recallAt(10, truth, ivf.searchBatch(queries, 10).labels, 200);
    ivf.setParams({ nprobe: 32 });
    const high = recallAt(10, truth, ivf.searchBatch(queries, 10).labels, 200);
    expect(high).toBeGreaterThan(low);

    const pq = VectorIndex.build({ dim, factory: 'IVF64,PQ8np', ids: ids(data.length / dim), vectors: data, params: { nprobe: 16 } });
    expect(pq.size).toBe(data.length / dim);
    expect(recallAt(10, truth, pq.searchBatch(queries, 10).labels, 200)).toBeGreaterThan(0.2);
  });

  it('deterministic: the same HNSW graph on every build with several OpenMP threads, which are restored after', () => {
    const count = 20_000;
    const dim = 32;
    const vectors = clusteredVectors(count, dim, 40, 11);
    const ids = Array.from({ length: count }, (_unused, i) => `t${i}`);
    const queries = vectors.slice(0, 300 * dim);
    const before = faissBuildInfo().ompMaxThreads;
    setFaissThreads(2);
    try {
      const answers = () => {
        const batch = VectorIndex.build({ dim, factory: 'HNSW32', metric: 'ip', ids, vectors, params: { efSearch: 64 }, deterministic: true }).searchBatch(queries, 20);
        return [Array.from(batch.labels), Array.from(batch.scores)];
      };
      const first = answers();
      expect(faissBuildInfo().ompMaxThreads).toBe(2);
      // without it the parallel insertion links the graph differently from run to run (seen at 20k and 28k tracks; 6k happened to repeat)
      expect(answers()).toEqual(first);
      expect(answers()).toEqual(first);
    } finally {
      setFaissThreads(before);
    }
  });

  it('round-trips through a Buffer with ids and search params intact', () => {
    const index = VectorIndex.build({ dim, factory: 'HNSW16', ids: ids(2000, 'x'), vectors: data.subarray(0, 2000 * dim), params: { efSearch: 64 } });
    const copy = VectorIndex.fromBuffer(index.toBuffer());
    expect(copy.info()).toEqual(index.info());
    const q = queries.subarray(0, dim);
    expect(copy.search(q, 10).ids).toEqual(index.search(q, 10).ids);
    expect(() => VectorIndex.fromBuffer(Buffer.from('not an index at all'))).toThrow(/bad magic/);
    expect(() => VectorIndex.fromBuffer(index.toBuffer().subarray(0, 40))).toThrow(/truncated|FAISS/);
  });

  it('refuses a header whose dim disagrees with the FAISS index (queries would be read past their end)', () => {
    const bytes = VectorIndex.build({ dim, factory: 'Flat', ids: ids(50), vectors: data.subarray(0, 50 * dim) }).toBuffer();
    const headerLength = bytes.readUInt32LE(8);
    const header = JSON.parse(bytes.toString('utf8', 20, 20 + headerLength)) as { dim: number };
    const forged = Buffer.from(JSON.stringify({ ...header, dim: dim / 2 }), 'utf8');
    const prefix = Buffer.from(bytes.subarray(0, 20));
    prefix.writeUInt32LE(forged.length, 8);
    expect(() => VectorIndex.fromBuffer(Buffer.concat([prefix, forged, bytes.subarray(20 + headerLength)]))).toThrow(`the header says dim ${dim / 2}, the FAISS index has dim ${dim}`);
  });

  it('filters by metadata with over-fetch, and stops at the documented cap', () => {
    const index = VectorIndex.build({ dim, factory: 'Flat', ids: ids(5000), vectors: data.subarray(0, 5000 * dim) });
    const q = queries.subarray(0, dim);
    const even = index.search(q, 10, { filter: (label) => label % 2 === 0 });
    expect(even.ids).toHaveLength(10);
    expect([...even.labels].every((label) => label % 2 === 0)).toBe(true);
    const rare = index.search(q, 10, { filter: (label) => label % 1000 === 0, maxFetch: 100 });
    expect(rare.ids.length).toBeLessThan(10); // only what the first 100 candidates held
    expect([...rare.labels].every((label) => label % 1000 === 0)).toBe(true);
  });

  it('merges concurrent single queries into batched FAISS calls with identical results', async () => {
    const index = VectorIndex.build({ dim, factory: 'Flat', ids: ids(5000), vectors: data.subarray(0, 5000 * dim) });
    const batcher = createSearchBatcher(index, { maxWaitMs: 5 });
    const single = Array.from({ length: 32 }, (_, q) => queries.subarray(q * dim, (q + 1) * dim));
    const results = await Promise.all(single.map((q) => batcher.search(q, 5)));
    expect(batcher.stats().queries).toBe(32);
    expect(batcher.stats().batches).toBeLessThan(32);
    results.forEach((result, q) => expect(result.ids).toEqual(index.search(single[q]!, 5).ids));
  });

  it('rejects bad input with messages that say what was expected', () => {
    expect(() => VectorIndex.create({ dim, factory: 'NoSuchIndex' })).toThrow(/cannot build factory "NoSuchIndex"/);
    const index = VectorIndex.create({ dim });
    expect(() => index.add(['a'], new Float32Array(dim + 1))).toThrow(/multiple of dim 32/);
    expect(() => index.add(['a', 'b'], new Float32Array(dim))).toThrow(/2 ids but 1 vectors/);
    index.add(['a'], data.subarray(0, dim));
    expect(() => index.add(['a'], data.subarray(0, dim))).toThrow(/duplicate id "a"/);
    expect(() => index.search(new Float32Array(3), 1)).toThrow(/expected 32/);
    expect(() => index.search(data.subarray(0, dim), 0)).toThrow(/positive integer/);
    expect(index.search(data.subarray(0, dim), 10).ids).toEqual(['a']); // k beyond size is clamped
    const ivf = VectorIndex.create({ dim, factory: 'IVF16,Flat' });
    expect(() => ivf.add(['a'], data.subarray(0, dim))).toThrow(/must be trained first/);
  });

  it('chooses Flat for small, HNSW for mid-size and IVF-PQ for huge collections', () => {
    expect(chooseFactory(5_000, 64)).toBe('Flat');
    expect(chooseFactory(1_000_000, 64)).toBe('HNSW32');
    expect(chooseFactory(50_000_000, 64)).toMatch(/^IVF\d+,PQ32np$/);
  });

  it('reports the BLAS and thread settings FAISS was built with', () => {
    const info = faissBuildInfo();
    expect(info.faissVersion).toMatch(/^1\.\d+\.\d+$/);
    expect(info.ompMaxThreads).toBeGreaterThan(0);
    expect(typeof info.blas).toBe('string');
  });
});
