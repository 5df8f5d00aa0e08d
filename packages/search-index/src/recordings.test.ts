import { CatalogStore } from '@mixtape/catalog';
import { describe, expect, it } from 'vitest';
import { EntitySpace } from './entities';
import { Recordings } from './recordings';
import { createSearchFixtureCatalog } from './testing/index';

describe('recordings', () => {
  it('groups the rows of one recording (same normalized title and primary artist), most popular first', () => {
    const catalog = createSearchFixtureCatalog({ filler: 20 });
    const halo = catalog.tracks.find((track) => track.id === 't-halo-beyonce')!;
    catalog.tracks.push({ ...halo, id: 'halo-2', title: 'HALO', popularity: 95 }, { ...halo, id: 'halo-3', popularity: 10 });
    const store = CatalogStore.fromCatalog(catalog);
    const recordings = Recordings.build(new EntitySpace(store));
    const rows = recordings.rowsOf(store.trackIndex('t-halo-beyonce'))!;
    expect(Array.from(rows, (row) => store.trackId(row))).toEqual(['halo-2', 't-halo-beyonce', 'halo-3']);
    expect(recordings.rowsOf(store.trackIndex('halo-3'))).toEqual(rows);
    // another artist's Halo and a recording listed once have no group
    expect(recordings.rowsOf(store.trackIndex('t-halo-soil'))).toBeUndefined();
    expect(recordings.rowsOf(store.trackIndex('t-boxer'))).toBeUndefined();
    expect(recordings.groupCount).toBe(1);
  });
});
