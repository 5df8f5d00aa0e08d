// Fulfilment against real data: the TidyTuesday catalog (read in place from ../shared/data) with
// content vectors in a real FAISS index, and a synthetic catalog with item and user vectors.
import type { Plan } from '@mixtape/llm';
import { createEmptyPlan } from '@mixtape/llm';
import { VectorIndex } from '@mixtape/embeddings';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlaylistEngine } from '../src/index';
import {
  createPlaylistEngine,
  fulfilPlan,
  minimumArtistGap,
} from '../src/index';
import { CatalogStore } from '@mixtape/catalog';
import { contextFromStore, loadTidyTuesdayPlanning, syntheticContext } from './playlist-support';

let engine: PlaylistEngine;
let planOf: (prompt: string) => Plan;
beforeAll(async () => {
  ({ engine, planOf } = await loadTidyTuesdayPlanning());
}, 60_000);

describe('fulfilPlan on TidyTuesday', () => {
  it('returns the requested number of distinct catalog tracks with titles, artists and notes', () => {
    const result = fulfilPlan(engine, planOf('upbeat latin for a run, no reggaeton'));
    expect(result.tracks).toHaveLength(25);
    const { store } = engine;
    for (const track of result.tracks) {
      const index = store.trackIndex(track.trackId);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(track.title).toBe(store.trackTitle(index));
      expect(track.artists).toContain(store.artistName(store.trackPrimaryArtist[index]!));
      expect(track.note).toMatch(/^matches 'upbeat': /);
    }
    expect(new Set(result.tracks.map((track) => track.trackId)).size).toBe(25);
    expect(new Set(Array.from(result.trackIndices, (track) => engine.dedupeKey(track))).size).toBe(25);
    const reggaeton = store.genreIndex('reggaeton');
    for (const track of result.trackIndices) expect(Array.from(store.genresOfTrack(track).subgenres)).not.toContain(reggaeton);
    expect(minimumArtistGap(store, result.trackIndices)).toBeGreaterThanOrEqual(2);
  });

  it('takes score weights and artist spacing per request (experiments change fulfilment through config)', () => {
    const plan = planOf('upbeat latin for a run, no reggaeton');
    const base = fulfilPlan(engine, plan);
    expect(fulfilPlan(engine, plan, { weights: {} }).tracks.map((t) => t.trackId)).toEqual(base.tracks.map((t) => t.trackId));
    // popularity dominating the score brings more popular tracks
    const popular = fulfilPlan(engine, plan, { weights: { popularity: 20 } });
    const meanPercentile = (result: typeof base) => Array.from(result.trackIndices).reduce((sum, track) => sum + engine.popularityPercentile[track]!, 0) / result.tracks.length;
    expect(popular.tracks.map((t) => t.trackId)).not.toEqual(base.tracks.map((t) => t.trackId));
    expect(Math.abs(meanPercentile(popular) - (1 - plan.discovery))).toBeLessThan(Math.abs(meanPercentile(base) - (1 - plan.discovery)));
    expect(fulfilPlan(engine, plan, { artistSpacing: 1 }).stats.artistSpacing).toBe(1);
  });

  it('never returns an excluded artist, even one with hundreds of tracks in the asked genre', () => {
    const result = fulfilPlan(engine, planOf('rap without Drake, 60 songs'));
    expect(result.tracks).toHaveLength(60);
    for (const track of result.tracks) expect(track.artists).not.toContain('Drake');
  });

  it('puts tracks inside the asked tempo range although inner-product search favours extremes', () => {
    const result = fulfilPlan(engine, planOf('edm at 128 bpm'));
    const tempo = engine.store.featureColumn('tempo');
    const inRange = Array.from(result.trackIndices).filter((track) => tempo[track]! >= 120 && tempo[track]! <= 136).length;
    expect(inRange / result.tracks.length).toBeGreaterThanOrEqual(0.9);
    expect(result.tracks[0]!.note).toMatch(/\d+ BPM/);
  });

  it('widens a thin subgenre to its genre before giving up the decade ("90s hip hop")', () => {
    const result = fulfilPlan(engine, planOf('90s hip hop'));
    expect(result.stats.relaxed).toEqual(['subgenres widened to their genres']);
    const years = Array.from(result.trackIndices, (track) => engine.store.trackReleaseYear[track]!);
    expect(years.filter((year) => year >= 1990 && year <= 1999).length).toBe(result.tracks.length);
  });

  it('seeds from an artist: some of their tracks, mostly neighbours, noted as such', () => {
    const result = fulfilPlan(engine, planOf('songs like Daft Punk'));
    const byDaftPunk = result.tracks.filter((track) => track.artists.includes('Daft Punk'));
    expect(byDaftPunk.length).toBeGreaterThanOrEqual(1);
    expect(byDaftPunk.length).toBeLessThanOrEqual(4);
    expect(result.tracks.some((track) => track.note.includes('sounds like Daft Punk'))).toBe(true);
  });

  it('seeds from named tracks, and lists names the catalog does not have', () => {
    const plan = createEmptyPlan({ seedTracks: [{ title: 'instant crush', artist: 'Daft Punk' }, { title: 'No Such Song Anywhere', artist: null }], trackCount: 15 });
    const result = fulfilPlan(engine, plan);
    expect(result.tracks.map((track) => track.title)).toContain('Instant Crush');
    expect(result.stats.unresolved).toEqual(['seed track "No Such Song Anywhere"']);
    expect(result.tracks).toHaveLength(15);
  });

  it('restricts to the named artist and fills a duration instead of a count', () => {
    const plan: Plan = { ...planOf('songs by Queen'), targetMinutes: 30 };
    const result = fulfilPlan(engine, plan);
    expect(result.tracks.every((track) => track.artists.includes('Queen'))).toBe(true);
    expect(result.stats.durationMs).toBeGreaterThanOrEqual(30 * 60_000);
    expect(result.stats.durationMs).toBeLessThan(30 * 60_000 + 8 * 60_000);
  });

  it('writes a title, a description and listener-word notes with the year for era prompts', () => {
    const result = fulfilPlan(engine, planOf('rainy-day 90s trip-hop for reading'));
    // The catalog has no trip-hop: the title names what was delivered, the description says what
    // is missing and which genres (nearest by content vectors) stand in.
    expect(result.title).toBe('Rainy-Day 90s for Reading');
    expect(result.unfulfilled).toEqual([expect.objectContaining({ kind: 'genre', requested: 'trip-hop', substitute: expect.any(String) })]);
    expect(result.description).toContain('This catalog has no trip-hop; the closest by sound are');
    expect(result.description).toMatch(/^25 tracks, \d+ (h \d+ )?min: rainy-day/);
    for (const track of result.tracks) expect(track.note).toMatch(/^matches 'rainy-day': .*(calm|low energy|mid energy).*199\d/);
    expect(result.stats.inRangeShare).toBeGreaterThanOrEqual(0.8);
  });

  it('turns the discovery dial from hits to deep cuts', () => {
    const popularity = (discovery: number): number => {
      const result = fulfilPlan(engine, { ...planOf('latin pop'), discovery });
      return Array.from(result.trackIndices).reduce((sum, track) => sum + engine.popularityPercentile[track]!, 0) / result.tracks.length;
    };
    const hits = popularity(0);
    const deepCuts = popularity(0.95);
    expect(hits).toBeGreaterThan(0.8);
    expect(deepCuts).toBeLessThan(hits - 0.3);
    const notes = fulfilPlan(engine, { ...planOf('latin pop'), discovery: 0.95 }).tracks.map((track) => track.note);
    expect(notes.filter((note) => note.includes('a deep cut')).length).toBeGreaterThan(notes.length / 2);
  });

  it('reports a cost for every stage', () => {
    const { costs, stats } = fulfilPlan(engine, planOf('chill r&b'));
    for (const stage of ['resolve', 'candidates', 'scoring', 'sequencing', 'notes', 'total'] as const) {
      expect(Number.isFinite(costs[stage])).toBe(true);
      expect(costs[stage]).toBeGreaterThanOrEqual(0);
    }
    expect(costs.total).toBeGreaterThanOrEqual(costs.candidates);
    expect(stats.candidateCount).toBeGreaterThan(25);
  });

  it('stops between stages when the signal is aborted', () => {
    const controller = new AbortController();
    controller.abort(new Error('client went away'));
    expect(() => fulfilPlan(engine, planOf('chill r&b'), { signal: controller.signal })).toThrow('client went away');
  });
});

