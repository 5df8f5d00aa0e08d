// Real data: the TidyTuesday catalog read in place from ../shared/data (never copied).
import { beforeAll, describe, expect, it } from 'vitest';
import type { SearchEngine } from '../src/index';
import { loadTidyTuesdayEngine } from '../src/testing/index';

let engine: SearchEngine;

beforeAll(async () => {
  ({ engine } = await loadTidyTuesdayEngine());
}, 120_000);

describe('search on TidyTuesday', () => {
  it('finds real names through typos, diacritics and "feat."', () => {
    const first = (query: string) => engine.search(query, { limit: 1 }).results[0];
    expect(first('beyonse halo')).toMatchObject({ name: 'Halo', artists: [{ name: 'Beyoncé' }] });
    expect(first('Beyonce')).toMatchObject({ type: 'artist', name: 'Beyoncé' });
    expect(first('shape of you ed sheeran')).toMatchObject({ name: 'Shape of You' });
    expect(engine.suggest('daft p')[0]).toMatchObject({ type: 'artist', name: 'Daft Punk' });
  });
});
