// Search quality on a real catalog read in place: known-item MRR@10 / Recall@10 per category and
// the descriptive constraint checks. TidyTuesday (../shared/data) by default, or
// --data <dataset dir | raw path> [--format <import format>], e.g. the Kaggle 2024 file.
// Run: pnpm --filter @mixtape/eval quality:search [-- --per-category 300 --seed 7 --data … --format spotify-2024]
// (the same suite through the CLI: pnpm mixtape eval --task search --data … [--format …])
import os from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { formatProgress } from '@mixtape/base';
import { isImportFormat } from '@mixtape/catalog';
import { buildSearchIndex } from '@mixtape/search-index';
import { DESCRIPTIVE_CHECKS, formatQualityReport, loadQualityCatalog, runSearchQualitySuite } from '../src/index';

// pnpm 10 passes the "--" of `pnpm --filter … <script> -- --seed 7` through: drop it
const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: { 'per-category': { type: 'string', default: '300' }, seed: { type: 'string', default: '7' }, data: { type: 'string' }, format: { type: 'string' } },
});
if (values.format !== undefined && !isImportFormat(values.format)) throw new Error(`--format: not an import format: "${values.format}"`);
const path = values.data ? resolve(values.data) : fileURLToPath(new URL('../../../../shared/data/tidytuesday-spotify-songs/spotify_songs.csv', import.meta.url));
const started = performance.now();
const { name, store } = await loadQualityCatalog(path, values.format);
const engine = buildSearchIndex(store);
console.log(`${name}: ${store.trackCount} tracks, engine built in ${((performance.now() - started) / 1000).toFixed(1)} s (import included); load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')}`);
const cpuStart = process.cpuUsage();
const report = runSearchQualitySuite(store, engine, {
  queriesPerCategory: Number(values['per-category']),
  seed: Number(values.seed),
  onProgress: (event) => console.error(formatProgress(event)),
});
const cpu = process.cpuUsage(cpuStart);
const queryCount = report.rows.reduce((sum, row) => sum + row.queries, 0) + (report.descriptive.length > 0 ? DESCRIPTIVE_CHECKS.length : 0);
console.log(formatQualityReport(report));
console.log(`\nmean CPU per query (search and suggest mixed, ${name} vocabulary): ${((cpu.user + cpu.system) / 1000 / queryCount).toFixed(2)} ms over ${queryCount} queries`);
for (const row of report.rows) {
  for (const miss of row.misses.slice(0, 3)) console.log(`miss ${row.category}: "${miss.query}" → wanted ${miss.target}, first ${miss.top ?? 'nothing'}`);
}
