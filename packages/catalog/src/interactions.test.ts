import { describe, expect, it } from 'vitest';
import { CatalogStore } from './catalog-store';
import { InteractionLogBuilder } from './interactions';
import type { Catalog } from './model';

const catalog: Catalog = {
  artists: [
    { id: 'a1', name: 'Alpha', genres: ['rock'] },
    { id: 'a2', name: 'Beta', genres: ['pop'] },
  ],
  albums: [],
  tracks: [
    { id: 't1', title: 'One', artistIds: ['a1'], durationMs: 1000, explicit: false, popularity: 1, genres: ['rock'], subgenres: [] },
    { id: 't2', title: 'Two', artistIds: ['a1'], durationMs: 1000, explicit: false, popularity: 1, genres: ['rock'], subgenres: [] },
    { id: 't3', title: 'Three', artistIds: ['a2'], durationMs: 1000, explicit: false, popularity: 1, genres: [], subgenres: [] },
  ],
};

describe('InteractionLog and UserHistory', () => {
  const store = CatalogStore.fromCatalog(catalog);
  const builder = new InteractionLogBuilder();
  const events = [
    { userId: 'bob', trackId: 't3', timestamp: 50, type: 'play' as const },
    { userId: 'ann', trackId: 't2', timestamp: 30, type: 'play' as const },
    { userId: 'ann', trackId: 't1', timestamp: 10, type: 'play' as const },
    { userId: 'ann', trackId: 't3', timestamp: 20, type: 'skip' as const },
    { userId: 'ann', trackId: 't1', timestamp: 40, type: 'save' as const },
    { userId: 'ann', trackId: 't1', timestamp: 45, type: 'complete' as const },
  ];
  for (const event of events) builder.pushInteraction({ ...event, msPlayed: 1000 }, store);
  const log = builder.build();

  it('sorts rows by user then time and indexes users', () => {
    expect(log.length).toBe(6);
    const ann = log.userIndex('ann');
    const { start, end } = log.rowsOfUser(ann);
    expect(end - start).toBe(5);
    expect([...log.columns.timestamp.subarray(start, end)]).toEqual([10, 20, 30, 40, 45]);
    expect(log.getInteraction(start, store)).toMatchObject({ userId: 'ann', trackId: 't1', type: 'play' });
  });

  it('answers recent plays, saves, skips, top artists and genres', () => {
    const history = log.history(log.userIndex('ann'), store);
    expect([...history.recentPlays()].map((i) => store.trackId(i))).toEqual(['t1', 't2']);
    expect([...history.saves()].map((i) => store.trackId(i))).toEqual(['t1']);
    expect([...history.skips()].map((i) => store.trackId(i))).toEqual(['t3']);
    expect(store.artistName(history.topArtists().indices[0]!)).toBe('Alpha');
    expect(history.topArtists().indices.length).toBe(1); // the skipped Beta track does not count
    expect(store.genreName(history.topGenres().indices[0]!)).toBe('rock');
    expect(history.lastActive).toBe(45);
  });

  it('builds a per-user item matrix summing counts', () => {
    const matrix = log.userItemMatrix();
    const ann = log.userIndex('ann');
    const items = matrix.items.subarray(matrix.offsets[ann], matrix.offsets[ann + 1]);
    const weights = matrix.weights.subarray(matrix.offsets[ann], matrix.offsets[ann + 1]);
    expect([...items].map((i) => store.trackId(i))).toEqual(['t1', 't2']);
    expect([...weights]).toEqual([3, 1]);
  });

  it('selects rows into a new log', () => {
    const mask = new Uint8Array(log.length);
    mask[0] = 1;
    const selected = log.select(mask);
    expect(selected.length).toBe(1);
    expect(selected.userCount).toBe(log.userCount);
  });

  it('refuses unknown tracks', () => {
    expect(new InteractionLogBuilder().pushInteraction({ userId: 'x', trackId: 'nope', timestamp: 1, type: 'play', msPlayed: 0 }, store)).toBe(false);
  });
});
