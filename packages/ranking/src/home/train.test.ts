import { describe, expect, it } from 'vitest';
import { CandidateSet } from './candidates';
import { HOME_FEATURES, HOME_FEATURE_COUNT } from './features';
import { HOME_OBJECTIVES, RANKER_FORMAT, columnReference, compileRanker, ndcgOfGroup } from './ranker';
import type { HomeRankerModel } from './ranker';
import { DEFAULT_BLEND_BAGS, DEFAULT_MAX_HEAD_SCALE, RankerRows, TopTenNdcg, fitServedBlend, trainHomeRanker } from './train';

/** Two listeners' rows: row r of listener g has feature 0 = 100·g + r and play label 1 for its first two rows (labelled rows come first, as training pushes them). */
function rows(): RankerRows {
  const out = new RankerRows();
  for (let g = 0; g < 2; g++) {
    const n = 12;
    const candidates = new CandidateSet(1000);
    for (let r = 0; r < n; r++) candidates.add(100 * g + r, 'ease', 1, -1);
    const features = new Float32Array(n * HOME_FEATURE_COUNT);
    const labels = Object.fromEntries(HOME_OBJECTIVES.map((objective) => [objective, new Float32Array(n)])) as Record<(typeof HOME_OBJECTIVES)[number], Float32Array>;
    for (let r = 0; r < n; r++) {
      features[r * HOME_FEATURE_COUNT] = 100 * g + r;
      labels.play[r] = r < 2 ? 1 : 0;
    }
    out.push(features, candidates, labels, Array.from({ length: n }, (_unused, r) => r));
  }
  return out;
}

const firstColumn = (subset: ReturnType<RankerRows['subset']>) => Array.from({ length: subset.rows }, (_unused, r) => subset.features[r * HOME_FEATURE_COUNT]!);

describe('RankerRows.subset', () => {
  it('keeps each group in candidate order by default', () => {
    const subset = rows().subset([1, 0]);
    expect([...subset.groups]).toEqual([12, 12]);
    expect(firstColumn(subset)).toEqual([...Array.from({ length: 12 }, (_u, r) => 100 + r), ...Array.from({ length: 12 }, (_u, r) => r)]);
  });

  it('with a seed shuffles rows within each group only, features and labels together, the same way each time', () => {
    const source = rows();
    const subset = source.subset([0, 1], 7);
    expect([...subset.groups]).toEqual([12, 12]);
    const values = firstColumn(subset);
    // no row leaves its group, every row is still there, the order is not the candidate order
    expect(values.slice(0, 12).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_u, r) => r));
    expect(values.slice(12).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_u, r) => 100 + r));
    expect(values.slice(0, 12)).not.toEqual(Array.from({ length: 12 }, (_u, r) => r));
    // the labelled rows are no longer the first two of their group (what XGBoost's tie-break would reward)
    values.forEach((value, r) => expect(subset.labels.play[r]).toBe(value % 100 < 2 ? 1 : 0));
    expect([subset.labels.play[0], subset.labels.play[1]]).not.toEqual([1, 1]);
    expect(firstColumn(source.subset([0, 1], 7))).toEqual(values);
    expect(firstColumn(source.subset([0, 1], 8))).not.toEqual(values);
  });
});

describe('trainHomeRanker options', () => {
  it('refuses xgboost.minRounds above the rounds (default 400) before any work: the heads would keep no trees', async () => {
    // no interactions at all: the rounds check must come first
    await expect(trainHomeRanker({ interactions: undefined } as unknown as Parameters<typeof trainHomeRanker>[0], { xgboost: { minRounds: 500 } })).rejects.toThrow(
      'trainHomeRanker: xgboost: minRounds (500) exceeds rounds (400)',
    );
    await expect(trainHomeRanker({ interactions: undefined } as unknown as Parameters<typeof trainHomeRanker>[0], { xgboost: { rounds: 50, minRounds: 60 } })).rejects.toThrow('minRounds (60) exceeds rounds (50)');
  });

  it('refuses an xgboost.smoothing window that is not a whole number of rounds before any work', async () => {
    await expect(trainHomeRanker({ interactions: undefined } as unknown as Parameters<typeof trainHomeRanker>[0], { xgboost: { smoothing: 0.5 } })).rejects.toThrow(
      'trainHomeRanker: xgboost: smoothing must be a whole number of rounds ≥ 1, got 0.5',
    );
  });
});

