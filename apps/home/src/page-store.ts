// Finished Home pages kept per listener and request (ADR 0013): the shelves' JSON, ready to be
// written in the bandit's order of the request. An entry is served only while every input of the
// page is unchanged: the engine (bundle, experiment variant, ranker and candidate settings — one
// store per bundle, one engine id per variant), the request parameters that change a page
// (limit, shelves, daypart, the listener's UTC offset, seeds, explicit) in its key, and the listener's live events, whose
// fingerprint the entry carries and each request re-reads from the event store (Redis across
// replicas). Memory is bounded by a byte cap; the least recently served entries go first.
import type { HomeEngine, HomePageContent, HomePageRequest, HomeStageDetail, ShelfType, UserEvent } from '@mixtape/ranking';

/** A finished page, without the per-request parts (order, generatedAt, experiments). */
export interface StoredPage {
  coldStart: boolean;
  daypart: string;
  /** the shelves' JSON one after another; shelf i is bytes offsets[i]..offsets[i + 1] */
  json: Buffer;
  offsets: Uint32Array;
  types: ShelfType[];
  ids: string[];
  /** each shelf's track indexes (items) one after another, split by itemOffsets: the exposure log reads them */
  tracks: Int32Array;
  itemOffsets: Uint32Array;
  /** fingerprint of the live events the page was computed from */
  live: number;
  /** bytes this entry holds, as counted against the cap (the store adds its key's) */
  bytes: number;
}

/** Fixed cost counted per entry and per shelf for the JS objects around the buffers (measured order of magnitude, not exact). */
const ENTRY_OVERHEAD_BYTES = 320;
const SHELF_OVERHEAD_BYTES = 96;

/**
 * The page as stored: each shelf serialized once (JSON.stringify of the shelf object, so the
 * bytes are what a whole-page JSON.stringify would write for it).
 */
export function storedPage(content: HomePageContent, live: number, trackIndex: (trackId: string) => number): StoredPage {
  const parts = content.shelves.map((shelf) => Buffer.from(JSON.stringify(shelf)));
  const offsets = new Uint32Array(parts.length + 1);
  const itemOffsets = new Uint32Array(parts.length + 1);
  for (let i = 0; i < parts.length; i++) {
    offsets[i + 1] = offsets[i]! + parts[i]!.length;
    itemOffsets[i + 1] = itemOffsets[i]! + content.shelves[i]!.items.length;
  }
  const tracks = new Int32Array(itemOffsets[parts.length]!);
  content.shelves.forEach((shelf, i) => shelf.items.forEach((item, j) => (tracks[itemOffsets[i]! + j] = trackIndex(item.trackId))));
  // its own allocation: Buffer.concat of a small page slices Node's shared 8 KiB pool, and a kept
  // slice would pin the whole slab — more than the bytes counted against the cap
  const json = Buffer.allocUnsafeSlow(offsets[parts.length]!);
  parts.forEach((part, i) => part.copy(json, offsets[i]!));
  const ids = content.shelves.map((shelf) => shelf.id);
  const bytes = ENTRY_OVERHEAD_BYTES + json.length + offsets.byteLength + itemOffsets.byteLength + tracks.byteLength + ids.reduce((sum, id) => sum + SHELF_OVERHEAD_BYTES + 2 * id.length, 0);
  return { coldStart: content.coldStart, daypart: content.daypart, json, offsets, types: content.shelves.map((shelf) => shelf.type), ids, tracks, itemOffsets, live, bytes };
}

/**
 * The response body: `{userId, bundleVersion, generatedAt, coldStart, daypart, shelves, experiments}`
 * with the shelves in `order` — byte for byte what JSON.stringify of that object writes.
 */
export function pageBody(page: StoredPage, order: readonly number[], head: { userId: string; bundleVersion: string; generatedAt: string }, experiments: unknown): Buffer {
  const parts: Buffer[] = [
    Buffer.from(`{"userId":${JSON.stringify(head.userId)},"bundleVersion":${JSON.stringify(head.bundleVersion)},"generatedAt":${JSON.stringify(head.generatedAt)},"coldStart":${page.coldStart},"daypart":${JSON.stringify(page.daypart)},"shelves":[`),
  ];
  order.forEach((shelf, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(page.json.subarray(page.offsets[shelf]!, page.offsets[shelf + 1]!));
  });
  parts.push(Buffer.from(`],"experiments":${JSON.stringify(experiments)}}`));
  return Buffer.concat(parts);
}
const COMMA = Buffer.from(',');

