import { INTERACTION_TYPE_CODE, InteractionLogBuilder, generateSynthetic } from '@mixtape/catalog';
import { describe, expect, it } from 'vitest';
import { buildTrackIndex, trainItemVectors } from './catalog-vectors';
import { chooseFactory } from '../vector-index';

describe('trainItemVectors', () => {
  it('builds on a catalog without any content (an MPD slice: no audio features, genres or years) — cold start is skipped, not fatal', async () => {
    const { store, interactions } = generateSynthetic({ seed: 3, tracks: 300, users: 30, interactions: 3000 });
    const noContent = { vectors: new Float32Array(store.trackCount * 16), dim: 16 };
    const details: string[] = [];
    const items = await trainItemVectors(store, interactions, noContent, {
      dim: 8, epochs: 1, window: 3, negatives: 2, threads: 1, seed: 1,
      step: async (name, work, detail) => {
        const value = await work();
        if (detail) details.push(`${name}: ${detail(value)}`);
        return value;
      },
    });
    expect(items.vectors.length).toBe(store.trackCount * 8);
    expect(details).toContain('cold start: skipped: no played track has content (audio features, genres or a release year) to learn the projection from');
    // learned rows are unit length; unplayed rows stay empty
    for (let t = 0; t < store.trackCount; t++) {
      let norm = 0;
      for (let d = 0; d < 8; d++) norm += items.vectors[t * 8 + d]! ** 2;
      expect(norm).toBeCloseTo(items.hasVector![t] === 1 ? 1 : 0, 4);
    }
  });

  it('refuses a log without listens (empty, or only skips) with what it holds and what to do, instead of item2vec\'s "no item occurs at least minCount times"', async () => {
    const { store } = generateSynthetic({ seed: 3, tracks: 300, users: 30, interactions: 3000 });
    const skips = new InteractionLogBuilder(0);
    for (let i = 0; i < 40; i++) skips.pushEncoded(skips.userIndex(`u${i % 4}`), i, 1_700_000_000_000 + i * 60_000, INTERACTION_TYPE_CODE.skip, 5_000, 1, -1);
    const content = { vectors: new Float32Array(store.trackCount * 4).fill(1), dim: 4 };
    const options = { dim: 8, epochs: 1, window: 3, negatives: 2, threads: 1, seed: 1 };
    await expect(trainItemVectors(store, skips.build(), content, options)).rejects.toThrow(
      'item vectors: the interaction log has 40 events (skip 40) and none is a listen; expected play, complete, save or playlist_add events (skips say nothing about taste) — import a log with listens',
    );
    await expect(trainItemVectors(store, new InteractionLogBuilder(0).build(), content, options)).rejects.toThrow('item vectors: the interaction log is empty; expected play');
  });

  it('indexes all-zero vectors with Flat under factory "auto" (an HNSW graph over identical points is pathologically slow)', () => {
    const { store } = generateSynthetic({ seed: 3, tracks: 25_000, users: 5, interactions: 50 });
    const options = { factory: 'auto', efSearch: 64, nprobe: 8 };
    expect(buildTrackIndex(store, { vectors: new Float32Array(store.trackCount * 8), dim: 8 }, options).info().factory).toBe('Flat');
    expect(chooseFactory(store.trackCount, 8)).toMatch(/^HNSW/); // what "auto" picks for vectors that differ
  });
});
