import { describe, expect, it } from 'vitest';
import { buildCsr, rowIndices } from '@mixtape/embeddings';
import { evaluateModel, runExperiment } from '../evaluate';
import { invertSpdInPlace } from '@mixtape/base';
import { HOME_SEQUENCE_EPOCHS } from '@mixtape/sequence';
import type { Recommender } from '../recommender';
import { userHoldoutSplit } from '../splits';
import { OracleRecommender, plantedClusters } from '../testing/oracle';
import { createAlsRecommender } from './als';
import { createEaseRecommender } from './ease';
import type { createHomeStackRecommender } from './home-stack';
import { createModelRegistry } from './registry';
import { createItemKnnRecommender } from './item-knn';
import { createPopularityRecommender } from './popularity';
import { createRandomRecommender } from './random';

const data = plantedClusters({ users: 240, itemsPerCluster: 40, clusters: 4, perUser: 15, seed: 11 });
const matrix = buildCsr(data, { rows: data.rows, cols: data.cols });
const split = userHoldoutSplit(matrix, { seed: 1 });
const mean = (result: Awaited<ReturnType<typeof evaluateModel>>, name: string): number =>
  result.metrics.find((m) => m.name === name)!.mean;

describe('harness sanity', () => {
  it('an oracle scores 1.0 on every accuracy metric', async () => {
    const result = await evaluateModel(new OracleRecommender(split.test), split, { ks: [3, 10] });
    for (const name of ['Recall@3', 'NDCG@3', 'HitRate@3', 'MAP@3', 'Recall@10', 'NDCG@10', 'MAP@10', 'MRR@10']) {
      expect(mean(result, name)).toBeCloseTo(1, 12);
    }
  });

  it('a random ranking lands near the analytic expectation', async () => {
    // E[hits@K] = K · |test| / (items − |train|); each user has 3 test and 12 train items.
    const k = 20;
    const expectedRecall = (k * 3) / (data.cols - 12) / Math.min(k, 3);
    const result = await evaluateModel(createRandomRecommender(3), split, { ks: [k] });
    const observed = mean(result, `Recall@${k}`);
    const summary = result.metrics.find((m) => m.name === `Recall@${k}`)!;
    expect(summary.lower).toBeLessThan(expectedRecall);
    expect(summary.upper).toBeGreaterThan(expectedRecall);
    expect(Math.abs(observed - expectedRecall)).toBeLessThan(0.05);
  });

  it('refuses a model that recommends training items', async () => {
    const leaky: Recommender = {
      name: 'leaky',
      fit: async () => {},
      recommend: (batch, k) => {
        const items = new Int32Array(batch.rows.length * k).fill(-1);
        batch.rows.forEach((row, q) => items.set(rowIndices(batch.seeds, row).subarray(0, k), q * k));
        return { k, items, scores: new Float32Array(items.length) };
      },
    };
    await expect(evaluateModel(leaky, split, { ks: [5] })).rejects.toThrow(/recommended training item/);
  });
});

