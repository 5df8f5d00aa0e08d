// item2vec: skip-gram with negative sampling (SGNS, word2vec's algorithm) over item sequences —
// listening sessions, playlists, user histories. Training runs in worker threads that share the
// weight matrices through SharedArrayBuffers and update them without locks (Hogwild, as
// word2vec's C code does); with one thread the result is a pure function of the inputs and seed.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { item2vecKernel, wasmScratchBytes } from './item2vec-kernel';
import type { Item2VecKernelJob, Item2VecKernelResult, Item2VecWasmJob } from './item2vec-kernel';
import { SGNS_WASM_MAX_PAGES, isSgnsWasmSupported, sgnsWasmModule } from './sgns-wasm';
import { Random, getWasmApi, type ProgressEvent, type WasmMemory } from '@mixtape/base';

/** Sequences of item indices in CSR form: sequence s is `items[offsets[s] .. offsets[s+1])`. */
export interface SequenceCorpus {
  items: Int32Array;
  /** length = number of sequences + 1; offsets[0] = 0, non-decreasing, last = items.length */
  offsets: Int32Array;
}

/**
 * Progress of a training run; "tokens" are item occurrences in the corpus. It is also a catalog
 * `ProgressEvent` (phase "item2vec", unit "tokens"), so `formatProgress` prints it as one line.
 */
export interface TrainingProgress extends ProgressEvent {
  epochsTotal: number;
  tokensProcessed: number;
  tokensTotal: number;
  /** (center, context) pairs trained so far, each with 1 positive and `negatives` negative updates */
  pairsTrained: number;
  tokensPerSecond: number;
  pairsPerSecond: number;
  elapsedMs: number;
  /** estimated time to finish at the current rate; undefined before the first measurement */
  etaMs: number | undefined;
  fraction: number;
}

export interface Item2VecOptions {
  /** size of the item index space; defaults to max(items) + 1 */
  numItems?: number;
  /** vector dimension (default 64) */
  dim?: number;
  /** maximum distance between center and context; the effective window is drawn in [1, window] (default 5) */
  window?: number;
  /** negative samples per positive pair (default 5) */
  negatives?: number;
  /** exponent of the negative-sampling distribution count^exponent (default 0.75) */
  samplingExponent?: number;
  /** frequent-item subsampling threshold t (word2vec's `sample`, default 1e-3); 0 disables it */
  subsample?: number;
  /** passes over the corpus (default 5) */
  epochs?: number;
  /** initial learning rate, decayed linearly to `minLearningRate` (default 0.025) */
  learningRate?: number;
  /** floor of the decay (default learningRate × 1e-4) */
  minLearningRate?: number;
  /** items seen fewer times are dropped from training and get no vector (default 1) */
  minCount?: number;
  /** seed of initialisation and sampling (default 1) */
  seed?: number;
  /** worker threads (default os.availableParallelism()); 1 gives identical vectors for identical inputs */
  threads?: number;
  /** shorthand for threads: 1 */
  deterministic?: boolean;
  /**
   * pair-update implementation: 'wasm' = WebAssembly SIMD (needs dim % 4 === 0 and vectors ≤ 4 GiB),
   * 'js' = plain JavaScript, 'auto' (default) = wasm when possible. Both are word2vec's update;
   * results differ in float rounding only.
   */
  kernel?: 'auto' | 'wasm' | 'js';
  /** negative-sampling table size (default clamp(100 × vocabulary, 1e5, 5e7)) */
  unigramTableSize?: number;
  onProgress?: (progress: TrainingProgress) => void;
  /** how often onProgress is called while training (default 1000 ms) */
  progressIntervalMs?: number;
  /** aborts training; the promise rejects with the signal's reason */
  signal?: AbortSignal;
}

export interface Item2VecStats {
  /** which pair update ran */
  kernel: 'wasm' | 'js';
  vocabularySize: number;
  threads: number;
  epochs: number;
  tokensProcessed: number;
  pairsTrained: number;
  trainingMs: number;
  tokensPerSecond: number;
  pairsPerSecond: number;
}

export interface Item2VecModel {
  dim: number;
  numItems: number;
  /** numItems × dim, row-major, indexed by the caller's item index; rows of items without a vector are zero */
  vectors: Float32Array;
  /** 1 where the item reached minCount and was trained */
  hasVector: Uint8Array;
  /** occurrences of each item in the corpus */
  itemCounts: Int32Array;
  stats: Item2VecStats;
}

