// `mixtape eval --task search|semantic-search|prompts|prompt-benchmark`: the catalog-level quality
// suites (known-item search, "playlist name → its tracks", prompted-playlist constraints) over a
// real catalog — a dataset directory, a raw TidyTuesday CSV, or raw input in any import format
// (`--format`) — with content vectors in a real FAISS index.
import { formatProgress } from '@mixtape/base';
import type { CatalogStore, ImportFormat } from '@mixtape/catalog';
import { VectorIndex, createContentEncoder, encodeCatalogContent, fitCatalogFeatureStats } from '@mixtape/embeddings';
import {
  formatPromptSuiteReport,
  formatQualityReport,
  formatRewardCurveReport,
  formatSemanticSearchReport,
  loadQualityCatalog,
  playlistsByName,
  runRewardCurve,
  runSemanticSearchEval,
  LEGACY_QUALITY_PROMPTS,
  PROMPT_BENCHMARK_DEV,
  PROMPT_BENCHMARK_TEST,
  PROMPT_CLASSES,
  runPromptSuite,
  runSearchQualitySuite,
} from '@mixtape/eval';
import { buildSearchIndex } from '@mixtape/search-index';

export const QUALITY_TASKS = ['search', 'semantic-search', 'prompts', 'prompt-benchmark', 'reward-curve'] as const;
/** Prompt benchmark sets: dev is for planner work; test is held out (evaluated, never tuned on). */
export const BENCHMARK_SPLITS = ['dev', 'test'] as const;
export type BenchmarkSplit = (typeof BENCHMARK_SPLITS)[number];
export type QualityTask = (typeof QUALITY_TASKS)[number];
export const isQualityTask = (task: string): task is QualityTask => (QUALITY_TASKS as readonly string[]).includes(task);

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
  /** import format of a raw --data path (default: a dataset directory, or TidyTuesday's CSV) */
  format?: ImportFormat;
  /** prompt-benchmark: which set (default dev) */
  split?: BenchmarkSplit;
  /** prompt suites: list every failed check (off by default for the held-out test set) */
  showFailures?: boolean;
  /** reward-curve: seeds (default 1, 2, 3) and simulated listeners per seed (default 24) */
  seeds?: readonly number[];
  listeners?: number;
}

/** A quality suite's report and the dataset's name (the default file name is `<dataset>-<task>`, as for the ranking tasks). */
export interface QualityTaskResult {
  markdown: string;
  dataset: string;
}

export async function runQualityTask(task: QualityTask, path: string, options: QualityTaskOptions): Promise<QualityTaskResult> {
  const { store, name, interactions, playlistNames } = await loadQualityCatalog(path, options.format);
  const result = (markdown: string): QualityTaskResult => ({ markdown, dataset: name });
  options.log(`[eval] ${name}: ${store.trackCount.toLocaleString('en')} tracks, ${store.artistCount.toLocaleString('en')} artists`);
  const content = contentSpace(store);
  if (task === 'search') {
    const engine = buildSearchIndex(store, { content: { index: content.index, encoder: content.encoder } });
    const report = runSearchQualitySuite(store, engine, { seed: options.seed, onProgress: (event) => options.log(`[eval] ${formatProgress(event)}`) });
    return result(`## Search quality on ${name} (known-item queries generated with seed ${options.seed}; MRR/Recall over the full catalog)\n\n${formatQualityReport(report)}\n`);
  }
  if (task === 'semantic-search') {
    if (!playlistNames) throw new Error(`${path}: --task semantic-search needs playlists with names (users that are playlists, e.g. TidyTuesday, spotify-2024, MPD); ${name} has none`);
    const playlists = playlistsByName(interactions, playlistNames);
    const report = runSemanticSearchEval(store, playlists, content, { seed: options.seed, log: (line) => options.log(`[eval] ${line}`) });
    return result(`## Semantic search on ${name}: playlist name → its tracks (held-out names; Recall@50 / NDCG@10 over the full catalog)\n\n${formatSemanticSearchReport(report)}\n`);
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
    return result(`${formatRewardCurveReport(report)}\n`);
  }
  const split = options.split ?? 'dev';
  const benchmark = task === 'prompt-benchmark';
  const prompts = benchmark ? (split === 'test' ? PROMPT_BENCHMARK_TEST : PROMPT_BENCHMARK_DEV) : LEGACY_QUALITY_PROMPTS;
  const report = await runPromptSuite(context, prompts, {
    suite: benchmark ? split : 'legacy',
    classOrder: benchmark ? PROMPT_CLASSES : [],
    onProgress: (event) => options.log(`[eval] prompt ${event.done}/${event.total}${benchmark && split === 'test' ? '' : `: ${event.prompt}`}`),
  }).catch((error: unknown) => {
    // the suites' checks name TidyTuesday's genres and artists; on another catalog the first one it lacks stops the run
    if (error instanceof RangeError && error.message.startsWith('prompt check:')) {
      throw new Error(`${error.message}: the prompt suites' checks name TidyTuesday's genres and artists, so --task ${task} runs on that catalog (--data ../shared/data/tidytuesday-spotify-songs)`, { cause: error });
    }
    throw error;
  });
  // The held-out test set prints per-class rates only, unless failures are asked for explicitly.
  const showFailures = options.showFailures ?? !(benchmark && split === 'test');
  return result(`## Prompted-playlist constraint satisfaction on ${name} (offline planner)\n\n${formatPromptSuiteReport(report, { showFailures })}\n`);
}
