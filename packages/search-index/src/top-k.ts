// Top-k over the inverted index, document at a time, with MaxScore and block-max bounds
// (Turtle & Flood 1995; Ding & Suel 2011) over postings in static-rank order (documents numbered
// by popularity, most popular first: see inverted-index.ts). A query is a list of groups, one per
// query word; a group is the word's variants (the word, typo corrections, prefix completions)
// with a weight each; a document's group score is its best variant's weight × idf × impact. The
// score is
//   (Σ group scores) × (groups matched / groups) × boost(doc)
// — coordination (a document matching more words wins) times the priors (popularity, affinity,
// exact name). Groups are ordered by upper bound; the lowest groups whose bounds together cannot
// lift a document over the current k-th score are "non-essential": only documents from the
// other groups are visited, and non-essential postings are probed by skipping whole blocks
// (block last doc) and are not decoded when the block maximum already rules the document out.
// Because later documents are less popular, the bound on their prior shrinks as the walk goes
// on: once every group's bound × the prior bound of the next document cannot beat the k-th
// score, the walk stops (most of a frequent word's postings are never read). Exact-name
// documents (an extra boost no bound covers) are scored up front ("forced") and skipped later.
import { indexOfSorted } from '@mixtape/base';
import { BLOCK_SIZE, IMPACT, type InvertedIndex } from './inverted-index';

export interface QueryVariant {
  term: number;
  /** 1 for the word itself, less for corrections and completions */
  weight: number;
}

export interface QueryGroup {
  variants: QueryVariant[];
}

export interface TopKOptions {
  k: number;
  /** over entity codes */
  accept: (code: number) => boolean;
  /** multiplicative prior per entity code (≥ 0) */
  boost: (code: number) => number;
  /**
   * Upper bound of boost over every code not in `forced`: `base + popularity × prior`, where
   * prior is bounded by the index's prior bound at a document (non-increasing in document order).
   * Without `popularity`, `base` alone bounds every boost.
   */
  maxBoost: number;
  popularity?: number;
  /** entity codes whose boost may exceed the bound (exact names): scored before the walk */
  forced?: readonly number[];
  /**
   * How far a forced code's boost may exceed the bound (the exact-name weight). Given, forced
   * codes are scored in document order and only while they can still enter the top k.
   */
  forcedExtra?: number;
}

export interface ScoredDoc {
  /** entity code */
  doc: number;
  score: number;
  /** groups matched (bit g = group g), for coordination and explanation */
  groups: number;
}