describe('baselines on planted clusters', () => {
  it('never recommend seen items and beat popularity and random clearly', async () => {
    const models = [
      createRandomRecommender(),
      createPopularityRecommender(),
      createItemKnnRecommender({ neighbors: 30 }),
      createAlsRecommender({ factors: 8, iterations: 8, alpha: 5, regularization: 0.1 }),
      createEaseRecommender({ lambda: 10 }),
    ];
    const result = await runExperiment(models, split, { ks: [10], task: 'user-holdout', dataset: 'planted' });
    const recall = Object.fromEntries(result.models.map((m) => [m.model.split(' ')[0]!, mean(m, 'Recall@10')]));
    // Each user's 3 test items are among the 28 unseen items of its cluster (out of 148 unseen).
    expect(recall['random']!).toBeLessThan(0.15);
    for (const name of ['item-knn', 'ALS', 'EASE']) {
      expect(recall[name]!).toBeGreaterThan(0.25);
      expect(recall[name]!).toBeGreaterThan(recall['popularity']! + 0.1);
    }
    // Popularity bias: popularity recommends the most popular items.
    const popularity = result.models.find((m) => m.model === 'popularity')!;
    expect(mean(popularity, 'Popularity@10')).toBeGreaterThan(result.heldOutPopularity);
  });

  it('EASE matches the closed form computed naively', async () => {
    const tiny = buildCsr(
      { rowIndex: Int32Array.from([0, 0, 0, 1, 1, 2, 2, 2, 3, 3]), colIndex: Int32Array.from([0, 1, 2, 1, 2, 0, 2, 3, 0, 3]) },
      { rows: 4, cols: 5 },
    );
    const lambda = 0.7;
    const ease = createEaseRecommender({ lambda, minItemUsers: 1 });
    await ease.fit(tiny);
    expect(ease.modelledItems).toBe(4); // item 4 has no users
    const n = 4;
    const gram = new Float64Array(n * n);
    for (let u = 0; u < 4; u++) {
      const items = Array.from(rowIndices(tiny, u));
      for (const a of items) for (const b of items) gram[a * n + b]! += 1;
    }
    for (let i = 0; i < n; i++) gram[i * n + i]! += lambda;
    const p = invertSpdInPlace(gram, n, { blockSize: 2 });
    const scores = new Float32Array(5);
    ease.scoreBatch({ seeds: tiny, rows: Int32Array.from([1]) }, scores);
    // user 1 has items 1, 2: score_j = Σ_{i∈{1,2}} −P_ij / P_jj (B_jj = 0)
    for (const j of [0, 3]) expect(scores[j]).toBeCloseTo((-p[1 * n + j]! - p[2 * n + j]!) / p[j * n + j]!, 5);
    expect(scores[4]!).toBeLessThan(Math.min(scores[0]!, scores[1]!, scores[2]!, scores[3]!));
  });

  it('item-kNN similarities are plain cosine on binary data', async () => {
    const tiny = buildCsr(
      { rowIndex: Int32Array.from([0, 0, 1, 1, 2]), colIndex: Int32Array.from([0, 1, 0, 1, 0]) },
      { rows: 3, cols: 2 },
    );
    const knn = createItemKnnRecommender({ neighbors: 5 });
    await knn.fit(tiny);
    // items 0 (3 users) and 1 (2 users) share 2 users: 2 / sqrt(6)
    expect(knn.similarityGraph.values[0]).toBeCloseTo(2 / Math.sqrt(6), 6);
  });

  it('ALS is reproducible for a fixed seed', async () => {
    const a = createAlsRecommender({ factors: 4, iterations: 3, seed: 9 });
    const b = createAlsRecommender({ factors: 4, iterations: 3, seed: 9 });
    await a.fit(split.train);
    await b.fit(split.train);
    expect(Array.from(a.itemVectors)).toEqual(Array.from(b.itemVectors));
  });
});

