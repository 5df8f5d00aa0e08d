import { generateSynthetic } from '@mixtape/catalog';
import type { AudioFeatures } from '@mixtape/catalog';
import { describe, expect, it } from 'vitest';
import {
  createContentEncoder,
  encodeContentQuery,
  encodeCatalogContent,
  encodeContentVectors,
  encodeTrackContent,
  fitCatalogFeatureStats,
  fitContentFeatureStats,
} from './content-vectors';
import type { ContentSource } from './content-vectors';
import { cosineBetween, cosineSimilarity } from '@mixtape/base';
import { SimilarityTally } from '../../test/similarity-tally';

function features(overrides: Partial<AudioFeatures>): AudioFeatures {
  return {
    danceability: 0.6,
    energy: 0.65,
    valence: 0.5,
    tempo: 120,
    acousticness: 0.25,
    instrumentalness: 0.1,
    speechiness: 0.1,
    liveness: 0.19,
    loudness: -7,
    key: 0,
    mode: 1,
    ...overrides,
  };
}

const tracks: ContentSource[] = [
  { genres: ['rock'], subgenres: ['hard rock'], releaseDate: '1994-05-01', features: features({ energy: 0.9, loudness: -4, acousticness: 0.05 }) },
  { genres: ['Rock'], subgenres: ['Hard-Rock'], releaseDate: '1997', features: features({ energy: 0.85, loudness: -5, acousticness: 0.1 }) },
  { genres: ['jazz'], subgenres: ['bebop'], releaseDate: '1959-08-17', features: features({ energy: 0.3, acousticness: 0.9, tempo: 160 }) },
  { genres: ['jazz'], subgenres: ['cool jazz'], releaseDate: '1957', features: features({ energy: 0.25, acousticness: 0.85, tempo: 140 }) },
  { genres: ['edm'], subgenres: ['electro house'], releaseDate: '2016-01-01', features: features({ energy: 0.95, danceability: 0.85, tempo: 128 }) },
];

