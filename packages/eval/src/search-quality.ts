// Search quality suite (Search's known-item and descriptive checks; beside the other offline
// suites in eval so a quality gate never ships in the search package): known-item queries generated from the catalog itself (deterministic by
// seed) scored with MRR@k and Recall@k per category, plus descriptive queries whose results
// must satisfy the constraints they state.
//
// "The right thing" is the target's recording. Catalogs such as TidyTuesday hold the same
// recording several times (one row per playlist album/compilation) and the engine returns one
// result per recording (its most popular id, the other ids as `alternates`): a result counts as
// correct when it is the target, lists the target among its alternates, or has the same
// normalized title AND the same normalized primary-artist name — a listener cannot tell those
// apart. A same-titled track by another artist (a cover, another song) is wrong. Beside it the
// report prints the strict per-id MRR (only the target's own id counts) and what took rank 1
// when the target did not. Artist-only queries target the artist entity (same normalized name counts).
import { ProgressTracker, Random, WeightedSampler, type ProgressCallback } from '@mixtape/base';
import type { CatalogStore } from '@mixtape/catalog';
import { misspell, type SearchEngine, type SearchHit, type UserAffinity } from '@mixtape/search-index';
import { nameText, nameWords } from '@mixtape/language';

// later categories are appended so the seeded queries of the earlier ones stay what they were
// (one random stream runs through the categories in this order)
export const QUALITY_CATEGORIES = [
  'exact-title',
  'title-artist',
  'typo-1',
  'typo-2',
  'missing-word',
  'artist-only',
  'typeahead',
  'typo-title',
  'lowercase',
  'exact-title-history',
  'exact-title-popular',
  'typeahead-popular',
] as const;
/** Categories whose targets are drawn in proportion to popularity (the others draw tracks uniformly). */
const POPULARITY_DRAWN: ReadonlySet<QualityCategory> = new Set(['exact-title-popular', 'typeahead-popular']);
export type QualityCategory = (typeof QUALITY_CATEGORIES)[number];

const CATEGORY_DESCRIPTIONS: Record<QualityCategory, string> = {
  'exact-title': 'the title as written',
  lowercase: 'the title in lowercase, punctuation removed',
  'title-artist': 'title + primary artist',
  'typo-title': 'the title alone, one edit in one word of 4+ letters',
  'typo-1': 'title + artist, one edit in one word of 4+ letters',
  'typo-2': 'title + artist, one edit in each of two words of 4+ letters',
  'missing-word': 'title (3+ words) with one word left out, + artist',
  'artist-only': 'artist name → the artist entity',
  typeahead: 'suggest() on the first 60% of the title (at least 4 characters)',
  'exact-title-history': "the title as written, by a searcher whose history holds the target's artist among 10 (random weights)",
  'exact-title-popular': 'the title as written; targets drawn in proportion to track popularity (searches follow listening)',
  'typeahead-popular': 'suggest() on the first 60% of the title; targets drawn in proportion to track popularity',
};
/** Artists in the history of an exact-title-history searcher (the target's and others drawn like targets). */
const HISTORY_ARTISTS = 10;

export interface QualitySuiteOptions {
  /** default 7 */
  seed?: number;
  /** targets per category (default 300; fewer when the catalog has fewer eligible items) */
  queriesPerCategory?: number;
  /** cutoff for MRR@k and Recall@k (default 10) */
  k?: number;
  categories?: readonly QualityCategory[];
  /** run the descriptive constraint checks (default true) */
  descriptive?: boolean;
  onProgress?: ProgressCallback;
  /** called with every known-item query, its rank of the right recording (-1: not in the top k) and the results (for inspection) */
  onQuery?: (event: { category: QualityCategory; query: string; target: string; rank: number; results: readonly SearchHit[] }) => void;
}

