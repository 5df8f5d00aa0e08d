import { predictXGBoost, trainXGBoost } from '@mixtape/native';
import { describe, expect, it } from 'vitest';
import { featureGains, scoreTrees, treeEnsembleFromXGBoost } from './trees';

function data(rows: number, cols: number, seed: number, missing = 0) {
  let state = seed;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  const features = new Float32Array(rows * cols);
  const labels = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) features[r * cols + c] = next() < missing ? Number.NaN : next() * 4 - 2;
    const a = features[r * cols] ?? 0;
    const b = features[r * cols + 1] ?? 0;
    labels[r] = Math.min(4, Math.max(0, Math.round((Number.isNaN(a) ? 0 : a) * (Number.isNaN(b) ? 1 : b) + next())));
  }
  return { features, rows, cols, labels, groups: new Uint32Array(rows / 20).fill(20) };
}

describe('TypeScript tree scorer', () => {
  for (const objective of ['rank:ndcg', 'rank:pairwise', 'reg:squarederror'] as const) {
    it(`scores exactly what XGBoost predicts (${objective}, missing values, 60 trees of depth 6)`, () => {
      const train = data(2000, 8, 5, 0.1);
      const trained = trainXGBoost(train, { params: { objective, max_depth: 6, eta: 0.2, min_child_weight: 0.01, nthread: 1, seed: 3 }, rounds: 60 });
      const model = treeEnsembleFromXGBoost(trained.modelJson);
      expect(model.roots.length).toBe(60);
      const test = data(1000, 8, 77, 0.15);
      const expected = predictXGBoost(trained.modelJson, test);
      const actual = scoreTrees(model, test.features, test.rows, test.cols);
      expect(Array.from(actual)).toEqual(Array.from(expected));
    });
  }

  it('reads rows with extra trailing columns (stride > model features)', () => {
    const train = data(400, 4, 1);
    const trained = trainXGBoost(train, { params: { objective: 'rank:ndcg', max_depth: 3, min_child_weight: 0.01, nthread: 1 }, rounds: 10 });
    const model = treeEnsembleFromXGBoost(trained.modelJson);
    const test = data(40, 4, 2);
    const wide = new Float32Array(40 * 6);
    for (let r = 0; r < 40; r++) wide.set(test.features.subarray(r * 4, r * 4 + 4), r * 6);
    expect(Array.from(scoreTrees(model, wide, 40, 6))).toEqual(Array.from(predictXGBoost(trained.modelJson, test)));
  });

  it('credits the split gain to the features that carry the signal', () => {
    const trained = trainXGBoost(data(2000, 8, 9), { params: { objective: 'reg:squarederror', max_depth: 4, nthread: 1 }, rounds: 30 });
    const gains = featureGains(treeEnsembleFromXGBoost(trained.modelJson));
    expect(gains[0]! + gains[1]!).toBeGreaterThan(0.8);
    expect(gains.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('refuses models it cannot score, saying why', () => {
    expect(() => treeEnsembleFromXGBoost('{"learner": {}}')).toThrow(/not an XGBoost JSON model/);
    const multi = { learner: { learner_model_param: { base_score: '0.5', num_feature: '2', num_class: '3' }, gradient_booster: { name: 'gbtree', model: { trees: [] } } } };
    expect(() => treeEnsembleFromXGBoost(multi)).toThrow(/multi-output models are not supported/);
  });
});
