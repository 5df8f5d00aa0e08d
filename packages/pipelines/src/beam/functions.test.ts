import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../options';
import { parseCatalogLine, parseEventLine, probeTimestampsFn, topKCombiner, visitChunkLines, type Chunk } from './functions';

const scratch = mkdtempSync(join(tmpdir(), 'mixtape-probe-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const eventLine = (user: number, timestamp: number | string) => JSON.stringify({ user_id: `u${user}`, track_id: `t${user % 7}`, timestamp, type: 'play' });
function logFile(name: string, lines: string[]): Chunk {
  const file = join(scratch, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, fileIndex: 0, start: 0, end: statSync(file).size, firstLine: 1 };
}

describe('parseEventLine', () => {
  const parse = (text: string) => parseEventLine(text, 0, 'events.jsonl', 12, EVENT_TYPES);
  it('reads the events importer fields, ISO or epoch timestamps and an optional count', () => {
    expect(parse('{"user_id":"u1","track_id":"t1","timestamp":1000,"type":"Play"}')).toEqual({ ok: { user: 'u1', track: 't1', ts: 1000, type: 0, count: 1, ms: 0, f: 0, l: 12 } });
    expect(parse('{"user":7,"track":"t1","timestamp":"2026-01-01T00:00:00Z","type":"skip","count":3,"ms_played":4200}')).toEqual({
      ok: { user: '7', track: 't1', ts: Date.parse('2026-01-01T00:00:00Z'), type: 1, count: 3, ms: 4200, f: 0, l: 12 },
    });
  });
  it('reads an ISO date-time without a zone as UTC, as the events importer does, whatever the worker\'s time zone', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'Asia/Tokyo';
    try {
      expect(parse('{"user_id":"u1","track_id":"t1","timestamp":"2024-05-01 12:00:00","type":"play"}')).toMatchObject({ ok: { ts: Date.UTC(2024, 4, 1, 12) } });
      expect(parse('{"user_id":"u1","track_id":"t1","timestamp":"2024-05-01T14:00:00+02:00","type":"play"}')).toMatchObject({ ok: { ts: Date.UTC(2024, 4, 1, 12) } });
      // not ISO 8601: refused with the expected form, never read in the worker's local time
      expect(parse('{"user_id":"u1","track_id":"t1","timestamp":"2024-05-01 12:00:00 PM","type":"play"}')).toMatchObject({
        dead: { reason: expect.stringMatching(/^timestamp: expected epoch milliseconds or an ISO 8601 date-time \(YYYY-MM-DD.*without a zone it is UTC\), got "2024-05-01 12:00:00 PM"$/) },
      });
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
  it('reads a record without a type as a play (a listening log), as the events importer does', () => {
    expect(parse('{"user_id":"u1","track_id":"t1","timestamp":1000}')).toMatchObject({ ok: { type: EVENT_TYPES.indexOf('play') } });
    expect(parse('{"user_id":"u1","track_id":"t1","timestamp":1000,"type":null}')).toMatchObject({ dead: { reason: 'type: expected play | skip | complete | save | playlist_add, got nothing' } });
  });
  it('reads a first record that carries the file\'s byte-order mark', () => {
    expect(parse('\uFEFF{"user_id":"u1","track_id":"t1","timestamp":1000,"type":"play"}')).toMatchObject({ ok: { user: 'u1', ts: 1000 } });
  });
  it('names the file, line, field and expectation of a bad record', () => {
    expect(parse('{"user_id":"u1","track_id":"t1","timestamp":-5,"type":"play"}')).toEqual({
      dead: { file: 'events.jsonl', line: 12, reason: expect.stringMatching(/^timestamp: expected epoch milliseconds or an ISO 8601 date-time .*, got -5$/) },
    });
    expect(parse('[1,2]')).toEqual({ dead: { file: 'events.jsonl', line: 12, reason: 'expected a JSON object, got [1,2]' } });
    expect(parse('{"user_id":"","track_id":"t1","timestamp":1,"type":"play"}')).toMatchObject({ dead: { reason: 'user_id: expected a non-empty id, got ""' } });
    expect(parse('{"user_id":"u","track_id":"t1","timestamp":1,"type":"play","count":0.5}')).toMatchObject({ dead: { reason: 'count: expected a positive integer, got 0.5' } });
    expect(parse('{"user_id":"u","track_id":"t1","timestamp":1,"type":"play","ms_played":"long"}')).toMatchObject({ dead: { reason: 'ms_played: expected a non-negative integer, got "long"' } });
  });
});

describe('the timestamp probe reads a prefix', () => {
  const probe = (chunk: Chunk) => probeTimestampsFn(EVENT_TYPES)(chunk)[0]!.value;

  it('visitChunkLines gives the lines and numbers a whole read gives, in windows that cut lines', () => {
    const lines = ['{"a":1}', '', 'x'.repeat(100), '{"b":2}\r', '   ', '{"c":3}', 'y'.repeat(40)];
    const chunk = logFile('windows.jsonl', lines);
    const expected = lines.map((text, k) => [text.replace(/\r$/, ''), k + 1] as [string, number]).filter(([text]) => text.trim() !== '');
    for (const window of [1, 7, 16, 64, 1 << 16]) {
      const seen: [string, number][] = [];
      const read = visitChunkLines(chunk, undefined, (text, line) => (seen.push([text, line]), true), window);
      expect(seen, `window ${window}`).toEqual(expected);
      // a window's cut last line is read again by the next; one window reads the chunk once
      if (window >= chunk.end) expect(read).toBe(chunk.end);
      else expect(read, `window ${window}`).toBeGreaterThan(chunk.end);
    }
    // a chunk after the first: numbered from its first line
    const second = { ...chunk, start: lines.slice(0, 3).join('\n').length + 1, firstLine: 4 };
    const tail: number[] = [];
    visitChunkLines(second, undefined, (_, line) => (tail.push(line), true), 8);
    expect(tail).toEqual([4, 6, 7]);
  });

  it('a millisecond log: one window of each chunk, however long the chunk', () => {
    const chunk = logFile('millis.jsonl', Array.from({ length: 20_000 }, (_, i) => eventLine(i, 1_700_000_000_000 + i)));
    expect(chunk.end).toBeGreaterThan(4 * (64 << 10));
    expect(visitChunkLines(chunk, undefined, () => false)).toBe(64 << 10);
    expect(probe(chunk)).toEqual([0, 1, 0]);
    // the chunk's bytes past the first window are never read: a chunk that claims more than the file holds is still probed
    expect(probe({ ...chunk, end: chunk.end + (1 << 20) })).toEqual([0, 1, 0]);
  });

  it('a log of seconds is read whole, each event once; a non-seconds event after the first window stops it there', () => {
    const seconds = Array.from({ length: 5_000 }, (_, i) => eventLine(i, 1_700_000_000 + i));
    expect(probe(logFile('seconds.jsonl', seconds))).toEqual([0, 5_000, 5_000]);
    const mixed = logFile('mixed.jsonl', [...seconds, eventLine(1, '2024-05-01T12:00:00Z'), ...seconds]);
    expect(probe(mixed)).toEqual([0, 5_001, 5_000]);
  });
});

describe('parseCatalogLine', () => {
  it('takes artist ids as an array or "a|b"', () => {
    expect(parseCatalogLine('{"track_id":"t1","artist_id":"a|b"}', 1, 'catalog.jsonl', 3)).toEqual({ ok: { track: 't1', artists: ['a', 'b'], duration: 0, f: 1, l: 3 } });
    expect(parseCatalogLine('{"track_id":"t1","artist_id":["a"],"duration_ms":180000}', 1, 'catalog.jsonl', 3)).toEqual({ ok: { track: 't1', artists: ['a'], duration: 180000, f: 1, l: 3 } });
    expect(parseCatalogLine('{"track_id":"t1","artist_id":["a"],"duration_ms":-1}', 1, 'catalog.jsonl', 3)).toMatchObject({ dead: { reason: 'duration_ms: expected a non-negative integer, got -1' } });
    expect(parseCatalogLine('{"track_id":"t1","artist_name":"A"}', 1, 'catalog.jsonl', 3)).toMatchObject({ dead: { line: 3, reason: expect.stringContaining('artist_id') } });
  });
});

describe('topKCombiner', () => {
  it('keeps the K largest counts (ties: smaller id) however the inputs are split', () => {
    const combiner = topKCombiner(3);
    const inputs: [string, number][] = [['e', 1], ['b', 5], ['a', 2], ['d', 5], ['c', 2], ['f', 9], ['g', 2]];
    const whole = combiner.extractOutput(inputs.reduce((acc, input) => combiner.addInput(acc, input), combiner.createAccumulator()));
    const left = inputs.slice(0, 4).reduce((acc, input) => combiner.addInput(acc, input), combiner.createAccumulator());
    const right = inputs.slice(4).reduce((acc, input) => combiner.addInput(acc, input), combiner.createAccumulator());
    expect(whole).toEqual([['f', 9], ['b', 5], ['d', 5]]);
    expect(combiner.extractOutput(combiner.mergeAccumulators([left, right]))).toEqual(whole);
    const ties = topKCombiner(2);
    expect(ties.extractOutput([['c', 2], ['a', 2], ['g', 2]])).toEqual([['a', 2], ['c', 2]]);
  });
});
