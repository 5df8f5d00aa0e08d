// The prompt suites over the real TidyTuesday catalog (read in place from ../shared/data, present
// in CI) with content vectors in a real FAISS index and the offline planner.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importTidyTuesday } from '@mixtape/catalog';
import type { PlaylistEngine } from '@mixtape/ranking';
import { buildPlaylistContext, createPlaylistEngine } from '@mixtape/ranking';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatPromptSuiteReport, runPromptSuite } from '../src/prompts/suite';
import { LEGACY_QUALITY_PROMPTS } from '../src/prompts/legacy';
import { PROMPT_BENCHMARK_DEV, PROMPT_BENCHMARK_TEST } from '../src/prompts/benchmark';
import { PROMPT_CLASSES } from '../src/prompts/types';

const CSV = fileURLToPath(new URL('../../../../shared/data/tidytuesday-spotify-songs/spotify_songs.csv', import.meta.url));
const present = existsSync(CSV);
if (process.env.CI && !present) throw new Error(`real data missing at ${CSV} (CI runs with ../shared beside the repository)`);

let engine: PlaylistEngine;
beforeAll(async () => {
  if (!present) return;
  const { store } = await importTidyTuesday(CSV, { skipInvalid: true });
  engine = createPlaylistEngine(buildPlaylistContext(store, { version: 'tidytuesday', factory: 'Flat' }));
}, 120_000);

describe.skipIf(!present)('prompt suites on TidyTuesday', () => {
  it('the first suite keeps ≥ 95 % of its prompts satisfied, every structural check passing', async () => {
    const report = await runPromptSuite(engine, LEGACY_QUALITY_PROMPTS, { suite: 'legacy' });
    expect(report.outcomes.length).toBe(54);
    expect(report.overall.rate).toBeGreaterThanOrEqual(0.95);
    const structural = report.outcomes.flatMap((outcome) => outcome.checks.filter((check) => ['no duplicate songs', 'tracks from the catalog'].includes(check.check)));
    expect(structural.every((check) => check.passed)).toBe(true);
    expect(formatPromptSuiteReport(report)).toContain('| class | prompts satisfied | rate | checks passed |');
  }, 120_000);

  it('the benchmark keeps ≥ 95 % of prompts satisfied on dev and on the held-out test set (a regression guard, not a tuning loop)', async () => {
    const dev = await runPromptSuite(engine, PROMPT_BENCHMARK_DEV, { suite: 'dev', classOrder: PROMPT_CLASSES });
    const test = await runPromptSuite(engine, PROMPT_BENCHMARK_TEST, { suite: 'test', classOrder: PROMPT_CLASSES });
    expect(dev.overall.rate).toBeGreaterThanOrEqual(0.95);
    expect(test.overall.rate).toBeGreaterThanOrEqual(0.95);
    // the test report hides which prompts failed unless asked
    expect(formatPromptSuiteReport(test, { showFailures: false })).not.toContain('Failed checks');
  }, 240_000);

  it('the benchmark has ≥ 150 prompts, every class on both sides, and no prompt in both sets', () => {
    expect(PROMPT_BENCHMARK_DEV.length + PROMPT_BENCHMARK_TEST.length).toBeGreaterThanOrEqual(150);
    for (const name of PROMPT_CLASSES) {
      expect(PROMPT_BENCHMARK_DEV.filter((item) => item.class === name).length).toBeGreaterThanOrEqual(8);
      expect(PROMPT_BENCHMARK_TEST.filter((item) => item.class === name).length).toBeGreaterThanOrEqual(8);
    }
    const dev = new Set(PROMPT_BENCHMARK_DEV.map((item) => item.prompt.toLowerCase()));
    expect(PROMPT_BENCHMARK_TEST.filter((item) => dev.has(item.prompt.toLowerCase()))).toEqual([]);
  });
});
