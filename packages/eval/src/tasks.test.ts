import { generateSynthetic, InteractionLogBuilder } from '@mixtape/catalog';
import { describe, expect, it } from 'vitest';
import { datasetFromInteractionLog } from './data';
import type { EvalDataset } from './data';
import { createModelRegistry, parseModelSpec } from './models/registry';
import { runEvalTask, splitForTask } from './tasks';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogTransitionGroups, serializeSequenceModel, trainSequenceModel } from '@mixtape/sequence';
import { DEFAULT_TRAINING_PRIOR } from './models/sasrec';

const recallOf = (result: Awaited<ReturnType<typeof runEvalTask>>, model: string): number =>
  result.models.find((m) => m.model.startsWith(model))!.metrics.find((m) => m.name === 'Recall@10')!.mean;

describe('model registry', () => {
  it('parses specs and rejects unknown names and parameters', () => {
    expect(parseModelSpec('ease:lambda=200:minItemUsers=3')).toEqual({ name: 'ease', parameters: { lambda: 200, minItemUsers: 3 } });
    const registry = createModelRegistry();
    expect(registry.createAll('popularity, item-knn:neighbors=50,ease:lambda=10').map((m) => m.name)).toEqual([
      'popularity',
      'item-knn (cosine)',
      'EASE (λ=10)',
    ]);
    expect(() => registry.create('svd')).toThrow(/unknown model "svd"/);
    expect(() => registry.create('ease:gamma=1')).toThrow(/unknown parameter "gamma"/);
    expect(() => registry.create('ease:lambda')).toThrow(/expected key=value/);
  });
});

describe('next-items on synthetic sessions', () => {
  it('splits by time and collaborative models beat popularity', async () => {
    const synthetic = generateSynthetic({ seed: 7, tracks: 1500, users: 300, interactions: 300 * 60 });
    const dataset = datasetFromInteractionLog(synthetic.interactions, synthetic.store, { name: 'synthetic', source: 'generator' });
    const split = splitForTask(dataset, 'next-items', { lastN: 5 });
    expect(split.protocol).toMatch(/temporal last-5/);
    // every test interaction is later than every training interaction of the same user
    const result = await runEvalTask(dataset, {
      task: 'next-items',
      models: createModelRegistry().createAll('popularity,item-knn,ease'),
      ks: [10],
      bootstrapSamples: 100,
    });
    expect(result.models.map((m) => m.model)).toEqual(['popularity', 'item-knn (cosine)', 'EASE (λ=50)']);
    expect(result.models[2]!.notes).toMatch(/dense model over \d+ of 1500 items/);
    expect(recallOf(result, 'item-knn')).toBeGreaterThan(0);
    // tracks have artists, so artist diversity is reported
    expect(result.models[0]!.metrics.some((m) => m.name === 'ILD-artist@10')).toBe(true);
  });
});

