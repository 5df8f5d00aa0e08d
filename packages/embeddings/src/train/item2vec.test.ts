import { formatProgress } from '@mixtape/base';
import { describe, expect, it } from 'vitest';
import { trainItem2Vec } from './item2vec';
import type { Item2VecModel, TrainingProgress } from './item2vec';
import { item2vecKernel } from './item2vec-kernel';
import type { Item2VecKernelJob } from './item2vec-kernel';
import { getWasmApi } from '@mixtape/base';
import { sgnsWasmModule } from './sgns-wasm';
import { generateTasteSessions } from './synthetic-sessions';
import { cosineBetween, cosineSimilarity } from '@mixtape/base';

const sessions = generateTasteSessions({ numItems: 300, numGroups: 3, numSequences: 3000, minLength: 5, maxLength: 15, seed: 11 });
const baseOptions = { numItems: sessions.numItems, dim: 16, window: 4, negatives: 5, epochs: 4, seed: 5 } as const;

/** Share of each item's 10 nearest neighbours (cosine) that are in its own taste group. */
function neighbourPurity(model: Item2VecModel, itemGroup: Int32Array): number {
  const n = model.numItems;
  const similarities = new Float64Array(n);
  let same = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (!model.hasVector[i]) continue;
    for (let j = 0; j < n; j++) similarities[j] = j === i || !model.hasVector[j] ? -Infinity : cosineSimilarity(model.vectors, model.dim, i, j);
    for (let r = 0; r < 10; r++) {
      let best = 0;
      for (let j = 1; j < n; j++) if ((similarities[j] as number) > (similarities[best] as number)) best = j;
      if (itemGroup[best] === itemGroup[i]) same++;
      total++;
      similarities[best] = -Infinity;
    }
  }
  return same / total;
}

function meanCosine(model: Item2VecModel, itemGroup: Int32Array, sameGroup: boolean): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < model.numItems; i += 3) {
    for (let j = i + 1; j < model.numItems; j += 3) {
      if ((itemGroup[i] === itemGroup[j]) !== sameGroup) continue;
      sum += cosineSimilarity(model.vectors, model.dim, i, j);
      count++;
    }
  }
  return sum / count;
}