describe('fulfilPlan on a catalog without audio features (Last.fm, MPD slices)', () => {
  // 60 tracks in two genres with durations and years but no audio features
  const store = CatalogStore.fromCatalog({
    tracks: Array.from({ length: 60 }, (_unused, i) => ({
      id: `t${i}`, title: `Song ${i}`, artistIds: [`a${i % 12}`], durationMs: 200_000, explicit: false, popularity: i, genres: [i % 2 === 0 ? 'indie rock' : 'ambient'], subgenres: [], releaseDate: '2005-01-01',
    })),
    artists: Array.from({ length: 12 }, (_unused, i) => ({ id: `a${i}`, name: `Artist ${i}`, genres: [] })),
    albums: [],
  });
  const bare = createPlaylistEngine(contextFromStore(store, 'featureless'));
  const indieRock: Plan = { ...createEmptyPlan(), genres: { include: ['indie rock'], exclude: [] }, trackCount: 6 };

  it('says that a feature range ("more energetic" → energy 0.7–1) and a mood could not be judged, instead of silently doing nothing', () => {
    const plain = fulfilPlan(bare, indieRock);
    expect(plain.unfulfilled).toEqual([]);
    const energetic = fulfilPlan(bare, { ...indieRock, features: { ...indieRock.features, energy: { min: 0.7, max: 1 } } });
    expect(energetic.trackIndices).toEqual(plain.trackIndices); // nothing to act on
    expect(energetic.unfulfilled).toEqual([
      { kind: 'sound', requested: 'energy 0.7–1', reason: 'No track here has audio features, so energy 0.7–1 could not be judged by sound; the playlist follows the rest of the request.' },
    ]);
    expect(energetic.description).toContain('energy 0.7–1 could not be judged by sound');
    const chill = fulfilPlan(bare, { ...indieRock, moods: ['chill'], features: { ...indieRock.features, energy: { min: 0, max: 0.4 } } });
    expect(chill.unfulfilled.map((part) => part.requested)).toEqual(["'chill' (energy 0–0.4)"]);
  });

  it('says when nothing in the prompt was understood ("zzqx blorf", a language the planner does not read) instead of passing a generic mix off as an answer', () => {
    const nothing = fulfilPlan(bare, { ...createEmptyPlan(), trackCount: 6 });
    expect(nothing.tracks).toHaveLength(6);
    expect(nothing.unfulfilled).toEqual([
      { kind: 'prompt', requested: 'the prompt', reason: 'Nothing in the prompt named a genre, artist, mood, activity or era this catalog knows, so the playlist is drawn from across the catalog.' },
    ]);
    expect(nothing.description).toContain('Nothing in the prompt named');
    expect(fulfilPlan(bare, indieRock).unfulfilled).toEqual([]);
    expect(fulfilPlan(bare, { ...createEmptyPlan(), trackCount: 6, discovery: 0.9 }).unfulfilled).toEqual([]); // "deep cuts" asked something
  });

  it('keeps the planner\'s title: a sound it cannot judge does not make the title untrue', () => {
    expect(fulfilPlan(bare, { ...indieRock, moods: ['chill'], title: 'Chill Indie' }).title).toBe('Chill Indie');
  });

  it('says so when the asked sound and the rest of the request do not meet ("chill k-pop" where all k-pop is loud), and notes claim no match', () => {
    const FEATURES = { danceability: 0.5, valence: 0.5, tempo: 120, acousticness: 0.2, instrumentalness: 0, speechiness: 0.05, liveness: 0.1, loudness: -6, key: 0, mode: 1 as const };
    const loud = CatalogStore.fromCatalog({
      tracks: Array.from({ length: 60 }, (_unused, i) => ({
        id: `t${i}`, title: `Song ${i}`, artistIds: [`a${i % 12}`], durationMs: 200_000, explicit: false, popularity: i, genres: [i % 2 === 0 ? 'k-pop' : 'ambient'], subgenres: [],
        features: { ...FEATURES, energy: i % 2 === 0 ? 0.9 : 0.1 },
      })),
      artists: Array.from({ length: 12 }, (_unused, i) => ({ id: `a${i}`, name: `Artist ${i}`, genres: [] })),
      albums: [],
    });
    const loudEngine = createPlaylistEngine(contextFromStore(loud, 'loud k-pop'));
    const chill = (genre: string): Plan => ({ ...createEmptyPlan(), genres: { include: [genre], exclude: [] }, moods: ['chill'], features: { ...createEmptyPlan().features, energy: { min: 0, max: 0.4 } }, trackCount: 6 });
    const kpop = fulfilPlan(loudEngine, chill('k-pop'));
    expect(kpop.unfulfilled).toEqual([
      { kind: 'sound', requested: "'chill' (energy 0–0.4)", reason: "Only 0 of 6 tracks here sound close to 'chill' (energy 0–0.4): this catalog has too few that also fit the rest of the request." },
    ]);
    for (const track of kpop.tracks) expect(track.note).not.toMatch(/matches 'chill'/);
    const ambient = fulfilPlan(loudEngine, chill('ambient'));
    expect(ambient.unfulfilled).toEqual([]);
    for (const track of ambient.tracks) expect(track.note).toMatch(/^matches 'chill'/);
  });

  // 4 trip-hop tracks, all from the 1990s, and 56 rock tracks: "90s trip-hop" for 6 tracks cannot widen the
  // years (trip-hop has 4 tracks in any year), so the genre must go — the era stays when it can.
  const tripHopCatalog = (rockYear: (i: number) => string): PlaylistEngine =>
    createPlaylistEngine(
      contextFromStore(
        CatalogStore.fromCatalog({
          tracks: Array.from({ length: 60 }, (_unused, i) => ({
            id: `t${i}`, title: `Song ${i}`, artistIds: [`a${i % 12}`], durationMs: 200_000, explicit: false, popularity: i,
            genres: [i < 4 ? 'trip-hop' : 'rock'], subgenres: [], releaseDate: i < 4 ? (i % 2 === 0 ? '1994-08-22' : '1998-04-20') : rockYear(i),
          })),
          artists: Array.from({ length: 12 }, (_unused, i) => ({ id: `a${i}`, name: `Artist ${i}`, genres: [] })),
          albums: [],
        }),
        'nineties',
      ),
    );
  const tripHopPlan: Plan = { ...createEmptyPlan(), genres: { include: ['trip-hop'], exclude: [] }, releaseYear: { min: 1990, max: 1999 }, trackCount: 6 };

  it('"90s trip-hop" with too little trip-hop keeps the 1990s and lets other genres in, not rock of every year (new-user walk-through, session 12)', () => {
    // half the rock is from 1997: the 1990s alone hold 32 tracks
    const nineties = tripHopCatalog((i) => (i % 2 === 0 ? '1997-05-21' : '2010-01-01'));
    const result = fulfilPlan(nineties, tripHopPlan);
    expect(result.stats.relaxed).toEqual(['genres']);
    expect(result.tracks).toHaveLength(6);
    const years = Array.from(result.trackIndices, (track) => nineties.store.trackReleaseYear[track]!);
    expect(years.every((year) => year >= 1990 && year <= 1999)).toBe(true);
    expect(result.unfulfilled.find((part) => part.kind === 'era')).toBeUndefined();
    expect(result.unfulfilled).toContainEqual(expect.objectContaining({ kind: 'genre', requested: 'trip-hop' }));
  });

  it('counts the fitting tracks of the asked era when the genre goes and the years widen, not "no tracks from the 1990s" (session 12)', () => {
    // all the rock is from 2010: the 1990s hold only the 4 trip-hop tracks, so the years widen to the nearest that fill
    const result = fulfilPlan(tripHopCatalog(() => '2010-01-01'), tripHopPlan);
    expect(result.stats.relaxed).toEqual(['genres', 'release years 1990–1999 → 1994–2010']);
    const era = result.unfulfilled.find((part) => part.kind === 'era');
    expect(era).toEqual({ kind: 'era', requested: 'the 1990s', substitute: '1994–2010', reason: 'This catalog has only 4 fitting tracks from the 1990s; the nearest years fill the playlist (1994–2010).' });
    expect(result.description).not.toContain('no tracks from the 1990s');
  });

  it('says an era could not be judged on a catalog without release dates (Last.fm, scrobbles), not "no tracks from the 1980s"', () => {
    const undated = CatalogStore.fromCatalog({
      tracks: Array.from({ length: 60 }, (_unused, i) => ({
        id: `t${i}`, title: `Song ${i}`, artistIds: [`a${i % 12}`], durationMs: 200_000, explicit: false, popularity: i, genres: [i % 2 === 0 ? 'synthpop' : 'ambient'], subgenres: [],
      })),
      artists: Array.from({ length: 12 }, (_unused, i) => ({ id: `a${i}`, name: `Artist ${i}`, genres: [] })),
      albums: [],
    });
    const result = fulfilPlan(createPlaylistEngine(contextFromStore(undated, 'undated')), {
      ...createEmptyPlan(), genres: { include: ['synthpop'], exclude: [] }, releaseYear: { min: 1980, max: 1989 }, trackCount: 6,
    });
    expect(result.tracks).toHaveLength(6);
    expect(result.stats.relaxed).toEqual(['release years']);
    expect(result.unfulfilled).toEqual([
      { kind: 'era', requested: 'the 1980s', reason: 'No track in this catalog has a release date, so the 1980s could not be judged; the playlist follows the rest of the request.' },
    ]);
  });

  it('has no sound part where the tracks have features (TidyTuesday)', () => {
    expect(fulfilPlan(engine, planOf('upbeat latin for a run')).unfulfilled.filter((part) => part.kind === 'sound')).toEqual([]);
  });
});

