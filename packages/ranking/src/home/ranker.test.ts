import { predictXGBoost, trainXGBoost } from '@mixtape/native';
import { describe, expect, it } from 'vitest';
import { HOME_FEATURES, HOME_FEATURES_BEFORE_SEQUENCE, HOME_FEATURES_BEFORE_SUCCESSOR, HOME_FEATURE_COUNT, HOME_FEATURE_TAIL } from './features';
import { RANKER_FORMAT, compileRanker, featureImportance, heuristicRankerModel, ndcgOfGroup, parseRankerModel } from './ranker';
import type { HomeRankerModel } from './ranker';

const F = HOME_FEATURE_COUNT;
const column = (name: string) => HOME_FEATURES.indexOf(name as (typeof HOME_FEATURES)[number]);

/** Groups of 30 rows: "play" follows list_share_ease, "skip" follows popularity. */
function rows(groups: number, seed: number) {
  let state = seed;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  const n = groups * 30;
  const features = new Float32Array(n * F);
  for (let i = 0; i < features.length; i++) features[i] = next();
  const play = new Float32Array(n);
  const skip = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    play[r] = features[r * F + column('list_share_ease')]! > 0.8 ? 1 : 0;
    skip[r] = features[r * F + column('popularity')]! > 0.85 ? 1 : 0;
  }
  return { features, rows: n, cols: F, play, skip, groups: new Uint32Array(groups).fill(30) };
}

function head(objective: 'play' | 'skip', data: ReturnType<typeof rows>) {
  const trained = trainXGBoost(
    { features: data.features, rows: data.rows, cols: F, labels: data[objective], groups: data.groups },
    { params: { objective: 'rank:ndcg', max_depth: 3, eta: 0.3, min_child_weight: 0.01, nthread: 1, seed: 1 }, rounds: 15 },
  );
  return { objective, label: objective, xgboost: trained.modelJson, rounds: trained.rounds, mean: 0.5, scale: 2, validation: { ndcg10: 0.5 } };
}

function model(data: ReturnType<typeof rows>): HomeRankerModel {
  return { format: RANKER_FORMAT, version: 2, kind: 'lambdamart', features: [...HOME_FEATURES], heads: [head('play', data), head('skip', data)], weights: { play: 1, skip: -0.5 } };
}

