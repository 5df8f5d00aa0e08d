import { predictXGBoost, trainXGBoost } from '@mixtape/native';
import { describe, expect, it } from 'vitest';
import { featureGains, scoreTreeRows, scoreTreeRowsJs, scoreTrees, treeEnsembleFromXGBoost } from './trees';
import { CHUNK_ROWS, scoreTreeRowsWasm, treeWasmBytes, treeWasmMemory } from './trees-wasm';

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

  it('scores a model too wide to pack into one word per node the same way (the plain walk)', () => {
    const train = data(400, 4, 1);
    const trained = trainXGBoost(train, { params: { objective: 'rank:ndcg', max_depth: 3, min_child_weight: 0.01, nthread: 1 }, rounds: 10 });
    const model = treeEnsembleFromXGBoost(trained.modelJson);
    const test = data(40, 4, 2);
    // more features than the packed word holds: the scorer falls back to the four-array walk
    const wide = { ...model, featureCount: 5000 };
    expect(Array.from(scoreTrees(wide, test.features, test.rows, test.cols))).toEqual(Array.from(scoreTrees(model, test.features, test.rows, test.cols)));
    expect(Array.from(scoreTrees(wide, test.features, test.rows, test.cols))).toEqual(Array.from(predictXGBoost(trained.modelJson, test)));
  });

  it('scores chosen rows (a row index) exactly as it scores them in place', () => {
    const train = data(1000, 6, 4, 0.1);
    const trained = trainXGBoost(train, { params: { objective: 'rank:pairwise', max_depth: 5, min_child_weight: 0.01, nthread: 1, seed: 2 }, rounds: 25 });
    const model = treeEnsembleFromXGBoost(trained.modelJson);
    const test = data(200, 6, 8, 0.1);
    const everyRow = scoreTrees(model, test.features, test.rows, test.cols);
    const chosen = Int32Array.from([199, 3, 3, 120, 0, 57]);
    const some = scoreTreeRows(model, test.features, test.cols, chosen, chosen.length);
    expect(Array.from(some)).toEqual(Array.from(chosen, (row) => everyRow[row]!));
  });

  it('stores siblings side by side (right = left + 1), leaves pointing to themselves, and each tree\'s depth', () => {
    const trained = trainXGBoost(data(500, 4, 6), { params: { objective: 'reg:squarederror', max_depth: 4, nthread: 1 }, rounds: 5 });
    const model = treeEnsembleFromXGBoost(trained.modelJson);
    const json = JSON.parse(trained.modelJson) as { learner: { gradient_booster: { model: { trees: Array<{ left_children: number[]; split_conditions: number[] }> } } } };
    const first = json.learner.gradient_booster.model.trees[0]!;
    const leaves = first.left_children.map((child, i) => (child === -1 ? Math.fround(first.split_conditions[i]!) : undefined)).filter((value) => value !== undefined);
    const end = model.roots[1]!;
    const stored: number[] = [];
    for (let node = 0; node < end; node++) {
      if (model.left[node] === node) {
        expect(model.threshold[node]).toBeNaN();
        stored.push(model.value[node]!);
      } else expect(model.left[node]).toBeGreaterThan(node);
    }
    expect(stored.sort()).toEqual(leaves.sort());
    expect(Math.max(...model.depth)).toBeLessThanOrEqual(4);
    expect(Math.min(...model.depth)).toBeGreaterThan(0);
  });

  it('credits the split gain to the features that carry the signal', () => {
    const trained = trainXGBoost(data(2000, 8, 9), { params: { objective: 'reg:squarederror', max_depth: 4, nthread: 1 }, rounds: 30 });
    const gains = featureGains(treeEnsembleFromXGBoost(trained.modelJson));
    expect(gains[0]! + gains[1]!).toBeGreaterThan(0.8);
    expect(gains.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('walks the trees in WebAssembly to the same float32 sums as the JavaScript walk, bit for bit (depths 1–8, early leaves, chosen rows)', () => {
    for (const [depth, seed] of [[1, 1], [3, 2], [6, 3], [6, 4], [8, 5]] as const) {
      const train = data(1500, 10, seed);
      // min_child_weight stops some branches early: leaves above the last level (padding slots)
      const trained = trainXGBoost(train, { params: { objective: 'reg:squarederror', max_depth: depth, eta: 0.3, min_child_weight: 20, nthread: 1, seed }, rounds: 40 });
      const model = treeEnsembleFromXGBoost(trained.modelJson);
      const test = data(403, 12, seed + 100);
      // a third of the values sit exactly on a split threshold of their column (x ≥ t goes right)
      const cuts: number[][] = Array.from({ length: 10 }, () => []);
      for (let node = 0; node < model.left.length; node++) if (model.left[node] !== node) cuts[model.feature[node]!]!.push(model.threshold[node]!);
      for (let v = 0; v < test.features.length; v += 3) {
        const column = cuts[v % 12];
        if (column && column.length > 0) test.features[v] = column[(v * 31) % column.length]!;
      }
      const rows = Int32Array.from({ length: 301 }, (_, i) => (i * 7919) % 403);
      const offsets = Int32Array.from(rows, (row) => row * 12);
      const viaWasm = new Float32Array(rows.length);
      expect(scoreTreeRowsWasm(model, test.features, offsets, rows.length, viaWasm)).toBe(true);
      const viaJs = scoreTreeRowsJs(model, offsets, test.features, rows.length, new Float32Array(rows.length).fill(Math.fround(model.base)));
      expect(Array.from(viaWasm)).toEqual(Array.from(viaJs));
      expect(Array.from(scoreTreeRows(model, test.features, 12, rows, rows.length))).toEqual(Array.from(viaJs));
      // some tree has a leaf above its last level, so the padding slots are walked
      let early = false;
      for (let t = 0; t < model.roots.length; t++) {
        const end = t + 1 < model.roots.length ? model.roots[t + 1]! : model.left.length;
        const leaves = Array.from({ length: end - model.roots[t]! }, (_, i) => model.roots[t]! + i).filter((node) => model.left[node] === node).length;
        if (leaves < 2 ** model.depth[t]!) early = true;
      }
      if (depth >= 3) expect(early).toBe(true);
    }
  });

  it('walks a batch larger than its memory in chunks: the same sums as the JavaScript walk and as XGBoost, memory fixed per model', () => {
    const trained = trainXGBoost(data(1500, 8, 21), { params: { objective: 'rank:ndcg', max_depth: 6, eta: 0.3, min_child_weight: 0.01, nthread: 1, seed: 2 }, rounds: 30 });
    const model = treeEnsembleFromXGBoost(trained.modelJson);
    const count = 2 * CHUNK_ROWS + 36; // a multiple of 20 (the helper makes groups of 20)
    const test = data(count, 8, 22);
    const offsets = Int32Array.from({ length: count }, (_, i) => i * 8);
    const small = new Float32Array(10);
    expect(scoreTreeRowsWasm(model, test.features, offsets, 10, small)).toBe(true);
    const memory = treeWasmMemory(model);
    expect(memory).not.toBeNull();
    // read from the live buffer: a memory.grow would change it
    const bytes = memory!.buffer.byteLength;
    expect(bytes).toBeGreaterThan(CHUNK_ROWS * 8 * 4);
    expect(treeWasmBytes(model)).toBe(bytes);
    const viaWasm = new Float32Array(count);
    expect(scoreTreeRowsWasm(model, test.features, offsets, count, viaWasm)).toBe(true);
    // the larger batch neither rebuilt the module (same memory object) nor grew its memory
    expect(treeWasmMemory(model)).toBe(memory);
    expect(memory!.buffer.byteLength).toBe(bytes);
    expect(treeWasmBytes(model)).toBe(bytes);
    const viaJs = scoreTreeRowsJs(model, offsets, test.features, count, new Float32Array(count).fill(Math.fround(model.base)));
    expect(Array.from(viaWasm)).toEqual(Array.from(viaJs));
    expect(Array.from(viaWasm)).toEqual(Array.from(predictXGBoost(trained.modelJson, test)));
    expect(Array.from(small)).toEqual(Array.from(viaJs.subarray(0, 10)));
    // a missing value in the last chunk: false, and nothing written (out keeps the caller's values)
    test.features[(count - 1) * 8 + 3] = Number.NaN;
    const untouched = new Float32Array(count).fill(7);
    expect(scoreTreeRowsWasm(model, test.features, offsets, count, untouched)).toBe(false);
    expect(untouched.every((value) => value === 7)).toBe(true);
    expect(Array.from(scoreTrees(model, test.features, count, 8))).toEqual(Array.from(predictXGBoost(trained.modelJson, test)));
  });

  it('leaves rows with a missing value and trees deeper than 8 levels to the JavaScript walk', () => {
    const trained = trainXGBoost(data(1000, 6, 11, 0.1), { params: { objective: 'rank:ndcg', max_depth: 6, min_child_weight: 0.01, nthread: 1, seed: 1 }, rounds: 10 });
    const model = treeEnsembleFromXGBoost(trained.modelJson);
    const test = data(60, 6, 12, 0.2);
    const offsets = Int32Array.from({ length: 60 }, (_, i) => i * 6);
    expect(scoreTreeRowsWasm(model, test.features, offsets, 60, new Float32Array(60))).toBe(false);
    expect(Array.from(scoreTrees(model, test.features, 60, 6))).toEqual(Array.from(predictXGBoost(trained.modelJson, test)));
    const deep = treeEnsembleFromXGBoost(trainXGBoost(data(3000, 6, 13), { params: { objective: 'reg:squarederror', max_depth: 10, min_child_weight: 0.01, nthread: 1 }, rounds: 3 }).modelJson);
    expect(Math.max(...deep.depth)).toBeGreaterThan(8);
    expect(scoreTreeRowsWasm(deep, data(20, 6, 14).features, Int32Array.from({ length: 20 }, (_, i) => i * 6), 20, new Float32Array(20))).toBe(false);
  });

  it('refuses models it cannot score, saying why', () => {
    expect(() => treeEnsembleFromXGBoost('{"learner": {}}')).toThrow(/not an XGBoost JSON model/);
    const multi = { learner: { learner_model_param: { base_score: '0.5', num_feature: '2', num_class: '3' }, gradient_booster: { name: 'gbtree', model: { trees: [] } } } };
    expect(() => treeEnsembleFromXGBoost(multi)).toThrow(/multi-output models are not supported/);
  });
});