describe('trainItem2Vec', () => {
  it('puts items of the same taste group closer than items of different groups', async () => {
    const model = await trainItem2Vec(sessions.corpus, { ...baseOptions, threads: 1 });
    expect(model.vectors).toHaveLength(300 * 16);
    expect(model.stats.pairsTrained).toBeGreaterThan(0);
    const same = meanCosine(model, sessions.itemGroup, true);
    const cross = meanCosine(model, sessions.itemGroup, false);
    expect(same).toBeGreaterThan(cross + 0.3);
    expect(neighbourPurity(model, sessions.itemGroup)).toBeGreaterThan(0.9);
  });

  it('is deterministic with one thread: same seed, identical vectors; another seed, different ones', async () => {
    const first = await trainItem2Vec(sessions.corpus, { ...baseOptions, deterministic: true, epochs: 1 });
    const second = await trainItem2Vec(sessions.corpus, { ...baseOptions, deterministic: true, epochs: 1 });
    const reseeded = await trainItem2Vec(sessions.corpus, { ...baseOptions, deterministic: true, epochs: 1, seed: 6 });
    expect(Buffer.from(first.vectors.buffer).equals(Buffer.from(second.vectors.buffer))).toBe(true);
    expect(Buffer.from(first.vectors.buffer).equals(Buffer.from(reseeded.vectors.buffer))).toBe(false);
    const js = await trainItem2Vec(sessions.corpus, { ...baseOptions, deterministic: true, epochs: 1, kernel: 'js' });
    const jsAgain = await trainItem2Vec(sessions.corpus, { ...baseOptions, deterministic: true, epochs: 1, kernel: 'js' });
    expect(Buffer.from(js.vectors.buffer).equals(Buffer.from(jsAgain.vectors.buffer))).toBe(true);
  });

  it('trains across two worker threads (Hogwild) with the same quality', async () => {
    const model = await trainItem2Vec(sessions.corpus, { ...baseOptions, threads: 2 });
    expect(model.stats.threads).toBe(2);
    expect(model.stats.tokensProcessed).toBe(sessions.corpus.items.length * baseOptions.epochs);
    expect(neighbourPurity(model, sessions.itemGroup)).toBeGreaterThan(0.9);
  });

  it('reports progress with rates and a final 100%', async () => {
    const reports: TrainingProgress[] = [];
    await trainItem2Vec(sessions.corpus, { ...baseOptions, threads: 1, epochs: 1, progressIntervalMs: 5, onProgress: (p) => reports.push(p) });
    const last = reports.at(-1);
    expect(last?.fraction).toBe(1);
    expect(last?.tokensProcessed).toBe(sessions.corpus.items.length);
    expect(last?.tokensPerSecond).toBeGreaterThan(0);
    expect(last?.pairsPerSecond).toBeGreaterThan(0);
    expect(last?.etaMs).toBe(0);
    // it is also a catalog ProgressEvent
    expect(last).toMatchObject({ phase: 'item2vec', unit: 'tokens', done: sessions.corpus.items.length, etaSeconds: 0 });
    expect(formatProgress(last!)).toMatch(/^item2vec .* tokens \(100%\)/);
  });

  it('gives no vector to items under minCount', async () => {
    const items = Int32Array.from([0, 1, 2, 0, 1, 3, 0, 1]);
    const offsets = Int32Array.from([0, 3, 6, 8]);
    const model = await trainItem2Vec({ items, offsets }, { numItems: 5, dim: 4, minCount: 2, threads: 1, epochs: 2 });
    expect(Array.from(model.hasVector)).toEqual([1, 1, 0, 0, 0]);
    expect(Array.from(model.itemCounts)).toEqual([3, 3, 1, 1, 0]);
    expect(Array.from(model.vectors.subarray(2 * 4, 5 * 4)).every((v) => v === 0)).toBe(true);
    expect(model.stats.vocabularySize).toBe(2);
  });

  it('rejects malformed corpora with the position at fault', async () => {
    const items = Int32Array.from([0, 1, 2]);
    await expect(trainItem2Vec({ items, offsets: Int32Array.from([0, 2, 1, 3]) })).rejects.toThrow(/offsets\[2\] = 1 < offsets\[1\] = 2/);
    await expect(trainItem2Vec({ items, offsets: Int32Array.from([0, 2]) })).rejects.toThrow(/last offset must equal items.length \(3\)/);
    await expect(trainItem2Vec({ items, offsets: Int32Array.from([0, 3]) }, { numItems: 2 })).rejects.toThrow(/items\[2\] = 2 is outside/);
    await expect(trainItem2Vec({ items: Int32Array.from([0, -1]), offsets: Int32Array.from([0, 2]) })).rejects.toThrow(/items\[1\] = -1/);
    await expect(trainItem2Vec({ items, offsets: Int32Array.from([0, 3]) }, { window: 0 })).rejects.toThrow(/option window/);
    await expect(trainItem2Vec({ items, offsets: Int32Array.from([0, 3]) }, { minCount: 5 })).rejects.toThrow(/minCount = 5/);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user cancelled'));
    await expect(trainItem2Vec(sessions.corpus, { ...baseOptions, signal: controller.signal })).rejects.toThrow('user cancelled');

    const midway = new AbortController();
    const training = trainItem2Vec(sessions.corpus, {
      ...baseOptions,
      epochs: 50,
      threads: 2,
      signal: midway.signal,
      progressIntervalMs: 1,
      onProgress: () => midway.abort(new Error('stopped midway')),
    });
    await expect(training).rejects.toThrow('stopped midway');
  });
});