/** 53-bit fingerprint of a listener's live events (two FNV-1a hashes over every field a page reads). */
export function liveFingerprint(events: readonly UserEvent[]): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ events.length;
  const mix = (value: number) => {
    a = Math.imul(a ^ (value | 0), 0x01000193);
    b = Math.imul(b ^ ((value / 0x1_0000_0000) | 0) ^ (value | 0), 0x5bd1e995);
    b ^= b >>> 15;
  };
  for (const event of events) {
    mix(event.track);
    mix(event.timestamp);
    mix(event.type);
    mix(event.msPlayed);
    mix(event.count ?? 1);
  }
  return (a >>> 0) * 0x20_0000 + ((b >>> 0) & 0x1f_ffff);
}

/** A page as `pageFor` found or computed it. */
export interface PageResult {
  page: StoredPage;
  /** ms per stage: the compute stages of a computed page, `cache` for a kept one, `shared` for the wait on another request's compute */
  costs: Record<string, number>;
  /** a computed page's finer stage times (the engine's HomeStageDetail, by its stageClock); absent for a kept or shared page */
  stages?: HomeStageDetail;
  /** hit: a kept page; miss: computed; off: computed, no store; shared: the page another request was computing for the same key and live events */
  result: 'hit' | 'miss' | 'off' | 'shared';
  /** a computed page went into the store (it was complete and, for the warmer, there was room) */
  kept: boolean;
  /** a complete page the warmer could not keep: the store is full of the current daypart's pages */
  full: boolean;
}

/** Computes in flight per engine, by key and live-event fingerprint (single flight: concurrent misses of one page compute it once). */
const inFlight = new WeakMap<HomeEngine, Map<string, { computing: Promise<PageResult>; warming: boolean }>>();

/**
 * The page for `request` from `engine`: the kept one while its inputs are unchanged, else computed
 * and kept when complete (a page computed while the next-track model failed is served, not kept).
 * The live events are read once, before the compute, and passed in: an event posted meanwhile changes
 * the fingerprint, so it causes a miss, never a stale hit. Concurrent misses of the same key with the
 * same live events share one compute (with or without a store): the first computes, the others wait
 * for its page (result `shared`: kept by a request's rules when the warmer computed it) or its error. `warming` (the warmer): a kept page is
 * looked at without counting or refreshing it, and a new one is kept only if it fits without
 * evicting the current daypart's pages (`setIfRoom`).
 */
export async function pageFor(store: PageStore | undefined, engine: HomeEngine, request: HomePageRequest & { daypart: string; now?: undefined; random?: undefined }, options: { warming?: boolean } = {}): Promise<PageResult> {
  // the page's key (and its flight's) holds neither: two calls with other clocks or draws would share one page
  if (request.now !== undefined || request.random !== undefined) throw new TypeError(`pageFor: a request with ${request.now !== undefined ? '`now`' : '`random`'} cannot be kept or shared (the page key holds neither); call engine.page for a page at another time or with seeded draws`);
  const started = performance.now();
  const live = await engine.liveEvents(request.userId);
  const fingerprint = liveFingerprint(live);
  const key = pageKey(engine, request, live);
  if (store) {
    const found = options.warming ? store.peek(key, fingerprint) : store.get(key, fingerprint);
    if (found) return { page: found, costs: { cache: performance.now() - started }, result: 'hit', kept: true, full: false };
  }
  let flights = inFlight.get(engine);
  if (!flights) inFlight.set(engine, (flights = new Map()));
  const flight = `${key}\u0002${fingerprint}`;
  const pending = flights.get(flight);
  if (pending) {
    const shared = await pending.computing;
    // a request that waited on the warmer's compute keeps the page as its own compute would (`set`
    // evicts the least recently served) where the warmer found no room (`setIfRoom`): else its next
    // request misses again
    const kept = shared.kept || (store !== undefined && !options.warming && pending.warming && shared.full && store.set(key, shared.page));
    return { page: shared.page, costs: { shared: performance.now() - started }, result: 'shared', kept, full: false };
  }
  const computing = computePage(store, engine, request, live, fingerprint, key, options.warming ?? false);
  flights.set(flight, { computing, warming: options.warming ?? false });
  try {
    return await computing;
  } finally {
    flights.delete(flight);
  }
}

async function computePage(store: PageStore | undefined, engine: HomeEngine, request: HomePageRequest & { daypart: string }, live: readonly UserEvent[], fingerprint: number, key: string, warming: boolean): Promise<PageResult> {
  const trackIndex = (trackId: string) => engine.index.store.trackIndex(trackId);
  if (!store) {
    const content = await engine.pageContent(request, live);
    return { page: storedPage(content, fingerprint, trackIndex), costs: { ...content.costs }, stages: content.stages, result: 'off', kept: false, full: false };
  }
  const before = store.entry(key);
  const content = await engine.pageContent(request, live);
  const page = storedPage(content, fingerprint, trackIndex);
  // the warmer never overwrites an entry a request stored during its compute (from newer events: an extra miss)
  if (warming && store.entry(key) !== before) return { page, costs: { ...content.costs }, stages: content.stages, result: 'miss', kept: false, full: false };
  const kept = content.complete && (warming ? store.setIfRoom(key, page, request.daypart) : store.set(key, page));
  return { page, costs: { ...content.costs }, stages: content.stages, result: 'miss', kept, full: content.complete && !kept };
}

