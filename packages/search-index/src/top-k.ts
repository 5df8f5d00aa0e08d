// Top-k over the inverted index, document at a time, with MaxScore and block-max bounds
// (Turtle & Flood 1995; Ding & Suel 2011). A query is a list of groups, one per query word; a
// group is the word's variants (the word, typo corrections, prefix completions) with a weight
// each; a document's group score is its best variant's weight × idf × impact. The score is
//   (Σ group scores) × (groups matched / groups) × boost(doc)
// — coordination (a document matching more words wins) times the priors (popularity, affinity,
// exact name). Groups are ordered by upper bound; the lowest groups whose bounds together cannot
// lift a document over the current k-th score are "non-essential": only documents from the
// other groups are visited, and non-essential postings are probed by skipping whole blocks
// (block last doc) and are not decoded when the block maximum already rules the document out.
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
  accept: (doc: number) => boolean;
  /** multiplicative prior per document (≥ 0) */
  boost: (doc: number) => number;
  /** an upper bound of boost over all documents */
  maxBoost: number;
}

export interface ScoredDoc {
  doc: number;
  score: number;
  /** groups matched (bit g = group g), for coordination and explanation */
  groups: number;
}

interface Cursor {
  factor: number;
  /** the term's first posting and first block: block b starts at start + (b − firstBlock)·BLOCK_SIZE */
  start: number;
  firstBlock: number;
  position: number;
  end: number;
  block: number;
  blockEnd: number;
}

