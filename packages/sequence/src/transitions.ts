// The first-order transition prior of the served next-track score:
//   score(j | history) = h · O_j + α · log(1 + P̂(j | last) / (μ · q(j)))
//   P̂(j | i) = c(i, j) / (c(i) + 1)      successor counts in the training sequences
//   q(j)     = (n_j + 1)^γ / mean over items of (n + 1)^γ      (γ = 0: uniform)
// A smoothed lift of "j follows the last item" added to the transformer's logits. A count ranks
// the exact successor (the next album track) first after a few sightings, where the
// transformer's output rows for rare items stay under-trained; the prior gives it that memory.
// It is zero for items that never followed the last item, so the blended ranking of everything
// else is the transformer's own: FAISS top-n ∪ the last item's successors holds the exact top-k.
// α, μ, γ are chosen on the trainer's validation rows (with their held-out items not counted).
import type { Histories } from './internal/queries';

/** The prior's settings (α = 0 turns it off). */
export interface TransitionPriorSettings {
  /** weight of the log-lift next to the logits */
  alpha: number;
  /** smoothing: the lift is divided by μ · q(j) before log1p */
  mu: number;
  /** popularity exponent of q(j) ∝ (n_j + 1)^γ */
  gamma: number;
}

/** Successor counts (CSR over the previous item) and item counts of a set of histories. */
export interface TransitionCounts {
  numItems: number;
  /** successors of item i: items[offsets[i] … offsets[i + 1]), ascending */
  offsets: Int32Array;
  items: Int32Array;
  counts: Float32Array;
  /** how many times each item occurs in the histories */
  itemCounts: Float32Array;
}

/** The prior as served: boosts[e] is added to the logit of items[e] after item i (CSR over i). */
export interface TransitionPrior {
  settings: TransitionPriorSettings;
  offsets: Int32Array;
  items: Int32Array;
  boosts: Float32Array;
}

/** The grid searched on validation (α = 0, no prior, is always a candidate). */
export const TRANSITION_PRIOR_GRID: { alpha: number[]; mu: number[]; gamma: number[] } = {
  alpha: [0.5, 1, 2, 3, 5],
  mu: [0.002, 0.01, 0.04, 0.2],
  gamma: [0, 0.5, 1],
};

/**
 * Counts consecutive pairs of every row (row r ends at `ends[r]` when given — the trainer's
 * validation rows lose their held-out item). Consecutive repeats count as a transition like any other.
 */
export function countTransitions(histories: Histories, numItems: number, ends?: ArrayLike<number>): TransitionCounts {
  const { items, offsets } = histories;
  const rows = offsets.length - 1;
  const end = (r: number) => (ends ? ends[r]! : offsets[r + 1]!);
  const itemCounts = new Float32Array(numItems);
  const degree = new Int32Array(numItems + 1);
  let pairs = 0;
  for (let r = 0; r < rows; r++) {
    for (let p = offsets[r]!; p < end(r); p++) {
      itemCounts[items[p]!]!++;
      if (p + 1 < end(r)) {
        degree[items[p]! + 1]!++;
        pairs++;
      }
    }
  }
  // pairs grouped by previous item, then sorted and merged within each group
  for (let i = 0; i < numItems; i++) degree[i + 1]! += degree[i]!;
  const cursor = degree.slice(0, numItems);
  const next = new Int32Array(pairs);
  for (let r = 0; r < rows; r++) for (let p = offsets[r]!; p + 1 < end(r); p++) next[cursor[items[p]!]!++] = items[p + 1]!;
  const outOffsets = new Int32Array(numItems + 1);
  const outItems = new Int32Array(pairs);
  const outCounts = new Float32Array(pairs);
  let written = 0;
  for (let i = 0; i < numItems; i++) {
    const group = next.subarray(degree[i]!, degree[i + 1]!).sort();
    for (let e = 0; e < group.length; e++) {
      if (e > 0 && group[e] === group[e - 1]) outCounts[written - 1]!++;
      else {
        outItems[written] = group[e]!;
        outCounts[written++] = 1;
      }
    }
    outOffsets[i + 1] = written;
  }
  return { numItems, offsets: outOffsets, items: outItems.slice(0, written), counts: outCounts.slice(0, written), itemCounts };
}

