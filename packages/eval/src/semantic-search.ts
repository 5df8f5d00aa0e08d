// Semantic search learned from playlists, measured as "playlist name → its tracks" on held-out
// playlist names of any catalog whose interactions are playlists with names (TidyTuesday, the
// Kaggle 2024 file, MPD slices): Recall@50 and NDCG@10 of
//   lexical only (the search engine without dense retrieval), the current engine (lexical + the
//   lexicon's descriptive reading over content vectors), the learned text → track model
//   (regression and two-tower, both in the content-vector space), and lexical + learned fused.
// Playlists sharing a name (after folding case, accents and punctuation) are one playlist — their
// tracks merged — so a held-out name was never seen in training. Names are split by a seeded
// shuffle: 70 % train, 10 % validation (the method and the fusion weight are chosen there),
// 20 % test (reported; never used for choices).
import { Random } from '@mixtape/base';
import type { CatalogStore, InteractionLog } from '@mixtape/catalog';
import type { VectorIndex, ContentEncoder } from '@mixtape/embeddings';
import { nameText } from '@mixtape/language';
import { buildSearchIndex, topItems, trainSemanticModel, type SemanticModel, type SemanticPlaylist } from '@mixtape/search-index';
import { ndcgAtK, recallAtK } from './metrics';

/** Fewer named playlists than this cannot give a train, validation and test split worth reading. */
const MIN_PLAYLISTS = 20;
const METHODS = ['regression', 'two-tower'] as const;
const FUSION_WEIGHTS = [0.5, 1, 2, 4];

export interface NamedPlaylist extends SemanticPlaylist {
  /** the name as first seen (display) */
  name: string;
  /** distinct track indices */
  items: Int32Array;
}

/**
 * One playlist per distinct folded name (their tracks merged, first-seen order) from a log whose
 * users are playlists (`names[user]`, e.g. the importers' extras "user.names"). Users without a
 * name or without tracks are left out.
 */
export function playlistsByName(interactions: InteractionLog, names: readonly (string | undefined)[]): NamedPlaylist[] {
  const byName = new Map<string, { name: string; items: Set<number> }>();
  for (let user = 0; user < interactions.userCount; user++) {
    const name = names[user];
    const key = name === undefined ? '' : nameText(name);
    if (key === '') continue;
    const { start, end } = interactions.rowsOfUser(user);
    if (end <= start) continue;
    let entry = byName.get(key);
    if (!entry) byName.set(key, (entry = { name: name!.trim(), items: new Set() }));
    for (const track of interactions.columns.track.subarray(start, end)) entry.items.add(track);
  }
  return [...byName.values()].map(({ name, items }) => ({ name, items: Int32Array.from(items) }));
}

export interface SemanticSearchContent {
  encoder: ContentEncoder;
  /** the catalog's content vectors, one row per track (encoder.dim wide) */
  vectors: Float32Array;
  /** a FAISS index over them (ids = track ids) for the engines' dense side */
  index: VectorIndex;
}

export interface SemanticSearchOptions {
  /** split and training seed (default 7) */
  seed?: number;
  /** progress lines */
  log?: (line: string) => void;
  /** the names the table is measured on: 'test' (default, reported) or 'validation' (for design choices made outside this function) */
  rowsOn?: 'test' | 'validation';
}

export interface SemanticSearchRow {
  ranker: string;
  recall50: number;
  ndcg10: number;
  /** relative change of Recall@50 against lexical only (NaN when lexical found nothing) */
  recallChange: number;
}

export interface SemanticSearchReport {
  seed: number;
  playlists: number;
  train: number;
  validation: number;
  test: number;
  /** features (words and phrases) the chosen model knows */
  features: number;
  method: (typeof METHODS)[number];
  fusionWeight: number;
  validationRecall: Record<(typeof METHODS)[number], number>;
  /** on the held-out test names (validation names when asked: `rowsOn`) */
  rows: SemanticSearchRow[];
  rowsOn: 'test' | 'validation';
  /** the chosen model, trained on the train names (for examples) */
  model: SemanticModel;
}

type Ranker = (name: string) => Int32Array;