export interface QualityCategoryRow {
  category: QualityCategory;
  description: string;
  queries: number;
  /** MRR@k judged on the recording (the target, an alternate id of it, or the same title + primary artist) */
  mrr: number;
  /** MRR@k judged on the target's own id only (the strict rule: another row of the same recording is a miss) */
  mrrById: number;
  recall: number;
  /** why the target was not first: what took rank 1 instead (see MissAnatomy) */
  anatomy: MissAnatomy;
  /** a few misses for inspection: query, target, what came first */
  misses: { query: string; target: string; top: string | undefined }[];
}

/**
 * What stands between a known-item query and rank 1. `sharedTitle` counts targets whose
 * normalized title is also the title of another recording (another primary artist) — those the
 * title alone cannot single out; `duplicated` counts targets whose recording has several catalog
 * rows (ids). The `lostTo*` counts classify rank 1 when it is not the target's recording.
 */
export interface MissAnatomy {
  sharedTitle: number;
  duplicated: number;
  notFirst: number;
  /** a track of the same normalized title by another primary artist */
  lostToSameTitle: number;
  /** … of those, rank 1 was at least as popular as the target's most popular row (a popularity order cannot win them) */
  lostToSameTitleMorePopular: number;
  /** an artist or album named exactly like the target's title */
  lostToSameName: number;
  /** anything else (another title, or nothing) */
  lostToOther: number;
}

export interface DescriptiveCheckResult {
  query: string;
  check: string;
  passed: boolean;
  detail: string;
  /** skipped when the catalog lacks what the check needs (e.g. a genre) */
  skipped: boolean;
}

export interface QualityReport {
  k: number;
  seed: number;
  rows: QualityCategoryRow[];
  descriptive: DescriptiveCheckResult[];
}

interface KnownItemQuery {
  query: string;
  targetCode: number;
  /** accepts a hit as the right thing (the target's recording) */
  isCorrect: (hit: SearchHit) => boolean;
  targetLabel: string;
  /** the searcher's history (exact-title-history) */
  affinity?: UserAffinity;
}

export function runSearchQualitySuite(store: CatalogStore, engine: SearchEngine, options: QualitySuiteOptions = {}): QualityReport {
  const seed = options.seed ?? 7;
  const k = options.k ?? 10;
  const perCategory = options.queriesPerCategory ?? 300;
  const categories = options.categories ?? QUALITY_CATEGORIES;
  const random = uniform(seed);
  const rows: QualityCategoryRow[] = [];
  const progress = new ProgressTracker('search quality', 'queries', perCategory * categories.length, options.onProgress);
  let done = 0;
  const titles = recordingsByTitle(store);
  for (const category of categories) {
    const queries = generateQueries(store, category, perCategory, random);
    let reciprocalSum = 0;
    let reciprocalById = 0;
    let hits = 0;
    const misses: QualityCategoryRow['misses'] = [];
    const anatomy: MissAnatomy = { sharedTitle: 0, duplicated: 0, notFirst: 0, lostToSameTitle: 0, lostToSameTitleMorePopular: 0, lostToSameName: 0, lostToOther: 0 };
    for (const item of queries) {
      const results =
        category === 'typeahead' || category === 'typeahead-popular' ? engine.suggest(item.query, { limit: k }) : engine.search(item.query, { limit: k, affinity: item.affinity }).results;
      const rank = results.findIndex(item.isCorrect);
      const targetId = category === 'artist-only' ? store.artistId(item.targetCode) : store.trackId(item.targetCode);
      const rankById = results.findIndex((hit) => hit.id === targetId && hit.type === (category === 'artist-only' ? 'artist' : 'track'));
      if (rankById >= 0) reciprocalById += 1 / (rankById + 1);
      if (rank >= 0) {
        reciprocalSum += 1 / (rank + 1);
        hits++;
      } else if (misses.length < 5) {
        misses.push({ query: item.query, target: item.targetLabel, top: results[0] ? describeHit(results[0]) : undefined });
      }
      options.onQuery?.({ category, query: item.query, target: item.targetLabel, rank, results });
      if (category !== 'artist-only') classifyMiss(store, titles, item.targetCode, rank, results[0], anatomy);
      progress.update(++done);
    }
    rows.push({
      category,
      description: CATEGORY_DESCRIPTIONS[category],
      queries: queries.length,
      mrr: queries.length > 0 ? reciprocalSum / queries.length : 0,
      mrrById: queries.length > 0 ? reciprocalById / queries.length : 0,
      recall: queries.length > 0 ? hits / queries.length : 0,
      anatomy,
      misses,
    });
  }
  progress.finish(done);
  const descriptive = options.descriptive === false ? [] : runDescriptiveChecks(store, engine, k);
  return { k, seed, rows, descriptive };
}