export function checkTransitionSettings(settings: TransitionPriorSettings): void {
  const { alpha, mu, gamma } = settings;
  if (!(alpha >= 0 && Number.isFinite(alpha))) throw new RangeError(`transition prior alpha: expected a finite number ≥ 0, got ${alpha}`);
  if (!(mu > 0 && Number.isFinite(mu))) throw new RangeError(`transition prior mu: expected a finite number > 0, got ${mu}`);
  if (!(gamma >= 0 && Number.isFinite(gamma))) throw new RangeError(`transition prior gamma: expected a finite number ≥ 0, got ${gamma}`);
}

/** The served prior from counts and settings (boosts precomputed, one float per successor pair). */
export function buildTransitionPrior(counts: TransitionCounts, settings: TransitionPriorSettings): TransitionPrior {
  checkTransitionSettings(settings);
  const { alpha, mu, gamma } = settings;
  const { numItems, offsets, items } = counts;
  const { totals, q } = priorNormalisers(counts, gamma);
  const boosts = new Float32Array(items.length);
  for (let i = 0; i < numItems; i++) {
    for (let e = offsets[i]!; e < offsets[i + 1]!; e++) {
      boosts[e] = alpha * Math.log1p(counts.counts[e]! / (totals[i]! + 1) / (mu * q[items[e]!]!));
    }
  }
  return { settings: { alpha, mu, gamma }, offsets, items, boosts };
}

/** Per item: its successor count total and its popularity normaliser q = (n + 1)^γ / mean (shared with training's prior). */
export function priorNormalisers(counts: TransitionCounts, gamma: number): { totals: Float64Array; q: Float64Array } {
  const { numItems, offsets, itemCounts } = counts;
  const totals = new Float64Array(numItems);
  const q = new Float64Array(numItems);
  let mean = 0;
  for (let j = 0; j < numItems; j++) mean += (q[j] = Math.pow(itemCounts[j]! + 1, gamma));
  mean /= numItems;
  for (let i = 0; i < numItems; i++) {
    q[i] = q[i]! / mean;
    for (let e = offsets[i]!; e < offsets[i + 1]!; e++) totals[i] = totals[i]! + counts.counts[e]!;
  }
  return { totals, q };
}

/** Adds the prior after item `last` to a full-catalog score row (last < 0: nothing). */
export function addTransitionPrior(prior: TransitionPrior | undefined, last: number, scores: Float32Array, base = 0): void {
  if (!prior || last < 0 || prior.settings.alpha === 0) return;
  for (let e = prior.offsets[last]!; e < prior.offsets[last + 1]!; e++) scores[base + prior.items[e]!]! += prior.boosts[e]!;
}

/** Checks a prior read from a file against the model's item count; errors say which array is wrong. */
export function checkTransitionPrior(prior: TransitionPrior, numItems: number, source: string): void {
  try {
    checkTransitionSettings((prior.settings ?? {}) as TransitionPriorSettings);
  } catch (error) {
    throw new RangeError(`${source}: ${(error as Error).message}`);
  }
  const { offsets, items, boosts } = prior;
  if (offsets.length !== numItems + 1 || offsets[0] !== 0 || offsets[numItems] !== items.length) {
    throw new RangeError(`${source}: transition offsets must be ${numItems + 1} values from 0 to ${items.length}, got ${offsets.length} ending at ${offsets[offsets.length - 1]}`);
  }
  if (boosts.length !== items.length) throw new RangeError(`${source}: ${items.length} transition items but ${boosts.length} boosts`);
  for (let i = 0; i < numItems; i++) if (offsets[i + 1]! < offsets[i]!) throw new RangeError(`${source}: transition offsets decrease at item ${i}`);
  for (let e = 0; e < items.length; e++) {
    if (!(items[e]! >= 0 && items[e]! < numItems)) throw new RangeError(`${source}: transition item ${items[e]} at ${e} outside 0…${numItems - 1}`);
  }
}

/** Validation rows for choosing the prior: each row's last item, held-out item and own items (never ranked). */
export interface TransitionValidation {
  last: Int32Array;
  targets: Int32Array;
  history: (q: number) => ArrayLike<number>;
  /** the model's logits of rows [first, first + count) into out (count × numItems) */
  score: (first: number, count: number, out: Float32Array) => void;
}

/**
 * Picks α, μ, γ on validation by full-catalog NDCG@10 of the blended score; α = 0 (the model
 * alone) is a candidate, so a prior that does not help is switched off. Each row is reduced once
 * to what the grid needs — the target's logit, the logits of the last item's successors and the
 * ten largest other logits above the target's (the prior only adds, so nothing below can pass it).
 */
