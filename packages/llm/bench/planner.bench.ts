// Offline planner benchmark: per-prompt cost of planFromPrompt (lexicon reading + plan building)
// over the TidyTuesday catalog's names. Run: pnpm --filter @mixtape/llm bench
import { buildLexicon } from '@mixtape/language';
import { loadTidyTuesdayLexiconInput, SAMPLE_PROMPTS as PROMPTS } from '@mixtape/language/testing';
import { planFromPrompt } from '../src/index';

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

const input = loadTidyTuesdayLexiconInput();
const lexicon = buildLexicon(input);
(globalThis as { gc?: () => void }).gc?.();
const rounds = 2000;
const times = new Float64Array(rounds);
for (let index = 0; index < 500; index += 1) planFromPrompt(lexicon, PROMPTS[index % PROMPTS.length] as string);
for (let index = 0; index < rounds; index += 1) {
  const start = performance.now();
  planFromPrompt(lexicon, PROMPTS[index % PROMPTS.length] as string);
  times[index] = (performance.now() - start) * 1000;
}
times.sort();
console.table([
  {
    catalog: 'tidytuesday',
    artists: input.artists.length,
    'plan p50 µs': percentile(times, 0.5).toFixed(1),
    'plan p99 µs': percentile(times, 0.99).toFixed(1),
  },
]);
