// The Home stack on a small synthetic dataset trained for real (item2vec + FAISS).
import { describe, expect, it } from 'vitest';
import {
  createHomeEngine,
  createHomeIndex,
  buildUserProfile,
  generateHomeCandidates,
  computeFeatures,
  HOME_FEATURE_COUNT,
  parseRankerModel,
  selectDiverse,
  seededRandom,
  trainHomeRanker,
} from '../src/index';
import type { HomeEventInput, HomeIndex } from '../src/index';
import { loadHomeFixture } from './home-support';

const DAY = 86_400_000;

async function setup() {
  const { data } = await loadHomeFixture();
  const index = createHomeIndex(data);
  const log = data.interactions!;
  let busiest = 0;
  for (let u = 0; u < log.userCount; u++) {
    const size = (v: number) => log.rowsOfUser(v).end - log.rowsOfUser(v).start;
    if (size(u) > size(busiest)) busiest = u;
  }
  return { data, index, log, userId: log.userId(busiest), userIndex: busiest };
}

function meanPairwiseSimilarity(index: HomeIndex, tracks: Int32Array): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < tracks.length; i++) {
    for (let j = i + 1; j < tracks.length; j++) {
      let dot = 0;
      for (let d = 0; d < index.itemDim; d++) dot += index.itemVectors[tracks[i]! * index.itemDim + d]! * index.itemVectors[tracks[j]! * index.itemDim + d]!;
      sum += dot;
      pairs++;
    }
  }
  return sum / pairs;
}

describe('home candidates', () => {
  it('every source contributes, with provenance a listener can be told about', async () => {
    const { index, userId, userIndex } = await setup();
    const profile = buildUserProfile(index, userId);
    const { candidates, stats } = await generateHomeCandidates(index, profile, { excludeUser: userIndex });
    for (const source of ['annRecent', 'annTop', 'coListening', 'topArtist', 'similarArtist', 'newRelease', 'deepCatalog', 'popularInGenre', 'jumpBackIn', 'daypart', 'tasteCluster', 'popular'] as const) {
      expect(stats.perSource[source], source).toBeGreaterThan(0);
    }
    const recent = new Set(profile.recent.subarray(0, 6));
    for (let row = 0; row < candidates.size; row++) {
      if (candidates.from(row, 'annRecent')) expect(recent.has(candidates.provenanceOf(row, 'annRecent'))).toBe(true);
      if (candidates.from(row, 'newRelease')) expect(index.store.releaseDay(candidates.tracks[row]!)!).toBeGreaterThanOrEqual(index.referenceDay - 30);
      if (candidates.from(row, 'deepCatalog')) expect(index.popularity[candidates.tracks[row]!]!).toBeLessThanOrEqual(0.35);
      if (candidates.from(row, 'jumpBackIn')) expect(profile.tracks.get(candidates.tracks[row]!)!.plays).toBeGreaterThan(0);
    }
    expect(stats.annQueries).toBeGreaterThanOrEqual(recent.size);
    const features = computeFeatures(index, profile, candidates);
    expect(features.length).toBe(candidates.size * HOME_FEATURE_COUNT);
    for (const value of features) expect(Number.isFinite(value)).toBe(true);
  });

  it('new releases are relative to the data\'s latest event, not the wall clock', async () => {
    const { index, log } = await setup();
    let latest = 0;
    for (const t of log.columns.timestamp) latest = Math.max(latest, t);
    expect(index.referenceTime).toBe(latest);
    expect(Math.abs(index.referenceTime - Date.now())).toBeGreaterThan(0); // the synthetic log ends in the past
    expect(index.referenceDay).toBe(Math.floor(latest / DAY));
  });
});

describe('home re-ranking', () => {
  it('MMR diversifies, caps artists, dedupes across calls and drops explicit tracks', async () => {
    const { index, userId } = await setup();
    const profile = buildUserProfile(index, userId);
    const query = profile.vector;
    const result = index.itemIndex.search(query, 200);
    const tracks = Int32Array.from(result.ids, (id) => index.store.trackIndex(id));
    const relevance = Float32Array.from(result.scores);
    const pure = selectDiverse(index, tracks, relevance, { limit: 10, lambda: 1, artistCap: 10 });
    const diverse = selectDiverse(index, tracks, relevance, { limit: 10, lambda: 0.3, artistCap: 10 });
    expect(meanPairwiseSimilarity(index, diverse)).toBeLessThan(meanPairwiseSimilarity(index, pure));
    const capped = selectDiverse(index, tracks, relevance, { limit: 10, artistCap: 1, excludeExplicit: true });
    const artists = Array.from(capped, (t) => index.store.trackPrimaryArtist[t]!);
    expect(new Set(artists).size).toBe(artists.length);
    for (const t of capped) expect(index.store.columns.trackExplicit[t]).toBe(0);
    const used = new Set<number>(capped);
    const next = selectDiverse(index, tracks, relevance, { limit: 10, used });
    for (const t of next) expect(capped.includes(t)).toBe(false);
  });
});

