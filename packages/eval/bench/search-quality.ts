// Search quality on the TidyTuesday catalog (read in place from ../shared/data):
// known-item MRR@10 / Recall@10 per category and the descriptive constraint checks.
// Run: pnpm --filter @mixtape/eval quality:search [-- --per-category 300 --seed 7]
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { formatProgress } from '@mixtape/base';
import { importTidyTuesday } from '@mixtape/catalog';
import { buildSearchIndex } from '@mixtape/search-index';
import { DESCRIPTIVE_CHECKS, formatQualityReport, runSearchQualitySuite } from '../src/index';

const { values } = parseArgs({ options: { 'per-category': { type: 'string', default: '300' }, seed: { type: 'string', default: '7' } } });
const csv = fileURLToPath(new URL('../../../../shared/data/tidytuesday-spotify-songs/spotify_songs.csv', import.meta.url));
const started = performance.now();
const { store } = await importTidyTuesday(csv);
const engine = buildSearchIndex(store);
console.log(`TidyTuesday: ${store.trackCount} tracks, engine built in ${((performance.now() - started) / 1000).toFixed(1)} s (import included)`);
const cpuStart = process.cpuUsage();
const report = runSearchQualitySuite(store, engine, {
  queriesPerCategory: Number(values['per-category']),
  seed: Number(values.seed),
  onProgress: (event) => console.error(formatProgress(event)),
});
const cpu = process.cpuUsage(cpuStart);
const queryCount = report.rows.reduce((sum, row) => sum + row.queries, 0) + (report.descriptive.length > 0 ? DESCRIPTIVE_CHECKS.length : 0);
console.log(formatQualityReport(report));
console.log(`\nmean CPU per query (search and suggest mixed, TidyTuesday vocabulary): ${((cpu.user + cpu.system) / 1000 / queryCount).toFixed(2)} ms over ${queryCount} queries`);
for (const row of report.rows) {
  for (const miss of row.misses.slice(0, 3)) console.log(`miss ${row.category}: "${miss.query}" → wanted ${miss.target}, first ${miss.top ?? 'nothing'}`);
}
