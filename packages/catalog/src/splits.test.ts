import { describe, expect, it } from 'vitest';
import { generateSynthetic } from './synthetic/generate';
import { splitByTime, splitLeaveLastN, splitRandomHoldout } from './splits';
import { INTERACTION_TYPE_CODE } from './interactions';

const { interactions: log } = generateSynthetic({ seed: 5, tracks: 1_000, users: 100, interactions: 10_000 });

describe('splits', () => {
  it('leave-last-N puts each user\'s last N non-skip events in test and only earlier events in train', () => {
    const { train, test, testUsers } = splitLeaveLastN(log, { n: 3 });
    expect(testUsers.length).toBe(100);
    expect(test.length).toBe(300);
    for (let u = 0; u < log.userCount; u++) {
      const testRows = test.rowsOfUser(u);
      const trainRows = train.rowsOfUser(u);
      const firstTest = test.columns.timestamp[testRows.start]!;
      expect(train.columns.timestamp[trainRows.end - 1]!).toBeLessThanOrEqual(firstTest);
      for (let i = testRows.start; i < testRows.end; i++) expect(test.columns.type[i]).not.toBe(INTERACTION_TYPE_CODE.skip);
    }
  });

  it('random holdout never shows a held-out item in train, and is deterministic by seed', () => {
    const a = splitRandomHoldout(log, { fraction: 0.2, seed: 1 });
    const b = splitRandomHoldout(log, { fraction: 0.2, seed: 1 });
    const c = splitRandomHoldout(log, { fraction: 0.2, seed: 2 });
    expect(b.test.columns.track).toEqual(a.test.columns.track);
    expect(c.test.columns.track).not.toEqual(a.test.columns.track);
    for (let u = 0; u < log.userCount; u++) {
      const trainItems = new Set(a.train.columns.track.subarray(a.train.rowsOfUser(u).start, a.train.rowsOfUser(u).end));
      const { start, end } = a.test.rowsOfUser(u);
      for (let i = start; i < end; i++) expect(trainItems.has(a.test.columns.track[i]!)).toBe(false);
    }
  });

  it('time cutoff splits globally', () => {
    const cutoff = Date.UTC(2026, 9, 1);
    const { train, test } = splitByTime(log, { cutoff: '2026-10-01T00:00:00Z' });
    expect(Math.max(...train.columns.timestamp)).toBeLessThan(cutoff);
    expect(Math.min(...test.columns.timestamp)).toBeGreaterThanOrEqual(cutoff);
    expect(train.length + test.length).toBeLessThanOrEqual(log.length);
    expect(test.length).toBeGreaterThan(0);
  });
});