interface ResolvedOptions {
  numItems: number;
  dim: number;
  window: number;
  negatives: number;
  samplingExponent: number;
  subsample: number;
  epochs: number;
  learningRate: number;
  minLearningRate: number;
  minCount: number;
  seed: number;
  threads: number;
  unigramTableSize: number | undefined;
  progressIntervalMs: number;
  kernel: 'auto' | 'wasm' | 'js';
}

function requireInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`item2vec option ${name}: expected an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

function requireNumber(name: string, value: number, min: number, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`item2vec option ${name}: expected a number in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/** Checks the CSR corpus and returns the item index space size; errors name the offending position. */
export function validateSequenceCorpus(corpus: SequenceCorpus, numItems?: number): number {
  const { items, offsets } = corpus;
  if (!(items instanceof Int32Array)) throw new TypeError('sequence corpus: items must be an Int32Array');
  if (!(offsets instanceof Int32Array)) throw new TypeError('sequence corpus: offsets must be an Int32Array');
  if (offsets.length < 1) throw new RangeError('sequence corpus: offsets must have at least one entry (0)');
  if (offsets[0] !== 0) throw new RangeError(`sequence corpus: offsets[0] must be 0, got ${offsets[0]}`);
  for (let s = 1; s < offsets.length; s++) {
    if ((offsets[s] as number) < (offsets[s - 1] as number)) {
      throw new RangeError(
        `sequence corpus: offsets must be non-decreasing, but offsets[${s}] = ${offsets[s]} < offsets[${s - 1}] = ${offsets[s - 1]}`,
      );
    }
  }
  const last = offsets[offsets.length - 1] as number;
  if (last !== items.length) {
    throw new RangeError(`sequence corpus: last offset must equal items.length (${items.length}), got ${last}`);
  }
  let max = -1;
  for (let p = 0; p < items.length; p++) {
    const item = items[p] as number;
    if (item < 0) throw new RangeError(`sequence corpus: items[${p}] = ${item} is negative; item indices start at 0`);
    if (item > max) max = item;
  }
  if (numItems === undefined) return max + 1;
  if (!Number.isInteger(numItems) || numItems < 0) {
    throw new RangeError(`sequence corpus: numItems must be a non-negative integer, got ${String(numItems)}`);
  }
  if (max >= numItems) {
    const position = items.findIndex((item) => item >= numItems);
    throw new RangeError(`sequence corpus: items[${position}] = ${items[position]} is outside [0, numItems = ${numItems})`);
  }
  return numItems;
}

function resolveOptions(corpus: SequenceCorpus, options: Item2VecOptions): ResolvedOptions {
  const numItems = validateSequenceCorpus(corpus, options.numItems);
  const learningRate = requireNumber('learningRate', options.learningRate ?? 0.025, Number.MIN_VALUE, 10);
  if (options.kernel !== undefined && !['auto', 'wasm', 'js'].includes(options.kernel)) {
    throw new RangeError(`item2vec option kernel: expected 'auto', 'wasm' or 'js', got ${String(options.kernel)}`);
  }
  const threads = options.deterministic
    ? 1
    : requireInteger('threads', options.threads ?? Math.max(1, availableParallelism()), 1);
  return {
    numItems,
    dim: requireInteger('dim', options.dim ?? 64, 1),
    window: requireInteger('window', options.window ?? 5, 1),
    negatives: requireInteger('negatives', options.negatives ?? 5, 1),
    samplingExponent: requireNumber('samplingExponent', options.samplingExponent ?? 0.75, -10, 10),
    subsample: requireNumber('subsample', options.subsample ?? 1e-3, 0, 1),
    epochs: requireInteger('epochs', options.epochs ?? 5, 1),
    learningRate,
    minLearningRate: requireNumber('minLearningRate', options.minLearningRate ?? learningRate * 1e-4, 0, learningRate),
    minCount: requireInteger('minCount', options.minCount ?? 1, 1),
    seed: requireInteger('seed', options.seed ?? 1, -2147483648),
    threads,
    unigramTableSize:
      options.unigramTableSize === undefined ? undefined : requireInteger('unigramTableSize', options.unigramTableSize, 1),
    progressIntervalMs: requireNumber('progressIntervalMs', options.progressIntervalMs ?? 1000, 1),
    kernel: options.kernel ?? 'auto',
  };
}

function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, length) * 4), 0, length);
}