export function chooseTransitionPrior(
  counts: TransitionCounts,
  validation: TransitionValidation,
  grid = TRANSITION_PRIOR_GRID,
): { settings: TransitionPriorSettings; ndcg10: number; baseline: number; tried: Array<TransitionPriorSettings & { ndcg10: number }> } {
  const { numItems, offsets } = counts;
  const rows = validation.targets.length;
  const chunk = 64;
  const logits = new Float32Array(Math.min(chunk, Math.max(rows, 1)) * numItems);
  const excluded = new Uint8Array(numItems);
  const successor = new Int32Array(numItems).fill(-1);
  const targetLogit = new Float32Array(rows);
  const targetEdge = new Int32Array(rows).fill(-1);
  const above = new Float32Array(rows * 10).fill(-Infinity); // the ten largest non-successor logits above the target's
  const edgeStart = new Int32Array(rows + 1);
  const edges: number[] = [];
  const edgeLogits: number[] = [];
  for (let first = 0; first < rows; first += chunk) {
    const count = Math.min(chunk, rows - first);
    validation.score(first, count, logits);
    for (let b = 0; b < count; b++) {
      const q = first + b;
      const row = logits.subarray(b * numItems, (b + 1) * numItems);
      const history = validation.history(q);
      for (let t = 0; t < history.length; t++) excluded[history[t]!] = 1;
      const last = validation.last[q]!;
      const target = validation.targets[q]!;
      for (let e = offsets[last]!; e < offsets[last + 1]!; e++) successor[counts.items[e]!] = e;
      const tl = row[target]!;
      targetLogit[q] = tl;
      targetEdge[q] = successor[target]!;
      const top = above.subarray(q * 10, q * 10 + 10);
      for (let i = 0; i < numItems; i++) {
        if (excluded[i] === 1 || i === target) continue;
        const value = row[i]!;
        if (successor[i]! >= 0) {
          edges.push(successor[i]!);
          edgeLogits.push(value);
        } else if (value > tl && value > top[9]!) {
          // insertion into a descending list of ten
          let slot = 9;
          while (slot > 0 && top[slot - 1]! < value) {
            top[slot] = top[slot - 1]!;
            slot--;
          }
          top[slot] = value;
        }
      }
      edgeStart[q + 1] = edges.length;
      for (let e = offsets[last]!; e < offsets[last + 1]!; e++) successor[counts.items[e]!] = -1;
      for (let t = 0; t < history.length; t++) excluded[history[t]!] = 0;
    }
  }
  const candidates: TransitionPriorSettings[] = [{ alpha: 0, mu: 1, gamma: 0 }];
  for (const gamma of grid.gamma) for (const mu of grid.mu) for (const alpha of grid.alpha) candidates.push({ alpha, mu, gamma });
  const tried = candidates.map((settings) => {
    const { boosts } = buildTransitionPrior(counts, settings);
    let sum = 0;
    for (let q = 0; q < rows; q++) {
      const score = targetLogit[q]! + (targetEdge[q]! >= 0 ? boosts[targetEdge[q]!]! : 0);
      let rank = 0;
      for (let r = 0; r < 10 && above[q * 10 + r]! > score; r++) rank++;
      for (let e = edgeStart[q]!; e < edgeStart[q + 1]! && rank < 10; e++) if (edgeLogits[e]! + boosts[edges[e]!]! > score) rank++;
      if (rank < 10) sum += 1 / Math.log2(rank + 2);
    }
    return { ...settings, ndcg10: sum / Math.max(1, rows) };
  });
  let best = 0;
  for (let c = 1; c < tried.length; c++) if (tried[c]!.ndcg10 > tried[best]!.ndcg10) best = c;
  return { settings: candidates[best]!, ndcg10: tried[best]!.ndcg10, baseline: tried[0]!.ndcg10, tried };
}

/** NDCG@10 of one held-out item in a full-catalog score row (marked items excluded, ties favour the target). */
export function ndcgAt10(scores: Float32Array, target: number, excluded: Uint8Array): number {
  const targetScore = scores[target]!;
  let rank = 0;
  for (let i = 0; i < scores.length && rank < 10; i++) if (excluded[i] === 0 && scores[i]! > targetScore) rank++;
  return rank < 10 ? 1 / Math.log2(rank + 2) : 0;
}
