import { VectorIndex } from '@mixtape/embeddings';
import { describe, expect, it } from 'vitest';
import { initializeModel, outputEmbeddings, resolveModelConfig } from './model';
import { createSequenceScorer } from './scorer';
import { NextTrackOverloadedError, createNextTrackRecommender } from './serve';
import type { NextTrackResult } from './serve';
import { buildTransitionPrior, countTransitions } from './transitions';

const NUM_ITEMS = 120;
const model = initializeModel(resolveModelConfig({ numItems: NUM_ITEMS, dim: 8, maxLength: 6, blocks: 2 }), 5);
const ids = Array.from({ length: NUM_ITEMS }, (_, i) => `t${i}`);
const index = VectorIndex.build({ dim: 8, factory: 'Flat', metric: 'ip', ids, vectors: outputEmbeddings(model) });

/** the exact answer: every item scored against the query vector of the last maxLength plays */
function bruteForce(history: number[], k: number, skip: Set<number>): number[] {
  const scorer = createSequenceScorer(model);
  const items = Int32Array.from(history.slice(-model.config.maxLength));
  const { vectors } = scorer.encode({ items, offsets: Int32Array.of(0, items.length) }, [0]);
  const scores = new Float32Array(NUM_ITEMS);
  scorer.scoreAll(vectors, 1, scores);
  return Array.from({ length: NUM_ITEMS }, (_, i) => i)
    .filter((i) => !skip.has(i) && !history.includes(i))
    .sort((a, b) => scores[b]! - scores[a]! || a - b)
    .slice(0, k);
}

