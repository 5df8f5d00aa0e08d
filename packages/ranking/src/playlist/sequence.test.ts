import { CatalogStore } from '@mixtape/catalog';
import type { Track } from '@mixtape/catalog';
import { describe, expect, it } from 'vitest';
import { arcTarget, camelotCode, camelotDistance, formatCamelot, minimumArtistGap, sequenceTracks } from './sequence';

interface Spec {
  artist: string;
  energy: number;
  tempo: number;
  key: number;
  mode: 0 | 1;
}

function storeOf(specs: Spec[]): CatalogStore {
  const artists = [...new Set(specs.map((spec) => spec.artist))].map((name) => ({ id: `a-${name}`, name, genres: [] }));
  const tracks: Track[] = specs.map((spec, index) => ({
    id: `t${index}`,
    title: `Song ${index}`,
    artistIds: [`a-${spec.artist}`],
    durationMs: 200_000,
    explicit: false,
    popularity: 50,
    genres: ['pop'],
    subgenres: [],
    features: {
      danceability: 0.5,
      energy: spec.energy,
      valence: 0.5,
      tempo: spec.tempo,
      acousticness: 0.2,
      instrumentalness: 0,
      speechiness: 0.05,
      liveness: 0.1,
      loudness: -6,
      key: spec.key,
      mode: spec.mode,
    },
  }));
  return CatalogStore.fromCatalog({ tracks, artists, albums: [] });
}

const all = (store: CatalogStore) => Int32Array.from({ length: store.trackCount }, (_unused, index) => index);

describe('Camelot wheel', () => {
  it('places keys like a DJ wheel: C = 8B, A minor = 8A, G = 9B, E minor = 9A, B = 1B, F# = 2B', () => {
    expect(formatCamelot(camelotCode(0, 1))).toBe('8B');
    expect(formatCamelot(camelotCode(9, 0))).toBe('8A');
    expect(formatCamelot(camelotCode(7, 1))).toBe('9B');
    expect(formatCamelot(camelotCode(4, 0))).toBe('9A');
    expect(formatCamelot(camelotCode(11, 1))).toBe('1B');
    expect(formatCamelot(camelotCode(6, 1))).toBe('2B');
    expect(camelotCode(-1, 1)).toBeUndefined();
  });

  it('counts relative and adjacent keys as one step and wraps around the wheel', () => {
    expect(camelotDistance(camelotCode(0, 1), camelotCode(9, 0))).toBe(1); // C ↔ A minor
    expect(camelotDistance(camelotCode(0, 1), camelotCode(7, 1))).toBe(1); // C ↔ G
    expect(camelotDistance(camelotCode(11, 1), camelotCode(5, 1))).toBe(6); // B (1B) ↔ F (7B)
    expect(camelotDistance(camelotCode(11, 1), camelotCode(6, 1))).toBe(1); // 1B ↔ 2B
    expect(camelotDistance(camelotCode(0, 1), undefined)).toBeUndefined();
  });
});

describe('sequenceTracks', () => {
  it('follows a rising arc from the calmest to the most energetic track', () => {
    const energies = [0.9, 0.2, 0.6, 0.4, 0.8, 0.3, 0.7, 0.5, 0.1, 1.0];
    const store = storeOf(energies.map((energy, index) => ({ artist: `A${index}`, energy, tempo: 120, key: 0, mode: 1 })));
    const { order } = sequenceTracks(store, all(store), { arc: 'rise' });
    const ordered = Array.from(order, (track) => energies[track]!);
    expect(ordered[0]).toBeLessThanOrEqual(0.2);
    expect(ordered.at(-1)).toBeGreaterThanOrEqual(0.9);
    const firstHalf = ordered.slice(0, 5).reduce((sum, value) => sum + value, 0);
    const secondHalf = ordered.slice(5).reduce((sum, value) => sum + value, 0);
    expect(secondHalf).toBeGreaterThan(firstHalf + 1);
  });

  it('keeps the arc to the end when tempo and key pull against it (swap repair after greedy)', () => {
    // the most energetic track has an outlying tempo and key, so greedy transitions avoid it
    const specs: Spec[] = Array.from({ length: 16 }, (_unused, index) => ({
      artist: `A${index}`,
      energy: 0.3 + index * 0.04,
      tempo: index === 15 ? 180 : 100 + index,
      key: index === 15 ? 6 : index % 2 === 0 ? 0 : 7,
      mode: 1,
    }));
    const store = storeOf(specs);
    const ordered = Array.from(sequenceTracks(store, all(store), { arc: 'rise' }).order, (track) => specs[track]!.energy);
    expect(ordered.at(-1)).toBeCloseTo(0.9, 5);
    for (let position = 1; position < ordered.length; position++) expect(ordered[position]! - ordered[position - 1]!).toBeGreaterThan(-0.1);
  });

  it('peaks in the middle for rise-fall and ends calm for wind-down', () => {
    const energies = Array.from({ length: 11 }, (_unused, index) => index / 10);
    const store = storeOf(energies.map((energy, index) => ({ artist: `A${index}`, energy, tempo: 120, key: 0, mode: 1 })));
    const riseFall = Array.from(sequenceTracks(store, all(store), { arc: 'rise-fall' }).order, (track) => energies[track]!);
    const peak = riseFall.indexOf(1);
    expect(peak).toBeGreaterThan(2);
    expect(peak).toBeLessThan(9);
    const windDown = Array.from(sequenceTracks(store, all(store), { arc: 'wind-down' }).order, (track) => energies[track]!);
    expect(windDown.at(-1)).toBeLessThanOrEqual(0.1);
    expect(arcTarget('steady', 0.5)).toBeUndefined();
  });

  it('keeps the same artist apart, even when one artist has a third of the tracks', () => {
    const specs: Spec[] = [];
    for (let index = 0; index < 12; index++) specs.push({ artist: index % 3 === 0 ? 'Big' : `Other${index}`, energy: 0.5, tempo: 120, key: 0, mode: 1 });
    // input order puts Big's tracks first, so a naive order would repeat them back to back
    specs.sort((a, b) => Number(b.artist === 'Big') - Number(a.artist === 'Big'));
    const store = storeOf(specs);
    expect(minimumArtistGap(store, all(store))).toBe(0);
    const result = sequenceTracks(store, all(store), { arc: 'steady' });
    expect(result.spacingViolations).toBe(0);
    expect(result.artistSpacing).toBe(2);
    expect(minimumArtistGap(store, result.order)).toBeGreaterThanOrEqual(2);
  });

  it('mixes between nearby keys and tempos more smoothly than the input order', () => {
    // alternate far-apart keys and tempos in the input
    const specs: Spec[] = Array.from({ length: 12 }, (_unused, index) => ({
      artist: `A${index}`,
      energy: 0.5,
      tempo: index % 2 === 0 ? 90 + index : 150 - index,
      key: index % 2 === 0 ? 0 : 6,
      mode: 1,
    }));
    const store = storeOf(specs);
    const input = all(store);
    const result = sequenceTracks(store, input, { arc: 'steady' });
    let inputTempoChange = 0;
    for (let index = 1; index < specs.length; index++) inputTempoChange += Math.abs(specs[index]!.tempo - specs[index - 1]!.tempo);
    expect(result.meanTempoChange).toBeLessThan(inputTempoChange / (specs.length - 1) / 2);
    expect(result.meanKeyDistance).toBeLessThan(6);
    expect(new Set(result.order).size).toBe(specs.length);
  });
});
