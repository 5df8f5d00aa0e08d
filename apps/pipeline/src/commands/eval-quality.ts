// `mixtape eval --task search|prompts`: the catalog-level quality suites (known-item search,
// prompted-playlist constraints) over a real catalog — a dataset directory or a raw
// TidyTuesday CSV — with content vectors in a real FAISS index.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatProgress } from '@mixtape/base';
import { importTidyTuesday, readSnapshot, type CatalogStore } from '@mixtape/catalog';
import { VectorIndex, createContentEncoder, encodeCatalogContent, fitCatalogFeatureStats } from '@mixtape/embeddings';
import { formatPromptQualityReport, runPromptQualitySuite } from '@mixtape/ranking';
import { buildSearchIndex, formatQualityReport, runSearchQualitySuite } from '@mixtape/search-index';

export const QUALITY_TASKS = ['search', 'prompts'] as const;
export type QualityTask = (typeof QUALITY_TASKS)[number];
export const isQualityTask = (task: string): task is QualityTask => (QUALITY_TASKS as readonly string[]).includes(task);

/** A dataset directory (snapshot), or a TidyTuesday CSV file / the folder holding spotify_songs.csv. */
export async function loadCatalogForQuality(path: string): Promise<{ store: CatalogStore; name: string }> {
  if (existsSync(join(path, 'metadata.json'))) return { store: (await readSnapshot(path)).store, name: 'dataset' };
  const csv = statSync(path).isDirectory() ? join(path, 'spotify_songs.csv') : path;
  if (!existsSync(csv)) throw new Error(`${path}: expected a dataset directory (metadata.json) or a TidyTuesday spotify_songs.csv`);
  return { store: (await importTidyTuesday(csv, { skipInvalid: true })).store, name: 'tidytuesday' };
}

function contentSpace(store: CatalogStore) {
  const encoder = createContentEncoder({ stats: fitCatalogFeatureStats(store) });
  const vectors = encodeCatalogContent(encoder, store);
  const ids = Array.from({ length: store.trackCount }, (_, i) => store.trackId(i));
  // Exact search: the suites measure retrieval logic, not ANN recall.
  const index = VectorIndex.build({ dim: encoder.dim, factory: 'Flat', ids, vectors });
  return { encoder, vectors, index };
}

export async function runQualityTask(task: QualityTask, path: string, options: { seed: number; log: (line: string) => void }): Promise<string> {
  const { store, name } = await loadCatalogForQuality(path);
  options.log(`[eval] ${name}: ${store.trackCount.toLocaleString('en')} tracks, ${store.artistCount.toLocaleString('en')} artists`);
  const content = contentSpace(store);
  if (task === 'search') {
    const engine = buildSearchIndex(store, { content: { index: content.index, encoder: content.encoder } });
    const report = runSearchQualitySuite(store, engine, { seed: options.seed, onProgress: (event) => options.log(`[eval] ${formatProgress(event)}`) });
    return `## Search quality on ${name} (known-item queries generated with seed ${options.seed}; MRR/Recall over the full catalog)\n\n${formatQualityReport(report)}\n`;
  }
  const report = await runPromptQualitySuite(
    { version: name, store, contentEncoder: content.encoder, contentIndex: content.index, contentVectors: content.vectors },
    { onProgress: (event) => options.log(`[eval] prompt ${event.done}/${event.total}: ${event.prompt}`) },
  );
  return `## Prompted-playlist constraint satisfaction on ${name} (offline planner)\n\n${formatPromptQualityReport(report)}\n`;
}