describe('playlist continuation', () => {
  it('evaluates on hidden playlist tails and finds the planted co-occurrence', async () => {
    // 200 playlists of 10 tracks drawn from 5 themes of 20 tracks each, in order.
    const builder = new InteractionLogBuilder();
    const user = builder.userIndex('curator');
    let state = 99;
    const next = (): number => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let p = 0; p < 200; p++) {
      const theme = p % 5;
      const chosen = new Set<number>();
      while (chosen.size < 10) chosen.add(theme * 20 + Math.floor(next() * 20));
      let position = 0;
      for (const track of chosen) builder.push({ userIndex: user, trackIndex: track, timestamp: position++, type: 'playlist_add', context: `pl${p}` });
    }
    const dataset: EvalDataset = datasetFromInteractionLog(builder.build(), undefined, { name: 'themes', source: 'test', rowsBy: 'context' });
    const result = await runEvalTask(dataset, {
      task: 'playlist-continuation',
      models: createModelRegistry().createAll('popularity,item-knn'),
      ks: [10],
      testPlaylists: 0.2,
      bootstrapSamples: 100,
    });
    expect(result.evaluatedRows).toBe(40);
    expect(result.protocol).toMatch(/40 test playlists .* last 20% of each hidden/);
    expect(recallOf(result, 'item-knn')).toBeGreaterThan(recallOf(result, 'popularity') + 0.2);
  });

  it('refuses next-items on data without timestamps', () => {
    const dataset: EvalDataset = {
      name: 'untimed', source: 'x', rowKind: 'users', numRows: 1, numItems: 3,
      row: Int32Array.from([0, 0, 0]), item: Int32Array.from([0, 1, 2]), weight: new Float32Array(3).fill(1), time: new Float64Array(3),
    };
    expect(() => splitForTask(dataset, 'next-items')).toThrow(/untimed: every interaction has the same timestamp/);
  });

  it('refuses playlist continuation on data without an order (the "last 20%" would be file order)', () => {
    const dataset: EvalDataset = {
      name: 'untimed', source: 'x', rowKind: 'users', numRows: 1, numItems: 3,
      row: Int32Array.from([0, 0, 0]), item: Int32Array.from([0, 1, 2]), weight: new Float32Array(3).fill(1), time: new Float64Array(3),
    };
    expect(() => splitForTask(dataset, 'playlist-continuation')).toThrow(/untimed: every interaction has the same timestamp, so "the last 20% of each playlist" is undefined; use --task user-holdout/);
  });

  it('refuses to report a table of zeros when no row can be evaluated (every user has fewer than --min-items items)', async () => {
    const dataset: EvalDataset = {
      name: 'tiny', source: 'x', rowKind: 'users', numRows: 2, numItems: 4,
      row: Int32Array.from([0, 0, 1, 1]), item: Int32Array.from([0, 1, 2, 3]), weight: new Float32Array(4).fill(1), time: Float64Array.from([1, 2, 3, 4]),
    };
    const models = createModelRegistry().createAll('popularity');
    await expect(runEvalTask(dataset, { task: 'user-holdout', models, ks: [10], minItems: 5, bootstrapSamples: 10 })).rejects.toThrow(
      /^tiny: no users to evaluate for --task user-holdout \(user-level random holdout: .*0 users with ≥ 5 items evaluated\); expected users with enough listens .*\(the log has 2 users, 4 interactions\)/,
    );
    const one: EvalDataset = { ...dataset, numRows: 1, row: new Int32Array(4) };
    await expect(runEvalTask(one, { task: 'user-holdout', models, ks: [10], minItems: 5, bootstrapSamples: 10 })).rejects.toThrow(/\(the log has 1 user, 4 interactions\)/);
  });

  it('carves a validation split from the training part: never a test tail, tails of other playlists hidden in order', () => {
    // 100 playlists of 12 distinct tracks in position order
    const row: number[] = [];
    const item: number[] = [];
    const time: number[] = [];
    for (let p = 0; p < 100; p++) {
      for (let i = 0; i < 12; i++) {
        row.push(p);
        item.push((p * 7 + i * 13) % 300);
        time.push(i);
      }
    }
    const dataset: EvalDataset = {
      name: 'lists', source: 'x', rowKind: 'playlists', numRows: 100, numItems: 300,
      row: Int32Array.from(row), item: Int32Array.from(item), weight: new Float32Array(row.length).fill(1), time: Float64Array.from(time),
    };
    const test = splitForTask(dataset, 'playlist-continuation', { seed: 3 });
    const validation = splitForTask(dataset, 'playlist-continuation', { seed: 3, validation: true });
    expect(validation.protocol).toMatch(/^VALIDATION split carved from the training part only — playlist continuation: 10 test playlists/);
    const entries = (m: typeof test.train, r: number) => Array.from(m.indices.subarray(m.indptr[r]!, m.indptr[r + 1]!));
    const playlist = (r: number) => item.slice(r * 12, r * 12 + 12);
    let differentRows = 0;
    for (const r of validation.evalRows) {
      if (!test.evalRows.includes(r)) differentRows++;
      // the validation tail is the end of what the test split trains on, in position order
      const seen = test.evalRows.includes(r) ? playlist(r).slice(0, 10) : playlist(r);
      expect(entries(validation.test, r).sort((a, b) => a - b)).toEqual(seen.slice(-2).sort((a, b) => a - b));
      expect(entries(validation.train, r).sort((a, b) => a - b)).toEqual(seen.slice(0, -2).sort((a, b) => a - b));
    }
    expect(differentRows).toBeGreaterThan(0);
    // no test tail is ever in the validation split
    for (const r of test.evalRows) for (const track of entries(test.test, r)) expect([...entries(validation.train, r), ...entries(validation.test, r)]).not.toContain(track);
    // another validation seed: other validation playlists of the same training part, still no test tail
    const other = splitForTask(dataset, 'playlist-continuation', { seed: 3, validation: true, validationSeed: 11 });
    expect(other.protocol).toMatch(/seed 11/);
    expect([...other.evalRows]).not.toEqual([...validation.evalRows]);
    for (const r of test.evalRows) for (const track of entries(test.test, r)) expect([...entries(other.train, r), ...entries(other.test, r)]).not.toContain(track);
  });
});