describe('home engine', () => {
  it('orders shelves by feedback: a saved shelf type rises, a skipped one sinks', async () => {
    const { index, userId } = await setup();
    const engine = createHomeEngine(index);
    const position = async (type: string) => {
      let sum = 0;
      for (let seed = 1; seed <= 30; seed++) {
        const page = await engine.page({ userId, random: seededRandom(seed), limit: 3 });
        const at = page.shelves.findIndex((shelf) => shelf.type === type);
        sum += at < 0 ? page.shelves.length : at;
      }
      return sum / 30;
    };
    const before = await position('discover');
    const trackId = index.store.trackId(0);
    const events: HomeEventInput[] = Array.from({ length: 25 }, () => ({ userId, trackId, type: 'save', shelf: 'discover' }));
    events.push(...Array.from({ length: 25 }, (): HomeEventInput => ({ userId, trackId, type: 'skip', shelf: 'made-for-you-1' })));
    expect((await engine.recordEvents(events)).shelfFeedback).toBe(50);
    expect(await position('discover')).toBeLessThan(before);
    expect(await position('discover')).toBeLessThan(1);
  });

  it('keeps the shelves a new listener asked for (seed genre and artist) whatever order the bandit draws', async () => {
    const { index } = await setup();
    const engine = createHomeEngine(index);
    const artist = index.store.artistName(3);
    for (let g = 0; g < Math.min(index.store.genreCount, 10); g++) {
      const genre = index.store.genreName(g);
      for (let seed = 1; seed <= 15; seed++) {
        const page = await engine.page({ userId: 'brand-new', seedGenres: [genre], seedArtists: [artist], random: seededRandom(seed) });
        const titles = page.shelves.map((shelf) => shelf.title);
        if (titles.length === 0) continue;
        expect(titles, `seed ${seed}`).toContain(`Popular in ${genre}`);
        expect(titles, `seed ${seed}`).toContain(`Because you like ${artist}`);
      }
    }
  });

  it('reports per-stage costs and fills explained shelves', async () => {
    const { index, userId } = await setup();
    const page = await createHomeEngine(index).page({ userId, random: seededRandom(1) });
    for (const stage of ['candidates', 'features', 'ranking', 'assembly'] as const) expect(page.costs[stage]).toBeGreaterThanOrEqual(0);
    expect(page.candidateCount).toBeGreaterThan(100);
    const reasons = page.shelves.flatMap((shelf) => shelf.items.map((item) => item.reason));
    expect(reasons.some((reason) => reason.startsWith('Because you played '))).toBe(true);
    expect(reasons.some((reason) => /^You played this (earlier today|yesterday|\d+ (days|weeks|months) ago)$/.test(reason))).toBe(true);
  });
});

describe('home ranker training', () => {
  it('learns from a temporal split and beats the hand-set ranker on held-out users', async () => {
    const { data } = await setup();
    const lines: string[] = [];
    const { model, report } = await trainHomeRanker(data, { maxUsers: 120, lambdas: [0.01, 0.1], onProgress: (event) => lines.push(event.phase) });
    expect(lines.length).toBeGreaterThan(0);
    expect(report.users.train + report.users.validation).toBeGreaterThan(20);
    expect(report.candidateRecall).toBeGreaterThan(0);
    const best = Math.max(...Object.values(report.validationNdcg10));
    expect(best).toBeGreaterThan(report.validationNdcg10.heuristic!);
    expect(report.chosen.kind).not.toBe('heuristic');
    // what the bundle stores loads back, and the engine serves with it
    const parsed = parseRankerModel(JSON.stringify(model));
    expect(parsed.training).toMatchObject({ chosen: report.chosen });
    const engine = createHomeEngine(data, { model: parsed });
    expect(engine.model.kind).toBe(report.chosen.kind);
    const log = data.interactions!;
    expect((await engine.page({ userId: log.userId(0), random: seededRandom(2) })).shelves.length).toBeGreaterThan(2);
  }, 60_000);
});