describe('home-stack model spec', () => {
  it('refuses minRounds above rounds (explicit or the default 400), naming both', () => {
    const registry = createModelRegistry();
    expect(() => registry.create('home-stack:rounds=100:minRounds=300')).toThrow('model home-stack: minRounds=300 exceeds rounds=100');
    expect(() => registry.create('home-stack:minRounds=500')).toThrow('model home-stack: minRounds=500 exceeds rounds=400 (the default)');
    expect(() => registry.create('home-stack:rounds=300:minRounds=300')).not.toThrow();
  });

  it('threads=N reaches XGBoost (nthread) as a whole number ≥ 1; others are refused, naming the value', () => {
    const registry = createModelRegistry();
    const xgboostOf = (spec: string) => (registry.create(spec) as ReturnType<typeof createHomeStackRecommender>).options.ranker?.xgboost;
    expect(xgboostOf('home-stack:threads=1')).toEqual({ params: { nthread: 1 } });
    expect(xgboostOf('home-stack:threads=2:rounds=50')).toEqual({ rounds: 50, params: { nthread: 2 } });
    // no threads=: the trainer's own default (2), nothing set here
    expect(xgboostOf('home-stack')).toBeUndefined();
    for (const threads of ['0', '1.5', '-1']) {
      expect(() => registry.create(`home-stack:threads=${threads}`)).toThrow(
        `model home-stack: threads=${threads}; expected a whole number ≥ 1 (XGBoost's threads, default 2; the shared-fit test uses 1)`,
      );
    }
  });

  it("maps the heads' XGBoost settings (depth, eta, childWeight, subsample, colsample, objective) and refuses bad ones, naming the value", () => {
    const registry = createModelRegistry();
    const created = (spec: string) => registry.create(spec) as ReturnType<typeof createHomeStackRecommender>;
    expect(created('home-stack:depth=4:eta=0.02:childWeight=0.5:subsample=0.7:colsample=0.5:objective=pairwise').options.ranker?.xgboost).toEqual({
      params: { max_depth: 4, eta: 0.02, min_child_weight: 0.5, subsample: 0.7, colsample_bytree: 0.5, objective: 'rank:pairwise' },
    });
    // the word parameter is in the row name as written, so --compare tells variants apart
    expect(created('home-stack:objective=pairwise:depth=4').name).toBe('home stack (candidates + LambdaMART heads; objective=pairwise:depth=4)');
    expect(() => registry.create('home-stack:objective=listwise')).toThrow("model home-stack: objective=listwise; expected one of ndcg, pairwise, map (the heads' XGBoost rank:… objective)");
    expect(() => registry.create('home-stack:depth=2.5')).toThrow("model home-stack: depth=2.5; expected a whole number from 1 to 16 (the heads' tree depth, default 6)");
    expect(() => registry.create('home-stack:eta=0')).toThrow('model home-stack: eta=0; expected a learning rate in (0, 1] (default 0.02)');
    expect(() => registry.create('home-stack:childWeight=-1')).toThrow("model home-stack: childWeight=-1; expected a number ≥ 0 (the heads' min_child_weight, default 0.05)");
    expect(() => registry.create('home-stack:subsample=1.5')).toThrow('model home-stack: subsample=1.5; expected a fraction in (0, 1] (rows sampled per tree, default 0.8)');
    expect(created('home-stack:patience=100').options.ranker?.xgboost).toEqual({ earlyStoppingRounds: 100 });
    expect(created('home-stack:smoothing=25').options.ranker?.xgboost).toEqual({ smoothing: 25 });
    expect(() => registry.create('home-stack:smoothing=2.5')).toThrow('model home-stack: smoothing=2.5; expected a whole number ≥ 1 (rounds averaged when early stopping judges a round, default 1)');
    expect(() => registry.create('home-stack:patience=0')).toThrow('model home-stack: patience=0; expected a whole number ≥ 1 (rounds without a better validation NDCG@10 before a head stops, default 100)');
    // holdout=F: the ranker's label share (rows are not shared with the default: it changes the split)
    expect(created('home-stack:holdout=0.1').options.ranker?.holdoutFraction).toBe(0.1);
    expect(created('home-stack').options.ranker?.holdoutFraction).toBeUndefined();
    expect(() => registry.create('home-stack:holdout=1')).toThrow("model home-stack: holdout=1; expected a fraction in (0, 1) (each listener's share of events, latest first on a timed log, held out as the ranker's labels; default 0.2)");
    expect(() => registry.create('home-stack:colsample=0')).toThrow('model home-stack: colsample=0; expected a fraction in (0, 1] (features sampled per tree, default 0.8)');
  });

  it('trains with the next-track source by default, as the build does (HOME_SEQUENCE_EPOCHS); sequence=0 turns it off', () => {
    const registry = createModelRegistry();
    const sequenceOf = (spec: string) => (registry.create(spec) as ReturnType<typeof createHomeStackRecommender>).options.sequence;
    expect(sequenceOf('home-stack')).toEqual({ epochs: HOME_SEQUENCE_EPOCHS, dim: undefined, k: undefined });
    expect(sequenceOf('home-stack:sequence=3:sequenceDim=16:sequenceK=20')).toEqual({ epochs: 3, dim: 16, k: 20 });
    expect(sequenceOf('home-stack:sequence=0')).toBeUndefined();
    // the default's row keeps the plain name; an explicit setting shows in it
    expect(registry.create('home-stack').name).toBe('home stack (candidates + LambdaMART heads)');
    expect(registry.create('home-stack:sequence=0').name).toBe('home stack (candidates + LambdaMART heads; sequence=0)');
  });

  it('its options are read-only at every depth (the shared-fit key is their JSON): an edit does not type-check', () => {
    const stack = createModelRegistry().create('home-stack:threads=1') as ReturnType<typeof createHomeStackRecommender>;
    // these lines are checked by the typecheck task; they sit in a function never called, since running them would edit
    const edits = () => {
      // @ts-expect-error a nested option (before: only the top level was read-only, and this compiled)
      stack.options.ranker!.xgboost!.params!.nthread = 4;
      // @ts-expect-error the ranker's options object
      stack.options.ranker!.blendBags = 0;
      // @ts-expect-error the top level
      stack.options.seed = 1;
    };
    void edits;
    expect(stack.options.ranker?.xgboost?.params?.nthread).toBe(1);
  });
});
