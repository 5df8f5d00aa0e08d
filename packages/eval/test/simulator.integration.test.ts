// The listener simulator end to end on a small synthetic dataset: real item2vec vectors in a
// real FAISS index, real Home engines (the hand-set ranker against its popularity-only
// degradation), worlds of potential outcomes, and the studies that read them.
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSynthetic, skipProbabilityOf, tasteAffinity } from '@mixtape/catalog';
import { normalizeRows } from '@mixtape/base';
import { VectorIndex, buildSessionCorpus, trainItem2Vec } from '@mixtape/embeddings';
import { createHomeEngine, createHomeIndex, heuristicRankerModel } from '@mixtape/ranking';
import type { HomeIndex } from '@mixtape/ranking';
import { createSimulatedListeners, degradeRankerModel, runAaStudy, runAbStudy, runInterleavingStudy, simulateHomeWorlds } from '../src/index';
import type { SimulatedListeners, WorldLog, WorldName } from '../src/index';

const DAY = 86_400_000;
let listeners: SimulatedListeners;
let index: HomeIndex;
let worlds: Partial<Record<WorldName, WorldLog>>;
let start: number;
const users = Array.from({ length: 60 }, (_, u) => u * 2);

beforeAll(async () => {
  const data = generateSynthetic({ tracks: 1500, users: 150, interactions: 150 * 120, seed: 3 });
  const log = data.interactions;
  const corpus = buildSessionCorpus(log.columns.track, log.columns.timestamp, log.userOffsets);
  const model = await trainItem2Vec(corpus, { numItems: data.store.trackCount, dim: 16, window: 5, negatives: 5, epochs: 2, threads: 1, seed: 1 });
  const vectors = new Float32Array(model.vectors);
  normalizeRows(vectors, 16);
  const ids = Array.from({ length: data.store.trackCount }, (_, t) => data.store.trackId(t));
  const itemIndex = VectorIndex.build({ dim: 16, factory: 'Flat', metric: 'ip', ids, vectors });
  index = createHomeIndex({ store: data.store, interactions: log, itemVectors: vectors, itemDim: 16, itemIndex });
  listeners = createSimulatedListeners(data.store, log, data.taste);
  const trained = heuristicRankerModel('the simulator test serves the hand-set ranker');
  const degraded = degradeRankerModel(trained, 1);
  start = Math.ceil((index.referenceTime + 1) / DAY) * DAY + 2 * DAY;
  worlds = await simulateHomeWorlds({
    listeners,
    createEngine: (arm, state) => createHomeEngine(index, { model: arm === 'control' ? trained : degraded, ...state }),
    users,
    start,
    days: 5,
    preDays: 2,
    seed: 9,
    worlds: ['control', 'treatment', 'interleaved'],
  });
}, 300_000);

describe('simulated listeners', () => {
  it('behave by the generator’s ground-truth rules', () => {
    const { taste, store } = listeners;
    const genres = taste.genreNames.length;
    const track = 17;
    const genre = taste.genreNames.indexOf(store.genreName(store.columns.trackGenres[store.columns.trackGenreOffsets[track]!]!));
    const expected = tasteAffinity(taste.genreWeights[5 * genres + genre]!, listeners.isLoved(5, store.trackPrimaryArtist[track]!), Math.abs(store.featureColumn('energy')[track]! - taste.preferredEnergy[5]!));
    expect(listeners.affinity(5, track)).toBeCloseTo(expected, 6);
    // more affinity, more plays and fewer skips; a repeat is less attractive
    expect(listeners.clickProbability(5, track, true)).toBeLessThan(listeners.clickProbability(5, track, false));
    expect(skipProbabilityOf(2)).toBeLessThan(skipProbabilityOf(0));
    expect(listeners.activity.reduce((a, b) => a + b, 0) / listeners.userCount).toBeCloseTo(1, 6);
  });
});

describe('simulated worlds', () => {
  it('log pages as exposures (items with shelf and position) only from the start, and listening before it', () => {
    const control = worlds.control!;
    expect(control.exposures.length).toBeGreaterThan(40);
    expect(control.exposures.every((exposure) => Date.parse(exposure.time) >= start)).toBe(true);
    expect(control.exposures[0]!.experiments).toEqual([{ key: 'home-ranker', variant: 'control' }]);
    const items = control.exposures.flatMap((exposure) => exposure.items);
    expect(items.every((item) => item.shelf !== undefined && item.position >= 0 && item.shelfPosition !== undefined)).toBe(true);
    expect(control.events.some((event) => Date.parse(event.time) < start && event.shelf !== undefined)).toBe(true);
    const home = control.events.filter((event) => event.shelf !== undefined);
    expect(home.length).toBeGreaterThan(50);
    expect(new Set(home.map((event) => event.type))).toEqual(new Set(['play', 'complete', 'skip', 'save']));
  });

  it('share each listener’s life outside Home and their pre-period between worlds (potential outcomes)', () => {
    const key = (event: { userId: string; time: string; trackId: string; type: string }) => `${event.userId}|${event.time}|${event.trackId}|${event.type}`;
    const outside = (world: WorldLog) => world.events.filter((event) => event.shelf === undefined).map(key);
    expect(outside(worlds.treatment!)).toEqual(outside(worlds.control!));
    const before = (world: WorldLog) => world.events.filter((event) => Date.parse(event.time) < start).map(key);
    expect(before(worlds.treatment!)).toEqual(before(worlds.control!));
    // inside the experiment the pages differ
    const pages = (world: WorldLog) => world.exposures.map((exposure) => exposure.items.map((item) => item.id).join(','));
    expect(pages(worlds.treatment!)).not.toEqual(pages(worlds.control!));
  });

  it('interleave the two rankers shelf by shelf with teams on every item', () => {
    const interleaved = worlds.interleaved!;
    expect(interleaved.exposures[0]!.teams).toEqual({ A: 'control', B: 'treatment' });
    const teamed = interleaved.exposures.flatMap((exposure) => exposure.items).filter((item) => item.team);
    expect(teamed.length).toBeGreaterThan(100);
    const a = teamed.filter((item) => item.team === 'A').length;
    expect(Math.abs(a / teamed.length - 0.5)).toBeLessThan(0.1);
    for (const exposure of interleaved.exposures) expect(new Set(exposure.items.map((item) => item.id)).size).toBe(exposure.items.length);
  });
});

describe('studies', () => {
  it('run the real analysis over many assignments of the same worlds', () => {
    const aa = runAaStudy(worlds.control!, { experiments: 10, windowDays: 2 });
    expect(aa.experiments).toBe(10);
    expect(aa.users).toBeGreaterThan(30);
    expect(aa.fixedHorizon.rate).toBeLessThanOrEqual(aa.naivePeeking.rate);
    const ab = runAbStudy(worlds.control!, worlds.treatment!, { sampleSizes: [20, 40], replicates: 5, windowDays: 2 });
    expect(ab.points.map((point) => point.users)).toEqual([20, 40]);
    expect(ab.fullPool.status).toBe('ok');
    expect(ab.cupedReduction.length).toBeGreaterThan(0);
    const il = runInterleavingStudy(worlds.interleaved!, { sampleSizes: [20, 40], replicates: 5 });
    expect(il.fullPool.users).toBeGreaterThan(30);
    expect(il.fullPool.creditA + il.fullPool.creditB).toBeGreaterThan(0);
  });
});