function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(Math.max(1, length) * 4), 0, length);
}

interface Vocabulary {
  itemCounts: Int32Array;
  /** vocabulary id of each item, -1 when below minCount */
  itemToVocabulary: Int32Array;
  /** item index of each vocabulary id; ids are ordered by descending count (cache-friendly) */
  vocabularyToItem: Int32Array;
  trainTokens: number;
}

function buildVocabulary(items: Int32Array, numItems: number, minCount: number): Vocabulary {
  const itemCounts = new Int32Array(numItems);
  for (let p = 0; p < items.length; p++) {
    const item = items[p] as number;
    itemCounts[item] = (itemCounts[item] as number) + 1;
  }
  let size = 0;
  for (let i = 0; i < numItems; i++) if ((itemCounts[i] as number) >= minCount) size++;
  // Order by descending count, ties by item index, via one numeric sort of packed keys
  // (count rank × numItems + item), which stays exact below 2^53.
  let maxCount = 0;
  for (let i = 0; i < numItems; i++) if ((itemCounts[i] as number) > maxCount) maxCount = itemCounts[i] as number;
  const keys = new Float64Array(size);
  let next = 0;
  for (let i = 0; i < numItems; i++) {
    const count = itemCounts[i] as number;
    if (count >= minCount) keys[next++] = (maxCount - count) * numItems + i;
  }
  keys.sort();
  const vocabularyToItem = new Int32Array(size);
  for (let v = 0; v < size; v++) vocabularyToItem[v] = (keys[v] as number) % numItems;
  const itemToVocabulary = new Int32Array(numItems).fill(-1);
  let trainTokens = 0;
  for (let v = 0; v < size; v++) {
    const item = vocabularyToItem[v] as number;
    itemToVocabulary[item] = v;
    trainTokens += itemCounts[item] as number;
  }
  return { itemCounts, itemToVocabulary, vocabularyToItem, trainTokens };
}

/** word2vec's unigram table: vocabulary ids repeated ∝ count^exponent. */
function buildUnigramTable(counts: Float64Array, exponent: number, tableSize: number): Int32Array {
  const table = sharedInt32(tableSize);
  let total = 0;
  for (let v = 0; v < counts.length; v++) total += Math.pow(counts[v] as number, exponent);
  let v = 0;
  let cumulative = Math.pow(counts[0] as number, exponent) / total;
  for (let t = 0; t < tableSize; t++) {
    table[t] = v;
    if (t / tableSize > cumulative && v < counts.length - 1) {
      v++;
      cumulative += Math.pow(counts[v] as number, exponent) / total;
    }
  }
  return table;
}

/** Splits sequences into `threads` contiguous ranges of about equal token counts. */
function partitionSequences(offsets: Int32Array, threads: number): Int32Array {
  const sequences = offsets.length - 1;
  const bounds = new Int32Array(threads + 1);
  const total = offsets[sequences] as number;
  let s = 0;
  for (let t = 1; t < threads; t++) {
    const goal = (total * t) / threads;
    while (s < sequences && (offsets[s] as number) < goal) s++;
    bounds[t] = s;
  }
  bounds[threads] = sequences;
  return bounds;
}

let workerSource: string | undefined;

/** The worker runs the kernel's own source text, so it works from TypeScript source and from dist alike. */
function getWorkerSource(): string {
  workerSource ??= [
    "'use strict';",
    "const { parentPort, workerData } = require('node:worker_threads');",
    `const item2vecKernel = ${item2vecKernel.toString()};`,
    'parentPort.postMessage(item2vecKernel(workerData));',
  ].join('\n');
  return workerSource;
}

function runWorker(job: Item2VecKernelJob): { promise: Promise<Item2VecKernelResult>; worker: Worker } {
  // execArgv: [] keeps the parent's loader hooks (tsx, vitest) out of a worker that needs none.
  const worker = new Worker(getWorkerSource(), { eval: true, workerData: job, execArgv: [] });
  const promise = new Promise<Item2VecKernelResult>((resolve, reject) => {
    let result: Item2VecKernelResult | undefined;
    worker.once('message', (message: Item2VecKernelResult) => {
      result = message;
    });
    worker.once('error', (error) => reject(new Error(`item2vec worker ${job.threadIndex} failed: ${error.message}`, { cause: error })));
    worker.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`item2vec worker ${job.threadIndex} exited with code ${code} before finishing`));
    });
  });
  return { promise, worker };
}

