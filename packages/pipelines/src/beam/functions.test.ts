import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../options';
import { parseCatalogLine, parseEventLine, topKCombiner } from './functions';

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