describe('validation seeds', () => {
  // 60 users × 20 distinct items of 200, no order (user-holdout)
  const row: number[] = [];
  const item: number[] = [];
  for (let u = 0; u < 60; u++) for (let i = 0; i < 20; i++) { row.push(u); item.push((u * 11 + i * 7) % 200); }
  const dataset: EvalDataset = {
    name: 'holdout', source: 'x', rowKind: 'users', numRows: 60, numItems: 200,
    row: Int32Array.from(row), item: Int32Array.from(item), weight: new Float32Array(row.length).fill(1), time: new Float64Array(row.length),
  };
  const pairs = (m: ReturnType<typeof splitForTask>['test']) => {
    const out = new Set<string>();
    for (let r = 0; r < m.rows; r++) for (let e = m.indptr[r]!; e < m.indptr[r + 1]!; e++) out.add(`${r}:${m.indices[e]}`);
    return out;
  };

  it('carves another validation split of the same training part per seed, never touching a test item', () => {
    const test = splitForTask(dataset, 'user-holdout', { seed: 7 });
    const testPairs = pairs(test.test);
    const byDefault = splitForTask(dataset, 'user-holdout', { seed: 7, validation: true });
    const eight = splitForTask(dataset, 'user-holdout', { seed: 7, validation: true, validationSeed: 8 });
    const nine = splitForTask(dataset, 'user-holdout', { seed: 7, validation: true, validationSeed: 9 });
    // the default validation seed is seed + 1
    expect([...pairs(eight.test)]).toEqual([...pairs(byDefault.test)]);
    expect(nine.protocol).toMatch(/\(seed 9\)/);
    expect([...pairs(nine.test)]).not.toEqual([...pairs(eight.test)]);
    const trainPairs = pairs(test.train);
    for (const split of [eight, nine]) {
      // train ∪ validation targets = the test split's training part, exactly
      expect(new Set([...pairs(split.train), ...pairs(split.test)])).toEqual(trainPairs);
      for (const pair of [...pairs(split.train), ...pairs(split.test)]) expect(testPairs.has(pair)).toBe(false);
    }
  });

  it('refuses a validation seed without a validation split or on next-items', () => {
    expect(() => splitForTask(dataset, 'user-holdout', { seed: 7, validationSeed: 9 })).toThrow(/validationSeed 9: only for a validation split .* got no validation/);
    expect(() => splitForTask({ ...dataset, time: Float64Array.from(row, (_u, e) => e) }, 'next-items', { validation: true, validationSeed: 9 })).toThrow(/got task next-items/);
  });
});