/** Engine ids for keys: one per engine object (a bundle's base engine and each variant engine). */
const engineIds = new WeakMap<HomeEngine, number>();
let nextEngineId = 0;

/**
 * The key of a request's page: the engine, the listener (listeners unknown to the bundle with no
 * live events share the cold-start key: nothing in their page names them), and every request
 * parameter that changes a page.
 */
export function pageKey(engine: HomeEngine, request: HomePageRequest & { daypart: string }, live: readonly UserEvent[]): string {
  let id = engineIds.get(engine);
  if (id === undefined) engineIds.set(engine, (id = nextEngineId++));
  const log = engine.index.interactions;
  const cold = live.length === 0 && (!log || log.userIndex(request.userId) < 0);
  const who = cold ? '\u0000cold' : request.userId;
  return [id, who, request.limit ?? '', request.shelves?.join(',') ?? '*', request.daypart, request.utcOffsetMinutes ?? 0, request.seedGenres?.join(',') ?? '', request.seedArtists?.join(',') ?? '', request.explicit ?? ''].join('\u0001');
}

export interface PageStoreStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  hits: number;
  misses: number;
  evictions: number;
}

export interface PageStore {
  /** the request's key (a string for every request; listeners unknown to the bundle with no live events share the cold-start key) */
  keyOf(engine: HomeEngine, request: HomePageRequest & { daypart: string }, live: readonly UserEvent[]): string;
  /** the entry for `key` when it was computed from the same live events (then it counts as recently used) */
  get(key: string, live: number): StoredPage | undefined;
  /** keeps the page, evicting the least recently used entries beyond the cap; false when it alone exceeds the cap */
  set(key: string, page: StoredPage): boolean;
  has(key: string, live: number): boolean;
  /** the entry like `get`, without counting a hit or a miss and without making it recent (the warmer looks) */
  peek(key: string, live: number): StoredPage | undefined;
  /** the entry under `key` whatever live events it was computed from (no counting) */
  entry(key: string): StoredPage | undefined;
  /**
   * keeps the page only if it fits without evicting a page of `daypart`: pages of other dayparts
   * (a request without `daypart` no longer gets them) go first, least recently served first and
   * only as many as needed; nothing is dropped when even that would not make room. Dropped pages count as evictions.
   */
  setIfRoom(key: string, page: StoredPage, daypart: string): boolean;
  stats(): PageStoreStats;
}

/** A byte-capped LRU of finished pages for one bundle's serving state. */
export function createPageStore(options: { maxBytes: number }): PageStore {
  const { maxBytes } = options;
  const entries = new Map<string, StoredPage>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;
  let evictions = 0;
  // an entry costs its page and its key (a UTF-16 string: up to ~16 KB with long seeds)
  const cost = (key: string, entry: StoredPage) => entry.bytes + 2 * key.length;
  const remove = (key: string, entry: StoredPage) => {
    entries.delete(key);
    bytes -= cost(key, entry);
  };
  return {
    keyOf: pageKey,
    get(key, live) {
      const entry = entries.get(key);
      if (!entry || entry.live !== live) {
        misses++;
        return undefined;
      }
      hits++;
      entries.delete(key);
      entries.set(key, entry);
      return entry;
    },
    has(key, live) {
      return entries.get(key)?.live === live;
    },
    entry: (key) => entries.get(key),
    peek(key, live) {
      const entry = entries.get(key);
      return entry?.live === live ? entry : undefined;
    },
    set(key, page) {
      const previous = entries.get(key);
      if (previous) remove(key, previous);
      if (cost(key, page) > maxBytes) return false;
      entries.set(key, page);
      bytes += cost(key, page);
      for (const [oldKey, entry] of entries) {
        if (bytes <= maxBytes) break;
        remove(oldKey, entry);
        evictions++;
      }
      return true;
    },
    setIfRoom(key, page, daypart) {
      const previous = entries.get(key);
      const need = bytes - (previous ? cost(key, previous) : 0) + cost(key, page) - maxBytes;
      if (need > 0) {
        let other = 0;
        for (const [oldKey, entry] of entries) if (oldKey !== key && entry.daypart !== daypart) other += cost(oldKey, entry);
        if (other < need) return false;
        let freed = 0;
        for (const [oldKey, entry] of entries) {
          if (freed >= need) break;
          if (oldKey === key || entry.daypart === daypart) continue;
          remove(oldKey, entry);
          freed += cost(oldKey, entry);
          evictions++;
        }
      }
      return this.set(key, page);
    },
    stats: () => ({ entries: entries.size, bytes, maxBytes, hits, misses, evictions }),
  };
}
