import { describe, expect, it } from 'vitest';
import type { HomeEngine, HomePageContent, UserEvent } from '@mixtape/ranking';
import { createPageStore, liveFingerprint, storedPage } from './page-store';
import type { StoredPage } from './page-store';
import { msToNextDaypart } from './page-warmer';

const page = (daypart: string, bytes: number, live = 0): StoredPage => ({
  coldStart: false,
  daypart,
  json: Buffer.alloc(0),
  offsets: new Uint32Array(1),
  types: [],
  ids: [],
  tracks: new Int32Array(0),
  itemOffsets: new Uint32Array(1),
  live,
  bytes,
});

describe('page store', () => {
  it('fingerprints every field of the live events a page reads', () => {
    const events: UserEvent[] = [
      { track: 3, timestamp: 1_700_000_000_000, type: 0, msPlayed: 1000 },
      { track: 9, timestamp: 1_700_000_060_000, type: 2, msPlayed: 200_000 },
    ];
    const base = liveFingerprint(events);
    expect(liveFingerprint(events.map((event) => ({ ...event })))).toBe(base);
    expect(liveFingerprint([])).not.toBe(base);
    expect(liveFingerprint(events.slice(1))).not.toBe(base);
    for (const change of [{ track: 4 }, { timestamp: 1_700_000_000_001 }, { timestamp: 1_700_000_000_000 + 2 ** 32 }, { type: 1 }, { msPlayed: 1001 }, { count: 2 }]) {
      expect(liveFingerprint([{ ...events[0]!, ...change }, events[1]!])).not.toBe(base);
    }
    expect(Number.isSafeInteger(base)).toBe(true);
  });

  it('serves an entry only with the same live fingerprint, evicts the least recently served beyond the cap', () => {
    // an entry costs its page's bytes and 2 bytes per key character: 98 + 2 here
    const store = createPageStore({ maxBytes: 300 });
    expect(store.set('a', page('evening', 98, 1))).toBe(true);
    store.set('b', page('evening', 98));
    store.set('c', page('evening', 98));
    expect(store.get('a', 2)).toBeUndefined();
    expect(store.get('a', 1)?.bytes).toBe(98); // a is now the most recent
    store.set('d', page('evening', 98));
    expect(store.stats()).toMatchObject({ entries: 3, bytes: 300, evictions: 1, hits: 1, misses: 1 });
    expect(store.has('b', 0)).toBe(false);
    expect(store.has('a', 1) && store.has('c', 0) && store.has('d', 0)).toBe(true);
    // a page larger than the cap is not kept (and evicts nothing)
    expect(store.set('huge', page('evening', 301))).toBe(false);
    expect(store.stats().entries).toBe(3);
    // replacing an entry counts its bytes once
    store.set('c', page('evening', 48));
    expect(store.stats().bytes).toBe(250);
  });

  it('makes room for the current daypart by dropping only as many other-daypart pages as needed, least recently served first', () => {
    const store = createPageStore({ maxBytes: 300 });
    store.set('m1', page('morning', 96));
    store.set('e1', page('evening', 96));
    store.set('m2', page('morning', 96));
    expect(store.setIfRoom('e2', page('evening', 96), 'evening')).toBe(true);
    // m1 (the least recently served morning page) made room; m2 stays for requests naming the morning
    expect(store.peek('m1', 0)).toBeUndefined();
    expect(store.peek('m2', 0) && store.peek('e1', 0) && store.peek('e2', 0)).toBeTruthy();
    expect(store.stats()).toMatchObject({ entries: 3, bytes: 300, evictions: 1 });
    // no room even after dropping every other daypart's page: nothing is dropped, nothing kept
    expect(store.setIfRoom('e3', page('evening', 246), 'evening')).toBe(false);
    expect(store.stats()).toMatchObject({ entries: 3, bytes: 300, evictions: 1 });
    // a page of the current daypart is never evicted to make room
    expect(store.setIfRoom('e4', page('evening', 96), 'evening')).toBe(true);
    expect(store.setIfRoom('e5', page('evening', 96), 'evening')).toBe(false);
    expect(store.stats()).toMatchObject({ entries: 3, evictions: 2 });
  });

  it('counts the bytes an entry really holds: a small page\'s own buffer (not a slab of the shared pool) and its key', () => {
    const content = {
      coldStart: false,
      daypart: 'evening',
      complete: true,
      costs: {},
      shelves: [{ id: 'made-for-you:0', type: 'made-for-you', title: 'Your Rock Mix', items: [{ trackId: 't1', title: 'Halo', artists: ['Massive Attack'], reason: 'Because you played Teardrop' }] }],
    } as unknown as HomePageContent;
    const small = storedPage(content, 0, () => 0);
    expect(small.json.length).toBeLessThan(300);
    // the buffer it keeps alive is counted (Buffer.concat gave a slice of an 8 KiB pool slab: 8192 > ~500 counted)
    expect(small.json.buffer.byteLength).toBe(small.json.length);
    expect(small.bytes).toBeGreaterThanOrEqual(small.json.buffer.byteLength + small.offsets.buffer.byteLength + small.itemOffsets.buffer.byteLength + small.tracks.buffer.byteLength);
    expect(JSON.parse(`[${small.json.toString()}]`)).toEqual(content.shelves);
    const store = createPageStore({ maxBytes: 100_000 });
    const key = `1\u0001listener\u0001${'rock,'.repeat(400)}`;
    store.set(key, small);
    expect(store.stats().bytes).toBe(small.bytes + 2 * key.length);
    store.set(key, small);
    expect(store.stats().bytes).toBe(small.bytes + 2 * key.length);
  });

  it('knows when the daypart changes next (UTC 05, 12, 17, 22)', () => {
    const at = (iso: string) => Date.parse(iso);
    expect(msToNextDaypart(at('2026-12-06T19:30:00Z'))).toBe(at('2026-12-06T22:00:00Z') - at('2026-12-06T19:30:00Z'));
    expect(msToNextDaypart(at('2026-12-06T23:00:00Z'))).toBe(6 * 3_600_000);
    expect(msToNextDaypart(at('2026-12-06T05:00:00Z'))).toBe(7 * 3_600_000);
  });

  it('keys a page by every input that changes it: engine (bundle, variant), listener, limit, shelves, daypart, seeds, explicit', () => {
    const store = createPageStore({ maxBytes: 1000 });
    // a log that knows listener "known" only
    const engineOver = () => ({ index: { interactions: { userIndex: (id: string) => (id === 'known' ? 0 : -1) } } }) as unknown as HomeEngine;
    const base = engineOver();
    const variant = engineOver();
    const request = { userId: 'known', limit: 10, daypart: 'evening' as const };
    const key = store.keyOf(base, request, []);
    expect(store.keyOf(base, { ...request }, [])).toBe(key);
    const changed = [
      store.keyOf(variant, request, []),
      store.keyOf(base, { ...request, userId: 'known-2' }, []),
      store.keyOf(base, { ...request, limit: 4 }, []),
      store.keyOf(base, { ...request, shelves: ['made-for-you'] }, []),
      store.keyOf(base, { ...request, shelves: ['made-for-you', 'daypart'] }, []),
      store.keyOf(base, { ...request, daypart: 'morning' }, []),
      store.keyOf(base, { ...request, seedGenres: ['rock'] }, []),
      store.keyOf(base, { ...request, seedArtists: ['rock'] }, []),
      store.keyOf(base, { ...request, explicit: false }, []),
    ];
    expect(new Set([key, ...changed]).size).toBe(changed.length + 1);
    // listeners the bundle does not know share the cold-start entry until they post an event
    const event: UserEvent = { track: 1, timestamp: 1, type: 0, msPlayed: 0 };
    expect(store.keyOf(base, { ...request, userId: 'new-a' }, [])).toBe(store.keyOf(base, { ...request, userId: 'new-b' }, []));
    expect(store.keyOf(base, { ...request, userId: 'new-a' }, [event])).not.toBe(store.keyOf(base, { ...request, userId: 'new-b' }, [event]));
    expect(store.keyOf(base, { ...request, userId: 'new-a' }, [event])).not.toBe(store.keyOf(base, { ...request, userId: 'new-a' }, []));
  });
});
