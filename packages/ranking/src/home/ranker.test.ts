import { describe, expect, it } from 'vitest';
import { HOME_FEATURES, HOME_FEATURE_COUNT } from './features';
import { fitLogisticStandardized, fitRidge, heuristicRankerModel, ndcgOfGroup, parseRankerModel, scoreWithModel, solveRegularized } from './ranker';

const F = HOME_FEATURE_COUNT;

function randomRows(n: number, seed: number): Float32Array {
  let state = seed;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  const rows = new Float32Array(n * F);
  for (let i = 0; i < rows.length; i++) rows[i] = next() * 2 - 1 + (i % F) * 0.1;
  return rows;
}

describe('home ranker maths', () => {
  it('solves a regularized SPD system', () => {
    const A = new Float64Array([4, 1, 1, 3]);
    const x = solveRegularized(A, new Float64Array([1, 2]), 0);
    expect(x[0]).toBeCloseTo(1 / 11, 6);
    expect(x[1]).toBeCloseTo(7 / 11, 6);
  });

  it('ridge recovers the weights of a linear reward, and scoring undoes the standardization', () => {
    const n = 4000;
    const rows = randomRows(n, 3);
    const truth = Array.from({ length: F }, (_unused, f) => (f % 3 === 0 ? 1.5 : f % 3 === 1 ? -0.5 : 0));
    const labels = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      let y = 0.25;
      for (let f = 0; f < F; f++) y += truth[f]! * rows[r * F + f]!;
      labels[r] = y;
    }
    const fitted = fitRidge(rows, labels, n, 1e-6);
    const model = { ...heuristicRankerModel(), kind: 'ridge' as const, mean: [] as number[], scale: [] as number[], weights: Array.from(fitted.weights), bias: fitted.bias };
    // recompute the stats the fit used, as trainHomeRanker stores them
    const mean = new Array<number>(F).fill(0);
    for (let r = 0; r < n; r++) for (let f = 0; f < F; f++) mean[f]! += rows[r * F + f]! / n;
    const scale = mean.map((m, f) => {
      let sum = 0;
      for (let r = 0; r < n; r++) sum += (rows[r * F + f]! - m) ** 2;
      return Math.sqrt(sum / n);
    });
    model.mean = mean;
    model.scale = scale;
    const predicted = scoreWithModel(model, rows, n);
    for (let r = 0; r < 20; r++) expect(predicted[r]).toBeCloseTo(labels[r]!, 3);
  });

  it('logistic regression separates a linearly separable target and stays finite under L2', () => {
    const n = 2000;
    const z = randomRows(n, 9);
    const targets = new Uint8Array(n);
    for (let r = 0; r < n; r++) targets[r] = z[r * F]! - z[r * F + 1]! > 0 ? 1 : 0;
    const { weights } = fitLogisticStandardized(z, targets, n, 0.01);
    expect(weights[0]).toBeGreaterThan(0.5);
    expect(weights[1]).toBeLessThan(-0.5);
    for (const w of weights) expect(Number.isFinite(w)).toBe(true);
  });

  it('computes NDCG@k of a group with linear gains, undefined without any gain', () => {
    const labels = new Float32Array([0, 2, 0, 1]);
    expect(ndcgOfGroup(new Float32Array([0.1, 0.9, 0.2, 0.5]), labels, 0, 4)).toBeCloseTo(1, 6);
    expect(ndcgOfGroup(new Float32Array([0.9, 0.1, 0.8, 0.2]), labels, 0, 4)).toBeLessThan(0.6);
    expect(ndcgOfGroup(new Float32Array(4), new Float32Array(4), 0, 4)).toBeUndefined();
  });
});

describe('ranker model files', () => {
  it('round-trips through JSON', () => {
    const model = heuristicRankerModel();
    expect(parseRankerModel(JSON.stringify(model))).toEqual(model);
  });

  it('refuses a model built for other features, saying which and what to do', () => {
    const model = { ...heuristicRankerModel(), features: HOME_FEATURES.slice(1) };
    expect(() => parseRankerModel(JSON.stringify(model), 'bundle v9: models/ranker.json')).toThrow(/bundle v9: models\/ranker.json: model features .* differ .* rebuild the bundle/);
  });

  it('refuses malformed JSON and wrong shapes with the field named', () => {
    expect(() => parseRankerModel('{', 'ranker.json')).toThrow(/ranker.json: not valid JSON/);
    expect(() => parseRankerModel(JSON.stringify({ ...heuristicRankerModel(), scale: [0] }), 'ranker.json')).toThrow(/scale\.0/);
  });
});
