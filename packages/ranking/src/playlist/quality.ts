// The prompt quality suite: prompts over the TidyTuesday catalog, each with machine-checkable
// constraints written from what the prompt asks for (not from the plan the planner produced), so
// a misread prompt fails. Every playlist also gets the structural checks (no duplicates, artist
// spacing, requested length, every track in the catalog). Reported as satisfaction rates.
import { performance } from 'node:perf_hooks';
import { buildCatalogLexicon, spacedKey } from '@mixtape/language';
import type { PlanFeature, PlanProvider } from '@mixtape/llm';
import { createOfflinePlanner } from '@mixtape/llm';
import type { PlaylistContext, PlaylistEngine } from './context';
import { createPlaylistEngine } from './context';
import type { Fulfilment, StageCosts } from './fulfil';
import { fulfilPlan } from './fulfil';
import { minimumArtistGap } from './sequence';

export type PromptCategory = 'genre' | 'era' | 'mood' | 'activity' | 'tempo' | 'exclusion' | 'seed' | 'length' | 'mixed';

/** A constraint on the resulting playlist; `share` = fraction of tracks that must satisfy it. */
export type PromptCheck =
  | { kind: 'genreShare'; genres: string[]; share: number }
  | { kind: 'yearShare'; min: number; max: number; share: number }
  | { kind: 'featureShare'; feature: PlanFeature; min?: number; max?: number; share: number }
  | { kind: 'excludeArtists'; artists: string[] }
  | { kind: 'excludeGenres'; genres: string[] }
  | { kind: 'artistShare'; artists: string[]; min: number; max?: number }
  | { kind: 'trackCount'; count: number }
  | { kind: 'durationMinutes'; min: number; max: number };

export interface QualityPrompt {
  prompt: string;
  category: PromptCategory;
  checks: PromptCheck[];
  /** the prompt restricts artists ("by Queen"): artist spacing cannot apply */
  restrictsArtists?: boolean;
  length?: number;
}

const f = (feature: PlanFeature, range: { min?: number; max?: number }, share = 0.8): PromptCheck => ({ kind: 'featureShare', feature, ...range, share });
const g = (genres: string[], share = 0.8): PromptCheck => ({ kind: 'genreShare', genres, share });
const y = (min: number, max: number, share = 0.9): PromptCheck => ({ kind: 'yearShare', min, max, share });

