// HNSW's efSearch for one trained model, chosen by recall: the served answers (the recommender,
// as Up next serves them) against the exact served top-k (the whole catalog scored) on histories
// drawn from the model's own listeners, for each candidate efSearch; the smallest that reaches the
// target wins. One default for every model either wastes search time on models whose geometry is
// easy (a 50k synthetic model holds 0.9940 at 32) or misses the bar on hard ones (a TidyTuesday
// model: 0.9715 at 32, 0.9921 at 64) — docs/results/bench-next.md, session 10 table.
// The bar is on the recall's lower bound, not the point estimate: 1,000 histories give ~10,000
// relevant ids, so a recall of 0.991 is within one standard error of 0.99 and the choice between
// two efSearch values would otherwise flip between builds of the same model.
import { Random } from '@mixtape/base';
import type { VectorIndex } from '@mixtape/embeddings';
import { createExactNextTracks } from './exact-next';
import type { Histories } from './internal/queries';
import type { SequenceModel } from './model';
import { createNextTrackRecommender } from './serve';

/** efSearch values tried, smallest first (Up next's depth is 40 at k = 10: k · overFetch 2 plus skips) */
export const EF_SEARCH_CANDIDATES: readonly number[] = [32, 40, 48, 64, 96, 128];

export interface EfSearchCalibration {
  /** the efSearch set on the index: the smallest candidate whose recall's lower bound reached the target (none: the largest) */
  efSearch: number;
  target: number;
  /** whether a candidate's lower bound reached the target */
  met: boolean;
  /** the answers' length measured: the choice is validated at this k only (Up next's default 10) */
  k: number;
  queries: number;
  /** recall@k and its lower bound, recall − 2·sqrt(recall·(1 − recall) / relevant ids) (binomial, ~97.7 % one-sided) */
  recalls: Array<{ efSearch: number; recall: number; lower: number }>;
}

export interface EfSearchCalibrationOptions {
  /** recall@k the served answers must reach, on the lower bound (default 0.99) */
  target?: number;
  candidates?: readonly number[];
  /** answers' length (default 10, Up next's default) */
  k?: number;
  /** the recommender's overFetch (default: its own, 2) */
  overFetch?: number;
}

/**
 * `count` serving-like histories: listeners with at least 2 plays drawn with replacement (seeded),
 * each cut at a random play (what Up next sees mid-session), their last `maxLength` plays.
 */
export function sampleServingHistories(histories: Histories, count: number, maxLength: number, seed: number): Int32Array[] {
  const rows: number[] = [];
  for (let r = 0; r + 1 < histories.offsets.length; r++) if (histories.offsets[r + 1]! - histories.offsets[r]! >= 2) rows.push(r);
  if (rows.length === 0) return [];
  const random = new Random(seed);
  return Array.from({ length: count }, () => {
    const r = rows[random.int(rows.length)]!;
    const start = histories.offsets[r]!;
    const end = start + 1 + random.int(histories.offsets[r + 1]! - start - 1);
    return histories.items.slice(Math.max(start, end - maxLength), end);
  });
}

/**
 * Measures recall@k of the served answers against the exact served top-k for each candidate
 * efSearch on `histories`, and leaves the index set to the smallest whose recall's lower bound
 * (recall − 2 standard errors, binomial over the relevant ids) reaches the target (the largest
 * when none does). Measured at one k (default 10): other answer lengths are not validated. The index must be an HNSW index over the model's output embeddings.
 */
export async function calibrateEfSearch(model: SequenceModel, index: VectorIndex, histories: readonly Int32Array[], options: EfSearchCalibrationOptions = {}): Promise<EfSearchCalibration> {
  const target = options.target ?? 0.99;
  const k = options.k ?? 10;
  const candidates = [...(options.candidates ?? EF_SEARCH_CANDIDATES)].sort((a, b) => a - b);
  const factory = index.info().factory;
  if (!factory.startsWith('HNSW')) throw new RangeError(`calibrateEfSearch: efSearch is an HNSW setting; the index is ${factory}`);
  if (candidates.length === 0 || candidates.some((value) => !(Number.isInteger(value) && value > 0))) throw new RangeError(`calibrateEfSearch: candidates must be positive integers, got [${candidates.join(', ')}]`);
  if (!(target > 0 && target <= 1)) throw new RangeError(`calibrateEfSearch: target is a recall in (0, 1], got ${target}`);
  const queries = histories.filter((history) => history.length > 0);
  if (queries.length === 0) throw new RangeError('calibrateEfSearch: no history to measure recall on');
  const exactNext = createExactNextTracks(model);
  const exact = queries.map((history) => new Set(exactNext(history, k).tracks));
  const relevant = exact.reduce((sum, set) => sum + set.size, 0);
  const recalls: Array<{ efSearch: number; recall: number; lower: number }> = [];
  for (const efSearch of candidates) {
    index.setParams({ efSearch });
    // every query at once (batched as under load); the queue holds them all
    const recommender = createNextTrackRecommender(model, index, { cacheSize: 0, maxQueue: queries.length + 1, ...(options.overFetch ? { overFetch: options.overFetch } : {}) });
    const answers = await Promise.all(queries.map((history) => recommender.recommend({ history, k })));
    let found = 0;
    answers.forEach((answer, q) => {
      for (const track of answer.tracks) if (exact[q]!.has(track)) found++;
    });
    const recall = found / relevant;
    recalls.push({ efSearch, recall, lower: recallLowerBound(recall, relevant) });
  }
  const passing = recalls.find((row) => row.lower >= target);
  const efSearch = passing?.efSearch ?? candidates[candidates.length - 1]!;
  index.setParams({ efSearch });
  return { efSearch, target, met: passing !== undefined, k, queries: queries.length, recalls };
}

/** recall − 2·sqrt(recall·(1 − recall) / n): the bar a calibrated efSearch must clear (n = relevant ids) */
export function recallLowerBound(recall: number, n: number): number {
  return recall - 2 * Math.sqrt((recall * (1 - recall)) / n);
}
