// The prior inside the training softmax leaves each position's own transition out — of the item
// level's counts and of every back-off level's same-group counts — so its boosts are the served
// prior's (buildTransitionPrior) over the training counts minus that one transition.
import { describe, expect, it } from 'vitest';
import { describeParameters, initializeModel, resolveModelConfig } from '../model';
import type { TransitionGroup, TransitionPriorSettings } from '../transitions';
import { buildTransitionPrior, countGroupTransitions, countTransitions } from '../transitions';
import type { TransitionCounts } from '../transitions';
import { EngineHost } from './host';
import { loadPrior, priorRegions } from './training-prior';

const numItems = 12;
// album = 3 consecutive items (11 in none), artist = 6 consecutive items
const groups: TransitionGroup[] = [
  { name: 'album', of: Int32Array.from({ length: numItems }, (_, i) => (i === 11 ? -1 : Math.floor(i / 3))) },
  { name: 'artist', of: Int32Array.from({ length: numItems }, (_, i) => Math.floor(i / 6)) },
];
const rows = [
  [0, 1, 2, 3, 4, 5],
  [1, 2, 0, 7, 8, 6, 11],
  [3, 4, 5, 9, 10, 11, 2],
  [6, 7, 8, 0, 2, 1],
];
const items = Int32Array.from(rows.flat());
const offsets = Int32Array.from([0, ...rows.map((_, r) => rows.slice(0, r + 1).flat().length)]);
const settings: TransitionPriorSettings = { alpha: 1.5, mu: 0.1, gamma: 0.5, groups: [{ name: 'album', alpha: 2, mu: 0.05 }, { name: 'artist', alpha: 0.7, mu: 0.2 }] };

/** The counts without one (previous → next) transition (item counts kept: the loss keeps q). */
function without(counts: TransitionCounts, previous: number, next: number): TransitionCounts {
  const copy = { ...counts, counts: Float32Array.from(counts.counts) };
  for (let e = counts.offsets[previous]!; e < counts.offsets[previous + 1]!; e++) if (counts.items[e] === next) copy.counts[e]! -= 1;
  return copy;
}

/** Σ over positions of −log softmax(boosts)[target] with all logits 0 (the output embeddings zeroed). */
function expectedLoss(counts: TransitionCounts, s: TransitionPriorSettings, levelGroups: TransitionGroup[]): number {
  let loss = 0;
  for (let r = 0; r < rows.length; r++) {
    for (let t = 0; t + 1 < rows[r]!.length; t++) {
      const [previous, next] = [rows[r]![t]!, rows[r]![t + 1]!];
      const prior = buildTransitionPrior(without(counts, previous, next), s, levelGroups);
      const boosts = new Float64Array(numItems);
      for (let e = prior.offsets[previous]!; e < prior.offsets[previous + 1]!; e++) boosts[prior.items[e]!] = prior.boosts[e]!;
      let sum = 0;
      for (const b of boosts) sum += Math.exp(b);
      loss += Math.log(sum) - boosts[next]!;
    }
  }
  return loss;
}

async function engineLoss(s: TransitionPriorSettings, levelGroups: TransitionGroup[]): Promise<number> {
  const config = resolveModelConfig({ numItems, dim: 8, heads: 1, blocks: 2, maxLength: 8, dropout: 0 });
  const counts = countTransitions({ items, offsets }, numItems);
  const levelCounts = levelGroups.map((group) => countGroupTransitions(counts, group));
  const candidates = Math.ceil(numItems / 4) * 4;
  const tokens = items.length - rows.length;
  const host = EngineHost.create({ config, threads: 1, maxTokens: tokens, maxSequences: rows.length, maxCandidates: candidates, training: true, extra: priorRegions(counts, levelCounts, candidates) });
  try {
    const model = initializeModel(config, 3);
    const output = describeParameters(config).find((tensor) => tensor.name === 'output')!;
    model.parameters.fill(0, output.offset, output.offset + numItems * config.dim);
    host.parameters.set(model.parameters);
    const { i32 } = host.runtime;
    const { batch } = host;
    let token = 0;
    i32[batch.sequenceOffsets] = 0;
    rows.forEach((row, s) => {
      const n = row.length - 1;
      for (let t = 0; t < n; t++, token++) {
        i32[batch.tokens + token] = row[t]!;
        i32[batch.positions + token] = config.maxLength - n + t;
        i32[batch.targets + token] = row[t + 1]!;
      }
      i32[batch.sequenceOffsets + s + 1] = token;
    });
    for (let j = 0; j < candidates; j++) i32[batch.candidates + j] = j < numItems ? j : -1;
    const prior = loadPrior(host, counts, s, levelGroups, levelCounts);
    return host.trainShardLocally({ firstSequence: 0, endSequence: rows.length, seed: 1, step: 1, training: true, candidateCount: candidates, fullSoftmax: true, lossScale: 1 / tokens, gradBase: host.gradBase, prior }).loss;
  } finally {
    await host.close();
  }
}

describe('the transition prior inside the training softmax', () => {
  it('with back-off levels: each position sees the served boosts of the counts without its own transition', async () => {
    const counts = countTransitions({ items, offsets }, numItems);
    const expected = expectedLoss(counts, settings, groups);
    expect(await engineLoss(settings, groups)).toBeCloseTo(expected, 3);
    // the levels matter here: the item level alone gives another loss
    const itemOnly = { alpha: settings.alpha, mu: settings.mu, gamma: settings.gamma };
    expect(Math.abs(expectedLoss(counts, itemOnly, []) - expected)).toBeGreaterThan(0.1);
    expect(await engineLoss(itemOnly, [])).toBeCloseTo(expectedLoss(counts, itemOnly, []), 3);
  });

  it('a level switched off (α = 0) adds nothing', async () => {
    const counts = countTransitions({ items, offsets }, numItems);
    const albumOnly: TransitionPriorSettings = { ...settings, groups: [settings.groups![0]!, { name: 'artist', alpha: 0, mu: 0.2 }] };
    expect(await engineLoss(albumOnly, groups)).toBeCloseTo(expectedLoss(counts, albumOnly, groups), 3);
  });
});
