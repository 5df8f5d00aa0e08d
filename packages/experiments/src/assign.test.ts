import { describe, expect, it } from 'vitest';
import { assignVariants, explainAssignment, mergedParams, parseAttributes } from './assign';
import { validateExperimentConfig } from './definitions';
import type { ExperimentConfigInput } from './definitions';
import { chiSquareSurvival } from './stats/distributions';

const NOW = Date.parse('2026-11-10T00:00:00Z');
const users = (n: number) => Array.from({ length: n }, (_, u) => `user-${u}`);

type ExperimentInput = NonNullable<ExperimentConfigInput['experiments']>[number];

/** An experiment of the home-ranking layer starting 2026-11-01. */
function homeRanking(key: string, allocation: { from: number; to: number }, variants: ExperimentInput['variants']): ExperimentInput {
  return { key, surface: 'home', layer: 'home-ranking', allocation, start: '2026-11-01T00:00:00Z', variants };
}

function config(input: Partial<ExperimentConfigInput> = {}) {
  return validateExperimentConfig({
    version: 1,
    layers: [{ key: 'home-ranking' }],
    experiments: [
      homeRanking('ranker', { from: 0, to: 50 }, [
        { key: 'control', weight: 50 },
        { key: 'treatment', weight: 50, params: { ranker: 'heuristic' } },
      ]),
      homeRanking('candidates', { from: 50, to: 100 }, [
        { key: 'control', weight: 1 },
        { key: 'more-discovery', weight: 1, params: { candidates: { deepCatalog: 80 } } },
      ]),
      {
        key: 'fusion',
        surface: 'search',
        start: '2026-11-01T00:00:00Z',
        variants: [
          { key: 'a', weight: 1 },
          { key: 'b', weight: 1 },
          { key: 'c', weight: 2 },
        ],
      },
    ],
    ...input,
  });
}

/** Chi-square test of independence of two categorical assignments. */
function independencePValue(pairs: [string, string][]): number {
  const rows = [...new Set(pairs.map((p) => p[0]))];
  const columns = [...new Set(pairs.map((p) => p[1]))];
  const counts = rows.map((r) => columns.map((c) => pairs.filter((p) => p[0] === r && p[1] === c).length));
  const total = pairs.length;
  let chiSquare = 0;
  rows.forEach((_, i) =>
    columns.forEach((_, j) => {
      const expected = (counts[i]!.reduce((a, b) => a + b, 0) * counts.reduce((a, row) => a + row[j]!, 0)) / total;
      chiSquare += (counts[i]![j]! - expected) ** 2 / expected;
    }),
  );
  return chiSquareSurvival(chiSquare, (rows.length - 1) * (columns.length - 1));
}

