// Typeahead: a sorted list of keys — every entity name from each of its first word starts
// ("crazy in love", "in love", "love") plus "artist title" for tracks — held as typed arrays
// (entity code, word offset, key kind) whose strings are computed on demand from the names.
// A prefix is two binary searches; the best keys of the range come from a max segment tree over
// each key's static score (prior + where the key starts), so a prefix matching 100k keys costs
// a few dozen tree walks, the first time as every time (no memo, no warm-up).
import type { EntitySpace } from './entities';
import { sortKeyIds } from './internal/key-sort';

/** What a key is (its `kinds` entry): a word start of the entity's own name, or a track's "artist title". */
const KEY_KIND = { name: 0, artistTitle: 1 } as const;
/** word starts per name that become keys (the first three words are what people type) */
const MAX_WORD_STARTS = 3;

export interface SuggestArrays {
  codes: Uint32Array;
  offsets: Uint16Array;
  kinds: Uint8Array;
}

export interface SuggestCandidate {
  code: number;
  /** the key the prefix matched, e.g. "beyonce halo" */
  key: string;
  /** 0..~2: prior + name-start bonus + exact bonus + affinity */
  score: number;
}

/** What is added to a key's prior to score it. */
const BONUS = {
  /** the key is the name from its first word (the prefix starts the name itself) */
  nameStart: 0.5,
  /** an "artist title" key: the person typed both */
  artistTitle: 0.4,
  /** at query time: the prefix is the whole key (complete words, not just a prefix) */
  exact: 0.3,
  /** subtracted: an album loses ties to its title track (the same name by the same artist merges into one suggestion) */
  albumPenalty: 0.15,
} as const;
/** Keys taken from the tree before a filtered or boosted request falls back to scanning the range. */
const MAX_POPS = 4096;
/** Keys per block of the score tree. */
const SCORE_BLOCK = 32;

export class SuggestIndex {
  /** static score per key position */
  private readonly scores: Float32Array;
  /**
   * Iterative max segment tree over blocks of SCORE_BLOCK keys: tree[blocks + b] = best position
   * of block b, tree[i] = the better of its children. Blocks keep it small (built at load in one
   * pass over the scores); a query scans at most two partial blocks.
   */
  private readonly tree: Int32Array;
  private readonly blocks: number;

  constructor(
    private readonly entities: EntitySpace,
    readonly arrays: SuggestArrays,
  ) {
    const { codes, offsets, kinds } = arrays;
    const n = codes.length;
    const prior = entities.prior;
    const albumStart = entities.trackCount + entities.artistCount;
    this.scores = new Float32Array(n);
    for (let j = 0; j < n; j++) {
      const code = codes[j]!;
      let score = prior[code]!;
      if (kinds[j] === KEY_KIND.name && offsets[j] === 0) score += BONUS.nameStart;
      if (kinds[j] === KEY_KIND.artistTitle) score += BONUS.artistTitle;
      if (code >= albumStart) score -= BONUS.albumPenalty;
      this.scores[j] = score;
    }
    const blocks = Math.max(1, Math.ceil(n / SCORE_BLOCK));
    this.blocks = blocks;
    this.tree = new Int32Array(2 * blocks).fill(-1);
    for (let b = 0; b < blocks; b++) this.tree[blocks + b] = this.scanBest(b * SCORE_BLOCK, Math.min(n, (b + 1) * SCORE_BLOCK));
    for (let i = blocks - 1; i >= 1; i--) this.tree[i] = this.better(this.tree[2 * i]!, this.tree[2 * i + 1]!);
  }

  /** The higher-scored of two positions (the earlier on ties; −1 = none). */
  private better(a: number, b: number): number {
    if (a < 0) return b;
    if (b < 0) return a;
    const scores = this.scores;
    return scores[b]! > scores[a]! || (scores[b] === scores[a] && b < a) ? b : a;
  }

  private scanBest(low: number, high: number): number {
    let best = -1;
    for (let j = low; j < high; j++) best = this.better(best, j);
    return best;
  }