/** The k best entities, best first (ties: the more popular document first). At most 31 groups are scored. */
export function topK(index: InvertedIndex, groups: readonly QueryGroup[], options: TopKOptions): ScoredDoc[] {
  const { k, accept, boost, maxBoost } = options;
  const popularity = Math.max(0, options.popularity ?? 0);
  const groupCount = Math.min(groups.length, 31);
  if (k <= 0 || groupCount === 0) return [];
  const { termStarts, docs, impacts, blockStarts, blockLast, blockMax, docCodes } = index.arrays;
  const priorBound = index.priorBound;

  // groups sorted by upper bound, ascending (the cheapest to leave out first); cursors flattened
  // into typed arrays, group by group in that order
  const bounds: number[] = [];
  for (let g = 0; g < groupCount; g++) {
    let bound = 0;
    for (const { term, weight } of groups[g]!.variants) bound = Math.max(bound, weight * index.idf[term]! * index.maxImpact(term));
    bounds.push(bound);
  }
  const order = bounds.map((_, g) => g).sort((a, b) => bounds[a]! - bounds[b]! || a - b);
  let cursorCount = 0;
  for (let g = 0; g < groupCount; g++) cursorCount += groups[g]!.variants.length;
  const factor = new Float64Array(cursorCount);
  const start = new Uint32Array(cursorCount);
  const firstBlock = new Uint32Array(cursorCount);
  const position = new Uint32Array(cursorCount);
  const end = new Uint32Array(cursorCount);
  const block = new Uint32Array(cursorCount);
  const blockEnd = new Uint32Array(cursorCount);
  /** sorted group i's cursors are [groupFrom[i], groupFrom[i+1]) */
  const groupFrom = new Uint32Array(groupCount + 1);
  const sortedBounds = new Float64Array(groupCount);
  let c = 0;
  for (let i = 0; i < groupCount; i++) {
    const g = order[i]!;
    sortedBounds[i] = bounds[g]!;
    groupFrom[i] = c;
    for (const { term, weight } of groups[g]!.variants) {
      factor[c] = weight * index.idf[term]!;
      start[c] = position[c] = termStarts[term]!;
      end[c] = termStarts[term + 1]!;
      firstBlock[c] = block[c] = blockStarts[term]!;
      blockEnd[c] = blockStarts[term + 1]!;
      c++;
    }
  }
  groupFrom[groupCount] = c;
  const prefixBound = new Float64Array(groupCount + 1);
  for (let i = 0; i < groupCount; i++) prefixBound[i + 1] = prefixBound[i]! + sortedBounds[i]!;
  const totalBound = prefixBound[groupCount]!;
  // min-heap of the k best (score, doc); slot 0 of `state` is its size, slot 1 the threshold
  // (kept in arrays rather than closure-captured locals: the hot loop below stays in registers)
  const heapScores = new Float64Array(k);
  const heapDocs = new Int32Array(k);
  const heapGroups = new Int32Array(k);
  const state = new Float64Array(2);

  // forced documents (exact names): scored directly, by binary search in each variant's postings
  // (a common title can name thousands of entities: in document order, most popular first, the
  // walk stops once the heap is full and no later one can beat its weakest entry)
  const forcedCodes = options.forced ?? [];
  const forced = new Uint32Array(forcedCodes.length);
  for (let f = 0; f < forcedCodes.length; f++) forced[f] = index.docOf(forcedCodes[f]!);
  forced.sort();
  const forcedBase = options.forcedExtra === undefined ? Number.POSITIVE_INFINITY : maxBoost + Math.max(0, options.forcedExtra);
  for (let f = 0; f < forced.length; f++) {
    const doc = forced[f]!;
    if (f > 0 && forced[f - 1] === doc) continue;
    if (state[0] === k && totalBound * (forcedBase + popularity * priorBound[doc]!) <= state[1]!) break;
    const code = docCodes[doc]!;
    if (!accept(code)) continue;
    let partial = 0;
    let matched = 0;
    let mask = 0;
    for (let i = 0; i < groupCount; i++) {
      let best = 0;
      for (let j = groupFrom[i]!; j < groupFrom[i + 1]!; j++) {
        const at = indexOfSorted(docs, doc, start[j]!, end[j]!);
        if (at >= 0) best = Math.max(best, factor[j]! * IMPACT[impacts[at]!]!);
      }
      if (best > 0) {
        partial += best;
        matched++;
        mask |= 1 << order[i]!;
      }
    }
    if (matched > 0) offer(heapScores, heapDocs, heapGroups, state, k, partial * (matched / groupCount) * boost(code), doc, mask);
  }
  let nextForced = 0;
  let essentialFrom = 0; // sorted groups [essentialFrom, groupCount) are essential

  const blockBounds = new Float64Array(groupCount);
  for (;;) {
    // next candidate: the smallest current doc over the essential groups' cursors
    let doc = 0xffffffff;
    for (let j = groupFrom[essentialFrom]!; j < cursorCount; j++) {
      const at = position[j]!;
      if (at < end[j]! && docs[at]! < doc) doc = docs[at]!;
    }
    if (doc === 0xffffffff) break;
    // later documents are at most this popular: bounds every boost from here on
    const boostBound = popularity > 0 ? maxBoost + popularity * priorBound[doc]! : maxBoost;
    const full = state[0] === k;
    const threshold = state[1]!;
    if (full) {
      // nothing from here on can enter the top k
      if (totalBound * boostBound < threshold) break;
      // the largest prefix of groups whose documents (matching only those) cannot beat the threshold
      while (essentialFrom < groupCount - 1 && prefixBound[essentialFrom + 1]! * ((essentialFrom + 1) / groupCount) * boostBound <= threshold) essentialFrom++;
    }
    let partial = 0;
    let matched = 0;
    let matchedMask = 0;
    for (let i = essentialFrom; i < groupCount; i++) {
      let best = 0;
      for (let j = groupFrom[i]!; j < groupFrom[i + 1]!; j++) {
        const at = position[j]!;
        if (at < end[j]! && docs[at] === doc) {
          const value = factor[j]! * IMPACT[impacts[at]!]!;
          if (value > best) best = value;
          position[j] = at + 1;
        }
      }
      if (best > 0) {
        partial += best;
        matched++;
        matchedMask |= 1 << order[i]!;
      }
    }
    while (nextForced < forced.length && forced[nextForced]! < doc) nextForced++;
    if (nextForced < forced.length && forced[nextForced] === doc) continue;
    // cheapest test first: even matching every non-essential group at its highest impact
    if (full && essentialFrom > 0 && (partial + prefixBound[essentialFrom]!) * ((matched + essentialFrom) / groupCount) * boostBound <= threshold) continue;
    if (essentialFrom > 0) {
      // non-essential groups: block-level bounds first (skip blocks that end before doc)
      let blockTotal = 0;
      let blockMatches = 0;
      for (let i = 0; i < essentialFrom; i++) {
        let bound = 0;
        for (let j = groupFrom[i]!; j < groupFrom[i + 1]!; j++) {
          let b = block[j]!;
          const last = blockEnd[j]!;
          while (b < last && blockLast[b]! < doc) b++;
          block[j] = b;
          if (b < last) {
            const value = factor[j]! * IMPACT[blockMax[b]!]!;
            if (value > bound) bound = value;
          }
        }
        blockBounds[i] = bound;
        blockTotal += bound;
        if (bound > 0) blockMatches++;
      }
      // descending bound order; stop as soon as the best possible outcome cannot enter the heap
      // (judged on the popularity bound first, so most rejections never look at the document)
      let remaining = blockTotal;
      let rejected = false;
      for (let i = essentialFrom - 1; i >= 0; i--) {
        if (full && (partial + remaining) * ((matched + blockMatches) / groupCount) * boostBound <= threshold) {
          rejected = true;
          break;
        }
        const bound = blockBounds[i]!;
        if (bound === 0) continue;
        remaining -= bound;
        blockMatches--;
        let best = 0;
        for (let j = groupFrom[i]!; j < groupFrom[i + 1]!; j++) {
          const b = block[j]!;
          if (b >= blockEnd[j]!) {
            position[j] = end[j]!;
            continue;
          }
          // jump to the block holding doc, then binary search inside it
          const blockFirst = start[j]! + (b - firstBlock[j]!) * BLOCK_SIZE;
          let low = Math.max(position[j]!, blockFirst);
          let high = Math.min(end[j]!, blockFirst + BLOCK_SIZE);
          while (low < high) {
            const mid = (low + high) >>> 1;
            if (docs[mid]! < doc) low = mid + 1;
            else high = mid;
          }
          position[j] = low;
          if (low < end[j]! && docs[low] === doc) {
            const value = factor[j]! * IMPACT[impacts[low]!]!;
            if (value > best) best = value;
          }
        }
        if (best > 0) {
          partial += best;
          matched++;
          matchedMask |= 1 << order[i]!;
        }
      }
      if (rejected) continue;
    }
    if (full && partial * (matched / groupCount) * boostBound <= threshold) continue;
    const code = docCodes[doc]!;
    if (!accept(code)) continue;
    offer(heapScores, heapDocs, heapGroups, state, k, partial * (matched / groupCount) * boost(code), doc, matchedMask);
  }

  const out: { doc: number; score: number; groups: number }[] = [];
  for (let i = 0; i < state[0]!; i++) out.push({ doc: heapDocs[i]!, score: heapScores[i]!, groups: heapGroups[i]! });
  out.sort((a, b) => b.score - a.score || a.doc - b.doc);
  for (const hit of out) hit.doc = docCodes[hit.doc]!;
  return out;
}