interface RecordingRows {
  rows: number;
  /** popularity of its most popular row */
  popularity: number;
}

/** Normalized title → primary artist (normalized name) → that recording's catalog rows. */
function recordingsByTitle(store: CatalogStore): Map<string, Map<string, RecordingRows>> {
  const out = new Map<string, Map<string, RecordingRows>>();
  const popularity = store.columns.trackPopularity;
  for (let track = 0; track < store.trackCount; track++) {
    const title = nameText(store.trackTitle(track));
    const artist = nameText(store.artistName(store.trackPrimaryArtist[track]!));
    let artists = out.get(title);
    if (!artists) out.set(title, (artists = new Map()));
    const entry = artists.get(artist);
    if (entry) {
      entry.rows++;
      entry.popularity = Math.max(entry.popularity, popularity[track]!);
    } else artists.set(artist, { rows: 1, popularity: popularity[track]! });
  }
  return out;
}

function classifyMiss(
  store: CatalogStore,
  titles: Map<string, Map<string, RecordingRows>>,
  track: number,
  rank: number,
  top: SearchHit | undefined,
  anatomy: MissAnatomy,
): void {
  const title = nameText(store.trackTitle(track));
  const recordings = titles.get(title);
  const own = recordings?.get(nameText(store.artistName(store.trackPrimaryArtist[track]!)));
  if (recordings && recordings.size > 1) anatomy.sharedTitle++;
  if (own && own.rows > 1) anatomy.duplicated++;
  if (rank === 0) return;
  anatomy.notFirst++;
  if (!top || nameText(top.name) !== title) {
    anatomy.lostToOther++;
    return;
  }
  if (top.type !== 'track') {
    anatomy.lostToSameName++;
    return;
  }
  anatomy.lostToSameTitle++;
  const topTrack = store.trackIndex(top.id);
  if (own && topTrack >= 0 && store.columns.trackPopularity[topTrack]! >= own.popularity) anatomy.lostToSameTitleMorePopular++;
}

function describeHit(hit: SearchHit): string {
  return `${hit.type} "${hit.name}"${hit.artists ? ` by ${hit.artists.map((artist) => artist.name).join(', ')}` : ''}`;
}

