// Lexical libraries on the same documents and queries (the comparison behind ADR 0011): our
// typed-array index (through the whole engine, lexical only), MiniSearch, FlexSearch and Orama.
// Documents: every track, artist and album of the synthetic catalog as normalized fields (title,
// artists, album). Queries drawn from the catalog: title, title + artist, title + artist with one
// typo in a word of 5+ letters, artist. Success = the target (or the same title and primary
// artist) in the top 10: MRR@10. One run, one process, libraries one after the other.
//   pnpm --filter @mixtape/search-index bench:libraries [-- --tracks 50000 --queries 500]
import os from 'node:os';
import { Random } from '@mixtape/base';
import { generateSynthetic } from '@mixtape/catalog';
import { create, insertMultiple, search as oramaSearch } from '@orama/orama';
import FlexSearch from 'flexsearch';
import MiniSearch from 'minisearch';
import { buildSearchIndex, misspell } from '../src/index';
import { fieldWords } from '../src/inverted-index';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  const value = at >= 0 ? Number(args[at + 1]) : Number.NaN;
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const trackCount = option('tracks', 50_000);
const queryCount = option('queries', 500);

const { store } = generateSynthetic({ seed: 1, tracks: trackCount, users: 100, interactions: 10_000 });
let started = performance.now();
const engine = buildSearchIndex(store, { content: false });
const oursBuild = performance.now() - started;
const entities = engine.entities;
const genreTexts = store.columns.genreNames.map(() => '');
type Doc = {
  id: number;
  name: string;
  artists: string;
  album: string;
  prior: number;
};
const docs: Doc[] = [];
for (let code = 0; code < entities.size; code++) {
  const [name, artists, album] = fieldWords(entities, code, genreTexts);
  docs.push({ id: code, name, artists, album, prior: entities.prior[code]! });
}

// queries and the codes that count as the right answer
const random = new Random(7);
const queries: { text: string; accept: (code: number) => boolean }[] = [];
const identity = (code: number) => (code < entities.trackCount ? `${entities.names[code]}\u0000${store.trackPrimaryArtist[code]}` : `${code}`);
for (let i = 0; i < queryCount; i++) {
  const track = random.int(store.trackCount);
  const title = entities.names[track]!;
  const artist = entities.primaryArtistName(track);
  const kind = i % 4;
  if (kind === 3) {
    const artistCode = entities.artistCode(store.trackPrimaryArtist[track]!);
    queries.push({ text: artist, accept: (code) => code === artistCode });
    continue;
  }
  let text = kind === 0 ? title : `${title} ${artist}`;
  if (kind === 2) {
    const words = text.split(' ');
    const eligible = words.map((word, at) => (word.length >= 5 ? at : -1)).filter((at) => at >= 0);
    if (eligible.length > 0) {
      const at = eligible[random.int(eligible.length)]!;
      words[at] = misspell(words[at]!, () => random.next());
    }
    text = words.join(' ');
  }
  const target = identity(track);
  queries.push({ text, accept: (code) => identity(code) === target });
}

interface Row {
  library: string;
  build: number;
  heap: number;
  p50: number;
  p99: number;
  mrr: number;
}
const rows: Row[] = [];
const heapNow = () => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};

async function measure(library: string, build: number, heap: number, run: (text: string) => Promise<number[]> | number[]): Promise<void> {
  for (const query of queries.slice(0, 50)) await run(query.text); // warm up
  const times: number[] = [];
  let reciprocal = 0;
  for (const query of queries) {
    const t0 = performance.now();
    const codes = await run(query.text);
    times.push(performance.now() - t0);
    const rank = codes.slice(0, 10).findIndex(query.accept);
    if (rank >= 0) reciprocal += 1 / (rank + 1);
  }
  times.sort((a, b) => a - b);
  const row = { library, build, heap, p50: times[Math.floor(times.length * 0.5)]!, p99: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!, mrr: reciprocal / queries.length };
  rows.push(row);
  // each row as soon as it is measured (a slow library must not cost the others' figures)
  console.error(`${formatRow(row)}  (load average ${os.loadavg()[0]!.toFixed(1)})`);
}

const codeOf = (hit: { id: string }) => {
  const { type, id } = hit as { type: string; id: string };
  if (type === 'track') return store.trackIndex(id);
  if (type === 'artist') return entities.artistCode(store.artistIndex(id));
  return entities.albumCode(store.albumIndex(id));
};
await measure('typed-array index (this package, whole engine)', oursBuild, Number.NaN, (text) => engine.search(text, { limit: 10 }).results.map(codeOf));

let heap = heapNow();
started = performance.now();
const mini = new MiniSearch<Doc>({ fields: ['name', 'artists', 'album'], idField: 'id', storeFields: [], tokenize: (text) => (text === '' ? [] : text.split(' ')) });
mini.addAll(docs);
const miniBuild = performance.now() - started;
await measure('MiniSearch 7 (BM25+, fuzzy 0.2, prefix, boosts)', miniBuild, heapNow() - heap, (text) =>
  mini
    .search(text, { boost: { name: 3, artists: 2, album: 1 }, fuzzy: 0.2, prefix: true, combineWith: 'OR', boostDocument: (id) => 1 + 0.3 * entities.prior[id as number]! })
    .slice(0, 10)
    .map((result) => result.id as number),
);

heap = heapNow();
started = performance.now();
const flex = new FlexSearch.Document({ document: { id: 'id', index: ['name', 'artists', 'album'] }, tokenize: 'forward' });
for (const doc of docs) flex.add({ ...doc });
const flexBuild = performance.now() - started;
await measure('FlexSearch 0.8 (forward tokenizer, suggest)', flexBuild, heapNow() - heap, (text) => {
  const results = flex.search(text, { limit: 10, merge: true, suggest: true }) as unknown as { id: number }[];
  return results.map((result) => Number(result.id));
});

heap = heapNow();
started = performance.now();
const orama = create({ schema: { code: 'number', name: 'string', artists: 'string', album: 'string' } as const });
await insertMultiple(orama, docs.map((doc) => ({ code: doc.id, name: doc.name, artists: doc.artists, album: doc.album })), 5000);
const oramaBuild = performance.now() - started;
await measure('Orama 3 (BM25, tolerance 1, boosts)', oramaBuild, heapNow() - heap, async (text) => {
  const result = await oramaSearch(orama, { term: text, properties: ['name', 'artists', 'album'], boost: { name: 3, artists: 2, album: 1 }, tolerance: 1, limit: 10 });
  return result.hits.map((hit) => (hit.document as { code: number }).code);
});

const [load1] = os.loadavg();
console.log(`\n${trackCount.toLocaleString('en-US')} tracks (${docs.length.toLocaleString('en-US')} documents), ${queries.length} queries; load average ${load1!.toFixed(1)} at the end`);
console.log('| library | build | heap after build | query p50 / p99 (wall) | known-item MRR@10 |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(formatRow(row));

function formatRow(row: Row): string {
  const heapText = Number.isNaN(row.heap) ? 'n/a (engine)' : `${(row.heap / 2 ** 20).toFixed(0)} MiB`;
  return `| ${row.library} | ${(row.build / 1000).toFixed(2)} s | ${heapText} | ${row.p50.toFixed(2)} / ${row.p99.toFixed(2)} ms | ${row.mrr.toFixed(3)} |`;
}
