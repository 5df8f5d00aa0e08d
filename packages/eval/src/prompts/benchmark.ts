// The prompt benchmark (TidyTuesday catalog) lives in two data files written together, before any
// planner change, with the same ten classes and the same kind of checks but different prompts:
// - benchmark-dev.json: the prompts planner work may look at, fail on and be tuned against;
// - benchmark-test.json: HELD OUT — only evaluated, never tuned on; its report prints per-class
//   rates without per-prompt failures unless asked for at the very end
//   (docs/results/prompts-benchmark-tidytuesday.md).
// Checks say what the prompt asks for, read as a person would, never what a planner produced.
import devRows from './benchmark-dev.json';
import testRows from './benchmark-test.json';
import { PROMPT_CLASSES, type BenchmarkPrompt, type PromptCheck, type PromptClass } from './types';

const CHECK_KINDS: ReadonlySet<PromptCheck['kind']> = new Set<PromptCheck['kind']>([
  'genreShare', 'yearShare', 'featureShare', 'trackMinutesShare', 'excludeArtists', 'excludeGenres',
  'artistShare', 'trackCount', 'trackCountAtLeast', 'durationMinutes', 'meanVersusArtist',
  'seedGenreShare', 'unfulfilled', 'titleOmits', 'descriptionMentions', 'relaxedReported', 'onlyExclusions',
]);

/**
 * Reads benchmark prompts from parsed JSON, refusing rows whose class or check kinds are unknown
 * (a typo in a data file would otherwise silently drop a check).
 */
export function parseBenchmarkPrompts(rows: unknown, source: string): BenchmarkPrompt[] {
  if (!Array.isArray(rows)) throw new Error(`${source}: expected a JSON array of prompts`);
  return rows.map((row: unknown, index) => {
    const where = `${source}[${index}]`;
    const value = row as Partial<BenchmarkPrompt> | null;
    if (typeof value !== 'object' || value === null || typeof value.prompt !== 'string' || value.prompt === '') {
      throw new Error(`${where}: expected an object with a non-empty "prompt" string`);
    }
    if (!PROMPT_CLASSES.includes(value.class as PromptClass)) {
      throw new Error(`${where} ("${value.prompt}"): class "${String(value.class)}" is not one of ${PROMPT_CLASSES.join(', ')}`);
    }
    if (!Array.isArray(value.checks) || value.checks.length === 0) {
      throw new Error(`${where} ("${value.prompt}"): expected a non-empty "checks" array`);
    }
    for (const check of value.checks as unknown[]) {
      const kind = (check as { kind?: unknown } | null)?.kind;
      if (!CHECK_KINDS.has(kind as PromptCheck['kind'])) {
        throw new Error(`${where} ("${value.prompt}"): unknown check kind "${String(kind)}"`);
      }
    }
    return value as BenchmarkPrompt;
  });
}

export const PROMPT_BENCHMARK_DEV: readonly BenchmarkPrompt[] = parseBenchmarkPrompts(devRows, 'benchmark-dev.json');
export const PROMPT_BENCHMARK_TEST: readonly BenchmarkPrompt[] = parseBenchmarkPrompts(testRows, 'benchmark-test.json');
