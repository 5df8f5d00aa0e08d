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
//
// Group back-off (optional): items grouped by album, artist, … add, per level g,
//   α_g · log(1 + P̂_g(j | G) / (μ_g · q(j)))   for j in the last item's group G = g(last)
//   P̂_g(j | G) = c_g(G, j) / (c_g(G) + 1), c_g(G, j) = transitions from any item of G into j ∈ G
// "another track of this artist / album" is known after any of the group's items was followed by
// it, where the item's own counts are sparse (an artist run from a rarely played track). The
// boosts of both levels are merged into one list per previous item, so serving is unchanged.
import type { Histories } from './internal/queries';

/** The prior's settings (α = 0 turns it off). */
export interface TransitionPriorSettings {
  /** weight of the log-lift next to the logits */
  alpha: number;
  /** smoothing: the lift is divided by μ · q(j) before log1p */
  mu: number;
  /** popularity exponent of q(j) ∝ (n_j + 1)^γ */
  gamma: number;
  /** back-off levels (one per TransitionGroup the prior was built with, same order; absent = none) */
  groups?: TransitionGroupSettings[];
}

/** A back-off level's weight and smoothing (α_g = 0 turns the level off). */
export interface TransitionGroupSettings {
  /** the TransitionGroup's name, e.g. 'artist' */
  name: string;
  alpha: number;
  mu: number;
}

/** Items grouped for the back-off: `of[i]` = item i's group (≥ 0), or −1 for none. */
export interface TransitionGroup {
  name: string;
  of: Int32Array;
  /**
   * each group keeps its top this-many same-group successors by count (default
   * DEFAULT_GROUP_SUCCESSORS): every item of a group gets the group's whole list, so without a cap
   * the prior grows with the square of the largest group (a prolific artist's catalogue)
   */
  maxSuccessors?: number;
}

/** Same-group successors kept per group (ties by count keep the lower item index). */
export const DEFAULT_GROUP_SUCCESSORS = 300;

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

/**
 * The grid of each back-off level, searched on validation after the item-level grid (coordinate
 * ascent; α_g = 0, the level off, is always a candidate). Small μ_g: a group's successor that was
 * seen once is already a strong hint (on synthetic validation the chosen μ_g sat at 0.0005–0.01).
 */
export const TRANSITION_GROUP_GRID: { alpha: number[]; mu: number[] } = {
  alpha: [0.5, 1, 2, 3, 5, 8],
  mu: [0.0005, 0.002, 0.01, 0.04, 0.2],
};

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
  const { alpha, mu, gamma, groups } = settings;
  if (!(alpha >= 0 && Number.isFinite(alpha))) throw new RangeError(`transition prior alpha: expected a finite number ≥ 0, got ${alpha}`);
  if (!(mu > 0 && Number.isFinite(mu))) throw new RangeError(`transition prior mu: expected a finite number > 0, got ${mu}`);
  if (!(gamma >= 0 && Number.isFinite(gamma))) throw new RangeError(`transition prior gamma: expected a finite number ≥ 0, got ${gamma}`);
  if (groups === undefined) return;
  if (!Array.isArray(groups)) throw new RangeError(`transition prior groups: expected an array of { name, alpha, mu }, got ${typeof groups}`);
  groups.forEach((level, g) => {
    if (typeof level?.name !== 'string') throw new RangeError(`transition prior groups[${g}].name: expected a string, got ${typeof level?.name}`);
    if (!(level.alpha >= 0 && Number.isFinite(level.alpha))) throw new RangeError(`transition prior groups[${g}] (${level.name}) alpha: expected a finite number ≥ 0, got ${level.alpha}`);
    if (!(level.mu > 0 && Number.isFinite(level.mu))) throw new RangeError(`transition prior groups[${g}] (${level.name}) mu: expected a finite number > 0, got ${level.mu}`);
  });
}