describe('fitServedBlend', () => {
  // 40 listeners × 10 unheard candidates: RP3β's share finds the played one, EASE's share points away from it
  function misleadingEase(): RankerRows {
    const out = new RankerRows();
    const novelty = HOME_FEATURES.indexOf('novelty');
    const ease = HOME_FEATURES.indexOf('list_share_ease');
    const rp3beta = HOME_FEATURES.indexOf('list_share_rp3beta');
    for (let g = 0; g < 40; g++) {
      const n = 10;
      const candidates = new CandidateSet(1000);
      const features = new Float32Array(n * HOME_FEATURE_COUNT);
      const labels = Object.fromEntries(HOME_OBJECTIVES.map((objective) => [objective, new Float32Array(n)])) as Record<(typeof HOME_OBJECTIVES)[number], Float32Array>;
      for (let r = 0; r < n; r++) {
        candidates.add(10 * g + r, 'ease', 1, -1);
        const played = r === (g * 3) % n;
        // one "hard" candidate per listener that EASE puts first, the rest weak on both lists
        const hard = r === (g * 3 + 1) % n;
        features[r * HOME_FEATURE_COUNT + novelty] = 1;
        features[r * HOME_FEATURE_COUNT + ease] = played ? 0 : hard ? 1 : 0.2 - 0.01 * r;
        features[r * HOME_FEATURE_COUNT + rp3beta] = played ? 0.6 : hard ? 0.2 : 0.1;
        labels.play[r] = played ? 1 : 0;
      }
      out.push(features, candidates, labels, Array.from({ length: n }, (_unused, r) => r));
    }
    return out;
  }
  const model: HomeRankerModel = { format: RANKER_FORMAT, version: 2, kind: 'lambdamart', features: [...HOME_FEATURES], heads: [], weights: {} };

  it('may drop EASE list share by default; minEaseShare keeps it at its floor', () => {
    const rows = misleadingEase();
    const free = fitServedBlend(model, rows, () => {}, 1.5);
    expect(free.linear.list_share_ease ?? 0).toBeLessThan(1);
    expect(free.linear.list_share_rp3beta).toBeGreaterThan(0);
    const floored = fitServedBlend(model, rows, () => {}, 1.5, 1);
    expect(floored.linear.list_share_ease).toBeGreaterThanOrEqual(1);
    expect(floored.report.ndcg10.served).toBeLessThan(free.report.ndcg10.served);
  });

  it('reports the cap on the heads it chose under (the default when none is given)', () => {
    const rows = misleadingEase();
    expect(fitServedBlend(model, rows, () => {}, 0.75).report.maxHeadScale).toBe(0.75);
    expect(fitServedBlend(model, rows, () => {}).report.maxHeadScale).toBe(DEFAULT_MAX_HEAD_SCALE);
    // NaN used to lift the cap (nothing is > NaN) and a negative one to drop the heads, both silently
    for (const bad of [Number.NaN, -0.5]) expect(() => fitServedBlend(model, rows, () => {}, bad)).toThrow(new RangeError(`fitServedBlend: maxHeadScale must be a number ≥ 0 (the largest weight of the standardized heads; 0 = the lists alone), got ${bad}`));
    expect(fitServedBlend(model, rows, () => {}, 0).headScale).toBe(0);
  });

  it('bagging: the mean of seeded bootstrap searches, the same for a seed, reported, and refused when not a whole number ≥ 0', () => {
    const rows = misleadingEase();
    // the training path's default since session 11 (rule R10-1 passed); fitServedBlend alone defaults to one search
    expect(DEFAULT_BLEND_BAGS).toBe(16);
    const single = fitServedBlend(model, rows, () => {}, 1.5);
    expect(single.report.bags).toBeUndefined();
    const bagged = fitServedBlend(model, rows, () => {}, 1.5, 0, { bags: 8, seed: 3 });
    expect(bagged.report.bags).toBe(8);
    // RP3β finds the played track on every listener: every resample wants it
    expect(bagged.linear.list_share_rp3beta).toBeGreaterThan(0);
    expect(bagged.report.ndcg10.served).toBeGreaterThan(bagged.report.ndcg10.easeList);
    expect(fitServedBlend(model, rows, () => {}, 1.5, 0, { bags: 8, seed: 3 })).toEqual(bagged);
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => fitServedBlend(model, rows, () => {}, 1.5, 0, { bags: bad, seed: 3 })).toThrow(`fitServedBlend: bags must be a whole number ≥ 0 (bootstrap resamples of the validation listeners whose blends are averaged; 0 = one search on all of them), got ${bad}`);
    }
  });
});