describe('content vectors', () => {
  const encoder = createContentEncoder();

  it('encodes every track as a unit vector of the encoder dimension', () => {
    const vectors = encodeContentVectors(encoder, tracks);
    expect(vectors).toHaveLength(tracks.length * encoder.dim);
    for (let t = 0; t < tracks.length; t++) {
      let norm = 0;
      for (let d = 0; d < encoder.dim; d++) norm += vectors[t * encoder.dim + d]! ** 2;
      expect(norm).toBeCloseTo(1, 5);
    }
  });

  it('puts same-genre tracks closer than different-genre tracks', () => {
    const vectors = encodeContentVectors(encoder, tracks);
    const rockRock = cosineSimilarity(vectors, encoder.dim, 0, 1);
    const jazzJazz = cosineSimilarity(vectors, encoder.dim, 2, 3);
    expect(rockRock).toBeGreaterThan(cosineSimilarity(vectors, encoder.dim, 0, 2));
    expect(rockRock).toBeGreaterThan(cosineSimilarity(vectors, encoder.dim, 0, 4));
    expect(jazzJazz).toBeGreaterThan(cosineSimilarity(vectors, encoder.dim, 2, 4));
    expect(rockRock).toBeGreaterThan(0.8);
  });

  it('is a pure function of the track', () => {
    const once = encodeTrackContent(encoder, tracks[0]!);
    const again = encodeTrackContent(createContentEncoder(), structuredClone(tracks[0]!));
    expect(Array.from(again)).toEqual(Array.from(once));
    const batch = encodeContentVectors(encoder, tracks);
    expect(Array.from(batch.subarray(0, encoder.dim))).toEqual(Array.from(once));
  });

  it('treats spelling variants of a genre as the same genre', () => {
    for (const [written, canonical] of [['Hip-Hop', 'hip hop'], ['  R&B ', 'r and b'], ['Música Latina', 'musica latina']]) {
      const a = encodeTrackContent(encoder, { genres: [written!], subgenres: [] });
      const b = encodeTrackContent(encoder, { genres: [canonical!], subgenres: [] });
      expect(Array.from(a)).toEqual(Array.from(b));
    }
  });

  it('encodes a track without any metadata as zeros rather than NaN', () => {
    const empty = encodeTrackContent(encoder, { genres: [], subgenres: [] });
    expect(Array.from(empty).every((v) => v === 0)).toBe(true);
  });

  it('ranks tracks for a constraint query in the same space', () => {
    const vectors = encodeContentVectors(encoder, tracks);
    const rank = (query: Parameters<typeof encodeContentQuery>[1]): number[] => {
      const q = encodeContentQuery(encoder, query);
      return tracks
        .map((_, t) => ({ t, score: cosineBetween(q, 0, vectors, t * encoder.dim, encoder.dim) }))
        .sort((x, y) => y.score - x.score)
        .map((entry) => entry.t);
    };
    expect(rank({ genres: ['jazz'], years: { from: 1950, to: 1960 } }).slice(0, 2).sort()).toEqual([2, 3]);
    expect(rank({ features: { energy: { min: 0.8 } }, genres: ['rock'], years: { from: 1990, to: 1999 } }).slice(0, 2).sort()).toEqual([0, 1]);
    expect(rank({ features: { energy: { min: 0.8 }, danceability: { min: 0.8 } } })[0]).toBe(4);
    expect(rank({ features: { acousticness: 0.9 } }).slice(0, 2).sort()).toEqual([2, 3]);
  });

  it('rejects impossible queries with the field at fault', () => {
    expect(() => encodeContentQuery(encoder, { features: { energy: { min: 0.9, max: 0.2 } } })).toThrow(/features.energy/);
    expect(() => encodeContentQuery(encoder, { years: { from: 2000, to: 1990 } })).toThrow(/years/);
    expect(() => encodeContentQuery(encoder, { features: { loudnes: 1 } as never })).toThrow(/features.loudnes: unknown feature/);
    expect(() => createContentEncoder({ genreBuckets: 0 })).toThrow(/genreBuckets/);
  });

  it('fits standardization to a catalog', () => {
    const stats = fitContentFeatureStats(tracks);
    expect(stats.energy.mean).toBeCloseTo((0.9 + 0.85 + 0.3 + 0.25 + 0.95) / 5, 6);
    expect(stats.mode.std).toBeGreaterThan(0); // constant feature keeps a usable spread
    const fitted = createContentEncoder({ stats });
    expect(encodeTrackContent(fitted, tracks[0]!)).toHaveLength(fitted.dim);
  });

  describe('over a CatalogStore', () => {
    const { store } = generateSynthetic({ tracks: 600, users: 20, interactions: 200, seed: 5 });

    it('encodes from the columns exactly what the object path gives for each track', () => {
      const fitted = createContentEncoder({ stats: fitCatalogFeatureStats(store) });
      const columnar = encodeCatalogContent(fitted, store);
      expect(columnar).toHaveLength(store.trackCount * fitted.dim);
      for (let t = 0; t < store.trackCount; t += 37) {
        const single = encodeTrackContent(fitted, store.getTrack(t)!);
        for (let d = 0; d < fitted.dim; d++) expect(columnar[t * fitted.dim + d]).toBeCloseTo(single[d]!, 4);
      }
      const tracksWithFeatures = Array.from({ length: store.trackCount }, (_, t) => store.getTrack(t)!);
      expect(fitCatalogFeatureStats(store).energy.mean).toBeCloseTo(fitContentFeatureStats(tracksWithFeatures).energy.mean, 4);
    });

    it('puts tracks of the same genre closer than tracks of different genres', () => {
      const vectors = encodeCatalogContent(encoder, store);
      const primaryGenre = (t: number): number => store.genresOfTrack(t).genres[0] ?? -1;
      const tally = new SimilarityTally();
      for (let a = 0; a < store.trackCount; a += 7) {
        for (let b = a + 1; b < store.trackCount; b += 11) {
          if (primaryGenre(a) < 0 || primaryGenre(b) < 0) continue;
          tally.add(primaryGenre(a) === primaryGenre(b), cosineSimilarity(vectors, encoder.dim, a, b));
        }
      }
      expect(tally.sameCount).toBeGreaterThan(10);
      expect(tally.sameMean).toBeGreaterThan(tally.differentMean + 0.2);
    });
  });
});
