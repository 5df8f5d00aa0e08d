import { describe, expect, it } from 'vitest';
import { CandidateSet } from './candidates';
import { HOME_FEATURE_COUNT } from './features';
import { HOME_OBJECTIVES } from './ranker';
import { RankerRows, trainHomeRanker } from './train';

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
});
