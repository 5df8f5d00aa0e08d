import { describe, expect, it } from 'vitest';
import { LABEL_TYPE_CODES } from '../options';
import { holdoutUnit, rankerLabelsOf } from './labels';

const [PLAY, SKIP, COMPLETE, SAVE] = [0, 1, 2, 3];

describe('rankerLabelsOf', () => {
  it("holds out a listener's latest 20% (temporal) and labels played, saved, skipped and listening share", () => {
    const tracks = ['a', 'b', 'c', 'd', 'e', 'f', 'x', 'y', 'x', 'y'];
    const types = [PLAY, PLAY, PLAY, PLAY, PLAY, PLAY, SKIP, SKIP, SAVE, COMPLETE];
    const ms = [0, 0, 0, 0, 0, 0, 30_000, 60_000, 0, 0];
    const durations = new Array(10).fill(200_000);
    // 10 events: the latest round(10 × 0.2) = 2 (x saved, y completed) are the labels
    const [temporal] = rankerLabelsOf('u', tracks, types, ms, durations, { holdoutFraction: 0.2, holdoutSeed: 1 }, LABEL_TYPE_CODES);
    expect(temporal).toEqual({ user: 'u', split: 'temporal', events: 10, past: 8, labels: [['x', 3, 0], ['y', 1, 1]] });
    // 4 held out: x skipped then saved (played, not a skip label), y skipped then completed (share capped at 1)
    const [wider] = rankerLabelsOf('u', tracks, types, ms, durations, { holdoutFraction: 0.4, holdoutSeed: 1 }, LABEL_TYPE_CODES);
    expect(wider!.labels).toEqual([['x', 3, 0.15], ['y', 1, 1]]);
    // fewer than 5 events: no temporal split
    expect(rankerLabelsOf('u', ['a', 'b'], [SKIP, SKIP], [10, 10], [100, 0], { holdoutFraction: 0.999, holdoutSeed: 1 }, LABEL_TYPE_CODES)).toEqual([
      { user: 'u', split: 'random', events: 2, past: 0, labels: [['a', 4, 0.1], ['b', 4, 0]] },
    ]);
  });

  it('holds out (listener, track) pairs by a seeded hash of the ids (random split)', () => {
    let held = 0;
    for (let t = 0; t < 10_000; t++) if (holdoutUnit('listener-1', `track-${t}`, 42) < 0.2) held++;
    expect(held / 10_000).toBeCloseTo(0.2, 1);
    expect(holdoutUnit('a', 'b', 1)).toBe(holdoutUnit('a', 'b', 1));
    expect(holdoutUnit('a', 'b', 1)).not.toBe(holdoutUnit('a', 'b', 2));
    expect(holdoutUnit('ab', 'c', 1)).not.toBe(holdoutUnit('a', 'bc', 1));
    // every event of a held-out pair is a label: nothing of it stays in the past
    const tracks = Array.from({ length: 40 }, (_, k) => `t${k % 8}`);
    const records = rankerLabelsOf('u', tracks, new Array(40).fill(PLAY), new Array(40).fill(0), new Array(40).fill(0), { holdoutFraction: 0.3, holdoutSeed: 9 }, LABEL_TYPE_CODES);
    const random = records.find((record) => record.split === 'random')!;
    const heldTracks = new Set(random.labels.map(([track]) => track));
    expect(random.past).toBe(tracks.filter((track) => !heldTracks.has(track)).length);
    for (const track of heldTracks) expect(holdoutUnit('u', track, 9)).toBeLessThan(0.3);
  });
});