describe('next-track recommender', () => {
  it('returns the exact top-k of the model through the FAISS index, history and exclusions removed', async () => {
    const recommender = createNextTrackRecommender(model, index);
    const history = [3, 17, 17, 40, 8, 99, 61, 5, 12];
    const result = await recommender.recommend({ history, k: 10, exclude: [7, 30] });
    expect(Array.from(result.tracks)).toEqual(bruteForce(history, 10, new Set([7, 30])));
    expect(result.scores.length).toBe(10);
    for (let i = 1; i < result.scores.length; i++) expect(result.scores[i - 1]!).toBeGreaterThanOrEqual(result.scores[i]!);
  });

  it('takes a fractional overFetch (a whole number of neighbours asked of FAISS, the same exact answer) and refuses one below 1', async () => {
    const depths: number[] = [];
    const counting = Object.assign(Object.create(index) as VectorIndex, {
      searchBatchAsync: (queries: Float32Array, k: number) => {
        depths.push(k);
        return index.searchBatchAsync(queries, k);
      },
    });
    const recommender = createNextTrackRecommender(model, counting, { overFetch: 1.5 });
    const history = [3, 17, 40, 8, 99];
    const result = await recommender.recommend({ history, k: 7, exclude: [7] });
    expect(Array.from(result.tracks)).toEqual(bruteForce(history, 7, new Set([...history, 7])));
    // 7 · 1.5 + min(6 + 1, 7 · 1.5) = 17.5 → 18
    expect(depths[0]).toBe(18);
    expect(depths.every((depth) => Number.isInteger(depth))).toBe(true);
    for (const overFetch of [0.5, 0, Number.NaN]) expect(() => createNextTrackRecommender(model, index, { overFetch })).toThrow(/overFetch: expected a number ≥ 1/);
  });

  it('batches concurrent requests into one forward pass and one search, each answered alone-equal', async () => {
    const recommender = createNextTrackRecommender(model, index, { maxInFlight: 1 });
    const histories = Array.from({ length: 12 }, (_, q) => Array.from({ length: 1 + (q % 7) }, (_, t) => (q * 13 + t * 7) % NUM_ITEMS));
    const results = await Promise.all(histories.map((history) => recommender.recommend({ history, k: 5 })));
    expect(recommender.stats()).toMatchObject({ batches: 1, requests: 12 });
    histories.forEach((history, q) => expect(Array.from(results[q]!.tracks)).toEqual(bruteForce(history, 5, new Set())));
  });

  it('splits at maxBatch, applies accept filters and answers an empty history with nothing', async () => {
    const recommender = createNextTrackRecommender(model, index, { maxBatch: 4 });
    const even = (track: number) => track % 2 === 0;
    const results = await Promise.all(Array.from({ length: 9 }, (_, q) => recommender.recommend({ history: [q, q + 1], k: 4, accept: even })));
    expect(recommender.stats().batches).toBe(3);
    for (const result of results) {
      expect(result.tracks.length).toBe(4);
      for (const track of result.tracks) expect(track % 2).toBe(0);
    }
    expect((await recommender.recommend({ history: [], k: 3 })).tracks.length).toBe(0);
  });

  it('searches a query again, deeper, when skips and filters leave fewer than k (the exact filtered top-k)', async () => {
    const recommender = createNextTrackRecommender(model, index, { overFetch: 1 });
    const rare = (track: number) => track % 10 === 0;
    const history = [1, 2, 3, 4, 5, 6];
    const result = await recommender.recommend({ history, k: 5, accept: rare });
    const skip = new Set(Array.from({ length: NUM_ITEMS }, (_, i) => i).filter((i) => !rare(i)));
    expect(Array.from(result.tracks)).toEqual(bruteForce(history, 5, skip));
    expect(recommender.stats().retries).toBeGreaterThan(0);
    // a filter no track passes: the whole catalog is searched, nothing is returned
    expect((await recommender.recommend({ history, k: 3, accept: () => false })).tracks.length).toBe(0);
  });

  it('builds a station that continues itself, never repeating a track, with the caller\'s rule', async () => {
    const recommender = createNextTrackRecommender(model, index);
    const station = await recommender.station([10], 12, { rounds: 3, accept: (track, chosen, count) => Array.from(chosen.subarray(0, count)).every((other) => Math.floor(other / 10) !== Math.floor(track / 10)) });
    expect(station.tracks.length).toBeGreaterThan(0);
    expect(new Set(station.tracks).size).toBe(station.tracks.length);
    expect(Array.from(station.tracks)).not.toContain(10);
    const decades = Array.from(station.tracks, (track) => Math.floor(track / 10));
    expect(new Set(decades).size).toBe(decades.length);
    // the first round is the model's answer to the seed alone (filtered by the rule)
    const first = await recommender.recommend({ history: [10], k: 1 });
    expect(station.tracks[0]).toBe(first.tracks[0]);
  });

  it('answers the same history at the same depth from its cached neighbours: no FAISS search, the answer a fresh search gives', async () => {
    // the real Flat index, its async search counted
    const counted = VectorIndex.fromBuffer(index.toBuffer());
    const search = counted.searchBatchAsync.bind(counted);
    let searches = 0;
    counted.searchBatchAsync = (queries, k) => {
      searches++;
      return search(queries, k);
    };
    const recommender = createNextTrackRecommender(model, counted, { cacheSize: 4 });
    const fresh = createNextTrackRecommender(model, index, { cacheSize: 0 });
    const first = await recommender.recommend({ history: [4, 9, 33], k: 6 });
    expect(searches).toBe(1);
    // a filter does not change the depth: the kept neighbours answer it
    const filtered = { history: [4, 9, 33], k: 6, accept: (track: number) => track !== first.tracks[0] };
    const again = await recommender.recommend(filtered);
    expect(searches).toBe(1);
    expect(recommender.stats()).toMatchObject({ cacheHits: 1, neighbourHits: 1 });
    const expected = await fresh.recommend(filtered);
    expect(Array.from(again.tracks)).toEqual(Array.from(expected.tracks));
    expect(Array.from(again.scores)).toEqual(Array.from(expected.scores));
    expect(again.tracks).not.toContain(first.tracks[0]);
    // another k is another depth: searched again (the query vector still from the cache)
    const fewer = await recommender.recommend({ history: [4, 9, 33], k: 5 });
    expect(searches).toBe(2);
    expect(recommender.stats()).toMatchObject({ cacheHits: 2, neighbourHits: 1 });
    expect(Array.from(fewer.tracks)).toEqual(Array.from(first.tracks.subarray(0, 5)));
  });

  it('answers a repeated history from the query-vector cache (same answer, no forward pass), least recently used out first', async () => {
    const recommender = createNextTrackRecommender(model, index, { cacheSize: 2 });
    const first = await recommender.recommend({ history: [4, 9, 33], k: 6 });
    const again = await recommender.recommend({ history: [4, 9, 33], k: 6, exclude: [first.tracks[0]!] });
    expect(recommender.stats().cacheHits).toBe(1);
    expect(Array.from(again.tracks)).toEqual(bruteForce([4, 9, 33], 6, new Set([first.tracks[0]!])));
    // only the last maxLength plays matter: a longer history with the same tail is the same query
    await recommender.recommend({ history: [50, 51, 52, 53, 54, 55, 4, 9, 33].slice(-6), k: 6 });
    await recommender.recommend({ history: [77, 50, 51, 52, 53, 54, 55, 4, 9, 33].slice(-7), k: 6 });
    expect(recommender.stats().cacheHits).toBe(2);
    await recommender.recommend({ history: [1], k: 6 }); // evicts [4, 9, 33] (cacheSize 2)
    await recommender.recommend({ history: [4, 9, 33], k: 6 });
    expect(recommender.stats().cacheHits).toBe(2);
    const uncached = createNextTrackRecommender(model, index, { cacheSize: 0 });
    await uncached.recommend({ history: [4, 9, 33], k: 6 });
    await uncached.recommend({ history: [4, 9, 33], k: 6 });
    expect(uncached.stats().cacheHits).toBe(0);
    expect(() => createNextTrackRecommender(model, index, { cacheSize: -1 })).toThrow('next-track cacheSize: expected an integer ≥ 0, got -1');
  });

  it('serves the transition prior: the exact top-k of the blended score (logits + boost), incl. successors far down the index', async () => {
    // successors of item i: i + 1 … i + 4 (mod 120), followed often; an initialised model knows nothing of it
    const items: number[] = [];
    const offsets = [0];
    for (let r = 0; r < 300; r++) {
      for (let t = 0; t < 5; t++) items.push((r * 7 + t * (1 + (r % 4))) % NUM_ITEMS);
      offsets.push(items.length);
    }
    const transitions = buildTransitionPrior(countTransitions({ items: Int32Array.from(items), offsets: Int32Array.from(offsets) }, NUM_ITEMS), { alpha: 0.02, mu: 0.04, gamma: 0.5 });
    const withPrior = { ...model, transitions };
    const scorer = createSequenceScorer(withPrior);
    const exact = (history: number[], k: number, skip: Set<number>) => {
      const scores = new Float32Array(NUM_ITEMS);
      const tail = Int32Array.from(history.slice(-model.config.maxLength));
      scorer.scoreHistories({ items: tail, offsets: Int32Array.of(0, tail.length) }, [0], scores);
      return Array.from({ length: NUM_ITEMS }, (_, i) => i)
        .filter((i) => !skip.has(i) && !history.includes(i))
        .sort((a, b) => scores[b]! - scores[a]! || a - b)
        .slice(0, k);
    };
    const recommender = createNextTrackRecommender(withPrior, index, { overFetch: 1 });
    let moved = 0;
    for (const history of [[3, 17, 40], [8, 99, 61, 5], [12], [30, 31, 32]]) {
      const result = await recommender.recommend({ history, k: 6, exclude: [7] });
      expect(Array.from(result.tracks)).toEqual(exact(history, 6, new Set([7])));
      for (let i = 1; i < result.scores.length; i++) expect(result.scores[i - 1]!).toBeGreaterThanOrEqual(result.scores[i]!);
      if (Array.from(result.tracks).join() !== bruteForce(history, 6, new Set([7])).join()) moved++;
    }
    expect(moved).toBeGreaterThan(0); // the prior changes answers
    // α = 0 serves the logits alone
    const off = createNextTrackRecommender({ ...model, transitions: { ...transitions, settings: { ...transitions.settings, alpha: 0 } } }, index);
    expect(Array.from((await off.recommend({ history: [3, 17, 40], k: 6 })).tracks)).toEqual(bruteForce([3, 17, 40], 6, new Set()));
  });

  it('serves a prior that backs off to groups alone (item level off): the exact top-k of logits + group boosts', async () => {
    // groups of 10 consecutive items; rows walk inside a group, so the back-off boosts tracks the last play never led to
    const items: number[] = [];
    const offsets = [0];
    for (let r = 0; r < 200; r++) {
      for (let t = 0; t < 4; t++) items.push(Math.floor(r / 10) % 12 * 10 + ((r * 3 + t * 7) % 10));
      offsets.push(items.length);
    }
    const group = { name: 'album', of: Int32Array.from({ length: NUM_ITEMS }, (_, i) => Math.floor(i / 10)) };
    const settings = { alpha: 0, mu: 1, gamma: 0, groups: [{ name: 'album', alpha: 0.05, mu: 0.01 }] };
    const transitions = buildTransitionPrior(countTransitions({ items: Int32Array.from(items), offsets: Int32Array.from(offsets) }, NUM_ITEMS), settings, [group]);
    const withPrior = { ...model, transitions };
    const scorer = createSequenceScorer(withPrior);
    const recommender = createNextTrackRecommender(withPrior, index, { overFetch: 1 });
    let moved = 0;
    for (const history of [[3, 17, 40], [8, 99, 61, 5], [12], [30, 31, 32]]) {
      const scores = new Float32Array(NUM_ITEMS);
      scorer.scoreHistories({ items: Int32Array.from(history), offsets: Int32Array.of(0, history.length) }, [0], scores);
      const exact = Array.from({ length: NUM_ITEMS }, (_, i) => i)
        .filter((i) => !history.includes(i))
        .sort((a, b) => scores[b]! - scores[a]! || a - b)
        .slice(0, 6);
      const result = await recommender.recommend({ history, k: 6 });
      expect(Array.from(result.tracks)).toEqual(exact);
      if (exact.join() !== bruteForce(history, 6, new Set()).join()) moved++;
    }
    expect(moved).toBeGreaterThan(0); // the back-off alone changes answers
  });

  it('answers a batch exactly as it answers each request alone (same tracks, same scores), with or without the prior, HNSW or Flat, one or two batches in flight', async () => {
    // a larger catalog than the other tests' and a sparse HNSW graph searched shallowly, so that a deeper search would find more
    const numItems = 4000;
    const big = initializeModel(resolveModelConfig({ numItems, dim: 16, maxLength: 6, blocks: 2 }), 9);
    // unit-norm output rows: without a few long vectors that win every query, HNSW's answer depends on its depth
    const output = outputEmbeddings(big);
    for (let i = 0; i < numItems; i++) {
      const row = output.subarray(i * 16, (i + 1) * 16);
      const norm = Math.hypot(...row);
      row.forEach((value, c) => (row[c] = value / norm));
    }
    const items = Int32Array.from({ length: 15000 }, (_, t) => (t * 37 + (t % 11) * 5) % numItems);
    const offsets = Int32Array.from({ length: 3001 }, (_, r) => r * 5);
    const withPrior = { ...big, transitions: buildTransitionPrior(countTransitions({ items, offsets }, numItems), { alpha: 0.05, mu: 0.04, gamma: 0.5 }) };
    const bigIds = Array.from({ length: numItems }, (_, i) => `t${i}`);
    const hnsw = VectorIndex.build({ dim: 16, factory: 'HNSW4', metric: 'ip', ids: bigIds, vectors: outputEmbeddings(big) });
    hnsw.setParams({ efSearch: 1 });
    const flat = VectorIndex.build({ dim: 16, factory: 'Flat', metric: 'ip', ids: bigIds, vectors: outputEmbeddings(big) });
    const requests = Array.from({ length: 100 }, (_, q) => ({
      history: Array.from({ length: 1 + ((q * 5) % 9) }, (_, t) => (q * 31 + t * 17) % numItems),
      k: q % 2 === 0 ? 1 : 10,
      ...(q % 10 === 1 ? { exclude: [q, q + 1] } : {}),
      ...(q % 10 === 2 ? { accept: (track: number) => track % 3 !== 0 } : {}),
    }));
    for (const served of [big, withPrior])
      for (const vectors of [hnsw, flat]) {
        const alone = createNextTrackRecommender(served, vectors, { maxBatch: 1 });
        const expected: NextTrackResult[] = [];
        for (const request of requests) expected.push(await alone.recommend(request));
        expect(alone.stats().batches).toBe(requests.length);
        for (const maxInFlight of [1, 2]) {
          const batched = createNextTrackRecommender(served, vectors, { maxInFlight, maxBatch: 64 });
          const answers = await Promise.all(requests.map((request) => batched.recommend(request)));
          expect(batched.stats().batches).toBe(2);
          answers.forEach((answer, q) => {
            expect(Array.from(answer.tracks)).toEqual(Array.from(expected[q]!.tracks));
            expect(Array.from(answer.scores)).toEqual(Array.from(expected[q]!.scores));
          });
        }
      }
  });

  it('a request whose accept callback throws fails alone: the others of its batch are answered', async () => {
    const recommender = createNextTrackRecommender(model, index, { maxInFlight: 1 });
    // only the last two tracks are acceptable: this request searches deeper (awaits) after its batch-mate failed
    const rare = { history: [2, 3], k: 4, accept: (track: number) => track >= NUM_ITEMS - 2 };
    const alone = await recommender.recommend(rare);
    const before = recommender.stats().batches;
    const broken = recommender.recommend({ history: [1], k: 4, accept: () => { throw new Error('accept broke'); } });
    const fine = recommender.recommend(rare);
    await expect(broken).rejects.toThrow('accept broke');
    expect(Array.from((await fine).tracks)).toEqual(Array.from(alone.tracks));
    expect(recommender.stats().batches - before).toBe(1); // both went in one batch
  });

  it('refuses bad requests and an index that does not match the model', async () => {
    const recommender = createNextTrackRecommender(model, index);
    await expect(recommender.recommend({ history: [1, NUM_ITEMS], k: 3 })).rejects.toThrow(`history[1] = ${NUM_ITEMS} is not a track index (0…${NUM_ITEMS - 1})`);
    await expect(recommender.recommend({ history: [1], k: 0 })).rejects.toThrow('k must be a positive integer');
    await expect(recommender.recommend({ history: [1.5], k: 3 })).rejects.toThrow('history[0] = 1.5 is not a track index');
    await expect(recommender.recommend({ history: [1], exclude: [2, -1], k: 3 })).rejects.toThrow('exclude[1] = -1 is not a track index');
    const small = VectorIndex.build({ dim: 8, factory: 'Flat', metric: 'ip', ids: ids.slice(0, 10), vectors: outputEmbeddings(model).slice(0, 80) });
    expect(() => createNextTrackRecommender(model, small)).toThrow(`holds 10 vectors, the model scores ${NUM_ITEMS} items`);
    expect(() => createNextTrackRecommender(model, index, { maxQueue: 0 })).toThrow('next-track maxQueue: expected a positive integer, got 0');
  });

  it('refuses a request at once with NextTrackOverloadedError when maxQueue requests already wait behind running batches', async () => {
    // idle, default batches: three in one tick all fit the free slots' next batches, none is refused
    const idle = createNextTrackRecommender(model, index, { maxQueue: 2 });
    const burst = await Promise.allSettled([[1, 2], [3], [4, 5]].map((history) => idle.recommend({ history, k: 3 })));
    expect(burst.map((answer) => answer.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(idle.stats()).toMatchObject({ requests: 3, refused: 0 });
    // one slot of one request: four in one tick — the first is the slot's next batch, two wait, the fourth is refused
    const recommender = createNextTrackRecommender(model, index, { maxQueue: 2, maxBatch: 1, maxInFlight: 1 });
    const answers = await Promise.allSettled([[1, 2], [3], [6], [4, 5]].map((history) => recommender.recommend({ history, k: 3 })));
    expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    const reason = (answers[3] as PromiseRejectedResult).reason as NextTrackOverloadedError;
    expect(reason).toBeInstanceOf(NextTrackOverloadedError);
    expect(reason).toMatchObject({ code: 'NEXT_TRACK_OVERLOADED', details: { queued: 2, maxQueue: 2 } });
    expect(recommender.stats()).toMatchObject({ requests: 3, refused: 1 });
    expect((await recommender.recommend({ history: [4, 5], k: 3 })).tracks).toHaveLength(3);
  });
});
