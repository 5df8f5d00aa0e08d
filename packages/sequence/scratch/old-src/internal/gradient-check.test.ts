// Gradient checks: every parameter tensor's analytic gradient (the engine's backward pass)
// against central finite differences of the loss, on a small model with dropout on (the masks
// are seeded, so both sides see the same ones), for the sampled and the full softmax.
import { describe, expect, it } from 'vitest';
import { describeParameters, initializeModel, resolveModelConfig } from '../model';
import type { SequenceModelConfig } from '../model';
import { EngineHost } from './host';
import type { ShardJob } from './engine';

interface Case {
  config: SequenceModelConfig;
  host: EngineHost;
  job: ShardJob;
}

function setup(overrides: Partial<SequenceModelConfig>, fullSoftmax: boolean, withPrior = false): Case {
  const config = resolveModelConfig({ numItems: 13, dim: 8, heads: 2, blocks: 2, maxLength: 6, dropout: 0.1, ...overrides });
  const lengths = [6, 3, 1, 4];
  const tokens = lengths.reduce((a, b) => a + b, 0);
  const negatives = 7;
  // a transition prior inside the loss: item i was followed by (i + 1), (i + 2) and (i + 5) mod 13
  const pairs = config.numItems * 3;
  const extra = withPrior ? { offsets: config.numItems + 1, items: pairs, counts: pairs, totals: config.numItems, q: config.numItems, slotHead: config.numItems, slotNext: 16 } : undefined;
  const host = EngineHost.create({ config, threads: 1, maxTokens: tokens, maxSequences: lengths.length, maxCandidates: fullSoftmax ? config.numItems : negatives, training: true, extra });
  const model = initializeModel(config, 5);
  host.parameters.set(model.parameters);
  const { i32, f32 } = host.runtime;
  const { batch } = host;
  let state = 11;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  let t = 0;
  i32[batch.sequenceOffsets] = 0;
  lengths.forEach((length, s) => {
    for (let p = 0; p < length; p++, t++) {
      i32[batch.tokens + t] = next(config.numItems);
      i32[batch.positions + t] = config.maxLength - length + p;
      i32[batch.targets + t] = p === 1 && s === 0 ? -1 : next(config.numItems);
    }
    i32[batch.sequenceOffsets + s + 1] = t;
  });
  let candidateCount: number;
  if (fullSoftmax) {
    candidateCount = Math.ceil(config.numItems / 4) * 4;
    for (let j = 0; j < candidateCount; j++) i32[batch.candidates + j] = j < config.numItems ? j : -1;
  } else {
    candidateCount = 8;
    for (let j = 0; j < candidateCount; j++) i32[batch.candidates + j] = j < negatives ? next(config.numItems) : -1;
    for (let i = 0; i < config.numItems; i++) f32[batch.itemLogQ + i] = Math.log((i + 1) / 91);
  }
  const job: ShardJob = { firstSequence: 0, endSequence: lengths.length, seed: 3, step: 1, training: true, candidateCount, fullSoftmax, lossScale: 1 / tokens, gradBase: host.gradBase };
  if (withPrior) {
    const x = host.extra;
    for (let i = 0; i < config.numItems; i++) {
      i32[x.offsets! + i] = 3 * i;
      [1, 2, 5].forEach((step, e) => {
        i32[x.items! + 3 * i + e] = (i + step) % config.numItems;
        f32[x.counts! + 3 * i + e] = 1 + ((i + e) % 4);
      });
      f32[x.totals! + i] = [0, 1, 2].reduce((sum, e) => sum + 1 + ((i + e) % 4), 0);
      f32[x.q! + i] = 0.5 + (i % 3) / 2;
      i32[x.slotHead! + i] = -1;
    }
    i32[x.offsets! + config.numItems] = pairs;
    if (!fullSoftmax) {
      for (let j = 0; j < candidateCount; j++) {
        const id = i32[batch.candidates + j]!;
        if (id < 0) continue;
        i32[x.slotNext! + j] = i32[x.slotHead! + id]!;
        i32[x.slotHead! + id] = j;
      }
    }
    job.prior = { alpha: 1.5, mu: 0.1, offsets: x.offsets!, items: x.items!, counts: x.counts!, totals: x.totals!, q: x.q!, slotHead: x.slotHead!, slotNext: x.slotNext! };
  }
  return { config, host, job };
}

function check({ config, host, job }: Case): { worst: number; checked: number } {
  const loss = () => host.trainShardLocally(job).loss * job.lossScale;
  loss();
  const analytic = Float32Array.from(host.gradients(0));
  const parameters = host.parameters;
  let worst = 0;
  let checked = 0;
  for (const tensor of describeParameters(config)) {
    const size = tensor.shape.reduce((a, b) => a * b, 1);
    for (let sample = 0; sample < Math.min(size, 12); sample++) {
      const index = tensor.offset + ((sample * 104729) % size);
      const saved = parameters[index]!;
      // two step sizes: a ReLU kink inside one step spoils that difference, float32 noise the other
      let error = Infinity;
      let numeric = 0;
      for (const h of [1e-3, 2e-4]) {
        parameters[index] = saved + h;
        const plus = loss();
        parameters[index] = saved - h;
        const minus = loss();
        parameters[index] = saved;
        const estimate = (plus - minus) / (2 * h);
        const relative = Math.abs(estimate - analytic[index]!) / Math.max(1e-2, Math.abs(estimate) + Math.abs(analytic[index]!));
        if (relative < error) [error, numeric] = [relative, estimate];
      }
      if (error > 0.05) throw new Error(`${tensor.name}[${index - tensor.offset}]: analytic ${analytic[index]} vs numeric ${numeric}`);
      worst = Math.max(worst, error);
      checked++;
    }
  }
  return { worst, checked };
}

/** Enough sampled parameters checked, every one within 5 %; the worker host is closed either way. */
async function expectGradientsMatch(testCase: Case): Promise<void> {
  try {
    const { worst, checked } = check(testCase);
    expect(checked).toBeGreaterThan(200);
    expect(worst).toBeLessThan(0.05);
  } finally {
    await testCase.host.close();
  }
}

describe('gradient check against finite differences', () => {
  it('sampled softmax with log-Q correction, tied output, 2 heads, dropout', async () => {
    const testCase = setup({ tied: true }, false);
    await expectGradientsMatch(testCase);
  });

  it('full softmax, untied output, wider feed-forward', async () => {
    const testCase = setup({ tied: false, ffDim: 16, heads: 1 }, true);
    await expectGradientsMatch(testCase);
  });

  it('a transition prior inside the softmax (sampled and full): a constant per logit, the gradients still match, and the loss moves', async () => {
    for (const full of [false, true]) {
      const testCase = setup({ tied: false }, full, true);
      const withPrior = testCase.host.trainShardLocally(testCase.job).loss;
      const without = testCase.host.trainShardLocally({ ...testCase.job, prior: undefined }).loss;
      expect(Math.abs(withPrior - without)).toBeGreaterThan(1e-3);
      await expectGradientsMatch(testCase);
    }
  });

  it('last-item residual, sampled softmax, untied and tied', async () => {
    for (const tied of [false, true]) {
      const testCase = setup({ tied, lastItemResidual: true }, false);
      await expectGradientsMatch(testCase);
    }
  });
});
