// A self-contained catalog for running the service before @mixtape/bundle is wired in (and for
// the benchmark): the deterministic synthetic generator + content vectors in a FAISS index.
import { generateSynthetic } from '@mixtape/catalog';
import { chooseFactory, createContentEncoder, encodeCatalogContent, fitCatalogFeatureStats, VectorIndex } from '@mixtape/embeddings';
import type { PlaylistContext } from '@mixtape/ranking';

export interface SyntheticContextOptions {
  tracks: number;
  seed?: number;
  /** FAISS factory; default: chooseFactory for the size (Flat below 20k, HNSW32 above) */
  factory?: string;
}

export function buildSyntheticPlaylistContext(options: SyntheticContextOptions): PlaylistContext {
  const users = Math.max(10, Math.round(options.tracks / 50));
  const dataset = generateSynthetic({ tracks: options.tracks, users, interactions: users * 20, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  const { store } = dataset;
  const contentEncoder = createContentEncoder({ stats: fitCatalogFeatureStats(store) });
  const contentVectors = encodeCatalogContent(contentEncoder, store);
  const ids = Array.from({ length: store.trackCount }, (_unused, index) => store.trackId(index));
  const factory = options.factory ?? chooseFactory(store.trackCount, contentEncoder.dim);
  const contentIndex = VectorIndex.build({ dim: contentEncoder.dim, factory, ids, vectors: contentVectors, ...(factory.startsWith('HNSW') ? { params: { efSearch: 128 } } : {}) });
  return { version: `synthetic-${options.tracks}-seed${options.seed ?? 42}`, store, contentEncoder, contentIndex, contentVectors };
}