describe('home ranker model', () => {
  const data = rows(40, 3);
  const trained = model(data);

  it('serves Σ weight × (head − mean) / scale, each head equal to the library’s margins', () => {
    const compiled = compileRanker(trained);
    const play = predictXGBoost(trained.heads[0]!.xgboost, data);
    const skip = predictXGBoost(trained.heads[1]!.xgboost, data);
    expect(Array.from(compiled.scoreHead('play', data.features, data.rows))).toEqual(Array.from(play));
    const served = compiled.score(data.features, data.rows);
    for (let r = 0; r < 50; r++) expect(served[r]).toBeCloseTo((play[r]! - 0.5) / 2 - (0.5 * (skip[r]! - 0.5)) / 2, 5);
  });

  it('lets config re-weigh or switch off a head', () => {
    const playOnly = compileRanker(trained, { skip: 0 });
    expect(playOnly.heads.map((entry) => entry.objective)).toEqual(['play']);
    const skipHeavy = compileRanker(trained, { skip: -5 });
    expect(skipHeavy.weights.skip).toBe(-5);
    const a = playOnly.score(data.features, data.rows);
    const b = skipHeavy.score(data.features, data.rows);
    const skipped = Array.from(data.skip.keys()).filter((r) => data.skip[r] === 1);
    const meanGap = (scores: Float32Array) => skipped.reduce((sum, r) => sum + scores[r]!, 0) / skipped.length - scores.reduce((sum, v) => sum + v, 0) / scores.length;
    expect(meanGap(b)).toBeLessThan(meanGap(a));
  });

  it('a page scores the trees on the best rows by the linear blend only; the rest keep its order below them', () => {
    const blended: HomeRankerModel = { ...trained, linear: { list_share_ease: 1, factor_share: 0.5 }, headScale: 0.7 };
    const everyRow = compileRanker(blended).score(data.features, 30);
    const page = compileRanker(blended, {}, { treeRows: 8 }).scorePage(data.features, 30);
    const linearOnly = compileRanker({ ...blended, headScale: 0 });
    expect(linearOnly.heads).toHaveLength(0);
    const linear = linearOnly.score(data.features, 30);
    const byLinear = Array.from(linear.keys()).sort((a, b) => linear[b]! - linear[a]! || a - b);
    const top = new Set(byLinear.slice(0, 8));
    for (const r of top) expect(page[r]).toBeCloseTo(everyRow[r]!, 5);
    const lowestTop = Math.min(...[...top].map((r) => page[r]!));
    const rest = byLinear.slice(8);
    for (let i = 0; i < rest.length; i++) {
      expect(page[rest[i]!]).toBeLessThan(lowestTop);
      if (i > 0) expect(page[rest[i]!]).toBeLessThanOrEqual(page[rest[i - 1]!]!);
    }
    // enough tree rows: the page is the full score
    expect(Array.from(compileRanker(blended, {}, { treeRows: 30 }).scorePage(data.features, 30))).toEqual(Array.from(everyRow));
  });

  it('a residual head (trained from a base margin) adds weight × its base feature back to its trees', () => {
    const plain = compileRanker(trained);
    const residual: HomeRankerModel = { ...trained, heads: [{ ...trained.heads[0]!, baseMargin: { feature: 'list_share_ease', weight: 2 } }] };
    const compiled = compileRanker(parseRankerModel(JSON.stringify(residual)));
    const trees = plain.scoreHead('play', data.features, 20);
    const margins = compiled.scoreHead('play', data.features, 20);
    for (let r = 0; r < 20; r++) expect(margins[r]).toBeCloseTo(trees[r]! + 2 * data.features[r * F + column('list_share_ease')]!, 5);
    expect(() => parseRankerModel(JSON.stringify({ ...residual, heads: [{ ...residual.heads[0]!, baseMargin: { feature: 'nope', weight: 1 } }] }))).toThrow(/starts from feature "nope"/);
  });

  it('round-trips through JSON and refuses models this build cannot serve', () => {
    expect(parseRankerModel(JSON.stringify(trained)).heads).toHaveLength(2);
    expect(() => parseRankerModel(JSON.stringify({ ...trained, features: ['a'] }))).toThrow(/differ from this build's/);
    expect(() => parseRankerModel(JSON.stringify({ ...trained, version: 1 }))).toThrow(/version 2/);
    expect(() => parseRankerModel(JSON.stringify({ ...trained, kind: 'heuristic', heads: [] }))).toThrow(/must say why it is served/);
    expect(() => parseRankerModel('{')).toThrow(/not valid JSON/);
  });

  it('the heuristic states why it serves and scores by hand-set weights', () => {
    const heuristic = parseRankerModel(JSON.stringify(heuristicRankerModel('the log has no timestamps and split=temporal was forced')));
    expect(heuristic.fallback).toMatch(/no timestamps/);
    const scores = compileRanker(heuristic).score(data.features, 2);
    let expected = 0;
    for (const [name, weight] of Object.entries(heuristic.linear!)) expected += weight * data.features[column(name)]!;
    expect(scores[0]).toBeCloseTo(expected, 5);
  });

  it('a page scores the tail columns filled after the row selection, not what an earlier page left there', () => {
    const model = heuristicRankerModel('the simulator serves the hand-set ranker');
    // the hand-set blend reads tail columns (content, context), so stale ones would change its scores
    expect(Object.keys(model.linear!).some((name) => HOME_FEATURES.indexOf(name as (typeof HOME_FEATURES)[number]) >= HOME_FEATURE_TAIL)).toBe(true);
    const ranker = compileRanker(model);
    const n = 2;
    const page = data.features.slice(0, n * HOME_FEATURE_COUNT);
    for (let r = 0; r < n; r++) for (let f = HOME_FEATURE_TAIL; f < HOME_FEATURE_COUNT; f++) page[r * HOME_FEATURE_COUNT + f] = 100 + f;
    const out = new Float32Array(n);
    const rows = ranker.selectTreeRows(page, n, out);
    page.set(data.features.subarray(0, n * HOME_FEATURE_COUNT)); // the tail columns are computed now
    expect(Array.from(ranker.finishPage(page, n, out, rows))).toEqual(Array.from(ranker.score(data.features, n)));
  });

  it('ranks feature importance by split gain', () => {
    expect(featureImportance(trained, 'play', 1)[0]!.feature).toBe('list_share_ease');
    expect(featureImportance(trained, 'skip', 1)[0]!.feature).toBe('popularity');
  });

  it('NDCG of a group: perfect order is 1, no relevant rows is undefined', () => {
    const labels = new Float32Array([0, 1, 0, 2]);
    expect(ndcgOfGroup(new Float32Array([0, 3, 1, 4]), labels, 0, 4)).toBeCloseTo(1, 6);
    expect(ndcgOfGroup(new Float32Array([4, 1, 3, 0]), labels, 0, 4)).toBeLessThan(0.7);
    expect(ndcgOfGroup(new Float32Array(4), new Float32Array(4), 0, 4)).toBeUndefined();
  });

  /** a play head trained on the leading columns of an older feature list, its model, and new-layout rows with anything (7) in the later columns */
  function olderLayout(features: readonly string[]) {
    const old = features.length;
    const narrow = new Float32Array(data.rows * old);
    for (let r = 0; r < data.rows; r++) narrow.set(data.features.subarray(r * F, r * F + old), r * old);
    const trained = trainXGBoost(
      { features: narrow, rows: data.rows, cols: old, labels: data.play, groups: data.groups },
      { params: { objective: 'rank:ndcg', max_depth: 3, eta: 0.3, min_child_weight: 0.01, nthread: 1, seed: 1 }, rounds: 10 },
    );
    const model: HomeRankerModel = {
      format: RANKER_FORMAT,
      version: 2,
      kind: 'lambdamart',
      features: [...features],
      heads: [{ objective: 'play', label: 'play', xgboost: trained.modelJson, rounds: trained.rounds, mean: 0, scale: 1, validation: { ndcg10: 0.5 } }],
      weights: { play: 1 },
    };
    const wide = data.features.slice();
    for (let r = 0; r < data.rows; r++) for (let f = old; f < F; f++) wide[r * F + f] = 7;
    const expected = Array.from(predictXGBoost(trained.modelJson, { features: narrow, rows: data.rows, cols: old }));
    return { model, wide, expected };
  }

  it('loads a ranker trained before the successor columns were appended, scoring the same leading columns; refuses other layouts clearly', () => {
    expect(HOME_FEATURES.slice(HOME_FEATURES_BEFORE_SUCCESSOR.length)).toEqual(['successor_share', 'successor_rank', 'sequence_share', 'sequence_rank']);
    // the old layout: the same rows without the appended columns
    const { model: oldModel, wide, expected } = olderLayout(HOME_FEATURES_BEFORE_SUCCESSOR);
    const parsed = parseRankerModel(JSON.stringify(oldModel));
    // new-layout rows (successor columns filled with anything) score as the library scores the old rows
    expect(Array.from(compileRanker(parsed).scoreHead('play', wide, data.rows))).toEqual(expected);
    expect(featureImportance(parsed).every((entry) => !entry.feature.startsWith('successor_'))).toBe(true);
    // a model whose list is neither layout, or whose trees disagree with its list, fails with the reason
    expect(() => parseRankerModel(JSON.stringify({ ...oldModel, features: HOME_FEATURES_BEFORE_SUCCESSOR.slice(1) }))).toThrow(/differ from this build's/);
    expect(() => parseRankerModel(JSON.stringify({ ...oldModel, features: [...HOME_FEATURES] }))).toThrow(/trained on \d+ features, expected \d+/);
  });

  it('loads a ranker trained before the sequence columns were appended (successor columns included), scoring the same leading columns', () => {
    expect(HOME_FEATURES.slice(HOME_FEATURES_BEFORE_SEQUENCE.length)).toEqual(['sequence_share', 'sequence_rank']);
    const { model, wide, expected } = olderLayout(HOME_FEATURES_BEFORE_SEQUENCE);
    expect(Array.from(compileRanker(parseRankerModel(JSON.stringify(model))).scoreHead('play', wide, data.rows))).toEqual(expected);
  });
});