/** ≥ 40 prompts over TidyTuesday's 6 genres and 24 subgenres. */
export const TIDYTUESDAY_QUALITY_PROMPTS: readonly QualityPrompt[] = [
  // genre
  { category: 'genre', prompt: 'latin pop hits', checks: [g(['latin pop'])] },
  { category: 'genre', prompt: 'classic rock', checks: [g(['rock'], 0.9), g(['classic rock'], 0.5)] },
  { category: 'genre', prompt: 'edm bangers', checks: [g(['edm'], 0.9)] },
  { category: 'genre', prompt: 'neo soul', checks: [g(['neo soul', 'r&b'], 0.9)] },
  { category: 'genre', prompt: 'trap music', checks: [g(['trap', 'rap'], 0.9)] },
  { category: 'genre', prompt: 'new jack swing', checks: [g(['new jack swing', 'r&b'], 0.9)] },
  { category: 'genre', prompt: 'reggaeton', checks: [g(['reggaeton', 'latin'], 0.9)] },
  { category: 'genre', prompt: 'hard rock', checks: [g(['hard rock', 'rock'], 0.9)] },
  { category: 'genre', prompt: 'indie poptimism', checks: [g(['indie poptimism', 'pop'], 0.9)] },
  { category: 'genre', prompt: 'gangster rap', checks: [g(['gangster rap', 'rap'], 0.9)] },
  // era
  { category: 'era', prompt: '80s rock', checks: [g(['rock'], 0.9), y(1980, 1989)] },
  { category: 'era', prompt: '90s hip hop', checks: [g(['hip hop', 'rap'], 0.9), y(1990, 1999)] },
  { category: 'era', prompt: '2000s pop', checks: [g(['pop'], 0.9), y(2000, 2009)] },
  { category: 'era', prompt: 'pop songs from 2019', checks: [g(['pop'], 0.9), y(2019, 2019)] },
  { category: 'era', prompt: '70s classic rock', checks: [g(['rock'], 0.9), y(1970, 1979)] },
  { category: 'era', prompt: 'r&b from the 2010s', checks: [g(['r&b'], 0.9), y(2010, 2019)] },
  { category: 'era', prompt: 'songs from before 1985', checks: [y(1900, 1984)] },
  { category: 'era', prompt: 'latin music since 2015', checks: [g(['latin'], 0.9), y(2015, 2100)] },
  // mood
  { category: 'mood', prompt: 'sad songs', checks: [f('valence', { max: 0.4 })] },
  { category: 'mood', prompt: 'happy upbeat pop', checks: [g(['pop'], 0.9), f('valence', { min: 0.5 }), f('energy', { min: 0.6 })] },
  { category: 'mood', prompt: 'chill r&b', checks: [g(['r&b'], 0.9), f('energy', { max: 0.65 })] },
  { category: 'mood', prompt: 'rainy-day 90s trip-hop for reading', checks: [y(1990, 1999), f('energy', { max: 0.55 }), f('valence', { max: 0.55 })] },
  { category: 'mood', prompt: 'angry hard rock', checks: [g(['rock'], 0.9), f('energy', { min: 0.7 })] },
  { category: 'mood', prompt: 'mellow acoustic songs', checks: [f('energy', { max: 0.6 }), f('acousticness', { min: 0.3 }, 0.7)] },
  { category: 'mood', prompt: 'dark moody edm', checks: [g(['edm'], 0.9), f('valence', { max: 0.45 })] },
  { category: 'mood', prompt: 'feel-good latin', checks: [g(['latin'], 0.9), f('valence', { min: 0.5 })] },
  // activity
  { category: 'activity', prompt: 'upbeat latin for a run, no reggaeton', checks: [g(['latin'], 0.9), { kind: 'excludeGenres', genres: ['reggaeton'] }, f('energy', { min: 0.6 }), f('tempo', { min: 115 }, 0.7)] },
  { category: 'activity', prompt: 'focus music for studying', checks: [f('speechiness', { max: 0.15 }), f('energy', { max: 0.7 })] },
  { category: 'activity', prompt: 'workout rap', checks: [g(['rap'], 0.9), f('energy', { min: 0.6 })] },
  { category: 'activity', prompt: 'dance pop for a party', checks: [g(['dance pop', 'pop'], 0.9), f('danceability', { min: 0.6 })] },
  { category: 'activity', prompt: 'music to fall asleep to', checks: [f('energy', { max: 0.5 })] },
  { category: 'activity', prompt: 'r&b for a dinner party', checks: [g(['r&b'], 0.9), f('energy', { max: 0.75 })] },
  // tempo
  { category: 'tempo', prompt: 'rock songs over 140 bpm', checks: [g(['rock'], 0.9), f('tempo', { min: 140 }, 0.9)] },
  { category: 'tempo', prompt: 'slow jams under 90 bpm', checks: [f('tempo', { max: 90 }, 0.9)] },
  { category: 'tempo', prompt: 'edm at 128 bpm', checks: [g(['edm'], 0.9), f('tempo', { min: 120, max: 136 })] },
  { category: 'tempo', prompt: 'fast pop songs', checks: [g(['pop'], 0.9), f('tempo', { min: 120 })] },
  // exclusion
  { category: 'exclusion', prompt: 'rap without Drake', checks: [g(['rap'], 0.9), { kind: 'excludeArtists', artists: ['Drake'] }] },
  { category: 'exclusion', prompt: 'pop, no Taylor Swift and no Ed Sheeran', checks: [g(['pop'], 0.9), { kind: 'excludeArtists', artists: ['Taylor Swift', 'Ed Sheeran'] }] },
  { category: 'exclusion', prompt: 'latin but no reggaeton', checks: [g(['latin'], 0.9), { kind: 'excludeGenres', genres: ['reggaeton'] }] },
  { category: 'exclusion', prompt: 'rock without classic rock', checks: [g(['rock'], 0.9), { kind: 'excludeGenres', genres: ['classic rock'] }] },
  { category: 'exclusion', prompt: 'edm, no pop edm', checks: [g(['edm'], 0.9), { kind: 'excludeGenres', genres: ['pop edm'] }] },
  // seed
  { category: 'seed', prompt: 'songs like Daft Punk', checks: [{ kind: 'artistShare', artists: ['Daft Punk'], min: 0.04, max: 0.4 }] },
  { category: 'seed', prompt: 'music like Bad Bunny', checks: [{ kind: 'artistShare', artists: ['Bad Bunny'], min: 0.04, max: 0.4 }, g(['latin'], 0.5)] },
  { category: 'seed', prompt: 'songs by Queen', restrictsArtists: true, checks: [{ kind: 'artistShare', artists: ['Queen'], min: 1 }] },
  { category: 'seed', prompt: 'in the style of The Weeknd', checks: [{ kind: 'artistShare', artists: ['The Weeknd'], min: 0.04, max: 0.4 }] },
  // length
  { category: 'length', prompt: '20 songs of edm', checks: [g(['edm'], 0.9), { kind: 'trackCount', count: 20 }] },
  { category: 'length', prompt: 'an hour of 80s synth-pop', checks: [y(1980, 1989), { kind: 'durationMinutes', min: 55, max: 70 }] },
  { category: 'length', prompt: 'a dozen happy songs', checks: [{ kind: 'trackCount', count: 12 }, f('valence', { min: 0.5 })] },
  { category: 'length', prompt: 'half an hour of chill rap', checks: [g(['rap'], 0.9), { kind: 'durationMinutes', min: 28, max: 40 }, f('energy', { max: 0.65 })] },
  { category: 'length', prompt: 'classic rock', length: 40, checks: [{ kind: 'trackCount', count: 40 }] },
  // mixed
  { category: 'mixed', prompt: 'energetic 2010s edm, no big room', checks: [g(['edm'], 0.9), y(2010, 2019), { kind: 'excludeGenres', genres: ['big room'] }, f('energy', { min: 0.7 })] },
  { category: 'mixed', prompt: 'sad 90s r&b', checks: [g(['r&b'], 0.9), y(1990, 1999), f('valence', { max: 0.45 })] },
  { category: 'mixed', prompt: 'upbeat 80s pop for a road trip', checks: [g(['pop'], 0.9), y(1980, 1989), f('energy', { min: 0.6 })] },
  { category: 'mixed', prompt: 'chill latin from the 2000s without reggaeton', checks: [g(['latin'], 0.9), y(2000, 2009), { kind: 'excludeGenres', genres: ['reggaeton'] }, f('energy', { max: 0.7 })] },
];

