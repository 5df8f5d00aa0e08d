// Merges concurrent single-vector searches into one batched FAISS call. Requests that arrive
// within `maxWaitMs` of each other share a call, which goes through BLAS (Flat/IVF) or
// FAISS's OpenMP loop (HNSW) and runs off the event loop (searchAsync).
import type { BatchNeighbors, Neighbors, VectorIndex } from './vector-index';

export interface SearchBatcherOptions {
  /** How long the first query of a batch waits for company. */
  maxWaitMs?: number;
  /** Flush as soon as this many queries are pending. */
  maxBatch?: number;
}

export interface SearchBatcherStats {
  batches: number;
  queries: number;
}

interface Pending {
  query: Float32Array;
  k: number;
  resolve: (value: Neighbors) => void;
  reject: (error: unknown) => void;
}

export interface SearchBatcher {
  search(query: Float32Array, k: number): Promise<Neighbors>;
  stats(): SearchBatcherStats;
}

export function createSearchBatcher(index: VectorIndex, options: SearchBatcherOptions = {}): SearchBatcher {
  const maxWaitMs = options.maxWaitMs ?? 2;
  const maxBatch = options.maxBatch ?? 256;
  let pending: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  const counters: SearchBatcherStats = { batches: 0, queries: 0 };

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    counters.batches += 1;
    counters.queries += batch.length;
    const k = batch.reduce((max, item) => Math.max(max, item.k), 1);
    const queries = new Float32Array(batch.length * index.dim);
    batch.forEach((item, row) => queries.set(item.query, row * index.dim));
    index.searchBatchAsync(queries, k).then(
      (result: BatchNeighbors) => batch.forEach((item, row) => item.resolve(index.rowOf(result, row, item.k))),
      (error: unknown) => batch.forEach((item) => item.reject(error)),
    );
  }

  return {
    search(query, k) {
      if (query.length !== index.dim) {
        return Promise.reject(new RangeError(`SearchBatcher: query has ${query.length} values, expected dim ${index.dim}`));
      }
      return new Promise<Neighbors>((resolve, reject) => {
        pending.push({ query, k, resolve, reject });
        if (pending.length >= maxBatch) flush();
        else timer ??= setTimeout(flush, maxWaitMs);
      });
    },
    stats: () => ({ ...counters }),
  };
}