describe('blendReference: list columns measured per listener from their R-th value', () => {
  it('columnReference: the largest value and the R-th largest (the smallest when fewer rows), as a sort says', () => {
    let state = 99;
    const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296);
    const F = 3;
    const heap = new Float64Array(40);
    for (const [n, R] of [[50, 7], [50, 40], [12, 40], [1, 1], [30, 1]] as const) {
      const features = new Float32Array((n + 5) * F).map(() => Math.round(random() * 20) / 4);
      // rows [5, 5 + n) of column 1
      const column = Array.from({ length: n }, (_unused, r) => features[(5 + r) * F + 1]!).sort((a, b) => b - a);
      expect(columnReference(features, F, 1, 5, n, R, heap)).toEqual({ top: column[0], at: column[Math.min(R, n) - 1] });
    }
  });

  // 30 listeners × 12 candidates: EASE and RP3β each rank the played track well on some listeners; each listener's
  // shares sit on their own offset and spread (as the shares of best scores do), which only the per-listener reading undoes
  function listenersOnTheirOwnScales(): RankerRows {
    const out = new RankerRows();
    const novelty = HOME_FEATURES.indexOf('novelty');
    const ease = HOME_FEATURES.indexOf('list_share_ease');
    const rp3beta = HOME_FEATURES.indexOf('list_share_rp3beta');
    let state = 7;
    const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296);
    for (let g = 0; g < 30; g++) {
      const n = 12;
      const candidates = new CandidateSet(1000);
      const features = new Float32Array(n * HOME_FEATURE_COUNT);
      const labels = Object.fromEntries(HOME_OBJECTIVES.map((objective) => [objective, new Float32Array(n)])) as Record<(typeof HOME_OBJECTIVES)[number], Float32Array>;
      const [easeFloor, rpFloor] = g % 2 === 0 ? [0.9, 0.1] : [0.1, 0.9];
      for (let r = 0; r < n; r++) {
        candidates.add(20 * g + r, 'ease', 1, -1);
        features[r * HOME_FEATURE_COUNT + novelty] = 1;
        features[r * HOME_FEATURE_COUNT + ease] = easeFloor + (1 - easeFloor) * random();
        features[r * HOME_FEATURE_COUNT + rp3beta] = rpFloor + (1 - rpFloor) * random();
        labels.play[r] = r === g % n ? 1 : 0;
      }
      out.push(features, candidates, labels, Array.from({ length: n }, (_unused, r) => r));
    }
    return out;
  }
  const model: HomeRankerModel = { format: RANKER_FORMAT, version: 2, kind: 'lambdamart', features: [...HOME_FEATURES], heads: [], weights: {} };

  it('the served model reads the columns as the blend chose them: its per-listener scores give the reported NDCG@10, and an affine change of one listener\'s column changes nothing', () => {
    const rows = listenersOnTheirOwnScales();
    const blend = fitServedBlend(model, rows, () => {}, 1.5, 0, { bags: 0, seed: 1 }, 4);
    expect(blend.linearReference).toBe(4);
    expect(blend.report.reference).toBe(4);
    const compiled = compileRanker({ ...model, linear: blend.linear, headScale: blend.headScale, linearReference: blend.linearReference });
    const F = HOME_FEATURE_COUNT;
    let sum = 0;
    for (let g = 0; g + 1 < rows.groups.length; g++) {
      const first = rows.groups[g]!;
      const count = rows.groups[g + 1]! - first;
      const scores = compiled.score(rows.features.slice(first * F, (first + count) * F), count);
      sum += ndcgOfGroup(scores, rows.labels.play.subarray(first, first + count), 0, count)!;
    }
    expect(sum / (rows.groups.length - 1)).toBeCloseTo(blend.report.ndcg10.served, 3);
    // one listener's EASE shares moved to another offset and spread: the same order, the same scores up to float rounding
    const first = rows.groups[3]!;
    const count = rows.groups[4]! - first;
    const features = rows.features.slice(first * F, (first + count) * F);
    const before = compiled.score(features, count);
    const ease = HOME_FEATURES.indexOf('list_share_ease');
    for (let r = 0; r < count; r++) features[r * F + ease] = 0.3 + 0.5 * features[r * F + ease]!;
    const after = compiled.score(features, count);
    for (let r = 0; r < count; r++) expect(after[r]).toBeCloseTo(before[r]!, 4);
    // without the reference the same change reorders nothing only by luck: the raw shares move with it
    const raw = compileRanker({ ...model, linear: { list_share_ease: 1, list_share_rp3beta: 1 } });
    expect(Array.from(raw.score(features, count))).not.toEqual(Array.from(raw.score(rows.features.slice(first * F, (first + count) * F), count)));
  });

  it('is refused when not a whole number ≥ 0', () => {
    const rows = listenersOnTheirOwnScales();
    for (const bad of [-1, 2.5, Number.NaN]) {
      expect(() => fitServedBlend(model, rows, () => {}, 1.5, 0, { bags: 0, seed: 1 }, bad)).toThrow(`fitServedBlend: reference must be a whole number ≥ 0 (the rank whose value each list column is measured from, per listener; 0 = the columns as they are), got ${bad}`);
    }
    expect(fitServedBlend(model, rows, () => {}, 1.5, 0, { bags: 0, seed: 1 }, 0).linearReference).toBeUndefined();
  });
});

