import { INTERACTION_TYPE_CODE, InteractionLogBuilder } from '@mixtape/catalog';
import { describe, expect, it } from 'vitest';
import { extendHistory, historiesFromInteractions } from './histories';

const { play, skip, save, complete } = INTERACTION_TYPE_CODE;

describe('listening histories for the sequence model', () => {
  const builder = new InteractionLogBuilder();
  const ann = builder.userIndex('ann');
  const bob = builder.userIndex('bob');
  // pushed out of time order: the log sorts each user's rows by time
  const rows: Array<[number, number, number, number]> = [
    [ann, 4, 50, play],
    [ann, 1, 10, play],
    [ann, 2, 20, skip],
    [ann, 1, 15, save],
    [ann, 3, 30, complete],
    [ann, 3, 40, play],
    [bob, 7, 5, skip],
    [ann, 1, 60, play],
  ];
  for (const [user, track, timestamp, type] of rows) builder.pushEncoded(user, track, timestamp, type, 0, 1, -1);
  const log = builder.build();

  it('keeps each listener\'s tracks in time order, skips dropped and consecutive repeats merged', () => {
    const histories = historiesFromInteractions(log);
    const of = (user: string) => Array.from(histories.items.subarray(histories.offsets[log.userIndex(user)]!, histories.offsets[log.userIndex(user) + 1]!));
    expect(of('ann')).toEqual([1, 3, 4, 1]);
    expect(of('bob')).toEqual([]);
    expect(histories.offsets.length).toBe(log.userCount + 1);
  });

  it('keeps only the most recent items when asked', () => {
    const histories = historiesFromInteractions(log, { lastItems: 2 });
    const user = log.userIndex('ann');
    expect(Array.from(histories.items.subarray(histories.offsets[user]!, histories.offsets[user + 1]!))).toEqual([4, 1]);
  });

  it('extends a history with live events by the same rules', () => {
    const events = [
      { track: 1, type: play },
      { track: 9, type: skip },
      { track: 5, type: play },
      { track: 5, type: complete },
      { track: 6, type: play },
    ];
    expect(Array.from(extendHistory([4, 1], events))).toEqual([4, 1, 5, 6]);
    expect(Array.from(extendHistory([], [{ track: 2, type: skip }]))).toEqual([]);
  });
});
