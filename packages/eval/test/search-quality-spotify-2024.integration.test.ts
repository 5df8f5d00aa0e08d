// Search quality on a second real catalog: the Kaggle 2024 "Spotify Music Dataset" (4,495 tracks,
// 115 playlists, space-padded CSV with "A, B" artist lists), read in place from ../shared/data
// through the catalog's own importer — the same path as
// `pnpm mixtape eval --task search|semantic-search --data … --format spotify-2024`.
// Floors sit below the dev-seed (7) figures with a margin; a drop under them is a regression.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { skipUnlessAvailable } from '@mixtape/vitest-config/ci';
import { VectorIndex, createContentEncoder, encodeCatalogContent, fitCatalogFeatureStats } from '@mixtape/embeddings';
import { buildSearchIndex, type SearchEngine } from '@mixtape/search-index';
import {
  formatQualityReport,
  formatSemanticSearchReport,
  loadQualityCatalog,
  playlistsByName,
  runSearchQualitySuite,
  runSemanticSearchEval,
  type QualityCatalog,
  type SemanticSearchContent,
} from '../src/index';

const data = fileURLToPath(new URL('../../../../shared/data/spotify-playlists-2024-popularity', import.meta.url));
// ../shared/data sits beside the repository in CI; only a bare checkout elsewhere skips these.
const skip = skipUnlessAvailable({ suite: 'search quality on the Kaggle 2024 catalog', needs: `the real dataset at ${data}`, available: existsSync(data), fix: 'check the repository out beside ../shared (CI does)' });

let catalog: QualityCatalog;
let content: SemanticSearchContent;
let engine: SearchEngine;

beforeAll(async () => {
  if (skip) return;
  catalog = await loadQualityCatalog(data, 'spotify-2024');
  const encoder = createContentEncoder({ stats: fitCatalogFeatureStats(catalog.store) });
  const vectors = encodeCatalogContent(encoder, catalog.store);
  const index = VectorIndex.build({ dim: encoder.dim, factory: 'Flat', ids: catalog.store.columns.trackIds, vectors });
  content = { encoder, vectors, index };
  engine = buildSearchIndex(catalog.store, { content: { index, encoder } });
}, 120_000);

describe.skipIf(skip)('search quality on the Kaggle 2024 catalog (spotify-2024)', () => {
  it('imports every row: 4,495 tracks, "A, B" artist lists split, 115 named playlists', () => {
    expect(catalog.name).toBe('spotify-2024');
    expect(catalog.store.trackCount).toBe(4_495);
    expect(catalog.playlistNames?.filter(Boolean).length).toBe(115);
  });

  it('keeps known-item MRR@10 above its floors (seed 7, 300 queries per category)', () => {
    const report = runSearchQualitySuite(catalog.store, engine, { seed: 7, queriesPerCategory: 300 });
    const text = formatQualityReport(report);
    const mrr = Object.fromEntries(report.rows.map((row) => [row.category, row.mrr]));
    const floors: Record<string, number> = {
      'exact-title': 0.95,
      'title-artist': 0.97,
      'typo-1': 0.95,
      'typo-2': 0.95,
      'missing-word': 0.95,
      'artist-only': 0.97,
      typeahead: 0.85,
      'typo-title': 0.92,
      lowercase: 0.95,
      'exact-title-history': 0.97,
    };
    for (const [category, floor] of Object.entries(floors)) expect(mrr[category], `${category}\n${text}`).toBeGreaterThanOrEqual(floor);
    for (const row of report.rows) expect(row.queries, row.category).toBe(300);
    // the descriptive checks the catalog can answer pass (a genre it lacks is skipped, not failed)
    expect(report.descriptive.filter((check) => !check.passed), text).toEqual([]);
  });

  it('finds held-out playlist names’ tracks far better than lexical-only (semantic task, seed 7)', () => {
    const report = runSemanticSearchEval(catalog.store, playlistsByName(catalog.interactions, catalog.playlistNames!), content, { seed: 7 });
    const text = formatSemanticSearchReport(report);
    const lexical = report.rows.find((row) => row.ranker === 'lexical only')!;
    const engineRow = report.rows.find((row) => row.ranker.startsWith('engine with the learned model'))!;
    expect(report.test, text).toBeGreaterThanOrEqual(20);
    expect(engineRow.recall50, text).toBeGreaterThanOrEqual(1.2 * lexical.recall50);
    expect(engineRow.recall50, text).toBeGreaterThan(0.35);
  });
});