describe('assignVariants', () => {
  it('is stable: the same user gets the same variant on every call and after unrelated edits', () => {
    const before = config();
    const edited = config({
      experiments: [
        ...config().experiments.map((e) => ({ ...e, description: 'edited' })),
        { key: 'new-one', surface: 'playlists', start: '2026-11-05T00:00:00Z', variants: [{ key: 'x', weight: 1 }, { key: 'y', weight: 1 }] },
      ],
    });
    const summary = (c: typeof before, userId: string) => JSON.stringify(assignVariants(c, { userId, surface: 'home', now: NOW }).variants.map((v) => [v.key, v.variant]));
    const changed = users(2000).filter((userId) => summary(before, userId) !== summary(before, userId) || summary(edited, userId) !== summary(before, userId));
    expect(changed).toEqual([]);
  });

  it('splits by weight uniformly (chi-square over 40,000 users, 1:1:2)', () => {
    const counts = { a: 0, b: 0, c: 0 };
    const c = config();
    for (const userId of users(40_000)) {
      const variant = assignVariants(c, { userId, surface: 'search', now: NOW }).variants[0]!.variant as keyof typeof counts;
      counts[variant]++;
    }
    const expected = [10_000, 10_000, 20_000];
    const chiSquare = Object.values(counts).reduce((sum, count, i) => sum + (count - expected[i]!) ** 2 / expected[i]!, 0);
    expect(chiSquareSurvival(chiSquare, 2)).toBeGreaterThan(0.001);
  });

  it('assigns independently across experiments in different layers (chi-square test of independence)', () => {
    const pairs: [string, string][] = [];
    const c = config();
    for (const userId of users(30_000)) {
      const home = assignVariants(c, { userId, surface: 'home', now: NOW }).variants[0]!;
      const search = assignVariants(c, { userId, surface: 'search', now: NOW }).variants[0]!;
      pairs.push([`${home.key}/${home.variant}`, search.variant]);
    }
    expect(independencePValue(pairs)).toBeGreaterThan(0.001);
  });

  it('keeps experiments of one layer mutually exclusive, each with its share of the layer', () => {
    let ranker = 0;
    let notOne = 0;
    const c = config();
    for (const userId of users(20_000)) {
      const keys = assignVariants(c, { userId, surface: 'home', now: NOW }).variants.map((v) => v.key);
      if (keys.length !== 1) notOne++;
      if (keys[0] === 'ranker') ranker++;
    }
    expect(notOne).toBe(0);
    expect(ranker / 20_000).toBeGreaterThan(0.48);
    expect(ranker / 20_000).toBeLessThan(0.52);
  });

  it('ramps up without reshuffling: users enrolled at 10 % stay, in the same variant, at 50 % and 100 %', () => {
    const at = (traffic: number) => {
      const c = config();
      c.experiments[2]!.traffic = traffic;
      return new Map(users(20_000).flatMap((userId) => assignVariants(c, { userId, surface: 'search', now: NOW }).variants.map((v) => [userId, v.variant] as const)));
    };
    const ten = at(10);
    const fifty = at(50);
    const all = at(100);
    expect(ten.size / 20_000).toBeCloseTo(0.1, 1);
    expect(fifty.size / 20_000).toBeCloseTo(0.5, 1);
    expect(all.size).toBe(20_000);
    expect([...ten].filter(([userId, variant]) => fifty.get(userId) !== variant)).toEqual([]);
    expect([...fifty].filter(([userId, variant]) => all.get(userId) !== variant)).toEqual([]);
  });

  it('keeps the global holdout out of every experiment and reports it', () => {
    const c = config({ holdout: { percent: 5, salt: 'holdout-2026' } });
    let held = 0;
    let wrong = 0;
    for (const userId of users(20_000)) {
      const assignment = assignVariants(c, { userId, surface: 'home', now: NOW });
      const first = assignment.variants[0]!;
      if (first.key !== 'global-holdout' || first.variant !== (assignment.holdout ? 'holdout' : 'exposed')) wrong++;
      if (assignment.variants.length !== (assignment.holdout ? 1 : 2)) wrong++;
      if (assignment.holdout) held++;
    }
    expect(wrong).toBe(0);
    expect(held / 20_000).toBeGreaterThan(0.045);
    expect(held / 20_000).toBeLessThan(0.055);
  });

  it('honours start, stop, the kill switch and targeting', () => {
    const c = config({
      experiments: [
        {
          key: 'nordics',
          surface: 'home',
          start: '2026-11-01T00:00:00Z',
          stop: '2026-11-20T00:00:00Z',
          targeting: [{ attribute: 'country', in: ['SE', 'NO'] }, { attribute: 'known', equals: true }],
          variants: [{ key: 'a', weight: 1 }, { key: 'b', weight: 1 }],
        },
      ],
    });
    const request = { userId: 'user-7', surface: 'home', attributes: { country: 'SE', known: true } };
    expect(assignVariants(c, { ...request, now: NOW }).variants).toHaveLength(1);
    expect(assignVariants(c, { ...request, now: Date.parse('2026-10-31T23:59:59Z') }).variants).toHaveLength(0);
    expect(assignVariants(c, { ...request, now: Date.parse('2026-11-20T00:00:00Z') }).variants).toHaveLength(0);
    expect(assignVariants(c, { ...request, surface: 'search', now: NOW }).variants).toHaveLength(0);
    const explained = explainAssignment(c, { ...request, attributes: { country: 'DK', known: true }, now: NOW });
    expect(explained[0]).toMatchObject({ status: 'not-targeted', reason: 'country in ["SE","NO"]' });
    c.experiments[0]!.enabled = false;
    expect(explainAssignment(c, { ...request, now: NOW })[0]!.status).toBe('inactive');
  });

  it('merges the params of assigned variants', () => {
    const c = config();
    const assignment = users(200)
      .map((userId) => assignVariants(c, { userId, surface: 'home', now: NOW }))
      .find((a) => a.variants[0]!.variant === 'treatment')!;
    expect(mergedParams(assignment)).toEqual({ ranker: 'heuristic' });
  });
});

describe('parseAttributes', () => {
  it('types values and reports malformed pairs', () => {
    expect(parseAttributes('country=SE, platform=ios; premium=true, age=31')).toEqual({ attributes: { country: 'SE', platform: 'ios', premium: true, age: 31 }, problems: [] });
    expect(parseAttributes('oops, =x').problems).toHaveLength(2);
  });
});
