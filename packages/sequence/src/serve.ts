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
import type { SequenceModel } from './model';
import { outputEmbeddings } from './model';
import { createGatheringBatcher } from './internal/gathering-batcher';
import { createSequenceScorer } from './scorer';
import type { SequenceScorer } from './scorer';
import { transitionPriorActive } from './transitions';

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
  /**
   * most requests waiting behind running batches — beyond what the free slots' next batches take,
   * so an idle recommender never refuses a burst it can run at once (default 256 — at ~0.5 ms of CPU a request on two cores,
   * more than ~100 ms of work); one more is refused at once with a NextTrackOverloadedError
   * (code NEXT_TRACK_OVERLOADED: the service answers 503 + Retry-After) instead of waiting longer
   */
  maxQueue?: number;
  /** the batched search fetches k · overFetch + min(skipped tracks, k · overFetch) (default 2); a query left short is searched again deeper */
  overFetch?: number;
  /**
   * query vectors kept for the most recent distinct histories (default 4096, 0 = none): a
   * listener who asks again before a new play is served without a forward pass, and with the same
   * k and as many exclusions, without a FAISS search (the first search's neighbours are kept too)
   */
  cacheSize?: number;
}

export interface NextTrackStats {
  batches: number;
  requests: number;
  /** requests refused because maxQueue requests already waited */
  refused: number;
  /** single-query searches repeated deeper because skips and filters left fewer than k */
  retries: number;
  /** requests whose query vector came from the cache (no forward pass) */
  cacheHits: number;
  /** of those, requests whose first search's neighbours came from the cache too (no FAISS search either) */
  neighbourHits: number;
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

/** A request refused because the recommender's queue is full (maxQueue): retry shortly. */
export class NextTrackOverloadedError extends Error {
  readonly code = 'NEXT_TRACK_OVERLOADED';
  readonly details: { queued: number; maxQueue: number };
  constructor(queued: number, maxQueue: number) {
    super(`next tracks: overloaded — ${queued} requests already wait for the model (maxQueue ${maxQueue}); retry shortly`);
    this.name = 'NextTrackOverloadedError';
    this.details = { queued, maxQueue };
  }
}

/** A recent history's query vector and, once searched, its first search's neighbours (at `depth`). */
interface CacheEntry {
  /** the history's last maxLength plays (a hash collision must not pass for a hit) */
  plays: Int32Array;
  vector: Float32Array;
  depth: number;
  labels: Int32Array | undefined;
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
  if (!(overFetch >= 1)) throw new RangeError(`next-track overFetch: expected a number ≥ 1, got ${overFetch}`);
  const cacheSize = options.cacheSize ?? 4096;
  if (!Number.isInteger(cacheSize) || cacheSize < 0) throw new RangeError(`next-track cacheSize: expected an integer ≥ 0, got ${cacheSize}`);
  const scorer: SequenceScorer = createSequenceScorer(model, { maxBatch });
  const maxLength = model.config.maxLength;
  const maxQueue = options.maxQueue ?? 256;
  if (!Number.isInteger(maxQueue) || maxQueue < 1) throw new RangeError(`next-track maxQueue: expected a positive integer, got ${maxQueue}`);
  const batcher = createGatheringBatcher<NextTrackRequest, NextTrackResult>((batch) => serve(batch), {
    maxBatch,
    maxInFlight,
    maxQueue,
    overloaded: (queued, limit) => new NextTrackOverloadedError(queued, limit),
  });
  const counters = { retries: 0, cacheHits: 0, neighbourHits: 0 };
  // query vectors of recent histories by a hash of their last maxLength plays, the plays kept
  // to rule out a collision (Map order = least recently used first); no key string per request.
  // An entry also keeps its first search's neighbours (at that depth): a listener who asks again
  // before a new play is answered without a forward pass or a FAISS search — the same answer,
  // since the search gives the same neighbours for the same query and depth.
  const cache = new Map<number, CacheEntry>();
  // skipped tracks carry the current stamp: no Set per request
  const skipStamp = new Uint32Array(numItems);
  let stamp = 0;
  // the transition prior: the last play's successors are marked (seenStamp) with their boost
  const prior = model.transitions && transitionPriorActive(model.transitions.settings) ? model.transitions : undefined;
  const seenStamp = new Uint32Array(prior ? numItems : 0);
  const boostOf = new Float32Array(prior ? numItems : 0);
  const output = outputEmbeddings(model);

  /** the cache key of a history: a 53-bit hash of its last maxLength plays (two 32-bit FNV-1a-style mixes) */
  function historyKey(history: ArrayLike<number>): number {
    let a = 0x811c9dc5;
    let b = 0x9e3779b9;
    for (let t = Math.max(0, history.length - maxLength); t < history.length; t++) {
      a = Math.imul(a ^ history[t]!, 0x01000193);
      b = Math.imul(b ^ history[t]!, 0x85ebca6b) ^ (b >>> 13);
    }
    return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
  }

