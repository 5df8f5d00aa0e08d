import { describe, expect, it } from 'vitest';
import { PROMPT_BENCHMARK_DEV, PROMPT_BENCHMARK_TEST, parseBenchmarkPrompts } from './benchmark';
import { PROMPT_CLASSES } from './types';

describe('prompt benchmark data files', () => {
  it('hold every class in both splits, with no prompt in both', () => {
    for (const split of [PROMPT_BENCHMARK_DEV, PROMPT_BENCHMARK_TEST]) {
      expect(new Set(split.map((row) => row.class))).toEqual(new Set(PROMPT_CLASSES));
    }
    const dev = new Set(PROMPT_BENCHMARK_DEV.map((row) => row.prompt.toLowerCase()));
    expect(PROMPT_BENCHMARK_TEST.filter((row) => dev.has(row.prompt.toLowerCase()))).toEqual([]);
  });

  it('refuses a row with an unknown class or check kind, naming the row', () => {
    const good = { class: 'era', prompt: '90s', checks: [{ kind: 'yearShare', min: 1990, max: 1999, share: 0.9 }] };
    expect(parseBenchmarkPrompts([good], 'x.json')).toHaveLength(1);
    expect(() => parseBenchmarkPrompts([good, { ...good, class: 'mood' }], 'x.json')).toThrow(/x\.json\[1\] \("90s"\): class "mood"/);
    expect(() => parseBenchmarkPrompts([{ ...good, checks: [{ kind: 'yearshare' }] }], 'x.json')).toThrow(/unknown check kind "yearshare"/);
    expect(() => parseBenchmarkPrompts([{ ...good, checks: [] }], 'x.json')).toThrow(/non-empty "checks"/);
    expect(() => parseBenchmarkPrompts({}, 'x.json')).toThrow(/expected a JSON array/);
  });
});