export function runSemanticSearchEval(
  store: CatalogStore,
  playlists: readonly NamedPlaylist[],
  content: SemanticSearchContent,
  options: SemanticSearchOptions = {},
): SemanticSearchReport {
  const seed = options.seed ?? 7;
  const log = options.log ?? (() => {});
  if (playlists.length < MIN_PLAYLISTS)
    throw new Error(`semantic search eval: ${playlists.length} named playlists; at least ${MIN_PLAYLISTS} distinct names are needed for train / validation / test`);
  const order = new Random(seed).shuffle(playlists.map((_, i) => i));
  const trainEnd = Math.floor(order.length * 0.7);
  const validationEnd = Math.floor(order.length * 0.8);
  const train = order.slice(0, trainEnd).map((i) => playlists[i]!);
  const validation = order.slice(trainEnd, validationEnd).map((i) => playlists[i]!);
  const test = order.slice(validationEnd).map((i) => playlists[i]!);
  log(`${playlists.length} named playlists → train ${train.length} / validation ${validation.length} / test ${test.length} (seed ${seed})`);

  const { encoder, vectors, index } = content;
  const dim = encoder.dim;
  const lexicalEngine = buildSearchIndex(store, { content: false });
  const hybridEngine = buildSearchIndex(store, { content: { index, encoder } });
  const fromHits = (hits: { id: string }[]): Int32Array => Int32Array.from(hits.map((hit) => store.trackIndex(hit.id)));
  const lexical: Ranker = (name) => fromHits(lexicalEngine.search(name, { types: ['track'], limit: 50 }).results);
  const current: Ranker = (name) => fromHits(hybridEngine.search(name, { types: ['track'], limit: 50 }).results);
  const learned =
    (model: SemanticModel): Ranker =>
    (name) => {
      const encoded = model.encode(name);
      return encoded ? topItems(encoded.vector, vectors, dim, 50) : new Int32Array(0);
    };

  const started = performance.now();
  const models = Object.fromEntries(METHODS.map((method) => [method, trainSemanticModel(train, vectors, dim, { method, seed })])) as Record<(typeof METHODS)[number], SemanticModel>;
  log(`trained ${METHODS.join(' and ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // choices on validation: the method (first wins ties), then the fusion weight of the learned list
  const validationRecall = Object.fromEntries(METHODS.map((method) => [method, evaluate(learned(models[method]), validation).recall])) as Record<
    (typeof METHODS)[number],
    number
  >;
  let method: (typeof METHODS)[number] = METHODS[0];
  for (const candidate of METHODS) if (validationRecall[candidate] > validationRecall[method]) method = candidate;
  let fusionWeight = FUSION_WEIGHTS[0]!;
  let bestFused = -1;
  for (const weight of FUSION_WEIGHTS) {
    const score = evaluate(fused(lexical, learned(models[method]), weight), validation).recall;
    if (score > bestFused) {
      bestFused = score;
      fusionWeight = weight;
    }
  }
  log(`validation choice: ${method}, fusion weight ${fusionWeight}`);

  const learnedEngine = buildSearchIndex(store, { content: { index, encoder }, semantic: models[method] });
  const engineWithLearned: Ranker = (name) => fromHits(learnedEngine.search(name, { types: ['track'], limit: 50 }).results);
  const rankers: [string, Ranker][] = [
    ['lexical only', lexical],
    ['current engine (lexical + lexicon dense)', current],
    ['learned: regression', learned(models.regression)],
    ['learned: two-tower', learned(models['two-tower'])],
    [`lexical + learned (${method}, RRF weight ${fusionWeight})`, fused(lexical, learned(models[method]), fusionWeight)],
    [`engine with the learned model (${method}): lexical + lexicon dense + learned`, engineWithLearned],
  ];
  const measured = options.rowsOn === 'validation' ? validation : test;
  const baseline = evaluate(lexical, measured).recall;
  const rows = rankers.map(([ranker, rank]) => {
    const { recall, ndcg } = evaluate(rank, measured);
    return { ranker, recall50: recall, ndcg10: ndcg, recallChange: baseline > 0 ? (recall - baseline) / baseline : Number.NaN };
  });
  return {
    seed,
    playlists: playlists.length,
    train: train.length,
    validation: validation.length,
    test: test.length,
    features: models[method].vocabulary.length,
    method,
    fusionWeight,
    validationRecall,
    rows,
    rowsOn: options.rowsOn ?? 'test',
    model: models[method],
  };
}

function evaluate(ranker: Ranker, split: readonly SemanticPlaylist[]): { recall: number; ndcg: number } {
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

/** Reciprocal rank fusion of two lists (k = 60), the second weighted by `weight`. */
function fused(first: Ranker, second: Ranker, weight: number): Ranker {
  return (name) => {
    const scores = new Map<number, number>();
    first(name).forEach((item, rank) => scores.set(item, (scores.get(item) ?? 0) + 1 / (61 + rank)));
    second(name).forEach((item, rank) => scores.set(item, (scores.get(item) ?? 0) + weight / (61 + rank)));
    return Int32Array.from(
      [...scores.entries()]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, 50)
        .map(([item]) => item),
    );
  };
}

/** The test-split table as markdown (with the split and the validation choices above it). */
export function formatSemanticSearchReport(report: SemanticSearchReport): string {
  const percent = (change: number): string => (Number.isNaN(change) ? 'n/a' : `${change >= 0 ? '+' : ''}${(change * 100).toFixed(0)} %`);
  return [
    `${report.playlists} distinct playlist names → train ${report.train} / validation ${report.validation} / test ${report.test} (seed ${report.seed}); ` +
      `validation Recall@50: ${METHODS.map((method) => `${method} ${report.validationRecall[method].toFixed(4)}`).join(', ')} → ${report.method}, ` +
      `RRF weight ${report.fusionWeight}; the model knows ${report.features} words/phrases`,
    '',
    `| ranker (held-out ${report.rowsOn} names) | Recall@50 | NDCG@10 | Recall@50 vs lexical |`,
    '| --- | ---: | ---: | ---: |',
    ...report.rows.map((row) => `| ${row.ranker} | ${row.recall50.toFixed(4)} | ${row.ndcg10.toFixed(4)} | ${percent(row.recallChange)} |`),
  ].join('\n');
}