  /** Position of the best static score in [low, high), or −1 when empty. */
  private rangeBest(low: number, high: number): number {
    if (high - low <= 2 * SCORE_BLOCK) return this.scanBest(low, high);
    const firstFull = Math.ceil(low / SCORE_BLOCK);
    const lastFull = Math.floor(high / SCORE_BLOCK);
    let best = this.better(this.scanBest(low, firstFull * SCORE_BLOCK), this.scanBest(lastFull * SCORE_BLOCK, high));
    const tree = this.tree;
    for (let l = firstFull + this.blocks, r = lastFull + this.blocks; l < r; l >>= 1, r >>= 1) {
      if (l & 1) best = this.better(best, tree[l++]!);
      if (r & 1) best = this.better(best, tree[--r]!);
    }
    return best;
  }

  static build(entities: EntitySpace): SuggestIndex {
    // Keys are (start, length) into one Uint16Array holding each name once plus each track's
    // "artist title"; their ids are sorted by a multikey quicksort over that text (no string per
    // key: at a million tracks there are four million keys).
    const names = entities.names;
    let textLength = 0;
    let keyCount = 0;
    for (let code = 0; code < entities.size; code++) {
      const name = names[code]!;
      if (name === '') continue;
      textLength += name.length;
      keyCount += Math.min(MAX_WORD_STARTS, 1 + countSpaces(name));
      if (code < entities.trackCount) {
        const artist = entities.primaryArtistName(code);
        if (artist !== '') {
          textLength += artist.length + 1 + name.length;
          keyCount++;
        }
      }
    }
    const text = new Uint16Array(textLength);
    const starts = new Uint32Array(keyCount);
    const lengths = new Uint32Array(keyCount);
    const codeOf = new Uint32Array(keyCount);
    const offsetOf = new Uint16Array(keyCount);
    const kindOf = new Uint8Array(keyCount);
    let at = 0;
    let key = 0;
    const write = (value: string): void => {
      for (let i = 0; i < value.length; i++) text[at++] = value.charCodeAt(i);
    };
    for (let code = 0; code < entities.size; code++) {
      const name = names[code]!;
      if (name === '') continue;
      const nameStart = at;
      write(name);
      let offset = 0;
      for (let start = 0; start < MAX_WORD_STARTS && offset >= 0 && offset <= 0xffff; start++) {
        starts[key] = nameStart + offset;
        lengths[key] = name.length - offset;
        codeOf[key] = code;
        offsetOf[key] = offset;
        kindOf[key++] = KEY_KIND.name;
        const space = name.indexOf(' ', offset);
        offset = space < 0 ? -1 : space + 1;
      }
      if (code < entities.trackCount) {
        const artist = entities.primaryArtistName(code);
        if (artist !== '') {
          starts[key] = at;
          lengths[key] = artist.length + 1 + name.length;
          codeOf[key] = code;
          kindOf[key++] = KEY_KIND.artistTitle;
          write(artist);
          text[at++] = 32;
          write(name);
        }
      }
    }
    const order = sortKeyIds(text, starts.subarray(0, key), lengths.subarray(0, key));
    const codes = new Uint32Array(key);
    const offsets = new Uint16Array(key);
    const kinds = new Uint8Array(key);
    for (let j = 0; j < key; j++) {
      const entry = order[j]!;
      codes[j] = codeOf[entry]!;
      offsets[j] = offsetOf[entry]!;
      kinds[j] = kindOf[entry]!;
    }
    return new SuggestIndex(entities, { codes, offsets, kinds });
  }

  get size(): number {
    return this.arrays.codes.length;
  }

  keyAt(j: number): string {
    const code = this.arrays.codes[j]!;
    const name = this.entities.names[code]!;
    if (this.arrays.kinds[j] === KEY_KIND.artistTitle) return `${this.entities.primaryArtistName(code)} ${name}`;
    const offset = this.arrays.offsets[j]!;
    return offset === 0 ? name : name.slice(offset);
  }

