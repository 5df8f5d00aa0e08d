// Merges concurrent single-vector searches into one batched FAISS call. Requests that arrive
// within `maxWaitMs` of each other share a call, which goes through BLAS (Flat/IVF) or
// FAISS's OpenMP loop (HNSW) and runs off the event loop (searchAsync).
import { createMicroBatcher } from '@mixtape/base';
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

export interface SearchBatcher {
  search(query: Float32Array, k: number): Promise<Neighbors>;
  stats(): SearchBatcherStats;
}

export function createSearchBatcher(index: VectorIndex, options: SearchBatcherOptions = {}): SearchBatcher {
  const batcher = createMicroBatcher<{ query: Float32Array; k: number }, Neighbors>(
    async (batch) => {
      const k = batch.reduce((max, item) => Math.max(max, item.request.k), 1);
      const queries = new Float32Array(batch.length * index.dim);
      batch.forEach((item, row) => queries.set(item.request.query, row * index.dim));
      const result: BatchNeighbors = await index.searchBatchAsync(queries, k);
      batch.forEach((item, row) => item.resolve(index.rowOf(result, row, item.request.k)));
    },
    { maxWaitMs: options.maxWaitMs ?? 2, maxBatch: options.maxBatch ?? 256 },
  );
  return {
    search(query, k) {
      if (query.length !== index.dim) {
        return Promise.reject(new RangeError(`SearchBatcher: query has ${query.length} values, expected dim ${index.dim}`));
      }
      return batcher.submit({ query, k });
    },
    stats: () => {
      const { batches, requests } = batcher.stats();
      return { batches, queries: requests };
    },
  };
}