describe('TopTenNdcg', () => {
  it('equals ndcgOfGroup per listener (ties by row order, coarse scores) and weighs listeners by their counts', () => {
    let state = 12345;
    const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296);
    const groups = [0];
    const sizes = [3, 10, 11, 25, 40, 7, 60];
    for (const size of sizes) groups.push(groups[groups.length - 1]! + size);
    const n = groups[groups.length - 1]!;
    const labels = new Float32Array(n);
    const scores = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      labels[r] = random() < 0.2 ? (random() < 0.5 ? 1 : 2) : 0;
      // few distinct values: many ties
      scores[r] = Math.floor(random() * 6);
    }
    labels.fill(0, groups[5]!, groups[6]!); // a listener without a positive has no NDCG
    const ndcg = new TopTenNdcg(labels, groups);
    expect([...ndcg.scored]).not.toContain(5);
    const weights = Float64Array.from(sizes, (_unused, g) => (g % 3) + 1);
    let sum = 0;
    let total = 0;
    for (let g = 0; g < sizes.length; g++) {
      const value = ndcgOfGroup(scores, labels, groups[g]!, groups[g + 1]!);
      if (value === undefined) continue;
      const one = new Float64Array(sizes.length);
      one[g] = 1;
      expect(ndcg.weightedMean(scores, one)).toBeCloseTo(value, 12);
      sum += weights[g]! * value;
      total += weights[g]!;
    }
    expect(ndcg.weightedMean(scores, weights)).toBeCloseTo(sum / total, 12);
    expect(ndcg.weightedMean(scores, new Float64Array(sizes.length))).toBe(0);
  });
});
