import { describe, expect, it } from 'vitest';
import { dumpXGBoost, parseEvaluation, predictXGBoost, trainXGBoost, xgboostVersion } from './xgboost';

/** Queries of 30 items; relevance depends on features 0 and 1 (with an interaction), feature 2 is noise. */
function rankingData(queries: number, seed: number) {
  let state = seed;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  const size = 30;
  const cols = 3;
  const rows = queries * size;
  const features = new Float32Array(rows * cols);
  const labels = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) features[r * cols + c] = next();
    const a = features[r * cols]!;
    const b = features[r * cols + 1]!;
    labels[r] = a > 0.7 && b > 0.5 ? 2 : a > 0.8 || b > 0.9 ? 1 : 0;
  }
  return { features, rows, cols, labels, groups: new Uint32Array(queries).fill(size) };
}

const params = { objective: 'rank:ndcg', eval_metric: 'ndcg@10', max_depth: 3, eta: 0.3, min_child_weight: 0.01, nthread: 1, seed: 7 };

describe('XGBoost through the addon', () => {
  it('reports the library version', () => {
    expect(xgboostVersion()).toMatch(/^1\.\d+\.\d+$/);
  });

  /** 60 training and 30 validation queries, up to 200 rounds, patience 10; each round's validation NDCG@10 pushed to `scores` */
  const earlyStopped = (scores: number[], minRounds?: number, smoothing?: number) =>
    trainXGBoost(rankingData(60, 1), { params, rounds: 200, validation: rankingData(30, 2), earlyStoppingRounds: 10, minRounds, smoothing, onRound: (round) => scores.push(round.metrics['validation-ndcg@10']!) });

  it('learns a ranking with rank:ndcg, evaluates every round and stops early on validation', () => {
    const rounds: number[] = [];
    const trained = earlyStopped(rounds);
    expect(trained.watched).toBe('validation-ndcg@10');
    expect(trained.bestScore).toBeGreaterThan(0.9);
    expect(trained.bestScore).toBe(Math.max(...rounds));
    expect(rounds.length).toBeLessThan(200);
    expect(rounds.length).toBe(trained.rounds + 10);
    const model = JSON.parse(trained.modelJson) as { learner: { gradient_booster: { model: { trees: unknown[] } } } };
    expect(model.learner.gradient_booster.model.trees).toHaveLength(trained.rounds);
  });

  it('keeps at least minRounds trees: the best round is chosen from there on', () => {
    const minRounds = earlyStopped([]).rounds + 15;
    const scores: number[] = [];
    const held = earlyStopped(scores, minRounds);
    expect(held.rounds).toBeGreaterThanOrEqual(minRounds);
    expect(held.bestScore).toBe(Math.max(...scores.slice(minRounds - 1)));
    expect(scores.length).toBe(held.rounds + 10);
  });

  it('with smoothing judges each round by the mean of the last W scores and keeps the best window\'s centre', () => {
    const scores: number[] = [];
    const window = 5;
    const smoothed = earlyStopped(scores, undefined, window);
    // replay the rule on the recorded curve
    const means = scores.map((_unused, r) => {
      const from = Math.max(0, r - window + 1);
      return scores.slice(from, r + 1).reduce((sum, value) => sum + value, 0) / (r + 1 - from);
    });
    let best = 0;
    for (let r = 1; r < means.length; r++) if (means[r]! > means[best]!) best = r;
    expect(scores.length).toBe(best + 11); // stopped 10 rounds after the best window
    expect(smoothed.rounds).toBe(best - 2 + 1); // the window [best − 4, best]'s centre is best − 2
    expect(smoothed.bestScore).toBe(scores[smoothed.rounds - 1]);
    const model = JSON.parse(smoothed.modelJson) as { learner: { gradient_booster: { model: { trees: unknown[] } } } };
    expect(model.learner.gradient_booster.model.trees).toHaveLength(smoothed.rounds);
    // smoothing 1 is the plain rule
    expect(earlyStopped([], undefined, 1).rounds).toBe(earlyStopped([]).rounds);
    expect(() => earlyStopped([], undefined, 0)).toThrow('trainXGBoost: smoothing must be a whole number of rounds ≥ 1, got 0');
  });

  it('refuses minRounds above rounds (the model would keep no trees) and names both values', () => {
    expect(() => trainXGBoost(rankingData(60, 1), { params, rounds: 10, validation: rankingData(30, 2), earlyStoppingRounds: 5, minRounds: 20 })).toThrow(
      /trainXGBoost: minRounds \(20\) exceeds rounds \(10\)/,
    );
    const edge = trainXGBoost(rankingData(60, 1), { params, rounds: 10, validation: rankingData(30, 2), earlyStoppingRounds: 5, minRounds: 10 });
    expect(edge.rounds).toBe(10);
    expect(Number.isNaN(edge.bestScore)).toBe(false);
  });

  it('starts from a per-row base margin: the trees learn the residual, prediction adds the margin back', () => {
    const train = rankingData(60, 1);
    // a prior that already knows feature 0
    const prior = (data: ReturnType<typeof rankingData>) => Float32Array.from({ length: data.rows }, (_unused, r) => 3 * data.features[r * data.cols]!);
    const trained = trainXGBoost({ ...train, baseMargin: prior(train) }, { params, rounds: 15 });
    const test = rankingData(5, 9);
    const withMargin = predictXGBoost(trained.modelJson, { ...test, baseMargin: prior(test) });
    const treesOnly = predictXGBoost(trained.modelJson, test);
    const base = Number((JSON.parse(trained.modelJson) as { learner: { learner_model_param: { base_score: string } } }).learner.learner_model_param.base_score);
    // with a base margin XGBoost replaces base_score by it
    for (let r = 0; r < 20; r++) expect(withMargin[r]! - treesOnly[r]!).toBeCloseTo(prior(test)[r]! - base, 4);
    expect(() => trainXGBoost({ ...train, baseMargin: new Float32Array(3) }, { params, rounds: 1 })).toThrow(/3 base margins for 1800 rows/);
  });

  it('predicts from the saved JSON model: relevant rows score above irrelevant ones', () => {
    const train = rankingData(60, 1);
    const trained = trainXGBoost(train, { params, rounds: 20 });
    const test = rankingData(5, 9);
    const scores = predictXGBoost(trained.modelJson, test);
    const sums = [0, 0];
    const counts = [0, 0];
    for (let r = 0; r < test.rows; r++) {
      const side = test.labels[r]! > 0 ? 0 : 1;
      sums[side]! += scores[r]!;
      counts[side]!++;
    }
    expect(sums[0]! / counts[0]! - sums[1]! / counts[1]!).toBeGreaterThan(0.5);
    expect(dumpXGBoost(trained.modelJson)).toHaveLength(20);
  });

  it('turns library errors into messages that name the cause', () => {
    expect(() => trainXGBoost(rankingData(2, 1), { params: { ...params, objective: 'rank:nonsense' }, rounds: 1 })).toThrow(/Unknown objective function: `rank:nonsense`/);
    const data = rankingData(2, 1);
    expect(() => trainXGBoost({ ...data, groups: new Uint32Array([10]) }, { params, rounds: 1 })).toThrow(/groups cover 10 rows, the data has 60/);
    expect(() => predictXGBoost('{"not": "a model"}', data)).toThrow(/XGBoosterLoadModelFromBuffer/);
  });

  it('parses evaluation lines', () => {
    expect(parseEvaluation('[3]\ttrain-ndcg@10:0.5\tvalidation-ndcg@10:0.25')).toEqual({ 'train-ndcg@10': 0.5, 'validation-ndcg@10': 0.25 });
  });
});
