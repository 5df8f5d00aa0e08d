// Semantic search learned from playlists, measured as "playlist name → its tracks" on held-out
// TidyTuesday playlists (read in place from ../shared/data): Recall@50 and NDCG@10 of
//   lexical only (the search engine without dense retrieval), the current engine (lexical + the
//   lexicon's descriptive reading over content vectors), the learned text → track model
//   (regression and two-tower, both in the content-vector space), and lexical + learned fused.
// Playlists are split by a seeded shuffle: 70 % train, 10 % validation (the method and the
// fusion are chosen there), 20 % test (reported; never used for choices).
// Run: pnpm --filter @mixtape/eval eval:semantic-search [-- --seed 7]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Random } from '@mixtape/base';
import { importTidyTuesday } from '@mixtape/catalog';
import { createContentEncoder, encodeCatalogContent, fitCatalogFeatureStats } from '@mixtape/embeddings';
import { buildSearchIndex, topItems, trainSemanticModel, type SemanticModel, type SemanticPlaylist } from '@mixtape/search-index';
import { ndcgAtK, recallAtK } from '../src/index';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '7' } } });
const seed = Number(values.seed);
const csv = fileURLToPath(new URL('../../../../shared/data/tidytuesday-spotify-songs/spotify_songs.csv', import.meta.url));
const { store, interactions, extras } = await importTidyTuesday(csv);
const names = extras['user.names'] as string[];
const playlists: (SemanticPlaylist & { id: number })[] = [];
for (let user = 0; user < interactions.userCount; user++) {
  const { start, end } = interactions.rowsOfUser(user);
  const items = [...new Set(interactions.columns.track.subarray(start, end))];
  if (items.length > 0 && names[user]) playlists.push({ id: user, name: names[user]!, items });
}
const order = new Random(seed).shuffle(playlists.map((_, i) => i));
const trainEnd = Math.floor(order.length * 0.7);
const validationEnd = Math.floor(order.length * 0.8);
const train = order.slice(0, trainEnd).map((i) => playlists[i]!);
const validation = order.slice(trainEnd, validationEnd).map((i) => playlists[i]!);
const test = order.slice(validationEnd).map((i) => playlists[i]!);
console.log(`TidyTuesday: ${store.trackCount} tracks, ${playlists.length} named playlists → train ${train.length} / validation ${validation.length} / test ${test.length} (seed ${seed})`);

const encoder = createContentEncoder({ stats: fitCatalogFeatureStats(store) });
const itemVectors = encodeCatalogContent(encoder, store);
const dim = encoder.dim;
const lexicalEngine = buildSearchIndex(store, { content: false });
const hybridEngine = buildSearchIndex(store, { content: 'build' });

type Ranker = (name: string) => Int32Array;
const fromHits = (hits: { id: string }[]): Int32Array => Int32Array.from(hits.map((hit) => store.trackIndex(hit.id)));
const lexical: Ranker = (name) => fromHits(lexicalEngine.search(name, { types: ['track'], limit: 50 }).results);
const current: Ranker = (name) => fromHits(hybridEngine.search(name, { types: ['track'], limit: 50 }).results);
const learned = (model: SemanticModel): Ranker => (name) => {
  const encoded = model.encode(name);
  return encoded ? topItems(encoded.vector, itemVectors, dim, 50) : new Int32Array(0);
};
/** reciprocal rank fusion of two lists (k = 60), the second weighted by `weight` */
const fused = (first: Ranker, second: Ranker, weight: number): Ranker => (name) => {
  const scores = new Map<number, number>();
  first(name).forEach((item, rank) => scores.set(item, (scores.get(item) ?? 0) + 1 / (61 + rank)));
  second(name).forEach((item, rank) => scores.set(item, (scores.get(item) ?? 0) + weight / (61 + rank)));
  return Int32Array.from([...scores.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 50).map(([item]) => item));
};

function evaluate(ranker: Ranker, split: SemanticPlaylist[]): { recall: number; ndcg: number } {
  let recall = 0;
  let ndcg = 0;
  for (const playlist of split) {
    const relevant = new Set(Array.from(playlist.items));
    const ranked = ranker(playlist.name);
    recall += recallAtK(ranked, relevant, 50);
    ndcg += ndcgAtK(ranked, relevant, 10);
  }
  return { recall: recall / split.length, ndcg: ndcg / split.length };
}

const started = performance.now();
const models = {
  regression: trainSemanticModel(train, itemVectors, dim, { method: 'regression', seed }),
  'two-tower': trainSemanticModel(train, itemVectors, dim, { method: 'two-tower', seed }),
};
console.log(`trained both models in ${((performance.now() - started) / 1000).toFixed(1)} s (${models.regression.vocabulary.length} features)`);
// choices on validation: the method, then the fusion weight of the learned list
let best: keyof typeof models = 'regression';
for (const method of Object.keys(models) as (keyof typeof models)[]) {
  const score = evaluate(learned(models[method]), validation).recall;
  console.log(`validation Recall@50 ${method}: ${score.toFixed(4)}`);
  if (score > evaluate(learned(models[best]), validation).recall) best = method;
}
let bestWeight = 1;
let bestFused = -1;
for (const weight of [0.5, 1, 2, 4]) {
  const score = evaluate(fused(lexical, learned(models[best]), weight), validation).recall;
  if (score > bestFused) {
    bestFused = score;
    bestWeight = weight;
  }
}
console.log(`validation choice: ${best}, fusion weight ${bestWeight}`);

const learnedEngine = buildSearchIndex(store, { content: 'build', semantic: models[best] });
const engineWithLearned: Ranker = (name) => fromHits(learnedEngine.search(name, { types: ['track'], limit: 50 }).results);
const rows: [string, Ranker][] = [
  ['lexical only', lexical],
  ['current engine (lexical + lexicon dense)', current],
  ['learned: regression', learned(models.regression)],
  ['learned: two-tower', learned(models['two-tower'])],
  [`lexical + learned (${best}, RRF weight ${bestWeight})`, fused(lexical, learned(models[best]), bestWeight)],
  [`engine with the learned model (${best}): lexical + lexicon dense + learned`, engineWithLearned],
];
const baseline = evaluate(lexical, test);
console.log(`\nheld-out test playlists: ${test.length}; load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')}`);
console.log('| ranker | Recall@50 | NDCG@10 | Recall@50 vs lexical |');
console.log('| --- | ---: | ---: | ---: |');
for (const [label, ranker] of rows) {
  const { recall, ndcg } = evaluate(ranker, test);
  const change = baseline.recall > 0 ? `${(((recall - baseline.recall) / baseline.recall) * 100).toFixed(0)} %` : 'n/a';
  console.log(`| ${label} | ${recall.toFixed(4)} | ${ndcg.toFixed(4)} | ${change} |`);
}
const examples = ['trip hop', 'sad girl autumn', 'workout', 'chill vibes', 'rainy day'];
for (const text of examples) {
  const encoded = models[best].encode(text);
  const top = encoded ? Array.from(topItems(encoded.vector, itemVectors, dim, 3), (t) => `${store.trackTitle(t)} — ${store.artistName(store.trackPrimaryArtist[t]!)}`) : [];
  console.log(`"${text}": ${encoded ? `knows ${encoded.known.join(', ')} → ${top.join(' | ')}` : 'no known words'}`);
}
