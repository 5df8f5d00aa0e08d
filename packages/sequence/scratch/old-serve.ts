// Serving the next-track model: a listener's last plays → one forward pass → a query vector →
// nearest output embeddings in a FAISS inner-product index, re-scored with the model's transition
// prior (the last play's successors join the candidates; see transitions.ts). Concurrent requests
// share one forward pass over a ragged batch and one batched FAISS search, the way the vector
// search batcher merges queries, but without its timer: an idle recommender starts at once, and
// the requests that arrive while a batch is computed go together in the next one. The forward
// pass runs the last block for the last position only, a listener's query vector is cached until
// the history changes, and the search runs on a libuv thread.
import { dot, type BatchItem } from '@mixtape/base';
import type { VectorIndex } from '@mixtape/embeddings';
import type { SequenceModel } from '../src/model';
import { outputEmbeddings } from '../src/model';
import { createGatheringBatcher } from './old-gathering-batcher';
import { createSequenceScorer } from '../src/scorer';
import type { SequenceScorer } from '../src/scorer';

export interface NextTrackRequest {
  /** the listener's plays, oldest first (track indices); the last maxLength are read */
  history: ArrayLike<number>;
  /** how many next tracks */
  k: number;
  /** tracks never returned (e.g. the current session); the history itself is always excluded */
  exclude?: ArrayLike<number>;
  /** keep a candidate only when this returns true (catalog filters such as explicit content) */
  accept?: (track: number) => boolean;
}

export interface NextTrackResult {
  /** track indices, best first (fewer than k only when the catalog holds fewer acceptable tracks) */
  tracks: Int32Array;
  /** the served scores: inner products with the query vector plus the model's transition prior from the history's last play */
  scores: Float32Array;
}

export interface NextTrackOptions {
  /** largest batch of concurrent requests in one forward pass (default 64) */
  maxBatch?: number;
  /**
   * batches computed at once (default 2: one batch's forward pass on the event loop runs while
   * the previous one searches on a libuv thread, so a loaded recommender keeps two cores busy
   * with FAISS single-threaded, as the services run it); requests arriving meanwhile wait and go
   * together as the next batch
   */
  maxInFlight?: number;
  /** the batched search fetches k · overFetch + min(skipped tracks, k · overFetch) (default 2); a query left short is searched again deeper */
  overFetch?: number;
  /**
   * query vectors kept for the most recent distinct histories (default 4096, 0 = none): a
   * listener who asks again before a new play is served without a forward pass
   */
  cacheSize?: number;
}

export interface NextTrackStats {
  batches: number;
  requests: number;
  /** single-query searches repeated deeper because skips and filters left fewer than k */
  retries: number;
  /** requests whose query vector came from the cache (no forward pass) */
  cacheHits: number;
}

export interface NextTrackRecommender {
  readonly model: SequenceModel;
  readonly index: VectorIndex;
  /** next tracks after a history; an empty history gives an empty result */
  recommend(request: NextTrackRequest): Promise<NextTrackResult>;
  /**
   * A station from seed tracks: the model continues the sequence in `rounds` steps (each step
   * appends the best new tracks to the history it reads), so later picks follow earlier ones.
   * `accept(track, chosen, count)` sees the station so far (chosen[0…count)) and may refuse a
   * track (an artist cap, say).
   */
  station(seeds: ArrayLike<number>, limit: number, options?: { rounds?: number; accept?: (track: number, chosen: Int32Array, count: number) => boolean; exclude?: ArrayLike<number> }): Promise<NextTrackResult>;
  stats(): NextTrackStats;
}

const EMPTY: NextTrackResult = { tracks: new Int32Array(0), scores: new Float32Array(0) };

/**
 * The serving half of the model. `index` holds the model's output embeddings with label = track
 * index (build it with `buildOutputIndex`-style ids in track order); it is checked here.
 */
