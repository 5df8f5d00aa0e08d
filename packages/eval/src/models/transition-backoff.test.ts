import { describe, expect, it } from 'vitest';
import { CatalogBuilder, CatalogStore } from '@mixtape/catalog';
import type { CsrMatrix } from '@mixtape/embeddings';
import { createModelRegistry } from './registry';

// Album X (x0…x3), album Y (y0…y2) and the single p0 (no album) are artist P's, album Z (z0…z3) artist Q's.
const TRACKS = ['x0', 'x1', 'x2', 'x3', 'y0', 'y1', 'y2', 'p0', 'z0', 'z1', 'z2', 'z3'] as const;
const item = (id: (typeof TRACKS)[number]) => TRACKS.indexOf(id);

function catalog(): CatalogStore {
  const builder = new CatalogBuilder();
  builder.addArtist({ id: 'P', name: 'P', genres: [] });
  builder.addArtist({ id: 'Q', name: 'Q', genres: [] });
  for (const [album, artist] of [['X', 'P'], ['Y', 'P'], ['Z', 'Q']] as const) builder.addAlbum({ id: album, title: album, artistId: artist });
  for (const id of TRACKS) {
    const album = id[0]!.toUpperCase();
    builder.addTrack({ id, title: id, artistIds: [album === 'Z' ? 'Q' : 'P'], albumId: album === 'P' ? undefined : album, durationMs: 180_000, popularity: 0.5, explicit: false, genres: [], subgenres: [] });
  }
  return new CatalogStore(builder.build());
}

function csr(rows: string[][]): CsrMatrix {
  const indptr = new Int32Array(rows.length + 1);
  rows.forEach((row, r) => (indptr[r + 1] = indptr[r]! + row.length));
  const indices = Int32Array.from(rows.flat(), (id) => item(id as (typeof TRACKS)[number]));
  return { rows: rows.length, cols: TRACKS.length, indptr, indices, values: new Float32Array(indices.length).fill(1) };
}

/**
 * Two-item rows only count (the trainer's validation rows need ≥ 3 items); the 3-item rows are
 * the validation rows the settings are chosen on: x0 → x1 (the item level knows), y2 → y1 (the
 * album ranks y1 first, the artist ranks x1 and x2 above it), p0 → x2 (p0 has no album and no
 * successors: only the artist knows). z tracks are the most played.
 */
function log(): string[][] {
  const rows: string[][] = [];
  const times = (n: number, row: string[]) => {
    for (let i = 0; i < n; i++) rows.push(row);
  };
  times(8, ['x0', 'x1']);
  times(3, ['x1', 'x2']);
  times(3, ['y0', 'y1']);
  times(4, ['z1', 'x0', 'x1']);
  times(4, ['z0', 'y2', 'y1']);
  times(3, ['z0', 'p0', 'x2']);
  times(20, ['z0', 'z1']);
  times(12, ['z2', 'z3']);
  times(5, ['z3', 'z2']);
  return rows;
}

async function rank(spec: string, withCatalog: boolean): Promise<{ ranked: string[]; notes: string }> {
  const model = createModelRegistry().create(spec);
  const sequences = csr(log());
  await model.fit(sequences, { sequences, seed: 42, ...(withCatalog ? { store: catalog() } : {}) });
  const query = csr([['z2', 'x0']]);
  const { items } = model.recommend({ seeds: query, rows: Int32Array.of(0), sequences: query }, TRACKS.length - 2);
  return { ranked: Array.from(items, (i) => TRACKS[i]!), notes: model.notes ?? '' };
}

describe('transition-backoff (the served prior without the transformer)', () => {
  it('ranks the last item\'s successors, then same-album, then same-artist tracks, then the rest by popularity', async () => {
    const { ranked, notes } = await rank('transition-backoff', true);
    // x1 followed x0; x2 followed album X's tracks; y1 only followed artist P's (album Y)
    expect(ranked.slice(0, 3)).toEqual(['x1', 'x2', 'y1']);
    // nothing else is boosted: popularity (rows holding the item: z0 27, z1 24, z3 17, y2 4, y0 = p0 3, x3 0) orders the rest
    expect(ranked.slice(3, 7)).toEqual(['z0', 'z1', 'z3', 'y2']);
    expect(new Set(ranked.slice(7, 9))).toEqual(new Set(['y0', 'p0']));
    expect(ranked[9]).toBe('x3');
    expect(notes).toMatch(/chosen on validation/);
    expect(notes).toMatch(/album α=[\d.]+, μ=[\d.]+; artist α=[\d.]+, μ=/);
  });

  it('without the catalog (or with backoff=none) only the last item\'s own successors are boosted', async () => {
    for (const [spec, withCatalog] of [['transition-backoff', false], ['transition-backoff:backoff=none', true]] as const) {
      const { ranked, notes } = await rank(spec, withCatalog);
      expect(ranked.slice(0, 3)).toEqual(['x1', 'z0', 'z1']);
      if (!withCatalog) expect(notes).toContain('back-off to album, artist left out (the dataset has no catalog)');
    }
  });

  it('names its levels and refuses bad options', () => {
    const registry = createModelRegistry();
    expect(registry.create('transition-backoff').name).toBe('transition-backoff (the served prior alone: last item → successors, backing off to album, artist, chosen on validation; popularity breaks ties)');
    expect(registry.create('transition-backoff:backoff=artist').name).toContain('backing off to artist,');
    expect(() => registry.create('transition-backoff:backoff=genre')).toThrow('model transition-backoff: backoff: expected "none" or levels joined by "+"');
    expect(() => registry.create('transition-backoff:alpha=2')).toThrow(/transition-backoff/);
  });
});