describe('next-items leave-one-out with sequence models', () => {
  const synthetic = generateSynthetic({ seed: 7, tracks: 1500, users: 300, interactions: 300 * 60 });
  const dataset = datasetFromInteractionLog(synthetic.interactions, synthetic.store, { name: 'synthetic', source: 'generator' });
  const ndcgOf = (result: Awaited<ReturnType<typeof runEvalTask>>, model: string, name = 'NDCG@10'): number =>
    result.models.find((m) => m.model.startsWith(model))!.metrics.find((m) => m.name === name)!.mean;

  it('the transition baseline and the transformer read listening order; sampled metrics sit beside the full-catalog ones', async () => {
    const result = await runEvalTask(dataset, {
      task: 'next-items',
      nextItems: 'leave-one-out',
      models: createModelRegistry().createAll('popularity,item-knn,transition,transition-backoff:validationRows=50,sasrec:dim=16:maxLength=20:epochs=2:validationRows=50:threads=1'),
      ks: [10],
      bootstrapSamples: 100,
      sampledNegatives: 100,
    });
    expect(result.protocol).toMatch(/leave-one-out \(SASRec\)/);
    // album runs make the previous track the best single clue on this data
    expect(ndcgOf(result, 'transition (')).toBeGreaterThan(2 * ndcgOf(result, 'item-knn'));
    for (const model of ['popularity', 'item-knn', 'transition (', 'transition-backoff', 'SASRec']) {
      // 100 negatives are far easier than the whole catalog
      expect(ndcgOf(result, model, 'NDCG@10 (sampled)')).toBeGreaterThan(ndcgOf(result, model));
    }
    expect(result.models.find((m) => m.model.startsWith('SASRec'))!.notes).toMatch(/2 epochs/);
    expect(result.models.find((m) => m.model.startsWith('SASRec'))!.notes).toMatch(/transition prior ((α=[\d.]+, μ=[\d.]+, γ=[\d.]+|item level off)(; (album|artist) (off|α=[\d.]+, μ=[\d.]+))* chosen on validation|off)/);
    // the prior alone reads the same order, its settings chosen on validation rows of its own
    expect(result.models.find((m) => m.model.startsWith('transition-backoff'))!.notes).toMatch(/chosen on validation|no setting beat popularity/);
    expect(result.sampledNegatives).toBe(100);
  });

  it('sasrec:model=FILE reads a model trained on the same split (what diagnose:next-items --train writes) and serves what training it here serves', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'sasrec-file-'));
    try {
      // the test split's training part, as diagnose:next-items reads it
      const sequences = splitForTask(dataset, 'next-items', { nextItems: 'leave-one-out', validation: false, seed: 42 }).sequences!;
      const data = { items: sequences.indices, offsets: sequences.indptr, numItems: dataset.numItems };
      const options = { model: { dim: 16, maxLength: 20 }, epochs: 1, validationRows: 50, threads: 1, seed: 42, transitionGroups: catalogTransitionGroups(synthetic.store, ['album', 'artist']), trainWithPrior: DEFAULT_TRAINING_PRIOR };
      const trained = await trainSequenceModel(data, options);
      const file = join(directory, 'm.bin');
      writeFileSync(file, serializeSequenceModel(trained.model, { bestEpoch: trained.bestEpoch }));
      const run = (spec: string) => runEvalTask(dataset, { task: 'next-items', nextItems: 'leave-one-out', models: createModelRegistry().createAll(spec), ks: [10], bootstrapSamples: 10, seed: 42 });
      const [read, here] = await Promise.all([run(`sasrec:model=${file}`), run('sasrec:dim=16:maxLength=20:epochs=1:validationRows=50:threads=1')]);
      expect(read.models[0]!.model).toBe(`SASRec transformer read from ${file} (its own served prior)`);
      expect(read.models[0]!.notes).toMatch(/validation rows 50, seed 42, hash [0-9a-f]{16} — this split's/);
      // the same model: every metric equal to training it inside eval
      expect(read.models[0]!.metrics.map((m) => m.mean)).toEqual(here.models[0]!.metrics.map((m) => m.mean));
      // another log of the same catalog size: the same seed and count draw other rows, so the file was not trained on this split — refused, not evaluated
      const other = generateSynthetic({ seed: 8, tracks: 1500, users: 300, interactions: 300 * 60 });
      const otherDataset = datasetFromInteractionLog(other.interactions, other.store, { name: 'synthetic', source: 'generator' });
      await expect(runEvalTask(otherDataset, { task: 'next-items', nextItems: 'leave-one-out', models: createModelRegistry().createAll(`sasrec:model=${file}`), ks: [10], bootstrapSamples: 10, seed: 42 })).rejects.toThrow(
        /^model sasrec: .*m\.bin: the 50 validation rows drawn from this data with seed 42 \(hash [0-9a-f]{16}\) are not the ones the model held out \(hash [0-9a-f]{16}\) — it was trained on other data/,
      );
      const { validation: _v, ...unrecorded } = trained.model;
      writeFileSync(file, serializeSequenceModel(unrecorded));
      await expect(run(`sasrec:model=${file}`)).rejects.toThrow('the model does not record a hash of its validation rows');
      expect(() => createModelRegistry().create(`sasrec:model=${file}:epochs=3`)).toThrow('model sasrec: model=FILE reads a trained model; its training options cannot be set too (got epochs)');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('order-free tasks refuse sequence models and say which task to use', async () => {
    await expect(
      runEvalTask(dataset, { task: 'user-holdout', models: createModelRegistry().createAll('transition'), ks: [10], bootstrapSamples: 10 }),
    ).rejects.toThrow(/--task next-items/);
  });
});