describe('fulfilPlan with item and user vectors (synthetic catalog)', () => {
  it('moves the playlist toward the listener when a user is given', () => {
    const base = syntheticContext(3000);
    const { store, contentVectors } = base;
    const dim = base.contentEncoder.dim;
    // item space = content space here; the taste vector is the mean of one artist's tracks
    const ids = Array.from({ length: store.trackCount }, (_unused, index) => store.trackId(index));
    const itemIndex = VectorIndex.build({ dim, ids, vectors: contentVectors! });
    const favourite = store.tracksByArtist(store.trackPrimaryArtist[store.mostPopular(1)[0]!]!);
    const taste = new Float32Array(dim);
    for (const track of favourite) for (let d = 0; d < dim; d++) taste[d]! += contentVectors![track * dim + d]!;
    const engineWithUsers = createPlaylistEngine({ ...base, itemIndex, itemVectors: contentVectors!, userVector: (id) => (id === 'listener-1' ? taste : undefined) });
    const plan = createEmptyPlan({ similarToUser: 1, trackCount: 20 });
    const closeness = (tracks: Int32Array): number => {
      let norm = 0;
      for (const value of taste) norm += value * value;
      let sum = 0;
      for (const track of tracks) {
        let dot = 0;
        for (let d = 0; d < dim; d++) dot += taste[d]! * contentVectors![track * dim + d]!;
        sum += dot / Math.sqrt(norm);
      }
      return sum / tracks.length;
    };
    const personal = fulfilPlan(engineWithUsers, plan, { userId: 'listener-1' });
    const anonymous = fulfilPlan(engineWithUsers, plan);
    const unknown = fulfilPlan(engineWithUsers, plan, { userId: 'nobody' });
    expect(closeness(personal.trackIndices)).toBeGreaterThan(closeness(anonymous.trackIndices) + 0.1);
    expect(personal.tracks.some((track) => track.note.includes('close to your taste'))).toBe(true);
    expect(unknown.tracks.map((track) => track.trackId)).toEqual(anonymous.tracks.map((track) => track.trackId));
  });
});