  /** the cache entry of `history`, when its last maxLength plays are the entry's */
  function cachedEntry(key: number, history: ArrayLike<number>): CacheEntry | undefined {
    const entry = cache.get(key);
    if (!entry) return undefined;
    const from = Math.max(0, history.length - maxLength);
    if (entry.plays.length !== history.length - from) return undefined;
    for (let t = 0; t < entry.plays.length; t++) if (entry.plays[t] !== history[from + t]) return undefined;
    return entry;
  }

  async function serve(batch: BatchItem<NextTrackRequest, NextTrackResult>[]): Promise<void> {
    const vectors = new Float32Array(batch.length * dim);
    const keys = cacheSize > 0 ? batch.map(({ request }) => historyKey(request.history)) : undefined;
    // histories as CSR (the last maxLength plays of each) for the requests the cache cannot answer
    const misses: number[] = [];
    // each request's cache entry (found, or made for a miss below)
    const entries: (CacheEntry | undefined)[] = new Array<CacheEntry | undefined>(batch.length);
    for (let q = 0; q < batch.length; q++) {
      const entry = keys ? cachedEntry(keys[q]!, batch[q]!.request.history) : undefined;
      if (entry) {
        cache.delete(keys![q]!);
        cache.set(keys![q]!, entry);
        vectors.set(entry.vector, q * dim);
        entries[q] = entry;
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
        const history = batch[q]!.request.history;
        const plays = new Int32Array(Math.min(history.length, maxLength));
        for (let t = 0; t < plays.length; t++) plays[t] = history[history.length - plays.length + t]!;
        // a colliding history replaces the entry (and moves it to the most recent end)
        const entry: CacheEntry = { plays, vector: Float32Array.from(vector), depth: 0, labels: undefined };
        entries[q] = entry;
        cache.delete(keys[q]!);
        cache.set(keys[q]!, entry);
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
    const deeper: Promise<void>[] = [];
    batch.forEach(({ request }, q) => {
      const depth = firstFetch(request);
      const entry = entries[q];
      if (entry?.labels && entry.depth === depth) {
        // the same history asked again at the same depth: its first search's neighbours
        counters.neighbourHits++;
        settle(batch[q]!, vectors.subarray(q * dim, (q + 1) * dim), entry.labels, deeper);
        return;
      }
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
        for (let m = 0; m < members.length; m++) {
          const q = members[m]!;
          const labels = neighbours.labels.subarray(m * neighbours.k, (m + 1) * neighbours.k);
          const entry = entries[q];
          if (entry) {
            entry.depth = depth;
            entry.labels = labels.slice();
          }
          settle(batch[q]!, vectors.subarray(q * dim, (q + 1) * dim), labels, deeper);
        }
      }),
    );
    if (deeper.length > 0) await Promise.all(deeper);
  }

  /**
   * Answers a request from its first search's neighbours when they suffice (no promise per
   * request); one that needs a deeper search continues on its own (pushed to `deeper`).
   */
  function settle(item: BatchItem<NextTrackRequest, NextTrackResult>, query: Float32Array, labels: Int32Array, deeper: Promise<void>[]): void {
    try {
      const { result, complete } = pick(item.request, labels, query);
      if (complete || labels.length >= numItems) item.resolve(result);
      else deeper.push(searchDeeper(item, query, labels.length).catch((error: unknown) => item.reject(error)));
    } catch (error) {
      item.reject(error);
    }
  }

  /** settles a request whose first search left its answer incomplete: searches alone, fetching twice as deep each time */
  async function searchDeeper({ request, resolve }: BatchItem<NextTrackRequest, NextTrackResult>, query: Float32Array, fetched: number): Promise<void> {
    const skips = request.history.length + (request.exclude?.length ?? 0);
    for (;;) {
      const again = await index.searchBatchAsync(query, Math.min(numItems, Math.max(2 * fetched, request.k + skips)));
      counters.retries++;
      fetched = again.labels.length;
      const { result, complete } = pick(request, again.labels, query);
      if (complete || fetched >= numItems) {
        resolve(result);
        return;
      }
    }
  }

  /** the first search's depth: k · overFetch plus room for as many skipped tracks (a full history's and the exclusions), never the batch's */
  function firstFetch(request: NextTrackRequest): number {
    const skips = maxLength + (request.exclude?.length ?? 0);
    // rounded up: a fractional overFetch (1.5) must still ask FAISS for a whole number of neighbours
    return Math.min(numItems, Math.ceil(request.k * overFetch + Math.min(skips, request.k * overFetch)));
  }

  /**
   * The first k tracks by served score that are not in the history or exclude and pass the
   * filter. The fetched tracks and the last play's successors are scored here — logit from the
   * output embeddings plus the prior's boost — not with the index's distances (which BLAS, a
   * quantiser or the batch size may round differently); `complete` says the answer is the exact
   * top-k — k found and the k-th score at least the smallest fetched logit, which bounds every
   * unfetched track (they get no boost). Works in the recommender's scratch arrays (no
   * allocation but the result): it runs to the end before another request's pick starts.
   */
  function pick(request: NextTrackRequest, labels: ArrayLike<number>, query: Float32Array): { result: NextTrackResult; complete: boolean } {
    if (++stamp === 0xffffffff) {
      skipStamp.fill(0);
      seenStamp.fill(0);
      stamp = 1;
    }
    for (let t = 0; t < request.history.length; t++) skipStamp[request.history[t]!] = stamp;
    if (request.exclude) for (let t = 0; t < request.exclude.length; t++) skipStamp[request.exclude[t]!] = stamp;
    const { count: candidates, floor } = rank(request.history[request.history.length - 1]!, labels, query);
    const tracks = new Int32Array(request.k);
    const scores = new Float32Array(request.k);
    let count = 0;
    for (let r = 0; r < candidates && count < request.k; r++) {
      const c = candidateOrder[r]!;
      const track = candidateTrack[c]!;
      if (request.accept && !request.accept(track)) continue;
      tracks[count] = track;
      scores[count++] = candidateScore[c]!;
    }
    const complete = count === request.k && scores[count - 1]! >= floor;
    return { result: { tracks: tracks.subarray(0, count), scores: scores.subarray(0, count) }, complete };
  }

  // rank's scratch: candidate tracks, their served scores (doubles, as summed) and their order
  let candidateTrack = new Int32Array(256);
  let candidateScore = new Float64Array(256);
  let candidateOrder = new Int32Array(256);
  // returns small integers only: a double difference would box a heap number per comparison
  const byScore = (a: number, b: number) => {
    const sa = candidateScore[a]!;
    const sb = candidateScore[b]!;
    return sb > sa ? 1 : sb < sa ? -1 : candidateTrack[a]! - candidateTrack[b]!;
  };

  /**
   * Fetched tracks ∪ successors of `last` (with a prior) that the request does not skip, scored
   * by logit + boost into the scratch arrays, ordered best first (ties by track) in
   * candidateOrder[0…count); floor = the smallest fetched logit (skipped tracks included).
   */
  function rank(last: number, labels: ArrayLike<number>, query: Float32Array): { count: number; floor: number } {
    const from = prior ? prior.offsets[last]! : 0;
    const to = prior ? prior.offsets[last + 1]! : 0;
    const capacity = labels.length + (to - from);
    if (candidateTrack.length < capacity) {
      const size = Math.max(capacity, 2 * candidateTrack.length);
      candidateTrack = new Int32Array(size);
      candidateScore = new Float64Array(size);
      candidateOrder = new Int32Array(size);
    }
    for (let e = from; e < to; e++) {
      seenStamp[prior!.items[e]!] = stamp;
      boostOf[prior!.items[e]!] = prior!.boosts[e]!;
    }
    let count = 0;
    let floor = Infinity;
    for (let r = 0; r < labels.length; r++) {
      const track = labels[r]!;
      if (track < 0) continue;
      const logit = dot(query, 0, output, track * dim, dim);
      floor = Math.min(floor, logit);
      const boosted = prior !== undefined && seenStamp[track] === stamp;
      if (boosted) seenStamp[track] = 0; // scored: not again below
      if (skipStamp[track] === stamp) continue;
      candidateTrack[count] = track;
      candidateScore[count++] = boosted ? logit + boostOf[track]! : logit;
    }
    for (let e = from; e < to; e++) {
      const track = prior!.items[e]!;
      if (seenStamp[track] !== stamp || skipStamp[track] === stamp) continue;
      candidateTrack[count] = track;
      candidateScore[count++] = dot(query, 0, output, track * dim, dim) + prior!.boosts[e]!;
    }
    for (let c = 0; c < count; c++) candidateOrder[c] = c;
    if (count <= 64) {
      // insertion sort: a request's few dozen candidates, no comparator calls
      for (let i = 1; i < count; i++) {
        const c = candidateOrder[i]!;
        const score = candidateScore[c]!;
        const track = candidateTrack[c]!;
        let j = i - 1;
        while (j >= 0) {
          const o = candidateOrder[j]!;
          const other = candidateScore[o]!;
          if (other > score || (other === score && candidateTrack[o]! < track)) break;
          candidateOrder[j + 1] = o;
          j--;
        }
        candidateOrder[j + 1] = c;
      }
    } else candidateOrder.subarray(0, count).sort(byScore);
    return { count, floor };
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