/** The k best documents, best first (ties: lower doc code first). At most 31 groups are scored. */
export function topK(index: InvertedIndex, groups: readonly QueryGroup[], options: TopKOptions): ScoredDoc[] {
  const { k, accept, boost, maxBoost } = options;
  const groupCount = Math.min(groups.length, 31);
  if (k <= 0 || groupCount === 0) return [];
  const { termStarts, docs, impacts, blockStarts, blockLast, blockMax } = index.arrays;

  // groups sorted by upper bound, ascending (the cheapest to leave out first)
  const bounds: number[] = [];
  const cursorsOf: Cursor[][] = [];
  for (let g = 0; g < groupCount; g++) {
    let bound = 0;
    const cursors: Cursor[] = [];
    for (const { term, weight } of groups[g]!.variants) {
      const factor = weight * index.idf[term]!;
      bound = Math.max(bound, factor * index.maxImpact(term));
      const start = termStarts[term]!;
      const firstBlock = blockStarts[term]!;
      cursors.push({ factor, start, firstBlock, position: start, end: termStarts[term + 1]!, block: firstBlock, blockEnd: blockStarts[term + 1]! });
    }
    bounds.push(bound);
    cursorsOf.push(cursors);
  }
  const order = bounds.map((_, g) => g).sort((a, b) => bounds[a]! - bounds[b]!);
  const sortedBounds = order.map((g) => bounds[g]!);
  const sortedCursors = order.map((g) => cursorsOf[g]!);
  const prefixBound = new Float64Array(groupCount + 1);
  for (let i = 0; i < groupCount; i++) prefixBound[i + 1] = prefixBound[i]! + sortedBounds[i]!;

  // min-heap of the k best (score, doc)
  const heapScores = new Float64Array(k);
  const heapDocs = new Int32Array(k);
  const heapGroups = new Int32Array(k);
  let heapSize = 0;
  let threshold = 0;
  let essentialFrom = 0; // sorted groups [essentialFrom, groupCount) are essential

  const updateEssential = (): void => {
    // the largest prefix whose documents (matching only those groups) cannot beat the threshold
    while (essentialFrom < groupCount - 1 && prefixBound[essentialFrom + 1]! * ((essentialFrom + 1) / groupCount) * maxBoost <= threshold) essentialFrom++;
  };

  const groupScores = new Float64Array(groupCount);
  const blockBounds = new Float64Array(groupCount);
  for (;;) {
    // next candidate: the smallest current doc over the essential groups' cursors
    let doc = 0xffffffff;
    for (let i = essentialFrom; i < groupCount; i++) {
      for (const cursor of sortedCursors[i]!) if (cursor.position < cursor.end && docs[cursor.position]! < doc) doc = docs[cursor.position]!;
    }
    if (doc === 0xffffffff) break;
    let partial = 0;
    let matched = 0;
    let matchedMask = 0;
    for (let i = essentialFrom; i < groupCount; i++) {
      let best = 0;
      for (const cursor of sortedCursors[i]!) {
        if (cursor.position < cursor.end && docs[cursor.position] === doc) {
          const value = cursor.factor * IMPACT[impacts[cursor.position]!]!;
          if (value > best) best = value;
          cursor.position++;
        }
      }
      groupScores[i] = best;
      if (best > 0) {
        partial += best;
        matched++;
        matchedMask |= 1 << order[i]!;
      }
    }
    if (!accept(doc)) continue;
    const docBoost = boost(doc);
    if (essentialFrom > 0) {
      // non-essential groups: block-level bounds first (skip blocks that end before doc)
      let blockTotal = 0;
      for (let i = 0; i < essentialFrom; i++) {
        let bound = 0;
        for (const cursor of sortedCursors[i]!) {
          while (cursor.block < cursor.blockEnd && blockLast[cursor.block]! < doc) cursor.block++;
          if (cursor.block < cursor.blockEnd) bound = Math.max(bound, cursor.factor * IMPACT[blockMax[cursor.block]!]!);
        }
        blockBounds[i] = bound;
        blockTotal += bound;
      }
      // descending bound order; stop as soon as the best possible outcome cannot enter the heap
      let remaining = blockTotal;
      let rejected = false;
      for (let i = essentialFrom - 1; i >= 0; i--) {
        const possibleMatches = matched + countPositive(blockBounds, i + 1);
        if (heapSize === k && (partial + remaining) * (possibleMatches / groupCount) * docBoost <= threshold) {
          rejected = true;
          break;
        }
        remaining -= blockBounds[i]!;
        if (blockBounds[i] === 0) continue;
        let best = 0;
        for (const cursor of sortedCursors[i]!) {
          if (cursor.block >= cursor.blockEnd) {
            cursor.position = cursor.end;
            continue;
          }
          // jump to the block holding doc, then search inside it
          const blockFirst = cursor.start + (cursor.block - cursor.firstBlock) * BLOCK_SIZE;
          if (cursor.position < blockFirst) cursor.position = blockFirst;
          const blockEndPosition = Math.min(cursor.end, blockFirst + BLOCK_SIZE);
          while (cursor.position < blockEndPosition && docs[cursor.position]! < doc) cursor.position++;
          if (cursor.position < cursor.end && docs[cursor.position] === doc) {
            const value = cursor.factor * IMPACT[impacts[cursor.position]!]!;
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
    const score = partial * (matched / groupCount) * docBoost;
    if (heapSize < k) {
      heapPush(heapScores, heapDocs, heapGroups, heapSize++, score, doc, matchedMask);
      if (heapSize === k) {
        threshold = heapScores[0]!;
        updateEssential();
      }
    } else if (score > threshold) {
      heapReplaceTop(heapScores, heapDocs, heapGroups, k, score, doc, matchedMask);
      threshold = heapScores[0]!;
      updateEssential();
    }
  }

  const out: ScoredDoc[] = [];
  for (let i = 0; i < heapSize; i++) out.push({ doc: heapDocs[i]!, score: heapScores[i]!, groups: heapGroups[i]! });
  return out.sort((a, b) => b.score - a.score || a.doc - b.doc);
}

function countPositive(values: Float64Array, upTo: number): number {
  let count = 0;
  for (let i = 0; i < upTo; i++) if (values[i]! > 0) count++;
  return count;
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