export function createNextTrackRecommender(model: SequenceModel, index: VectorIndex, options: NextTrackOptions = {}): NextTrackRecommender {
  const { numItems, dim } = model.config;
  if (index.dim !== dim) throw new RangeError(`next-track index has dim ${index.dim}, the model ${dim}`);
  if (index.size !== numItems) throw new RangeError(`next-track index holds ${index.size} vectors, the model scores ${numItems} items`);
  const maxBatch = options.maxBatch ?? 64;
  const maxInFlight = options.maxInFlight ?? 2;
  const overFetch = options.overFetch ?? 2;
  const cacheSize = options.cacheSize ?? 4096;
  if (!Number.isInteger(cacheSize) || cacheSize < 0) throw new RangeError(`next-track cacheSize: expected an integer ≥ 0, got ${cacheSize}`);
  const scorer: SequenceScorer = createSequenceScorer(model, { maxBatch });
  const maxLength = model.config.maxLength;
  const batcher = createGatheringBatcher<NextTrackRequest, NextTrackResult>((batch) => serve(batch), { maxBatch, maxInFlight });
  const counters = { retries: 0, cacheHits: 0 };
  // query vectors of recent histories (Map order = least recently used first)
  const cache = new Map<string, Float32Array>();
  // skipped tracks carry the current stamp: no Set per request
  const skipStamp = new Uint32Array(numItems);
  let stamp = 0;
  // the transition prior: the last play's successors are marked (seenStamp) with their boost
  const prior = model.transitions && model.transitions.settings.alpha > 0 ? model.transitions : undefined;
  const seenStamp = new Uint32Array(prior ? numItems : 0);
  const boostOf = new Float32Array(prior ? numItems : 0);
  const output = outputEmbeddings(model);

  /** the cache key of a history: its last maxLength plays */
  function historyKey(history: ArrayLike<number>): string {
    let key = '';
    for (let t = Math.max(0, history.length - maxLength); t < history.length; t++) key += `${history[t]},`;
    return key;
  }

  async function serve(batch: BatchItem<NextTrackRequest, NextTrackResult>[]): Promise<void> {
    const vectors = new Float32Array(batch.length * dim);
    const keys = cacheSize > 0 ? batch.map(({ request }) => historyKey(request.history)) : undefined;
    // histories as CSR (the last maxLength plays of each) for the requests the cache cannot answer
    const misses: number[] = [];
    for (let q = 0; q < batch.length; q++) {
      const cached = keys ? cache.get(keys[q]!) : undefined;
      if (cached) {
        cache.delete(keys![q]!);
        cache.set(keys![q]!, cached);
        vectors.set(cached, q * dim);
        counters.cacheHits++;
      } else misses.push(q);
    }
    if (misses.length > 0) {
      const offsets = new Int32Array(misses.length + 1);
      for (let m = 0; m < misses.length; m++) offsets[m + 1] = offsets[m]! + Math.min(batch[misses[m]!]!.request.history.length, maxLength);
      const items = new Int32Array(offsets[misses.length]!);
      misses.forEach((q, m) => {
        const history = batch[q]!.request.history;
        const from = history.length - (offsets[m + 1]! - offsets[m]!);
        for (let t = offsets[m]!; t < offsets[m + 1]!; t++) items[t] = history[from + t - offsets[m]!]!;
      });
      const encoded = scorer.encode({ items, offsets }, Int32Array.from(misses, (_, m) => m)).vectors;
      misses.forEach((q, m) => {
        const vector = encoded.subarray(m * dim, (m + 1) * dim);
        vectors.set(vector, q * dim);
        if (!keys) return;
        cache.set(keys[q]!, Float32Array.from(vector));
        if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
      });
    }
    // One batched search per fetch depth (requests asking for the same k share one), with a
    // small over-fetch; a query whose skips and filters leave fewer than k is searched again
    // alone, fetching twice as many each time (rare: the history is seldom among the nearest
    // output embeddings). A request's depth depends on the request alone and FAISS searches each
    // query of a batch on its own, so a batched answer is the answer the request gets alone; a
    // failure (a search, or a request's own accept callback) rejects only the requests it touched.
    const groups = new Map<number, number[]>();
    batch.forEach(({ request }, q) => {
      const depth = firstFetch(request);
      const group = groups.get(depth);
      if (group) group.push(q);
      else groups.set(depth, [q]);
    });
    await Promise.all(
      Array.from(groups, async ([depth, members]) => {
        const queries = members.length === batch.length ? vectors : new Float32Array(members.length * dim);
        if (queries !== vectors) members.forEach((q, m) => queries.set(vectors.subarray(q * dim, (q + 1) * dim), m * dim));
        let neighbours: Awaited<ReturnType<typeof index.searchBatchAsync>>;
        try {
          neighbours = await index.searchBatchAsync(queries, depth);
        } catch (error) {
          for (const q of members) batch[q]!.reject(error);
          return;
        }
        await Promise.all(
          members.map(async (q, m) => {
            try {
              await answer(batch[q]!, vectors.subarray(q * dim, (q + 1) * dim), neighbours.labels.subarray(m * neighbours.k, (m + 1) * neighbours.k));
            } catch (error) {
              batch[q]!.reject(error);
            }
          }),
        );
      }),
    );
  }

  /** settles one request from its first search's labels, searching deeper while the answer is not complete */
  async function answer({ request, resolve }: BatchItem<NextTrackRequest, NextTrackResult>, query: Float32Array, first: Int32Array): Promise<void> {
    let labels: ArrayLike<number> = first;
    for (;;) {
      const { result, complete } = pick(request, labels, query);
      if (complete || labels.length >= numItems) {
        resolve(result);
        return;
      }
      const skips = request.history.length + (request.exclude?.length ?? 0);
      const again = await index.searchBatchAsync(query, Math.min(numItems, Math.max(2 * labels.length, request.k + skips)));
      counters.retries++;
      labels = again.labels;
    }
  }

  /** the first search's depth: k · overFetch plus room for as many skipped tracks (a full history's and the exclusions), never the batch's */
  function firstFetch(request: NextTrackRequest): number {
    const skips = maxLength + (request.exclude?.length ?? 0);
    return Math.min(numItems, request.k * overFetch + Math.min(skips, request.k * overFetch));
  }

  /**
   * The first k tracks by served score that are not in the history or exclude and pass the
   * filter. The fetched tracks and the last play's successors are scored here — logit from the
   * output embeddings plus the prior's boost — not with the index's distances (which BLAS, a
   * quantiser or the batch size may round differently); `complete` says the answer is the exact
   * top-k — k found and the k-th score at least the smallest fetched logit, which bounds every
   * unfetched track (they get no boost).
   */
  function pick(request: NextTrackRequest, labels: ArrayLike<number>, query: Float32Array): { result: NextTrackResult; complete: boolean } {
    if (++stamp === 0xffffffff) {
      skipStamp.fill(0);
      seenStamp.fill(0);
      stamp = 1;
    }
    for (let t = 0; t < request.history.length; t++) skipStamp[request.history[t]!] = stamp;
    if (request.exclude) for (let t = 0; t < request.exclude.length; t++) skipStamp[request.exclude[t]!] = stamp;
    const ranked = rank(request.history[request.history.length - 1]!, labels, query);
    const tracks = new Int32Array(request.k);
    const scores = new Float32Array(request.k);
    let count = 0;
    for (let r = 0; r < ranked.order.length && count < request.k; r++) {
      const track = ranked.order[r]!;
      if (skipStamp[track] === stamp || (request.accept && !request.accept(track))) continue;
      tracks[count] = track;
      scores[count++] = ranked.score[r]!;
    }
    const complete = count === request.k && scores[count - 1]! >= ranked.floor;
    return { result: { tracks: tracks.subarray(0, count), scores: scores.subarray(0, count) }, complete };
  }

  /** fetched tracks ∪ successors of `last` (with a prior), by logit + boost (best first, ties by track); floor = the smallest fetched logit */
  function rank(last: number, labels: ArrayLike<number>, query: Float32Array): { order: Int32Array; score: Float32Array; floor: number } {
    const from = prior ? prior.offsets[last]! : 0;
    const to = prior ? prior.offsets[last + 1]! : 0;
    for (let e = from; e < to; e++) {
      seenStamp[prior!.items[e]!] = stamp;
      boostOf[prior!.items[e]!] = prior!.boosts[e]!;
    }
    const order: number[] = [];
    const score: number[] = [];
    let floor = Infinity;
    for (let r = 0; r < labels.length; r++) {
      const track = labels[r]!;
      if (track < 0) continue;
      const logit = dot(query, 0, output, track * dim, dim);
      floor = Math.min(floor, logit);
      order.push(track);
      if (prior && seenStamp[track] === stamp) {
        score.push(logit + boostOf[track]!);
        seenStamp[track] = 0; // scored: not again below
      } else score.push(logit);
    }
    for (let e = from; e < to; e++) {
      const track = prior!.items[e]!;
      if (seenStamp[track] !== stamp) continue;
      order.push(track);
      score.push(dot(query, 0, output, track * dim, dim) + prior!.boosts[e]!);
    }
    const index = Array.from(order, (_, i) => i).sort((a, b) => score[b]! - score[a]! || order[a]! - order[b]!);
    return { order: Int32Array.from(index, (i) => order[i]!), score: Float32Array.from(index, (i) => score[i]!), floor };
  }

  /** the error for the first entry of `tracks` that is not a track index of the model, if any */
  function notTrackIndices(name: string, tracks: ArrayLike<number>): RangeError | undefined {
    for (let t = 0; t < tracks.length; t++) {
      const track = tracks[t]!;
      if (!(Number.isInteger(track) && track >= 0 && track < numItems)) return new RangeError(`next tracks: ${name}[${t}] = ${track} is not a track index (0…${numItems - 1})`);
    }
    return undefined;
  }

  function recommend(request: NextTrackRequest): Promise<NextTrackResult> {
    if (!Number.isInteger(request.k) || request.k < 1) return Promise.reject(new RangeError(`next tracks: k must be a positive integer, got ${request.k}`));
    const badTrack = notTrackIndices('history', request.history) ?? (request.exclude && notTrackIndices('exclude', request.exclude));
    if (badTrack) return Promise.reject(badTrack);
    if (request.history.length === 0) return Promise.resolve(EMPTY);
    return batcher.submit(request);
  }

  return {
    model,
    index,
    recommend,
    async station(seeds, limit, stationOptions = {}) {
      const rounds = Math.max(1, Math.min(stationOptions.rounds ?? 5, limit));
      const history = Array.from(seeds);
      const chosen = new Int32Array(limit);
      const chosenScores = new Float32Array(limit);
      let count = 0;
      const exclude = stationOptions.exclude ? Array.from(stationOptions.exclude) : [];
      for (let round = 0; round < rounds && count < limit; round++) {
        const want = Math.ceil((limit - count) / (rounds - round));
        // ask for more than needed: the caller's rule (e.g. an artist cap) is applied in order below
        const { tracks, scores } = await recommend({ history, k: Math.min(numItems, want * 3), exclude: [...exclude, ...chosen.subarray(0, count)] });
        if (tracks.length === 0) break;
        let added = 0;
        for (let i = 0; i < tracks.length && added < want && count < limit; i++) {
          if (stationOptions.accept && !stationOptions.accept(tracks[i]!, chosen, count)) continue;
          chosen[count] = tracks[i]!;
          chosenScores[count++] = scores[i]!;
          history.push(tracks[i]!);
          added++;
        }
        if (added === 0) break;
      }
      return { tracks: chosen.subarray(0, count), scores: chosenScores.subarray(0, count) };
    },
    stats: () => ({ ...batcher.stats(), ...counters }),
  };
}