/** Puts (score, doc) into the heap when it beats the weakest entry; state = [size, threshold]. */
function offer(scores: Float64Array, docs: Int32Array, groups: Int32Array, state: Float64Array, k: number, score: number, doc: number, mask: number): void {
  const size = state[0]!;
  if (size < k) {
    heapPush(scores, docs, groups, size, score, doc, mask);
    state[0] = size + 1;
    if (size + 1 === k) state[1] = scores[0]!;
  } else if (weaker(scores[0]!, docs[0]!, score, doc)) {
    heapReplaceTop(scores, docs, groups, k, score, doc, mask);
    state[1] = scores[0]!;
  }
}

// min-heap on (score asc, doc desc): the root is the weakest entry
function weaker(scoreA: number, docA: number, scoreB: number, docB: number): boolean {
  return scoreA < scoreB || (scoreA === scoreB && docA > docB);
}

/** Moves entry `from` to slot `to` of the three parallel heap arrays. */
function moveEntry(scores: Float64Array, docs: Int32Array, groups: Int32Array, to: number, from: number): void {
  scores[to] = scores[from]!;
  docs[to] = docs[from]!;
  groups[to] = groups[from]!;
}

function heapPush(scores: Float64Array, docs: Int32Array, groups: Int32Array, size: number, score: number, doc: number, mask: number): void {
  let at = size;
  while (at > 0) {
    const parent = (at - 1) >> 1;
    if (!weaker(score, doc, scores[parent]!, docs[parent]!)) break;
    moveEntry(scores, docs, groups, at, parent);
    at = parent;
  }
  scores[at] = score;
  docs[at] = doc;
  groups[at] = mask;
}

function heapReplaceTop(scores: Float64Array, docs: Int32Array, groups: Int32Array, size: number, score: number, doc: number, mask: number): void {
  let at = 0;
  for (;;) {
    const left = 2 * at + 1;
    if (left >= size) break;
    const right = left + 1;
    const child = right < size && weaker(scores[right]!, docs[right]!, scores[left]!, docs[left]!) ? right : left;
    if (!weaker(scores[child]!, docs[child]!, score, doc)) break;
    moveEntry(scores, docs, groups, at, child);
    at = child;
  }
  scores[at] = score;
  docs[at] = doc;
  groups[at] = mask;
}
