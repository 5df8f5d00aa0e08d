import { generateSynthetic } from '@mixtape/catalog';
import { Random } from '@mixtape/base';
import { buildSearchIndex, misspell } from '../src/index';
import { readDescriptiveQuery } from '../src/dense';
import { buildCatalogLexicon } from '@mixtape/language';
const tracks = Number(process.argv[2] ?? 50000);
const { store } = generateSynthetic({ seed: 1, tracks, users: 100, interactions: 10_000 });
let t0 = performance.now();
const engine = buildSearchIndex(store, { content: false });
console.log('build', ((performance.now() - t0) / 1000).toFixed(2), 's');
const r = new Random(7);
const queries: string[] = [];
for (let i = 0; i < 500; i++) {
  const t = r.int(store.trackCount);
  const title = store.trackTitle(t), artist = store.artistName(store.trackPrimaryArtist[t]!);
  const k = i % 4;
  queries.push(k === 0 ? title : k === 1 ? `${title} ${artist}` : k === 2 ? `${title} ${artist}`.split(' ').map((w) => (w.length >= 5 && r.next() < 0.5 ? misspell(w.toLowerCase(), () => r.next()) : w)).join(' ') : artist);
}
const lexicon = buildCatalogLexicon(store);
for (const q of queries.slice(0, 50)) engine.search(q);
t0 = performance.now();
for (const q of queries) readDescriptiveQuery(lexicon, store, q);
console.log('readDescriptive ms/q', ((performance.now() - t0) / queries.length).toFixed(3));
const times: number[] = [];
for (const q of queries) { const a = performance.now(); engine.search(q); times.push(performance.now() - a); }
times.sort((a, b) => a - b);
console.log('search ms p50', times[250]!.toFixed(2), 'p99', times[495]!.toFixed(2), 'mean', (times.reduce((a, b) => a + b) / times.length).toFixed(2));
const slow = queries.map((q) => { const a = performance.now(); engine.search(q); return [performance.now() - a, q] as const; }).sort((a, b) => b[0] - a[0]).slice(0, 5);
console.log(slow);
