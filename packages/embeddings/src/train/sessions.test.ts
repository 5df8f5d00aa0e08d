import { describe, expect, it } from 'vitest';
import { buildSessionCorpus } from './sessions';

const minute = 60_000;

describe('buildSessionCorpus', () => {
  it('cuts each user history into sessions at long gaps and drops one-item sessions', () => {
    // user 0: [1 2 3] gap [4] gap [5 6]; user 1: [7 8]
    const items = Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const timestamps = Float64Array.from([0, 3, 6, 100, 200, 203, 0, 1].map((m) => m * minute));
    const corpus = buildSessionCorpus(items, timestamps, Uint32Array.from([0, 6, 8]));
    expect(Array.from(corpus.items)).toEqual([1, 2, 3, 5, 6, 7, 8]);
    expect(Array.from(corpus.offsets)).toEqual([0, 3, 5, 7]);
    expect(Array.from(corpus.sequenceUser)).toEqual([0, 0, 1]);
  });

  it('skips excluded events without breaking the session and caps session length', () => {
    const items = Int32Array.from([1, 2, 3, 4, 5]);
    const timestamps = Float64Array.from([0, 1, 2, 3, 4].map((m) => m * minute));
    const include = Uint8Array.from([1, 0, 1, 1, 1]);
    const corpus = buildSessionCorpus(items, timestamps, Int32Array.from([0, 5]), { include, maxLength: 2 });
    expect(Array.from(corpus.items)).toEqual([1, 3, 4, 5]);
    expect(Array.from(corpus.offsets)).toEqual([0, 2, 4]);
  });

  it('rejects misaligned columns', () => {
    expect(() => buildSessionCorpus(new Int32Array(2), new Float64Array(1), [0, 2])).toThrow(/timestamps has 1 entries for 2 events/);
    expect(() => buildSessionCorpus(new Int32Array(2), new Float64Array(2), [0, 1])).toThrow(/end at the number of events \(2\)/);
  });
});
