// Lexicon benchmark: build time by catalog size, and the per-query cost of interpretQuery (what
// Search and the offline planner pay per request).
// Run: pnpm --filter @mixtape/language bench
import { buildLexicon, interpretQuery } from '../src/index';
import type { LexiconArtist, LexiconInput } from '../src/index';
import { loadTidyTuesdayLexiconInput, SAMPLE_PROMPTS as QUERIES } from '../src/testing/index';

function syntheticArtists(count: number): LexiconArtist[] {
  const syllables = ['ka', 'lo', 'mi', 'ra', 'zen', 'tu', 'vex', 'sol', 'ne', 'qui', 'dar', 'bel'];
  const artists: LexiconArtist[] = [];
  for (let index = 0; index < count; index += 1) {
    let name = '';
    let value = index;
    do {
      name += syllables[value % syllables.length];
      value = Math.floor(value / syllables.length);
    } while (value > 0);
    artists.push({ id: `a${index}`, name: index % 3 === 0 ? `The ${name}` : `${name} ${syllables[index % 7]}` });
  }
  return artists;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

function measure(label: string, input: LexiconInput) {
  const buildStart = performance.now();
  const lexicon = buildLexicon(input);
  const buildMs = performance.now() - buildStart;
  const rounds = 2000;
  const interpret = new Float64Array(rounds);
  for (let index = 0; index < 500; index += 1) {
    interpretQuery(lexicon, QUERIES[index % QUERIES.length] as string);
  }
  for (let index = 0; index < rounds; index += 1) {
    const query = QUERIES[index % QUERIES.length] as string;
    const start = performance.now();
    interpretQuery(lexicon, query);
    interpret[index] = (performance.now() - start) * 1000;
  }
  interpret.sort();
  return {
    catalog: label,
    artists: input.artists.length,
    'build ms': buildMs.toFixed(0),
    'interpret p50 µs': percentile(interpret, 0.5).toFixed(1),
    'interpret p99 µs': percentile(interpret, 0.99).toFixed(1),
  };
}

const tidy = loadTidyTuesdayLexiconInput();
// Collect the CSV parse's garbage before timing (run with --expose-gc), so its GC pause is not billed to a query.
(globalThis as { gc?: () => void }).gc?.();
const rows = [measure('tidytuesday', tidy)];
for (const size of [100_000, 1_000_000]) {
  rows.push(measure(`synthetic ${size / 1000}k`, { genres: tidy.genres, subgenres: tidy.subgenres ?? [], artists: syntheticArtists(size), currentYear: 2026 }));
}
console.table(rows);