/** Checks back-off groups against the item count (one group id ≥ −1 per item, distinct names); errors say which. */
export function checkTransitionGroups(groups: readonly TransitionGroup[], numItems: number): void {
  const names = new Set<string>();
  for (const group of groups) {
    if (names.has(group.name)) throw new RangeError(`transition groups: the name "${group.name}" is given twice`);
    names.add(group.name);
    if (!(group.of instanceof Int32Array)) throw new RangeError(`transition group "${group.name}": expected an Int32Array of group ids, got ${typeof group.of}`);
    if (group.of.length !== numItems) throw new RangeError(`transition group "${group.name}": expected one group per item (${numItems}), got ${group.of.length}`);
    for (let i = 0; i < numItems; i++) {
      if (group.of[i]! < -1) throw new RangeError(`transition group "${group.name}": item ${i} has group ${group.of[i]}, expected ≥ 0 or −1 (none)`);
    }
  }
}

/** "α=3, μ=0.01, γ=0.5; album α=2, μ=0.0005; artist off", or "off" when nothing is boosted. */
export function describeTransitionSettings(settings: TransitionPriorSettings): string {
  if (!transitionPriorActive(settings)) return 'off';
  const levels = (settings.groups ?? []).map((level) => (level.alpha > 0 ? `; ${level.name} α=${level.alpha}, μ=${level.mu}` : `; ${level.name} off`));
  return `${settings.alpha > 0 ? `α=${settings.alpha}, μ=${settings.mu}, γ=${settings.gamma}` : 'item level off'}${levels.join('')}`;
}

/** Whether a prior with these settings boosts anything (the item level or a back-off level is on). */
export function transitionPriorActive(settings: TransitionPriorSettings): boolean {
  return settings.alpha > 0 || (settings.groups ?? []).some((level) => level.alpha > 0);
}

/** Same-group successor counts of one back-off level: CSR over the group, and each group's total. */
interface GroupCounts {
  offsets: Int32Array;
  items: Int32Array;
  counts: Float32Array;
  totals: Float64Array;
}

/** c_g(G, j): transitions from any item of group G into an item j of the same group. */
function countGroupTransitions(counts: TransitionCounts, group: TransitionGroup): GroupCounts {
  const { numItems, offsets, items } = counts;
  if (group.of.length !== numItems) throw new RangeError(`transition group "${group.name}": expected one group per item (${numItems}), got ${group.of.length}`);
  let groups = 0;
  for (let i = 0; i < numItems; i++) groups = Math.max(groups, group.of[i]! + 1);
  const pairs = new Map<number, number>(); // G * numItems + j → count
  const totals = new Float64Array(groups);
  for (let i = 0; i < numItems; i++) {
    const g = group.of[i]!;
    if (g < 0) continue;
    for (let e = offsets[i]!; e < offsets[i + 1]!; e++) {
      const j = items[e]!;
      if (group.of[j] !== g) continue;
      const key = g * numItems + j;
      pairs.set(key, (pairs.get(key) ?? 0) + counts.counts[e]!);
      totals[g]! += counts.counts[e]!;
    }
  }
  const cap = group.maxSuccessors ?? DEFAULT_GROUP_SUCCESSORS;
  if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`transition group "${group.name}": maxSuccessors must be a positive integer, got ${cap}`);
  const keys = capPerGroup(Float64Array.from(pairs.keys()).sort(), pairs, numItems, cap);
  const outOffsets = new Int32Array(groups + 1);
  const outItems = new Int32Array(keys.length);
  const outCounts = new Float32Array(keys.length);
  keys.forEach((key, e) => {
    const g = Math.floor(key / numItems);
    outOffsets[g + 1]!++;
    outItems[e] = key - g * numItems;
    outCounts[e] = pairs.get(key)!;
  });
  for (let g = 0; g < groups; g++) outOffsets[g + 1]! += outOffsets[g]!;
  return { offsets: outOffsets, items: outItems, counts: outCounts, totals };
}

