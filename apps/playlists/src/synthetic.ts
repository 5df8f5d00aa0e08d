// A self-contained catalog for running the service without a bundle (and for the benchmark):
// the deterministic synthetic generator + content vectors in a FAISS index.
import { generateSynthetic } from '@mixtape/catalog';
import type { PlaylistContext } from '@mixtape/ranking';
import { buildPlaylistContext } from '@mixtape/ranking';

export interface SyntheticContextOptions {
  tracks: number;
  seed?: number;
  /** FAISS factory; default: chooseFactory for the size (Flat below 20k, HNSW32 above) */
  factory?: string;
}

export function buildSyntheticPlaylistContext(options: SyntheticContextOptions): PlaylistContext {
  // Fulfilment reads only the catalog, so the listening log is kept small.
  const users = Math.max(10, Math.round(options.tracks / 50));
  const dataset = generateSynthetic({ tracks: options.tracks, users, interactions: users * 20, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  return buildPlaylistContext(dataset.store, {
    version: `synthetic-${options.tracks}-seed${options.seed ?? 42}`,
    ...(options.factory !== undefined ? { factory: options.factory } : {}),
  });
}