export interface CheckResult {
  check: string;
  passed: boolean;
  /** what was measured, e.g. "0.92 ≥ 0.8" */
  detail: string;
}

export interface PromptResult {
  prompt: string;
  category: PromptCategory;
  planner: string;
  title: string;
  trackCount: number;
  checks: CheckResult[];
  costs: StageCosts;
  planMs: number;
}

export interface CategoryRate {
  category: PromptCategory | 'structure' | 'overall';
  passed: number;
  total: number;
  rate: number;
}

export interface PromptQualityReport {
  catalog: string;
  planner: string;
  prompts: PromptResult[];
  categories: CategoryRate[];
  overall: CategoryRate;
  /** share of prompts whose every check passed */
  promptPassRate: number;
}

export interface PromptQualityOptions {
  /** default: the offline planner over the catalog's lexicon */
  planner?: PlanProvider;
  prompts?: readonly QualityPrompt[];
  /** called after each prompt */
  onProgress?: (event: { done: number; total: number; prompt: string; elapsedMs: number }) => void;
  signal?: AbortSignal;
}

/** Runs every prompt through planner → fulfilment and checks the playlists. */
export async function runPromptQualitySuite(source: PlaylistContext | PlaylistEngine, options: PromptQualityOptions = {}): Promise<PromptQualityReport> {
  const engine = 'contentLabelToTrack' in source ? source : createPlaylistEngine(source);
  const planner = options.planner ?? createOfflinePlanner({ lexicon: buildCatalogLexicon(engine.store) });
  const prompts = options.prompts ?? TIDYTUESDAY_QUALITY_PROMPTS;
  const results: PromptResult[] = [];
  const started = performance.now();
  for (const item of prompts) {
    options.signal?.throwIfAborted();
    const planStarted = performance.now();
    const planned = await planner.plan({ prompt: item.prompt, ...(item.length !== undefined ? { trackCount: item.length } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    const planMs = performance.now() - planStarted;
    const fulfilment = fulfilPlan(engine, planned.plan);
    const checks = [...item.checks.map((check) => evaluateCheck(engine, fulfilment, check)), ...structuralChecks(engine, fulfilment, item, planned.plan.targetMinutes === null ? planned.plan.trackCount : undefined)];
    results.push({ prompt: item.prompt, category: item.category, planner: planned.planner, title: fulfilment.title, trackCount: fulfilment.tracks.length, checks, costs: fulfilment.costs, planMs });
    options.onProgress?.({ done: results.length, total: prompts.length, prompt: item.prompt, elapsedMs: performance.now() - started });
  }
  const tally = new Map<CategoryRate['category'], { passed: number; total: number }>();
  for (const result of results) {
    for (const check of result.checks) {
      const category = STRUCTURAL.has(check.check) ? 'structure' : result.category;
      const entry = tally.get(category) ?? { passed: 0, total: 0 };
      entry.total++;
      if (check.passed) entry.passed++;
      tally.set(category, entry);
    }
  }
  const categories = [...tally]
    .map(([category, { passed, total }]) => ({ category, passed, total, rate: total > 0 ? passed / total : 1 }))
    .sort((a, b) => CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category));
  const passed = categories.reduce((sum, entry) => sum + entry.passed, 0);
  const total = categories.reduce((sum, entry) => sum + entry.total, 0);
  return {
    catalog: engine.context.version,
    planner: planner.name,
    prompts: results,
    categories,
    overall: { category: 'overall', passed, total, rate: total > 0 ? passed / total : 1 },
    promptPassRate: results.length > 0 ? results.filter((result) => result.checks.every((check) => check.passed)).length / results.length : 1,
  };
}

const CATEGORY_ORDER: readonly CategoryRate['category'][] = ['genre', 'era', 'mood', 'activity', 'tempo', 'exclusion', 'seed', 'length', 'mixed', 'structure'];

const STRUCTURAL = new Set(['no duplicate tracks', 'artist spacing', 'requested length', 'tracks from the catalog']);

function structuralChecks(engine: PlaylistEngine, fulfilment: Fulfilment, item: QualityPrompt, expectedCount: number | undefined): CheckResult[] {
  const { store } = engine;
  const ids = fulfilment.tracks.map((track) => track.trackId);
  const songs = new Set(Array.from(fulfilment.trackIndices, (track) => engine.dedupeKey(track)));
  const checks: CheckResult[] = [
    { check: 'no duplicate tracks', passed: new Set(ids).size === ids.length && songs.size === ids.length, detail: `${ids.length} tracks, ${new Set(ids).size} ids, ${songs.size} songs` },
    { check: 'tracks from the catalog', passed: ids.every((id) => store.hasTrack(id)) && ids.length > 0, detail: `${ids.filter((id) => store.hasTrack(id)).length}/${ids.length}` },
  ];
  if (!item.restrictsArtists) {
    const gap = minimumArtistGap(store, fulfilment.trackIndices);
    checks.push({ check: 'artist spacing', passed: gap >= 2, detail: `closest repeat of an artist: ${Number.isFinite(gap) ? `${gap} tracks between` : 'none'} (need ≥ 2)` });
  }
  if (expectedCount !== undefined && !item.checks.some((check) => check.kind === 'trackCount')) {
    checks.push({ check: 'requested length', passed: ids.length === expectedCount, detail: `${ids.length} of ${expectedCount}` });
  }
  return checks;
}

function share(fulfilment: Fulfilment, predicate: (track: number) => boolean): number {
  const tracks = fulfilment.trackIndices;
  if (tracks.length === 0) return 0;
  let count = 0;
  for (const track of tracks) if (predicate(track)) count++;
  return count / tracks.length;
}

function genreIndices(engine: PlaylistEngine, names: readonly string[]): Set<number> {
  const set = new Set<number>();
  for (const name of names) {
    const genre = engine.genreByName.get(spacedKey(name));
    if (genre === undefined) throw new RangeError(`quality check: genre "${name}" is not in the catalog ${engine.context.version}`);
    set.add(genre);
  }
  return set;
}

function hasGenre(engine: PlaylistEngine, track: number, genres: ReadonlySet<number>): boolean {
  const { genres: top, subgenres } = engine.store.genresOfTrack(track);
  for (const genre of top) if (genres.has(genre)) return true;
  for (const genre of subgenres) if (genres.has(genre)) return true;
  return false;
}

function artistIndices(engine: PlaylistEngine, names: readonly string[]): Set<number> {
  const set = new Set<number>();
  for (const name of names) {
    const found = engine.artistsByName.get(spacedKey(name));
    if (!found) throw new RangeError(`quality check: artist "${name}" is not in the catalog ${engine.context.version}`);
    for (const artist of found) set.add(artist);
  }
  return set;
}

function byArtist(engine: PlaylistEngine, track: number, artists: ReadonlySet<number>): boolean {
  for (const artist of engine.store.artistsOfTrack(track)) if (artists.has(artist)) return true;
  return false;
}

const pct = (value: number): string => value.toFixed(2);

export function evaluateCheck(engine: PlaylistEngine, fulfilment: Fulfilment, check: PromptCheck): CheckResult {
  const { store } = engine;
  switch (check.kind) {
    case 'genreShare': {
      const genres = genreIndices(engine, check.genres);
      const measured = share(fulfilment, (track) => hasGenre(engine, track, genres));
      return { check: `genre ${check.genres.join('|')} ≥ ${check.share}`, passed: measured >= check.share, detail: `${pct(measured)}` };
    }
    case 'yearShare': {
      const measured = share(fulfilment, (track) => {
        const year = store.trackReleaseYear[track]!;
        return year >= check.min && year <= check.max;
      });
      return { check: `years ${check.min}–${check.max} ≥ ${check.share}`, passed: measured >= check.share, detail: pct(measured) };
    }
    case 'featureShare': {
      const column = store.featureColumn(check.feature);
      const min = check.min ?? Number.NEGATIVE_INFINITY;
      const max = check.max ?? Number.POSITIVE_INFINITY;
      const measured = share(fulfilment, (track) => column[track]! >= min && column[track]! <= max);
      const range = `${check.min ?? ''}..${check.max ?? ''}`;
      return { check: `${check.feature} ${range} ≥ ${check.share}`, passed: measured >= check.share, detail: pct(measured) };
    }
    case 'excludeArtists': {
      const artists = artistIndices(engine, check.artists);
      const hits = share(fulfilment, (track) => byArtist(engine, track, artists)) * fulfilment.trackIndices.length;
      return { check: `no ${check.artists.join(', ')}`, passed: hits === 0, detail: `${Math.round(hits)} tracks` };
    }
    case 'excludeGenres': {
      const genres = genreIndices(engine, check.genres);
      const hits = share(fulfilment, (track) => hasGenre(engine, track, genres)) * fulfilment.trackIndices.length;
      return { check: `no ${check.genres.join(', ')}`, passed: hits === 0, detail: `${Math.round(hits)} tracks` };
    }
    case 'artistShare': {
      const artists = artistIndices(engine, check.artists);
      const measured = share(fulfilment, (track) => byArtist(engine, track, artists));
      const passed = measured >= check.min - 1e-9 && measured <= (check.max ?? 1) + 1e-9;
      return { check: `by ${check.artists.join(', ')} ${check.min}..${check.max ?? 1}`, passed, detail: pct(measured) };
    }
    case 'trackCount':
      return { check: `${check.count} tracks`, passed: fulfilment.tracks.length === check.count, detail: String(fulfilment.tracks.length) };
    case 'durationMinutes': {
      const minutes = fulfilment.stats.durationMs / 60_000;
      return { check: `${check.min}–${check.max} min`, passed: minutes >= check.min && minutes <= check.max, detail: `${minutes.toFixed(1)} min` };
    }
  }
}

/** Markdown: rates per category, overall, then every failed check. */
export function formatPromptQualityReport(report: PromptQualityReport): string {
  const lines = [
    `## Prompt quality — ${report.catalog}, planner ${report.planner}`,
    '',
    `${report.prompts.length} prompts; overall constraint satisfaction **${(report.overall.rate * 100).toFixed(1)}%** (${report.overall.passed}/${report.overall.total}); prompts with every check passed: ${(report.promptPassRate * 100).toFixed(1)}%.`,
    '',
    '| category | checks passed | rate |',
    '| --- | --- | --- |',
    ...report.categories.map((entry) => `| ${entry.category} | ${entry.passed}/${entry.total} | ${(entry.rate * 100).toFixed(1)}% |`),
    `| **overall** | **${report.overall.passed}/${report.overall.total}** | **${(report.overall.rate * 100).toFixed(1)}%** |`,
    '',
  ];
  const failures = report.prompts.flatMap((result) => result.checks.filter((check) => !check.passed).map((check) => ({ result, check })));
  if (failures.length > 0) {
    lines.push('Failed checks:', '', '| prompt | check | measured |', '| --- | --- | --- |');
    for (const { result, check } of failures) lines.push(`| ${result.prompt} | ${check.check} | ${check.detail} |`);
    lines.push('');
  }
  const costs = report.prompts.map((result) => result.costs.total).sort((a, b) => a - b);
  if (costs.length > 0) lines.push(`Fulfilment time per prompt: median ${costs[Math.floor(costs.length / 2)]!.toFixed(1)} ms, max ${costs.at(-1)!.toFixed(1)} ms.`, '');
  return lines.join('\n');
}
