// Semantic search learned from playlists, measured as "playlist name → its tracks" on held-out
// playlist names (see src/semantic-search.ts for the protocol). Catalogs are read in place:
// TidyTuesday from ../shared/data by default, or --data <dataset dir | raw path> [--format <import format>].
// Run: pnpm --filter @mixtape/eval eval:semantic-search [-- --seed 7 --data ../../../shared/data/spotify-playlists-2024-popularity --format spotify-2024]
// --rows-on validation: the table on the validation names (where design choices are made) instead of the test names
// (the same task through the CLI: pnpm mixtape eval --task semantic-search --data … [--format …])
import os from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { isImportFormat } from '@mixtape/catalog';
import { VectorIndex, createContentEncoder, encodeCatalogContent, fitCatalogFeatureStats } from '@mixtape/embeddings';
import { topItems } from '@mixtape/search-index';
import { formatSemanticSearchReport, loadQualityCatalog, playlistsByName, runSemanticSearchEval } from '../src/index';

// pnpm 10 passes the "--" of `pnpm --filter … <script> -- --seed 7` through: drop it
const { values } = parseArgs({ args: process.argv.slice(2).filter((arg) => arg !== '--'), options: { seed: { type: 'string', default: '7' }, data: { type: 'string' }, format: { type: 'string' }, 'rows-on': { type: 'string', default: 'test' } } });
const rowsOn = values['rows-on'];
if (rowsOn !== 'test' && rowsOn !== 'validation') throw new Error(`--rows-on: expected "test" or "validation", got "${rowsOn}"`);
const seed = Number(values.seed);
if (values.format !== undefined && !isImportFormat(values.format)) throw new Error(`--format: not an import format: "${values.format}"`);
const path = values.data ? resolve(values.data) : fileURLToPath(new URL('../../../../shared/data/tidytuesday-spotify-songs/spotify_songs.csv', import.meta.url));
const { name, store, interactions, playlistNames } = await loadQualityCatalog(path, values.format);
if (!playlistNames) throw new Error(`${path}: no playlist names (the task needs users that are named playlists)`);
console.log(`${name}: ${store.trackCount} tracks`);

const encoder = createContentEncoder({ stats: fitCatalogFeatureStats(store) });
const vectors = encodeCatalogContent(encoder, store);
// exact search: the task measures retrieval, not ANN recall
const index = VectorIndex.build({ dim: encoder.dim, factory: 'Flat', ids: store.columns.trackIds, vectors });
const report = runSemanticSearchEval(store, playlistsByName(interactions, playlistNames), { encoder, vectors, index }, { seed, log: console.log, rowsOn });
console.log(`\nload average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')}`);
console.log(formatSemanticSearchReport(report));
for (const text of ['trip hop', 'sad girl autumn', 'workout', 'chill vibes', 'rainy day']) {
  const encoded = report.model.encode(text);
  const top = encoded ? Array.from(topItems(encoded.vector, vectors, encoder.dim, 3), (t) => `${store.trackTitle(t)} — ${store.artistName(store.trackPrimaryArtist[t]!)}`) : [];
  console.log(`"${text}": ${encoded ? `knows ${encoded.known.join(', ')} → ${top.join(' | ')}` : 'no known words'}`);
}