/** Keys sorted by (group, item) → the same, with each group's run cut to its `cap` largest counts (the group total is kept as is). */
function capPerGroup(keys: Float64Array, pairs: Map<number, number>, numItems: number, cap: number): Float64Array {
  const kept: number[] = [];
  for (let start = 0; start < keys.length; ) {
    const g = Math.floor(keys[start]! / numItems);
    let end = start;
    while (end < keys.length && Math.floor(keys[end]! / numItems) === g) end++;
    const run = Array.from(keys.subarray(start, end));
    if (run.length > cap) {
      const top = run.slice().sort((a, b) => pairs.get(b)! - pairs.get(a)! || a - b).slice(0, cap);
      kept.push(...top.sort((a, b) => a - b));
    } else kept.push(...run);
    start = end;
  }
  return kept.length === keys.length ? keys : Float64Array.from(kept);
}

/**
 * The served prior from counts and settings (boosts precomputed, one float per successor pair):
 * per previous item, its own successors and — for each back-off level that is on — its group's
 * same-group successors, merged into one ascending list.
 */
export function buildTransitionPrior(counts: TransitionCounts, settings: TransitionPriorSettings, groups: readonly TransitionGroup[] = []): TransitionPrior {
  checkTransitionSettings(settings);
  const { alpha, mu, gamma } = settings;
  const levels = settings.groups ?? [];
  if (levels.length !== groups.length || levels.some((level, g) => level.name !== groups[g]!.name)) {
    throw new RangeError(`transition prior: settings name the back-off levels [${levels.map((l) => l.name).join(', ')}] but the groups given are [${groups.map((g) => g.name).join(', ')}]`);
  }
  const { numItems, offsets, items } = counts;
  const { totals, q } = priorNormalisers(counts, gamma);
  const active = levels.map((level, g) => (level.alpha > 0 ? { level, group: groups[g]!, counts: countGroupTransitions(counts, groups[g]!) } : undefined)).filter((x) => x !== undefined);
  if (active.length === 0) {
    const boosts = new Float32Array(items.length);
    for (let i = 0; i < numItems; i++) {
      for (let e = offsets[i]!; e < offsets[i + 1]!; e++) {
        boosts[e] = alpha * Math.log1p(counts.counts[e]! / (totals[i]! + 1) / (mu * q[items[e]!]!));
      }
    }
    return { settings: { alpha, mu, gamma, ...(settings.groups ? { groups: levels.map((l) => ({ ...l })) } : {}) }, offsets, items, boosts };
  }
  const boost = new Float64Array(numItems);
  const marked = new Uint8Array(numItems);
  const touched: number[] = [];
  const outOffsets = new Int32Array(numItems + 1);
  const outItems: number[] = [];
  const outBoosts: number[] = [];
  const touch = (j: number, value: number) => {
    if (marked[j] === 0) {
      marked[j] = 1;
      touched.push(j);
    }
    boost[j]! += value;
  };
  for (let i = 0; i < numItems; i++) {
    if (alpha > 0) for (let e = offsets[i]!; e < offsets[i + 1]!; e++) touch(items[e]!, alpha * Math.log1p(counts.counts[e]! / (totals[i]! + 1) / (mu * q[items[e]!]!)));
    for (const { level, group, counts: gc } of active) {
      const g = group.of[i]!;
      if (g < 0 || g + 1 >= gc.offsets.length) continue;
      for (let e = gc.offsets[g]!; e < gc.offsets[g + 1]!; e++) touch(gc.items[e]!, level.alpha * Math.log1p(gc.counts[e]! / (gc.totals[g]! + 1) / (level.mu * q[gc.items[e]!]!)));
    }
    touched.sort((a, b) => a - b);
    for (const j of touched) {
      outItems.push(j);
      outBoosts.push(boost[j]!);
      boost[j] = 0;
      marked[j] = 0;
    }
    touched.length = 0;
    outOffsets[i + 1] = outItems.length;
  }
  return { settings: { alpha, mu, gamma, groups: levels.map((l) => ({ ...l })) }, offsets: outOffsets, items: Int32Array.from(outItems), boosts: Float32Array.from(outBoosts) };
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
  if (!prior || last < 0 || !transitionPriorActive(prior.settings)) return;
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
 * to what the grid needs — the target's logit, the logits of the items the prior can boost (the
 * last item's successors and, per back-off level, its group's same-group successors) and the ten
 * largest other logits above the target's (the prior only adds, so nothing below can pass it).
 * With back-off levels the search is coordinate ascent: the item-level grid with the levels off,
 * then each level's grid (α_g = 0 included) with the rest fixed, then the item level again, twice.
 */
