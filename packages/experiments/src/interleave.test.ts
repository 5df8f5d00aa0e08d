import { describe, expect, it } from 'vitest';
import { analyzeInterleaving, teamDraftInterleave, wilsonInterval } from './interleave';
import type { EventRecord, ExposureRecord } from './log';
import { binomialTwoSided } from './stats/binomial';

function lcg(seed: number) {
  let state = seed >>> 0;
  return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
}

describe('teamDraftInterleave', () => {
  it('alternates teams fairly, skips duplicates and keeps each ranking’s order', () => {
    const a = ['a1', 'a2', 'shared', 'a3', 'a4'];
    const b = ['shared', 'b1', 'b2', 'a1', 'b3'];
    const merged = teamDraftInterleave(a, b, 8, lcg(1));
    const items = merged.map((m) => m.item);
    expect(new Set(items).size).toBe(items.length);
    const countA = merged.filter((m) => m.team === 'A').length;
    const countB = merged.length - countA;
    expect(Math.abs(countA - countB)).toBeLessThanOrEqual(1);
    // each team's picks appear in that team's ranking order
    const picks = (team: 'A' | 'B', ranking: string[]) => merged.filter((m) => m.team === team).map((m) => ranking.indexOf(m.item));
    expect(picks('A', a)).toEqual([...picks('A', a)].sort((x, y) => x - y));
    expect(picks('B', b)).toEqual([...picks('B', b)].sort((x, y) => x - y));
  });

  it('gives each team the first pick half the time (no position bias between teams)', () => {
    const random = lcg(3);
    let firstA = 0;
    for (let i = 0; i < 4000; i++) if (teamDraftInterleave(['x', 'y'], ['z', 'w'], 4, random)[0]!.team === 'A') firstA++;
    expect(firstA / 4000).toBeGreaterThan(0.47);
    expect(firstA / 4000).toBeLessThan(0.53);
  });

  it('fills from the other team when one runs out', () => {
    const merged = teamDraftInterleave(['a'], ['b1', 'b2', 'b3'], 4, lcg(2));
    expect(merged.map((m) => m.item).sort()).toEqual(['a', 'b1', 'b2', 'b3']);
  });
});

describe('binomialTwoSided', () => {
  it('matches scipy.stats.binomtest', () => {
    expect(binomialTwoSided(7, 10)).toBeCloseTo(0.34375, 12);
    expect(binomialTwoSided(60, 100)).toBeCloseTo(0.056887933640980, 10);
    expect(binomialTwoSided(0, 0)).toBe(1);
    expect(binomialTwoSided(5, 10)).toBe(1);
  });
  it('wilson interval covers the estimate', () => {
    const [low, high] = wilsonInterval(60, 100);
    expect(low).toBeCloseTo(0.502002, 5);
    expect(high).toBeCloseTo(0.690599, 5);
  });
});

describe('analyzeInterleaving', () => {
  it('credits plays and saves to the team of the shown item and finds the preferred ranker', () => {
    const random = lcg(8);
    const exposures: ExposureRecord[] = [];
    const events: EventRecord[] = [];
    const t0 = Date.parse('2026-11-02T10:00:00Z');
    for (let u = 0; u < 300; u++) {
      const merged = teamDraftInterleave(['g1', 'g2', 'g3', 'g4'], ['b1', 'b2', 'b3', 'b4'], 8, random);
      const time = new Date(t0 + u * 60_000).toISOString();
      exposures.push({ kind: 'exposure', id: `p${u}`, time, userId: `u${u}`, surface: 'home', experiments: [{ key: 'il', variant: 'interleaved' }], teams: { A: 'good', B: 'bad' }, items: merged.map((m, position) => ({ id: m.item, position, team: m.team })) });
      for (const m of merged) {
        // "good" items get played 40 % of the time, "bad" items 25 %
        if (random() < (m.item.startsWith('g') ? 0.4 : 0.25)) events.push({ kind: 'event', time: new Date(t0 + u * 60_000 + 5000).toISOString(), userId: `u${u}`, trackId: m.item, type: 'play' });
      }
      // a skip never credits; an event before the exposure or another user's never either
      events.push({ kind: 'event', time: new Date(t0 + u * 60_000 + 6000).toISOString(), userId: `u${u}`, trackId: 'b1', type: 'skip' });
      events.push({ kind: 'event', time: new Date(t0 - 1000).toISOString(), userId: `u${u}`, trackId: 'b2', type: 'save' });
    }
    const readout = analyzeInterleaving({ exposures, events }, { experiment: 'il' });
    expect(readout.users).toBe(300);
    expect(readout.teams).toEqual({ A: 'good', B: 'bad' });
    expect(readout.winsA + readout.winsB + readout.ties).toBe(300);
    expect(readout.creditA).toBeGreaterThan(readout.creditB);
    expect(readout.significant).toBe(true);
    expect(readout.winner).toBe('A');
    expect(readout.deltaAB).toBeGreaterThan(0);
  });
});
