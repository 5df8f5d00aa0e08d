// Real data: the TidyTuesday catalog read in place from ../shared/data (never copied).
import { fileURLToPath } from 'node:url';
import { importTidyTuesday } from '@mixtape/catalog';
import type { CatalogStore } from '@mixtape/catalog';
import { VectorIndex, createContentEncoder, encodeCatalogContent, fitCatalogFeatureStats } from '@mixtape/embeddings';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSearchIndex, formatQualityReport, runSearchQualitySuite } from '../src/index';
import type { SearchEngine } from '../src/index';

const CSV = fileURLToPath(new URL('../../../../shared/data/tidytuesday-spotify-songs/spotify_songs.csv', import.meta.url));

let store: CatalogStore;
let engine: SearchEngine;

beforeAll(async () => {
  ({ store } = await importTidyTuesday(CSV));
  // exact Flat search over 28k content vectors: no HNSW build time in the test
  const encoder = createContentEncoder({ stats: fitCatalogFeatureStats(store) });
  const index = VectorIndex.build({ dim: encoder.dim, factory: 'Flat', ids: store.columns.trackIds, vectors: encodeCatalogContent(encoder, store) });
  engine = buildSearchIndex(store, { content: { index, encoder } });
}, 120_000);

describe('search on TidyTuesday', () => {
  it('reaches MRR@10 >= 0.9 on exact titles and one-typo queries (seeded known items)', () => {
    const report = runSearchQualitySuite(store, engine, { categories: ['exact-title', 'typo-1'], queriesPerCategory: 300, descriptive: false });
    const mrr = Object.fromEntries(report.rows.map((row) => [row.category, row.mrr]));
    expect(mrr['exact-title'], formatQualityReport(report)).toBeGreaterThanOrEqual(0.9);
    expect(mrr['typo-1'], formatQualityReport(report)).toBeGreaterThanOrEqual(0.9);
  });

  it('passes every descriptive constraint check', () => {
    const report = runSearchQualitySuite(store, engine, { categories: [] });
    const failed = report.descriptive.filter((check) => !check.passed);
    expect(report.descriptive.filter((check) => !check.skipped).length).toBeGreaterThan(8);
    expect(failed, formatQualityReport(report)).toEqual([]);
  });

  it('finds real names through typos, diacritics and "feat."', () => {
    const first = (query: string) => engine.search(query, { limit: 1 }).results[0];
    expect(first('beyonse halo')).toMatchObject({ name: 'Halo', artists: [{ name: 'Beyoncé' }] });
    expect(first('Beyonce')).toMatchObject({ type: 'artist', name: 'Beyoncé' });
    expect(first('shape of you ed sheeran')).toMatchObject({ name: 'Shape of You' });
    expect(engine.suggest('daft p')[0]).toMatchObject({ type: 'artist', name: 'Daft Punk' });
  });
});