export function chooseTransitionPrior(
  counts: TransitionCounts,
  validation: TransitionValidation,
  grid = TRANSITION_PRIOR_GRID,
  groups: readonly TransitionGroup[] = [],
  groupGrid = TRANSITION_GROUP_GRID,
): { settings: TransitionPriorSettings; ndcg10: number; baseline: number; tried: Array<TransitionPriorSettings & { ndcg10: number }> } {
  const { numItems, offsets } = counts;
  const rows = validation.targets.length;
  const levels = groups.map((group) => ({ group, counts: countGroupTransitions(counts, group) }));
  const L = levels.length;
  const itemTotals = new Float64Array(numItems);
  for (let i = 0; i < numItems; i++) for (let e = offsets[i]!; e < offsets[i + 1]!; e++) itemTotals[i]! += counts.counts[e]!;
  const chunk = 64;
  const logits = new Float32Array(Math.min(chunk, Math.max(rows, 1)) * numItems);
  const excluded = new Uint8Array(numItems);
  const edgeOf = new Int32Array(numItems).fill(-1);
  const targetLogit = new Float32Array(rows);
  const targetEdge = new Int32Array(rows).fill(-1);
  const above = new Float32Array(rows * 10).fill(-Infinity); // the ten largest non-boostable logits above the target's
  const edgeStart = new Int32Array(rows + 1);
  // per boostable (row, item): item, logit, own count, and per level its group count
  const edgeItem: number[] = [];
  const edgeLogit: number[] = [];
  const edgeCount: number[] = [];
  const edgeGroupCount: number[] = []; // L per edge
  const rowTotal = new Float64Array(rows);
  const rowGroupTotal = new Float64Array(rows * L);
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
      const rowEdges: number[] = [];
      const edge = (j: number): number => {
        if (edgeOf[j]! < 0) {
          edgeOf[j] = edgeItem.length;
          rowEdges.push(j);
          edgeItem.push(j);
          edgeLogit.push(row[j]!);
          edgeCount.push(0);
          for (let g = 0; g < L; g++) edgeGroupCount.push(0);
        }
        return edgeOf[j]!;
      };
      rowTotal[q] = itemTotals[last]!;
      for (let e = offsets[last]!; e < offsets[last + 1]!; e++) if (excluded[counts.items[e]!] === 0) edgeCount[edge(counts.items[e]!)] = counts.counts[e]!;
      levels.forEach(({ group, counts: gc }, g) => {
        const G = group.of[last]!;
        if (G < 0 || G + 1 >= gc.offsets.length) return;
        rowGroupTotal[q * L + g] = gc.totals[G]!;
        for (let e = gc.offsets[G]!; e < gc.offsets[G + 1]!; e++) if (excluded[gc.items[e]!] === 0) edgeGroupCount[edge(gc.items[e]!) * L + g] = gc.counts[e]!;
      });
      const tl = row[target]!;
      targetLogit[q] = tl;
      targetEdge[q] = edgeOf[target]!;
      const top = above.subarray(q * 10, q * 10 + 10);
      for (let i = 0; i < numItems; i++) {
        if (excluded[i] === 1 || i === target || edgeOf[i]! >= 0) continue;
        const value = row[i]!;
        if (value > tl && value > top[9]!) {
          // insertion into a descending list of ten
          let slot = 9;
          while (slot > 0 && top[slot - 1]! < value) {
            top[slot] = top[slot - 1]!;
            slot--;
          }
          top[slot] = value;
        }
      }
      edgeStart[q + 1] = edgeItem.length;
      for (const j of rowEdges) edgeOf[j] = -1;
      for (let t = 0; t < history.length; t++) excluded[history[t]!] = 0;
    }
  }
  const qByGamma = new Map<number, Float64Array>();
  const qOf = (gamma: number): Float64Array => {
    let q = qByGamma.get(gamma);
    if (!q) qByGamma.set(gamma, (q = priorNormalisers(counts, gamma).q));
    return q;
  };
  const evaluate = (settings: TransitionPriorSettings): number => {
    const q = qOf(settings.gamma);
    const on = (settings.groups ?? []).map((level) => level.alpha > 0);
    const boost = (q0: number, e: number): number => {
      const j = edgeItem[e]!;
      let value = settings.alpha > 0 && edgeCount[e]! > 0 ? settings.alpha * Math.log1p(edgeCount[e]! / (rowTotal[q0]! + 1) / (settings.mu * q[j]!)) : 0;
      for (let g = 0; g < L; g++) {
        const c = edgeGroupCount[e * L + g]!;
        if (on[g] && c > 0) {
          const level = settings.groups![g]!;
          value += level.alpha * Math.log1p(c / (rowGroupTotal[q0 * L + g]! + 1) / (level.mu * q[j]!));
        }
      }
      return value;
    };
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      const te = targetEdge[r]!;
      const score = targetLogit[r]! + (te >= 0 ? boost(r, te) : 0);
      let rank = 0;
      for (let k = 0; k < 10 && above[r * 10 + k]! > score; k++) rank++;
      for (let e = edgeStart[r]!; e < edgeStart[r + 1]! && rank < 10; e++) if (e !== te && edgeLogit[e]! + boost(r, e) > score) rank++;
      if (rank < 10) sum += 1 / Math.log2(rank + 2);
    }
    return sum / Math.max(1, rows);
  };
  const tried: Array<TransitionPriorSettings & { ndcg10: number }> = [];
  const off = groups.map((group) => ({ name: group.name, alpha: 0, mu: 1 }));
  const withLevels = (settings: TransitionPriorSettings, levelSettings: TransitionGroupSettings[]): TransitionPriorSettings =>
    L > 0 ? { alpha: settings.alpha, mu: settings.mu, gamma: settings.gamma, groups: levelSettings.map((level) => ({ ...level })) } : { alpha: settings.alpha, mu: settings.mu, gamma: settings.gamma };
  const baselineSettings = withLevels({ alpha: 0, mu: 1, gamma: 0 }, off);
  const baseline = evaluate(baselineSettings);
  tried.push({ ...baselineSettings, ndcg10: baseline });
  let best = { settings: baselineSettings, ndcg10: baseline };
  const consider = (settings: TransitionPriorSettings): void => {
    const ndcg10 = evaluate(settings);
    tried.push({ ...settings, ndcg10 });
    if (ndcg10 > best.ndcg10) best = { settings, ndcg10 };
  };
  const itemGrid = (levelSettings: TransitionGroupSettings[]): void => {
    for (const gamma of grid.gamma) for (const mu of grid.mu) for (const alpha of grid.alpha) consider(withLevels({ alpha, mu, gamma }, levelSettings));
  };
  itemGrid(off);
  for (let round = 0; round < (L > 0 ? 2 : 0); round++) {
    for (let g = 0; g < L; g++) {
      const fixed = best.settings;
      const points = [{ alpha: 0, mu: 1 }, ...groupGrid.mu.flatMap((mu) => groupGrid.alpha.map((alpha) => ({ alpha, mu })))];
      for (const { alpha, mu } of points) consider(withLevels(fixed, fixed.groups!.map((level, h) => (h === g ? { name: level.name, alpha, mu } : level))));
    }
    itemGrid(best.settings.groups!);
  }
  return { settings: best.settings, ndcg10: best.ndcg10, baseline, tried };
}

/** NDCG@10 of one held-out item in a full-catalog score row (marked items excluded, ties favour the target). */
export function ndcgAt10(scores: Float32Array, target: number, excluded: Uint8Array): number {
  const targetScore = scores[target]!;
  let rank = 0;
  for (let i = 0; i < scores.length && rank < 10; i++) if (excluded[i] === 0 && scores[i]! > targetScore) rank++;
  return rank < 10 ? 1 / Math.log2(rank + 2) : 0;
}
