import { describe, expect, it } from 'vitest';
import { IGNORED_IMPRESSION_WEIGHT, SHELF_PRIORS, createMemoryRecentEventStore, createMemoryShelfStateStore, sampleBeta, sampleShelfScores, seededRandom, shelfPosterior } from './bandit';

describe('shelf bandit', () => {
  it('draws Beta samples with the right mean', () => {
    const random = seededRandom(5);
    for (const [alpha, beta] of [[2, 5], [0.5, 0.5], [30, 10]] as const) {
      let sum = 0;
      const draws = 20_000;
      for (let i = 0; i < draws; i++) sum += sampleBeta(alpha, beta, random);
      expect(sum / draws).toBeCloseTo(alpha / (alpha + beta), 1);
    }
  });

  it('feedback moves a shelf type up: a skipped shelf type loses to a saved one', async () => {
    const state = createMemoryShelfStateStore();
    const random = seededRandom(11);
    const wins = async () => {
      const feedback = await state.get('u1');
      let discoverFirst = 0;
      for (let i = 0; i < 500; i++) {
        const draws = sampleShelfScores(['made-for-you', 'discover'], feedback, random);
        if (draws.get('discover')! > draws.get('made-for-you')!) discoverFirst++;
      }
      return discoverFirst / 500;
    };
    const before = await wins();
    for (let i = 0; i < 20; i++) {
      await state.record('u1', 'made-for-you', { successes: 0, failures: 1 });
      await state.record('u1', 'discover', { successes: 1, failures: 0 });
    }
    const after = await wins();
    expect(before).toBeLessThan(0.5);
    expect(after).toBeGreaterThan(0.9);
    expect(await state.get('someone-else')).toEqual({});
  });

  it('counts impressions: a shelf shown and ignored loses its place, one that brings plays does not', async () => {
    const state = createMemoryShelfStateStore();
    for (let i = 0; i < 40; i++) {
      await state.record('u1', 'made-for-you', { successes: 0, failures: 0, impressions: 1 });
      // discover is shown as often and brings a play every other page
      await state.record('u1', 'discover', { successes: i % 2, failures: 0, impressions: 1 });
    }
    const feedback = await state.get('u1');
    expect(feedback['made-for-you']).toEqual({ alpha: 0, beta: 0, impressions: 40 });
    // hand-computed: 40 ignored impressions weigh 40 × 0.25 = 10 failures; discover's 20 plays leave 20 ignored pages
    const prior = SHELF_PRIORS['made-for-you'];
    expect(shelfPosterior('made-for-you', feedback['made-for-you'])).toEqual({ alpha: prior.alpha, beta: prior.beta + 40 * IGNORED_IMPRESSION_WEIGHT });
    expect(shelfPosterior('discover', feedback.discover)).toEqual({ alpha: SHELF_PRIORS.discover.alpha + 20, beta: SHELF_PRIORS.discover.beta + 20 * IGNORED_IMPRESSION_WEIGHT });
    // without any feedback the prior puts made-for-you first most of the time; now discover wins
    const random = seededRandom(3);
    let discoverFirst = 0;
    for (let i = 0; i < 500; i++) {
      const draws = sampleShelfScores(['made-for-you', 'discover'], feedback, random);
      if (draws.get('discover')! > draws.get('made-for-you')!) discoverFirst++;
    }
    expect(discoverFirst / 500).toBeGreaterThan(0.9);
    // impressions never count engaged pages as failures
    expect(shelfPosterior('popular', { alpha: 3, beta: 2, impressions: 4 })).toEqual({ alpha: SHELF_PRIORS.popular.alpha + 3, beta: SHELF_PRIORS.popular.beta + 2 });
  });

  it('keeps the newest live events per listener, in time order, and forgets old listeners', async () => {
    const store = createMemoryRecentEventStore({ maxEvents: 3, maxUsers: 2 });
    await store.append('a', [{ track: 1, timestamp: 30, type: 0, msPlayed: 0 }, { track: 2, timestamp: 10, type: 0, msPlayed: 0 }]);
    await store.append('a', [{ track: 3, timestamp: 20, type: 0, msPlayed: 0 }, { track: 4, timestamp: 40, type: 0, msPlayed: 0 }]);
    expect((await store.get('a')).map((event) => event.track)).toEqual([3, 1, 4]);
    await store.append('b', [{ track: 1, timestamp: 1, type: 0, msPlayed: 0 }]);
    await store.append('c', [{ track: 1, timestamp: 1, type: 0, msPlayed: 0 }]);
    expect(await store.get('a')).toEqual([]);
    expect((await store.get('c')).length).toBe(1);
  });
});