  private keyLengthAt(j: number): number {
    const code = this.arrays.codes[j]!;
    const name = this.entities.names[code]!;
    if (this.arrays.kinds[j] === KEY_KIND.artistTitle) return this.entities.primaryArtistName(code).length + 1 + name.length;
    return name.length - this.arrays.offsets[j]!;
  }

  /** First position whose key is >= prefix. */
  private lowerBound(prefix: string): number {
    let low = 0;
    let high = this.size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.keyAt(mid) < prefix) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** First position at or after `from` whose key does not start with prefix. */
  private upperBound(prefix: string, from: number): number {
    let low = from;
    let high = this.size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.keyAt(mid).startsWith(prefix)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Entity codes whose whole name is `text` (normalized): the keys equal to it that start a name. */
  exactNames(text: string): number[] {
    const out: number[] = [];
    if (text === '') return out;
    const { codes, offsets, kinds } = this.arrays;
    const low = this.lowerBound(text);
    if (low >= this.size || this.keyLengthAt(low) !== text.length || this.keyAt(low) !== text) return out;
    // keys equal to the text come first among those starting with it (shorter keys sort first)
    let high = this.upperBound(text, low);
    for (let l = low; l < high; ) {
      const mid = (l + high) >>> 1;
      if (this.keyLengthAt(mid) === text.length) l = mid + 1;
      else high = mid;
    }
    for (let j = low; j < high; j++) if (kinds[j] === KEY_KIND.name && offsets[j] === 0) out.push(codes[j]!);
    return out;
  }

  /**
   * The best `limit` entities with a key starting with `prefix` (normalized), best first, each
   * once with its best key. `accept` filters codes (entity types); `boost` adds a per-entity
   * score of at most `maxBoost` (personal affinity); `identity` merges entities a listener cannot
   * tell apart (the same recording under two ids): only the first of an identity is kept.
   */
  complete(
    prefix: string,
    limit: number,
    accept: (code: number) => boolean,
    boost?: (code: number) => number,
    options: { maxBoost?: number; identity?: (code: number) => string | undefined } = {},
  ): SuggestCandidate[] {
    if (prefix === '' || limit <= 0 || this.size === 0) return [];
    const low = this.lowerBound(prefix);
    const high = this.upperBound(prefix, low);
    if (low >= high) return [];
    // keys equal to the prefix sort first in the range (their sort key ends with "\u0001")
    let exactEnd = low;
    for (let h = high; exactEnd < h; ) {
      const mid = (exactEnd + h) >>> 1;
      if (this.keyLengthAt(mid) === prefix.length) exactEnd = mid + 1;
      else h = mid;
    }
    const maxBoost = boost ? (options.maxBoost ?? 1) : 0;
    // best-first over the range: a heap of intervals keyed by their best position's score
    const heap: { low: number; high: number; best: number; score: number }[] = [];
    const pushInterval = (from: number, to: number, bonus: number): void => {
      if (from >= to) return;
      const best = this.rangeBest(from, to);
      heapPush(heap, { low: from, high: to, best, score: this.scores[best]! + bonus });
    };
    pushInterval(low, exactEnd, BONUS.exact);
    pushInterval(exactEnd, high, 0);
    const chosen: SuggestCandidate[] = [];
    const seenCodes = new Set<number>();
    const seenIdentities = new Map<string, number>();
    let pops = 0;
    while (heap.length > 0) {
      const top = heapPop(heap);
      // nothing left can beat the limit-th candidate, even with the largest boost
      if (chosen.length >= limit && top.score + maxBoost <= chosen[limit - 1]!.score) break;
      if (++pops > MAX_POPS) return this.scan(prefix, low, high, exactEnd, limit, accept, boost, options.identity);
      const bonus = top.low < exactEnd ? BONUS.exact : 0;
      pushInterval(top.low, top.best, bonus);
      pushInterval(top.best + 1, top.high, bonus);
      const code = this.arrays.codes[top.best]!;
      if (seenCodes.has(code) || !accept(code)) continue;
      seenCodes.add(code);
      const score = top.score + (boost ? boost(code) : 0);
      const identity = options.identity?.(code);
      if (identity !== undefined) {
        const holder = seenIdentities.get(identity);
        if (holder !== undefined) {
          // the same recording again: a track takes the place of its album (the single), with the better score
          const at = chosen.findIndex((candidate) => candidate.code === holder);
          if (at >= 0 && this.entities.typeOf(holder) === 'album' && this.entities.typeOf(code) === 'track') {
            const replaced = chosen.splice(at, 1)[0]!;
            seenIdentities.set(identity, code);
            insertCandidate(chosen, { code, key: this.keyAt(top.best), score: Math.max(score, replaced.score) }, limit);
          }
          continue;
        }
        seenIdentities.set(identity, code);
      }
      insertCandidate(chosen, { code, key: this.keyAt(top.best), score }, limit);
    }
    return chosen;
  }

  /** Every key of the range (the fallback when filters reject most of it). */
  private scan(
    prefix: string,
    low: number,
    high: number,
    exactEnd: number,
    limit: number,
    accept: (code: number) => boolean,
    boost: ((code: number) => number) | undefined,
    identity: ((code: number) => string | undefined) | undefined,
  ): SuggestCandidate[] {
    const best = new Map<number, { position: number; score: number }>();
    for (let j = low; j < high; j++) {
      const code = this.arrays.codes[j]!;
      if (!accept(code)) continue;
      const score = this.scores[j]! + (j < exactEnd ? BONUS.exact : 0) + (boost ? boost(code) : 0);
      const existing = best.get(code);
      if (!existing || score > existing.score) best.set(code, { position: j, score });
    }
    void prefix;
    const ranked = [...best.entries()].sort((a, b) => b[1].score - a[1].score || a[1].position - b[1].position).slice(0, limit * 4);
    return dedupe(
      ranked.map(([code, { position, score }]) => ({ code, key: this.keyAt(position), score })),
      limit,
      identity,
    );
  }
}

/** Sorted insert (best first), keeping at most `capacity`. */
function insertCandidate(list: SuggestCandidate[], candidate: SuggestCandidate, capacity: number): void {
  let at = list.length;
  while (at > 0 && list[at - 1]!.score < candidate.score) at--;
  list.splice(at, 0, candidate);
  if (list.length > capacity) list.pop();
}

function dedupe(candidates: SuggestCandidate[], limit: number, identity: ((code: number) => string | undefined) | undefined): SuggestCandidate[] {
  if (!identity) return candidates.slice(0, limit);
  const seen = new Set<string>();
  const out: SuggestCandidate[] = [];
  for (const candidate of candidates) {
    const key = identity(candidate.code);
    if (key !== undefined) {
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out.push(candidate);
    if (out.length >= limit) break;
  }
  return out;
}

interface Interval {
  low: number;
  high: number;
  best: number;
  score: number;
}

function heapPush(heap: Interval[], item: Interval): void {
  heap.push(item);
  let at = heap.length - 1;
  while (at > 0) {
    const parent = (at - 1) >> 1;
    if (!above(heap[at]!, heap[parent]!)) break;
    [heap[at], heap[parent]] = [heap[parent]!, heap[at]!];
    at = parent;
  }
}

function heapPop(heap: Interval[]): Interval {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    heap[0] = last;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let next = at;
      if (left < heap.length && above(heap[left]!, heap[next]!)) next = left;
      if (right < heap.length && above(heap[right]!, heap[next]!)) next = right;
      if (next === at) break;
      [heap[at], heap[next]] = [heap[next]!, heap[at]!];
      at = next;
    }
  }
  return top;
}

function above(a: Interval, b: Interval): boolean {
  return a.score > b.score || (a.score === b.score && a.best < b.best);
}

function countSpaces(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 32) count++;
  return count;
}