/**
 * Trains item vectors with skip-gram negative sampling over `corpus`.
 * Returns one row per item index (zero rows for items under `minCount`); vectors are not normalized.
 */
export async function trainItem2Vec(corpus: SequenceCorpus, options: Item2VecOptions = {}): Promise<Item2VecModel> {
  const resolved = resolveOptions(corpus, options);
  const { numItems, dim, epochs, threads } = resolved;
  options.signal?.throwIfAborted();

  const vocabulary = buildVocabulary(corpus.items, numItems, resolved.minCount);
  const vocabularySize = vocabulary.vocabularyToItem.length;
  if (vocabularySize === 0) {
    throw new RangeError(
      `item2vec: no item occurs at least minCount = ${resolved.minCount} times (corpus has ${corpus.items.length} tokens)`,
    );
  }

  const tokens = sharedInt32(corpus.items.length);
  for (let p = 0; p < corpus.items.length; p++) tokens[p] = vocabulary.itemToVocabulary[corpus.items[p] as number] as number;
  const offsets = sharedInt32(corpus.offsets.length);
  offsets.set(corpus.offsets);

  const vocabularyCounts = new Float64Array(vocabularySize);
  for (let v = 0; v < vocabularySize; v++) {
    vocabularyCounts[v] = vocabulary.itemCounts[vocabulary.vocabularyToItem[v] as number] as number;
  }

  // word2vec's keep probability: (sqrt(f / (t·N)) + 1) · (t·N) / f, capped at 1.
  let keepProbability = sharedFloat32(0);
  if (resolved.subsample > 0) {
    keepProbability = sharedFloat32(vocabularySize);
    const threshold = resolved.subsample * vocabulary.trainTokens;
    for (let v = 0; v < vocabularySize; v++) {
      const count = vocabularyCounts[v] as number;
      keepProbability[v] = Math.min(1, (Math.sqrt(count / threshold) + 1) * (threshold / count));
    }
  }

  const tableSize =
    resolved.unigramTableSize ?? Math.min(50_000_000, Math.max(100_000, vocabularySize * 100));
  const unigramTable = buildUnigramTable(vocabularyCounts, resolved.samplingExponent, tableSize);

  // Weights live in SharedArrayBuffers; for the wasm kernel, in one shared wasm memory laid out
  // as [input vectors | output vectors | per-thread scratch].
  const vectorBytes = vocabularySize * dim * 4;
  const scratchBytes = wasmScratchBytes(dim, resolved.negatives);
  const scratchStart = Math.ceil((2 * vectorBytes) / 64) * 64;
  const wasmBytesNeeded = scratchStart + threads * scratchBytes;
  const wasmPages = Math.ceil(wasmBytesNeeded / 65536);
  let wasmUnavailable: string | undefined;
  if (dim % 4 !== 0) wasmUnavailable = `dim ${dim} is not a multiple of 4`;
  else if (wasmPages > SGNS_WASM_MAX_PAGES) wasmUnavailable = `the vectors need ${wasmBytesNeeded} bytes, over the 4 GiB of a wasm memory`;
  else if (!isSgnsWasmSupported()) wasmUnavailable = 'this runtime does not compile WebAssembly SIMD';
  if (resolved.kernel === 'wasm' && wasmUnavailable) throw new RangeError(`item2vec option kernel 'wasm': ${wasmUnavailable}`);
  const useWasm = resolved.kernel !== 'js' && wasmUnavailable === undefined;

  let memory: WasmMemory | undefined;
  let inputVectors: Float32Array;
  let outputVectors: Float32Array;
  if (useWasm) {
    const api = getWasmApi();
    if (!api) throw new Error('item2vec: WebAssembly disappeared between the check and its use');
    memory = new api.Memory({ initial: wasmPages, maximum: wasmPages, shared: true });
    inputVectors = new Float32Array(memory.buffer, 0, vocabularySize * dim);
    outputVectors = new Float32Array(memory.buffer, vectorBytes, vocabularySize * dim);
  } else {
    inputVectors = sharedFloat32(vocabularySize * dim);
    outputVectors = sharedFloat32(vocabularySize * dim);
  }
  // word2vec's initialisation: inputs uniform in [-0.5/dim, 0.5/dim), outputs zero.
  const random = new Random(resolved.seed, 'mulberry32');
  for (let i = 0; i < inputVectors.length; i++) inputVectors[i] = (random.next() - 0.5) / dim;

  const progress = new Float64Array(new SharedArrayBuffer(threads * 2 * 8));
  const control = new Int32Array(new SharedArrayBuffer(4));
  const totalTokens = vocabulary.trainTokens * epochs;
  const bounds = partitionSequences(offsets, threads);

  const started = performance.now();
  const snapshot = (): TrainingProgress => {
    let tokensProcessed = 0;
    let pairsTrained = 0;
    for (let t = 0; t < threads; t++) {
      tokensProcessed += progress[t * 2] as number;
      pairsTrained += progress[t * 2 + 1] as number;
    }
    const elapsedMs = performance.now() - started;
    const seconds = elapsedMs / 1000;
    const tokensPerSecond = seconds > 0 ? tokensProcessed / seconds : 0;
    return {
      phase: 'item2vec',
      unit: 'tokens',
      done: tokensProcessed,
      total: totalTokens,
      ratePerSecond: tokensPerSecond,
      etaSeconds: tokensPerSecond > 0 ? (totalTokens - tokensProcessed) / tokensPerSecond : undefined,
      elapsedSeconds: seconds,
      epochsTotal: epochs,
      tokensProcessed,
      tokensTotal: totalTokens,
      pairsTrained,
      tokensPerSecond,
      pairsPerSecond: seconds > 0 ? pairsTrained / seconds : 0,
      elapsedMs,
      etaMs: tokensPerSecond > 0 ? ((totalTokens - tokensProcessed) / tokensPerSecond) * 1000 : undefined,
      fraction: totalTokens > 0 ? tokensProcessed / totalTokens : 1,
    };
  };

  const runs = [];
  for (let t = 0; t < threads; t++) {
    const wasm: Item2VecWasmJob | undefined = memory
      ? {
          bytes: sgnsWasmModule(),
          memory,
          inputByteOffset: 0,
          outputByteOffset: vectorBytes,
          scratchByteOffset: scratchStart + t * scratchBytes,
        }
      : undefined;
    runs.push(
      runWorker({
        inputVectors,
        outputVectors,
        tokens,
        offsets,
        keepProbability,
        unigramTable,
        progress,
        control,
        dim,
        window: resolved.window,
        negatives: resolved.negatives,
        epochs,
        learningRate: resolved.learningRate,
        minLearningRate: resolved.minLearningRate,
        totalTokens,
        threadIndex: t,
        threadCount: threads,
        firstSequence: bounds[t] as number,
        endSequence: bounds[t + 1] as number,
        seed: resolved.seed,
        wasm,
      }),
    );
  }

  const onProgress = options.onProgress;
  const timer = onProgress ? setInterval(() => onProgress(snapshot()), resolved.progressIntervalMs) : undefined;
  const onAbort = (): void => {
    Atomics.store(control, 0, 1);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let results: Item2VecKernelResult[];
  try {
    results = await Promise.all(runs.map((run) => run.promise));
  } catch (error) {
    Atomics.store(control, 0, 1);
    await Promise.allSettled(runs.map((run) => run.worker.terminate()));
    throw error;
  } finally {
    if (timer) clearInterval(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
  options.signal?.throwIfAborted();
  if (results.some((result) => result.stopped)) throw new Error('item2vec: training was stopped before finishing');

  const trainingMs = performance.now() - started;
  const final = snapshot();
  onProgress?.({ ...final, etaMs: 0, etaSeconds: 0 });

  const vectors = new Float32Array(numItems * dim);
  const hasVector = new Uint8Array(numItems);
  for (let v = 0; v < vocabularySize; v++) {
    const item = vocabulary.vocabularyToItem[v] as number;
    vectors.set(inputVectors.subarray(v * dim, (v + 1) * dim), item * dim);
    hasVector[item] = 1;
  }
  const tokensProcessed = results.reduce((sum, result) => sum + result.tokens, 0);
  const pairsTrained = results.reduce((sum, result) => sum + result.pairs, 0);
  return {
    dim,
    numItems,
    vectors,
    hasVector,
    itemCounts: vocabulary.itemCounts,
    stats: {
      kernel: useWasm ? 'wasm' : 'js',
      vocabularySize,
      threads,
      epochs,
      tokensProcessed,
      pairsTrained,
      trainingMs,
      tokensPerSecond: tokensProcessed / (trainingMs / 1000),
      pairsPerSecond: pairsTrained / (trainingMs / 1000),
    },
  };
}