function generateQueries(store: CatalogStore, category: QualityCategory, count: number, random: () => number): KnownItemQuery[] {
  const out: KnownItemQuery[] = [];
  if (category === 'artist-only') {
    const artists = sampleIndices(store.artistCount, count, random);
    for (const artist of artists) {
      const name = store.artistName(artist);
      const normalized = nameText(name);
      if (normalized === '') continue;
      out.push({
        query: name,
        targetCode: artist,
        targetLabel: `artist "${name}"`,
        isCorrect: (hit) => hit.type === 'artist' && (hit.id === store.artistId(artist) || nameText(hit.name) === normalized),
      });
    }
    return out;
  }
  // oversample: some tracks are not eligible for a category (too few words, nothing to misspell)
  const draws = Math.min(store.trackCount, count * 4);
  const tracks = POPULARITY_DRAWN.has(category) ? samplePopular(store, draws, random) : sampleIndices(store.trackCount, draws, random);
  for (const track of tracks) {
    if (out.length >= count) break;
    const title = store.trackTitle(track);
    const artist = store.artistName(store.trackPrimaryArtist[track]!);
    const titleWords = nameWords(title);
    const artistWords = nameWords(artist);
    if (titleWords.length === 0) continue;
    let query: string | undefined;
    let affinity: UserAffinity | undefined;
    switch (category) {
      case 'exact-title':
      case 'exact-title-popular':
        query = title;
        break;
      case 'exact-title-history':
        query = title;
        affinity = historyWith(store, track, random);
        break;
      case 'lowercase':
        query = title.toLowerCase().replace(/[^\p{L}\p{N}\s]/gu, '').replace(/\s+/g, ' ').trim();
        if (query === '') query = undefined;
        break;
      case 'title-artist':
        query = `${title} ${artist}`;
        break;
      case 'typo-title': {
        const words = [...titleWords];
        const eligible = words.map((word, i) => (word.length >= 4 && !/\d/.test(word) ? i : -1)).filter((i) => i >= 0);
        if (eligible.length === 0) break;
        const at = eligible[Math.floor(random() * eligible.length)]!;
        words[at] = misspell(words[at]!, random);
        query = words.join(' ');
        break;
      }
      case 'typo-1':
      case 'typo-2': {
        const words = [...titleWords, ...artistWords];
        const eligible = words.map((word, i) => (word.length >= 4 && !/\d/.test(word) ? i : -1)).filter((i) => i >= 0);
        const edits = category === 'typo-1' ? 1 : 2;
        if (eligible.length < edits) break;
        const chosen = shuffle(eligible, random).slice(0, edits);
        for (const i of chosen) words[i] = misspell(words[i]!, random);
        query = words.join(' ');
        break;
      }
      case 'missing-word': {
        if (titleWords.length < 3) break;
        const drop = Math.floor(random() * titleWords.length);
        query = [...titleWords.filter((_, i) => i !== drop), ...artistWords].join(' ');
        break;
      }
      case 'typeahead':
      case 'typeahead-popular': {
        const normalized = titleWords.join(' ');
        const length = Math.max(4, Math.ceil(normalized.length * 0.6));
        if (normalized.length < 4) break;
        query = normalized.slice(0, length).trimEnd();
        break;
      }
    }
    if (query === undefined) continue;
    out.push({ query, targetCode: track, targetLabel: `track "${title}" by ${artist}`, isCorrect: sameRecording(store, track), affinity });
  }
  return out;
}

/**
 * A searcher whose history holds the target's primary artist among HISTORY_ARTISTS artists (the
 * others are primary artists of tracks drawn like targets), each with a random weight in (0, 1],
 * scaled so the top one is 1 — the target's artist is one of their artists, not always the first.
 */
function historyWith(store: CatalogStore, track: number, random: () => number): UserAffinity {
  const artists = new Map<number, number>([[store.trackPrimaryArtist[track]!, 0.05 + 0.95 * random()]]);
  for (let tries = 0; artists.size < HISTORY_ARTISTS && tries < 10 * HISTORY_ARTISTS; tries++) {
    const other = store.trackPrimaryArtist[Math.floor(random() * store.trackCount)]!;
    if (!artists.has(other)) artists.set(other, 0.05 + 0.95 * random());
  }
  const top = Math.max(...artists.values());
  return { artists: [...artists].map(([artist, weight]) => ({ id: store.artistId(artist), weight: weight / top })), genres: [] };
}

/** The target track, a hit listing it among its alternates, or one with the same normalized title and primary artist (a duplicate row). */
function sameRecording(store: CatalogStore, track: number): (hit: SearchHit) => boolean {
  const id = store.trackId(track);
  const title = nameText(store.trackTitle(track));
  const artistName = nameText(store.artistName(store.trackPrimaryArtist[track]!));
  return (hit) => {
    if (hit.type !== 'track') return false;
    if (hit.id === id || hit.alternates?.includes(id)) return true;
    return nameText(hit.name) === title && hit.artists !== undefined && hit.artists.length > 0 && nameText(hit.artists[0]!.name) === artistName;
  };
}

