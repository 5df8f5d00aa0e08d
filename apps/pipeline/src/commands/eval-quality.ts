// `mixtape eval --task search|prompts|prompt-benchmark`: the catalog-level quality suites
// (known-item search, prompted-playlist constraints) over a real catalog — a dataset directory or
// a raw TidyTuesday CSV — with content vectors in a real FAISS index.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatProgress } from '@mixtape/base';
import { importTidyTuesday, readSnapshot, type CatalogStore } from '@mixtape/catalog';
import { VectorIndex, createContentEncoder, encodeCatalogContent, fitCatalogFeatureStats } from '@mixtape/embeddings';
import { formatPromptSuiteReport, formatQualityReport, formatRewardCurveReport, runRewardCurve, LEGACY_QUALITY_PROMPTS, PROMPT_BENCHMARK_DEV, PROMPT_BENCHMARK_TEST, PROMPT_CLASSES, runPromptSuite, runSearchQualitySuite } from '@mixtape/eval';
import { buildSearchIndex } from '@mixtape/search-index';

export const QUALITY_TASKS = ['search', 'prompts', 'prompt-benchmark', 'reward-curve'] as const;
/** Prompt benchmark sets: dev is for planner work; test is held out (evaluated, never tuned on). */
export const BENCHMARK_SPLITS = ['dev', 'test'] as const;
export type BenchmarkSplit = (typeof BENCHMARK_SPLITS)[number];
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

export interface QualityTaskOptions {
  seed: number;
  log: (line: string) => void;
  /** prompt-benchmark: which set (default dev) */
  split?: BenchmarkSplit;
  /** prompt suites: list every failed check (off by default for the held-out test set) */
  showFailures?: boolean;
  /** reward-curve: seeds (default 1, 2, 3) and simulated listeners per seed (default 24) */
  seeds?: readonly number[];
  listeners?: number;
}

export async function runQualityTask(task: QualityTask, path: string, options: QualityTaskOptions): Promise<string> {
  const { store, name } = await loadCatalogForQuality(path);
  options.log(`[eval] ${name}: ${store.trackCount.toLocaleString('en')} tracks, ${store.artistCount.toLocaleString('en')} artists`);
  const content = contentSpace(store);
  if (task === 'search') {
    const engine = buildSearchIndex(store, { content: { index: content.index, encoder: content.encoder } });
    const report = runSearchQualitySuite(store, engine, { seed: options.seed, onProgress: (event) => options.log(`[eval] ${formatProgress(event)}`) });
    return `## Search quality on ${name} (known-item queries generated with seed ${options.seed}; MRR/Recall over the full catalog)\n\n${formatQualityReport(report)}\n`;
  }
  const context = { version: name, store, contentEncoder: content.encoder, contentIndex: content.index, contentVectors: content.vectors };
  if (task === 'reward-curve') {
    // Simulated listeners type the dev and legacy prompts (never the held-out benchmark test set).
    const report = await runRewardCurve(context, {
      prompts: [...PROMPT_BENCHMARK_DEV, ...LEGACY_QUALITY_PROMPTS],
      ...(options.seeds ? { seeds: options.seeds } : {}),
      ...(options.listeners !== undefined ? { listeners: options.listeners } : {}),
      onProgress: options.log,
    });
    return `${formatRewardCurveReport(report)}\n`;
  }
  const split = options.split ?? 'dev';
  const benchmark = task === 'prompt-benchmark';
  const prompts = benchmark ? (split === 'test' ? PROMPT_BENCHMARK_TEST : PROMPT_BENCHMARK_DEV) : LEGACY_QUALITY_PROMPTS;
  const report = await runPromptSuite(context, prompts, {
    suite: benchmark ? split : 'legacy',
    classOrder: benchmark ? PROMPT_CLASSES : [],
    onProgress: (event) => options.log(`[eval] prompt ${event.done}/${event.total}${benchmark && split === 'test' ? '' : `: ${event.prompt}`}`),
  });
  // The held-out test set prints per-class rates only, unless failures are asked for explicitly.
  const showFailures = options.showFailures ?? !(benchmark && split === 'test');
  return `## Prompted-playlist constraint satisfaction on ${name} (offline planner)\n\n${formatPromptSuiteReport(report, { showFailures })}\n`;
}
