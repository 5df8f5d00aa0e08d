// Typeahead: a sorted list of keys — every entity name from each of its first word starts
// ("crazy in love", "in love", "love") plus "artist title" for tracks — held as typed arrays
// (entity code, word offset, key kind) whose strings are computed on demand from the names.
// A prefix is two binary searches; the best keys of the range come from a max segment tree over
// each key's static score (prior + where the key starts), so a prefix matching 100k keys costs
// a few dozen tree walks, the first time as every time (no memo, no warm-up).
import type { EntitySpace } from './entities';

const KIND_NAME = 0;
const KIND_ARTIST_TITLE = 1;
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

/** Static score bonuses: the name itself starts with the prefix / "artist title" keys (the person typed both). */
const NAME_START_BONUS = 0.5;
const ARTIST_TITLE_BONUS = 0.4;
/** The prefix is the whole key (complete words, not just a prefix). */
const EXACT_BONUS = 0.3;
/** An album loses ties to its title track (the same name by the same artist merges into one suggestion). */
const ALBUM_PENALTY = 0.05;
/** Keys taken from the tree before a filtered or boosted request falls back to scanning the range. */
const MAX_POPS = 4096;

export class SuggestIndex {
  /** static score per key position */
  private readonly scores: Float32Array;
  /** iterative max segment tree over `scores`: tree[n + j] = j, tree[i] = argmax of its children */
  private readonly tree: Int32Array;

  constructor(
    private readonly entities: EntitySpace,
    readonly arrays: SuggestArrays,
  ) {
    const { codes, offsets, kinds } = arrays;
    const n = codes.length;
    const prior = entities.prior;
    this.scores = new Float32Array(n);
    for (let j = 0; j < n; j++) {
      let score = prior[codes[j]!]!;
      if (kinds[j] === KIND_NAME && offsets[j] === 0) score += NAME_START_BONUS;
      if (kinds[j] === KIND_ARTIST_TITLE) score += ARTIST_TITLE_BONUS;
      if (entities.typeOf(codes[j]!) === 'album') score -= ALBUM_PENALTY;
      this.scores[j] = score;
    }
    this.tree = new Int32Array(2 * Math.max(1, n));
    for (let j = 0; j < n; j++) this.tree[n + j] = j;
    for (let i = n - 1; i >= 1; i--) this.tree[i] = this.better(this.tree[2 * i]!, this.tree[2 * i + 1]!);
  }

  /** The higher-scored of two positions (the earlier on ties). */
  private better(a: number, b: number): number {
    const scores = this.scores;
    return scores[b]! > scores[a]! || (scores[b] === scores[a] && b < a) ? b : a;
  }

  /** Position of the best static score in [low, high), or −1 when empty. */
  private rangeBest(low: number, high: number): number {
    let best = -1;
    const n = this.size;
    const tree = this.tree;
    for (let l = low + n, r = high + n; l < r; l >>= 1, r >>= 1) {
      if (l & 1) {
        const candidate = tree[l++]!;
        best = best < 0 ? candidate : this.better(best, candidate);
      }
      if (r & 1) {
        const candidate = tree[--r]!;
        best = best < 0 ? candidate : this.better(best, candidate);
      }
    }
    return best;
  }

  static build(entities: EntitySpace): SuggestIndex {
    // entries in parallel arrays; the sort key carries the entry number in fixed-width
    // characters after "\u0001" (which sorts before every key character, so a key sorts before
    // its own extensions), so the native string sort orders them and no parsing is needed
    const keys: string[] = [];
    const codeList: number[] = [];
    const offsetList: number[] = [];
    const kindList: number[] = [];
    const names = entities.names;
    const add = (key: string, code: number, offset: number, kind: number): void => {
      const entry = keys.length;
      // four base-256 digits: one-byte characters keep the strings in V8's compact Latin-1 form
      keys.push(`${key}\u0001${String.fromCharCode(entry >>> 24, (entry >>> 16) & 0xff, (entry >>> 8) & 0xff, entry & 0xff)}`);
      codeList.push(code);
      offsetList.push(offset);
      kindList.push(kind);
    };
    for (let code = 0; code < entities.size; code++) {
      const name = names[code]!;
      if (name === '') continue;
      let offset = 0;
      for (let start = 0; start < MAX_WORD_STARTS && offset >= 0; start++) {
        if (offset > 0xffff) break;
        add(offset === 0 ? name : name.slice(offset), code, offset, KIND_NAME);
        const space = name.indexOf(' ', offset);
        offset = space < 0 ? -1 : space + 1;
      }
      if (code < entities.trackCount) {
        const artist = entities.primaryArtistName(code);
        if (artist !== '') add(`${artist} ${name}`, code, 0, KIND_ARTIST_TITLE);
      }
    }
    keys.sort();
    const codes = new Uint32Array(keys.length);
    const offsets = new Uint16Array(keys.length);
    const kinds = new Uint8Array(keys.length);
    for (let j = 0; j < keys.length; j++) {
      const key = keys[j]!;
      const at = key.length - 4;
      const entry = key.charCodeAt(at) * 0x1000000 + ((key.charCodeAt(at + 1) << 16) | (key.charCodeAt(at + 2) << 8) | key.charCodeAt(at + 3));
      codes[j] = codeList[entry]!;
      offsets[j] = offsetList[entry]!;
      kinds[j] = kindList[entry]!;
    }
    return new SuggestIndex(entities, { codes, offsets, kinds });
  }

  get size(): number {
    return this.arrays.codes.length;
  }

  keyAt(j: number): string {
    const code = this.arrays.codes[j]!;
    const name = this.entities.names[code]!;
    if (this.arrays.kinds[j] === KIND_ARTIST_TITLE) return `${this.entities.primaryArtistName(code)} ${name}`;
    const offset = this.arrays.offsets[j]!;
    return offset === 0 ? name : name.slice(offset);
  }

  private keyLengthAt(j: number): number {
    const code = this.arrays.codes[j]!;
    const name = this.entities.names[code]!;
    if (this.arrays.kinds[j] === KIND_ARTIST_TITLE) return this.entities.primaryArtistName(code).length + 1 + name.length;
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
    pushInterval(low, exactEnd, EXACT_BONUS);
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
      const bonus = top.low < exactEnd ? EXACT_BONUS : 0;
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
      const score = this.scores[j]! + (j < exactEnd ? EXACT_BONUS : 0) + (boost ? boost(code) : 0);
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
