// The model's exact next tracks for one history, computed over the whole catalog on the calling
// thread (no index, no batching): what offline loops need — training a ranker on the model's
// answers, evaluation — where a FAISS recommender's async batching buys nothing. Same served score
// as the recommender (logits + the transition prior), history excluded, ties by track.
import { selectTopK } from '@mixtape/base';
import type { SequenceModel } from './model';
import { createSequenceScorer } from './scorer';
import type { NextTrackResult } from './serve';

/** `next(history, k)`: the k best tracks after `history` (oldest first), best first; empty for an empty history. */
export function createExactNextTracks(model: SequenceModel): (history: ArrayLike<number>, k: number) => NextTrackResult {
  const scorer = createSequenceScorer(model, { maxBatch: 1 });
  const { numItems } = model.config;
  const scores = new Float32Array(numItems);
  return (history, k) => {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`exact next tracks: k must be a positive integer, got ${k}`);
    if (history.length === 0) return { tracks: new Int32Array(0), scores: new Float32Array(0) };
    const items = Int32Array.from(history);
    scorer.scoreHistories({ items, offsets: Int32Array.of(0, items.length) }, [0], scores);
    for (let t = 0; t < items.length; t++) scores[items[t]!] = -Infinity;
    const tracks = new Int32Array(Math.min(k, numItems));
    const best = new Float32Array(tracks.length);
    const kept = selectTopK(scores, tracks.length, tracks, best);
    return { tracks: tracks.subarray(0, kept), scores: best.subarray(0, kept) };
  };
}