interface DescriptiveCheckSpec {
  query: string;
  years?: [number, number];
  excludeGenres?: string[];
  excludeArtists?: string[];
  /** at least half of the results carry this genre (or subgenre) */
  mostlyGenre?: string;
  /** mean of the feature over the results above / below the catalog mean */
  featureAbove?: 'energy' | 'acousticness' | 'valence' | 'danceability';
  featureBelow?: 'energy' | 'acousticness' | 'valence' | 'danceability';
}

/** Descriptive queries worded for the TidyTuesday catalog (genres pop, rap, rock, latin, r&b, edm). */
export const DESCRIPTIVE_CHECKS: readonly DescriptiveCheckSpec[] = [
  { query: 'sad songs 2000s', years: [2000, 2009], featureBelow: 'valence' },
  { query: '90s rock', years: [1990, 1999], mostlyGenre: 'rock' },
  { query: 'chill acoustic', featureAbove: 'acousticness', featureBelow: 'energy' },
  { query: 'upbeat latin no reggaeton', excludeGenres: ['reggaeton'], mostlyGenre: 'latin', featureAbove: 'energy' },
  { query: 'rap without drake', excludeArtists: ['Drake'], mostlyGenre: 'rap' },
  { query: 'happy dance pop from the 80s', years: [1980, 1989], featureAbove: 'valence' },
];

function runDescriptiveChecks(store: CatalogStore, engine: SearchEngine, k: number): DescriptiveCheckResult[] {
  const out: DescriptiveCheckResult[] = [];
  // Last.fm, scrobbles and MPD slices have no release dates: a year check there is skipped, not "FAIL 0/10 inside"
  const datedCatalog = store.datedTracks > 0;
  for (const spec of DESCRIPTIVE_CHECKS) {
    const hits = engine.search(spec.query, { types: ['track'], limit: k }).results;
    const tracks = hits.map((hit) => store.trackIndex(hit.id));
    const add = (check: string, passed: boolean, detail: string, skipped = false) => out.push({ query: spec.query, check, passed, detail, skipped });
    if (tracks.length === 0) {
      add('returns tracks', false, 'no results');
      continue;
    }
    if (spec.years && !datedCatalog) {
      add(`all released ${spec.years[0]}–${spec.years[1]}`, true, 'catalog has no release years', true);
    } else if (spec.years) {
      const [min, max] = spec.years;
      const inside = tracks.filter((t) => store.trackReleaseYear[t]! >= min && store.trackReleaseYear[t]! <= max).length;
      add(`all released ${min}–${max}`, inside === tracks.length, `${inside}/${tracks.length} inside`);
    }
    for (const genre of spec.excludeGenres ?? []) {
      const index = store.genreIndex(genre);
      if (index < 0) {
        add(`no ${genre}`, true, `catalog has no genre "${genre}"`, true);
        continue;
      }
      const offending = tracks.filter((t) => hasGenre(store, t, index)).length;
      add(`no ${genre}`, offending === 0, `${offending}/${tracks.length} tagged ${genre}`);
    }
    for (const name of spec.excludeArtists ?? []) {
      const folded = nameText(name);
      const offending = tracks.filter((t) => Array.from(store.artistsOfTrack(t)).some((a) => nameText(store.artistName(a)) === folded)).length;
      add(`no ${name}`, offending === 0, `${offending}/${tracks.length} by ${name}`);
    }
    if (spec.mostlyGenre) {
      const index = store.genreIndex(spec.mostlyGenre);
      if (index < 0) add(`mostly ${spec.mostlyGenre}`, true, `catalog has no genre "${spec.mostlyGenre}"`, true);
      else {
        const tagged = tracks.filter((t) => hasGenre(store, t, index)).length;
        add(`mostly ${spec.mostlyGenre}`, tagged * 2 >= tracks.length, `${tagged}/${tracks.length} tagged ${spec.mostlyGenre}`);
      }
    }
    for (const [feature, direction] of [
      [spec.featureAbove, 'above'],
      [spec.featureBelow, 'below'],
    ] as const) {
      if (!feature) continue;
      const column = store.featureColumn(feature);
      const catalogMean = meanOf(column, undefined);
      const resultMean = meanOf(column, tracks);
      const check = `${feature} ${direction} catalog mean`;
      // a catalog without audio features (Last.fm, MPD, scrobbles, a bare events log) cannot be judged: skipped, not "FAIL NaN vs NaN"
      if (Number.isNaN(catalogMean)) add(check, true, `catalog has no ${feature} values`, true);
      else if (Number.isNaN(resultMean)) add(check, false, `none of the ${tracks.length} results has a ${feature} value (catalog mean ${catalogMean.toFixed(2)})`);
      else add(check, direction === 'above' ? resultMean > catalogMean : resultMean < catalogMean, `${resultMean.toFixed(2)} vs ${catalogMean.toFixed(2)}`);
    }
  }
  return out;
}