describe.each(['js', 'wasm'] as const)('item2vecKernel (%s pair update)', (kernel) => {
  // One sequence [0, 1], window 1, one negative that is always item 2, constant learning rate:
  // the kernel must apply word2vec's SGNS update — output vectors of the center and the negative
  // are updated at once, the context (input) vector gets the gradient accumulated over both.
  it('applies the word2vec SGNS update to the context input vector and the output vectors', () => {
    const dim = 4;
    const initialInput = [0.5, -0.2, 0.3, 0.1, 0.1, 0.3, -0.25, 0.2, 0.2, 0.2, 0.1, -0.1];
    const initialOutput = [0.3, 0.1, 0.2, -0.3, -0.4, 0.2, 0.15, 0.05, 0.25, -0.15, -0.2, 0.3];
    const rate = 0.5;
    const expectedInput = Float64Array.from(initialInput);
    const expectedOutput = Float64Array.from(initialOutput);
    // word2vec's tabulated logistic: 1000 steps over [-6, 6], looked up by truncation
    const sigmoid = (x: number): number => {
      const z = ((Math.trunc((x + 6) * (1000 / 12)) / 1000) * 2 - 1) * 6;
      return Math.fround(Math.exp(z) / (Math.exp(z) + 1));
    };
    // word2vec order: center 0 with context 1, then center 1 with context 0
    for (const [center, context] of [
      [0, 1],
      [1, 0],
    ] as const) {
      const gradient = new Float64Array(dim);
      for (const [target, label] of [
        [center, 1],
        [2, 0],
      ] as const) {
        let dot = 0;
        for (let k = 0; k < dim; k++) dot += expectedInput[context * dim + k]! * expectedOutput[target * dim + k]!;
        const g = (label - sigmoid(dot)) * rate;
        for (let k = 0; k < dim; k++) {
          gradient[k]! += g * expectedOutput[target * dim + k]!;
          expectedOutput[target * dim + k]! += g * expectedInput[context * dim + k]!;
        }
      }
      for (let k = 0; k < dim; k++) expectedInput[context * dim + k]! += gradient[k]!;
    }

    let input: Float32Array = Float32Array.from(initialInput);
    let output: Float32Array = Float32Array.from(initialOutput);
    let wasm: Item2VecKernelJob['wasm'];
    if (kernel === 'wasm') {
      const api = getWasmApi()!;
      const memory = new api.Memory({ initial: 1, maximum: 1, shared: true });
      input = new Float32Array(memory.buffer, 0, 12);
      output = new Float32Array(memory.buffer, 48, 12);
      input.set(initialInput);
      output.set(initialOutput);
      wasm = { bytes: sgnsWasmModule(), memory, inputByteOffset: 0, outputByteOffset: 48, scratchByteOffset: 96 };
    }
    const result = item2vecKernel({
      inputVectors: input,
      outputVectors: output,
      tokens: Int32Array.from([0, 1]),
      offsets: Int32Array.from([0, 2]),
      keepProbability: new Float32Array(0),
      unigramTable: Int32Array.from([2, 2, 2, 2]),
      progress: new Float64Array(2),
      control: new Int32Array(1),
      dim,
      window: 1,
      negatives: 1,
      epochs: 1,
      learningRate: rate,
      minLearningRate: rate,
      totalTokens: 2,
      threadIndex: 0,
      threadCount: 1,
      firstSequence: 0,
      endSequence: 1,
      seed: 3,
      wasm,
    });
    expect(result).toEqual({ tokens: 2, pairs: 2, stopped: false });
    for (let k = 0; k < input.length; k++) expect(input[k]).toBeCloseTo(expectedInput[k]!, 5);
    for (let k = 0; k < output.length; k++) expect(output[k]).toBeCloseTo(expectedOutput[k]!, 5);
    for (let k = 8; k < 12; k++) expect(input[k]).toBeCloseTo(initialInput[k]!, 6); // item 2 is only a negative: input untouched
    expect(output[8]).not.toBeCloseTo(initialOutput[8]!, 3); // …but its output vector was pushed away
  });
});

describe('item2vec kernels', () => {
  it('train the same model with the wasm SIMD and the JS pair update, up to float rounding', async () => {
    const options = { ...baseOptions, threads: 1, epochs: 1 };
    const viaWasm = await trainItem2Vec(sessions.corpus, { ...options, kernel: 'wasm' });
    const viaJs = await trainItem2Vec(sessions.corpus, { ...options, kernel: 'js' });
    expect(viaWasm.stats.kernel).toBe('wasm');
    expect(viaJs.stats.kernel).toBe('js');
    expect(viaWasm.stats.pairsTrained).toBe(viaJs.stats.pairsTrained); // same sampling decisions
    let agreeing = 0;
    for (let i = 0; i < sessions.numItems; i++) {
      if (cosineBetween(viaWasm.vectors, i * 16, viaJs.vectors, i * 16, 16) > 0.99) agreeing++;
    }
    expect(agreeing / sessions.numItems).toBeGreaterThan(0.95);
  });

  it('falls back to JS when dim is not a multiple of 4, and says why when wasm is demanded', async () => {
    const auto = await trainItem2Vec(sessions.corpus, { ...baseOptions, dim: 6, threads: 1, epochs: 1 });
    expect(auto.stats.kernel).toBe('js');
    await expect(trainItem2Vec(sessions.corpus, { ...baseOptions, dim: 6, kernel: 'wasm' })).rejects.toThrow(/dim 6 is not a multiple of 4/);
  });
});
