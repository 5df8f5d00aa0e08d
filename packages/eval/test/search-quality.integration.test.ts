// Search quality on real data: the TidyTuesday catalog read in place from ../shared/data (never
// copied), the engine with exact dense retrieval, the seeded known-item and descriptive suites.
import type { CatalogStore } from '@mixtape/catalog';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SearchEngine } from '@mixtape/search-index';
import { loadTidyTuesdayEngine } from '@mixtape/search-index/testing';
import { formatQualityReport, runSearchQualitySuite } from '../src/index';

let store: CatalogStore;
let engine: SearchEngine;

beforeAll(async () => {
  ({ store, engine } = await loadTidyTuesdayEngine());
}, 120_000);

describe('search quality on TidyTuesday', () => {
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
});