function hasGenre(store: CatalogStore, track: number, genre: number): boolean {
  const { genres, subgenres } = store.genresOfTrack(track);
  return genres.includes(genre) || subgenres.includes(genre);
}

function meanOf(column: Float32Array, indices: readonly number[] | undefined): number {
  let sum = 0;
  let count = 0;
  const visit = (value: number) => {
    if (Number.isFinite(value)) {
      sum += value;
      count++;
    }
  };
  if (indices) for (const i of indices) visit(column[i]!);
  else for (let i = 0; i < column.length; i++) visit(column[i]!);
  return count > 0 ? sum / count : Number.NaN;
}

/** The report as markdown: the per-category table, then the descriptive checks. */
export function formatQualityReport(report: QualityReport): string {
  const lines = [
    `| category | queries | MRR@${report.k} (recording) | MRR@${report.k} (track id) | Recall@${report.k} | query form |`,
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...report.rows.map(
      (row) => `| ${row.category} | ${row.queries} | ${row.mrr.toFixed(3)} | ${row.mrrById.toFixed(3)} | ${row.recall.toFixed(3)} | ${row.description} |`,
    ),
    '',
    '| category | title shared with another recording | recording has several ids | not first | first was: same title, other artist (of which at least as popular) | an artist/album of that name | another name or nothing |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.rows
      .filter((row) => row.category !== 'artist-only')
      .map(
        ({ category, anatomy: a }) =>
          `| ${category} | ${a.sharedTitle} | ${a.duplicated} | ${a.notFirst} | ${a.lostToSameTitle} (${a.lostToSameTitleMorePopular}) | ${a.lostToSameName} | ${a.lostToOther} |`,
      ),
  ];
  if (report.descriptive.length > 0) {
    lines.push('', '| descriptive query | check | result | detail |', '| --- | --- | --- | --- |');
    for (const check of report.descriptive) {
      lines.push(`| ${check.query} | ${check.check} | ${check.skipped ? 'skipped' : check.passed ? 'pass' : 'FAIL'} | ${check.detail} |`);
    }
  }
  return lines.join('\n');
}

function sampleIndices(total: number, count: number, random: () => number): number[] {
  if (count >= total) return shuffle(Array.from({ length: total }, (_, i) => i), random);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(random() * total));
  return [...chosen];
}

/**
 * Distinct track indices drawn with probability proportional to popularity (0–100; tracks at 0
 * are never drawn), without replacement: real search logs follow listening, so popular tracks are
 * searched for more often. Popularity is the catalog's own score (TidyTuesday: Spotify's).
 */
function samplePopular(store: CatalogStore, count: number, random: () => number): number[] {
  const sampler = new WeightedSampler(store.columns.trackPopularity);
  const source = { next: random };
  const chosen = new Set<number>();
  const wanted = Math.min(count, sampler.drawable);
  while (chosen.size < wanted) chosen.add(sampler.sample(source));
  return [...chosen];
}

function shuffle<T>(values: T[], random: () => number): T[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Uniform draws in [0, 1) from the seeded stream these queries were always generated with. */
function uniform(seed: number): () => number {
  const random = new Random(seed, 'mulberry32');
  return () => random.next();
}
