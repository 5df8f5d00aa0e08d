// The SGNS inner loop. It runs inside worker threads whose source is built from
// `item2vecKernel.toString()`, so this function must stay self-contained: no imports, no
// closures over module scope, no nested function declarations or arrow functions (some
// TypeScript runners inject `__name(...)` helpers into those, which do not exist in the worker).
import type { WasmApi, WasmMemory } from '@mixtape/base';

/**
 * Bytes of per-thread scratch the WebAssembly path needs (logistic table, gradient, target list),
 * rounded to whole 64-byte cache lines plus one spare line so threads never share a line.
 */
export function wasmScratchBytes(dim: number, negatives: number): number {
  return Math.ceil((1001 * 4 + 12 + dim * 4 + (negatives + 1) * 4) / 64) * 64 + 64;
}

/** The WebAssembly SIMD path: vectors live in one shared wasm memory. */
export interface Item2VecWasmJob {
  bytes: Uint8Array;
  memory: WasmMemory;
  inputByteOffset: number;
  outputByteOffset: number;
  /** this thread's scratch, wasmScratchBytes(dim, negatives) long, 64-byte aligned */
  scratchByteOffset: number;
}

/** Everything one worker needs; typed arrays are views over SharedArrayBuffers. */
export interface Item2VecKernelJob {
  /** input ("item") vectors, vocabularySize × dim, updated in place (Hogwild) */
  inputVectors: Float32Array;
  /** output ("context") vectors, vocabularySize × dim, updated in place (Hogwild) */
  outputVectors: Float32Array;
  /** corpus tokens remapped to vocabulary ids, -1 for items dropped by minCount */
  tokens: Int32Array;
  /** CSR offsets of sequences into `tokens` (length sequences + 1) */
  offsets: Int32Array;
  /** per vocabulary id: probability of keeping one occurrence (frequent-item subsampling); empty = keep all */
  keepProbability: Float32Array;
  /** negative-sampling table of vocabulary ids, drawn ∝ count^exponent */
  unigramTable: Int32Array;
  /** [tokens, pairs] per thread, written by each thread, read by every thread and the main thread */
  progress: Float64Array;
  /** [0] = 1 asks every thread to stop */
  control: Int32Array;
  dim: number;
  window: number;
  negatives: number;
  epochs: number;
  learningRate: number;
  minLearningRate: number;
  /** tokens (after minCount) over all epochs and all threads: the denominator of the linear decay */
  totalTokens: number;
  threadIndex: number;
  threadCount: number;
  firstSequence: number;
  endSequence: number;
  seed: number;
  /** when set (dim a multiple of 4), pair updates run in WebAssembly SIMD over shared memory */
  wasm?: Item2VecWasmJob;
}

export interface Item2VecKernelResult {
  tokens: number;
  pairs: number;
  stopped: boolean;
}

export function item2vecKernel(job: Item2VecKernelJob): Item2VecKernelResult {
  const inputVectors = job.inputVectors;
  const outputVectors = job.outputVectors;
  const tokens = job.tokens;
  const offsets = job.offsets;
  const keepProbability = job.keepProbability;
  const subsample = keepProbability.length > 0;
  const table = job.unigramTable;
  const tableScale = table.length / 4294967296;
  const progress = job.progress;
  const control = job.control;
  const dim = job.dim | 0;
  const dim4 = dim & ~3;
  const window = job.window | 0;
  const negatives = job.negatives | 0;
  const epochs = job.epochs | 0;
  const startRate = job.learningRate;
  const minRate = job.minLearningRate;
  const totalTokens = job.totalTokens;
  const threadCount = job.threadCount | 0;
  const slot = (job.threadIndex | 0) * 2;
  const first = job.firstSequence | 0;
  const end = job.endSequence | 0;

  // Logistic table as in word2vec: 1000 steps over [-6, 6]; outside, the gradient saturates.
  const maxExp = 6;
  const sigmoidSize = 1000;
  const sigmoid = new Float32Array(sigmoidSize + 1);
  for (let i = 0; i <= sigmoidSize; i++) {
    const e = Math.exp(((i / sigmoidSize) * 2 - 1) * maxExp);
    sigmoid[i] = e / (e + 1);
  }
  const sigmoidScale = sigmoidSize / maxExp / 2;

  let longest = 0;
  for (let s = first; s < end; s++) {
    const length = (offsets[s + 1] as number) - (offsets[s] as number);
    if (length > longest) longest = length;
  }
  const sentence = new Int32Array(longest);

  // WebAssembly SIMD path: same sampling here, the pair update in `update` (see sgns-wasm.ts).
  // Byte addresses in the shared memory; this thread's scratch holds the logistic table, then
  // (16-byte aligned) the gradient, then the target list. Without wasm they are computed from 0
  // and never read.
  const wasm = job.wasm;
  const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const update = wasm
    ? (new api.Instance(new api.Module(wasm.bytes), { env: { memory: wasm.memory } }).exports.update as (
        input: number,
        targets: number,
        count: number,
        groups: number,
        rate: number,
        sigmoid: number,
        gradient: number,
      ) => void)
    : undefined;
  const heap32 = new Int32Array(wasm ? wasm.memory.buffer : new ArrayBuffer(0));
  const rowBytes = dim * 4;
  const groups = dim >> 2;
  const inputBase = wasm ? wasm.inputByteOffset : 0;
  const outputBase = wasm ? wasm.outputByteOffset : 0;
  const sigmoidByte = wasm ? wasm.scratchByteOffset : 0;
  const gradientByte = sigmoidByte + Math.ceil(((sigmoidSize + 1) * 4) / 16) * 16;
  const targetsByte = gradientByte + rowBytes;
  const targetsIndex = targetsByte >> 2;
  if (wasm) new Float32Array(wasm.memory.buffer, sigmoidByte, sigmoidSize + 1).set(sigmoid);
  // float64 accumulator: no rounding to float32 on every partial sum
  const gradient = new Float64Array(dim);

  // xorshift32, seeded per thread; 0 is a fixed point, so avoid it.
  let random = (job.seed ^ Math.imul((job.threadIndex | 0) + 1, 0x9e3779b9)) | 0;
  if (random === 0) random = 0x6d2b79f5;

  let rate = startRate;
  let doneTokens = 0;
  let donePairs = 0;
  let lastSync = 0;

  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let s = first; s < end; s++) {
      // Re-read the shared learning rate roughly every 10k tokens, as word2vec does.
      if (doneTokens - lastSync >= 10000) {
        lastSync = doneTokens;
        progress[slot] = doneTokens;
        progress[slot + 1] = donePairs;
        if (Atomics.load(control, 0) !== 0) {
          return { tokens: doneTokens, pairs: donePairs, stopped: true };
        }
        let global = 0;
        for (let t = 0; t < threadCount; t++) global += progress[t * 2] as number;
        rate = startRate * (1 - global / (totalTokens + 1));
        if (rate < minRate) rate = minRate;
      }

      let length = 0;
      const stop = offsets[s + 1] as number;
      for (let p = offsets[s] as number; p < stop; p++) {
        const word = tokens[p] as number;
        if (word < 0) continue;
        doneTokens++;
        if (subsample) {
          random ^= random << 13;
          random ^= random >>> 17;
          random ^= random << 5;
          if ((keepProbability[word] as number) < (random >>> 0) / 4294967296) continue;
        }
        sentence[length++] = word;
      }

      for (let i = 0; i < length; i++) {
        const center = sentence[i] as number;
        // Reduced window: uniform in [1, window], which weights near neighbours more.
        random ^= random << 13;
        random ^= random >>> 17;
        random ^= random << 5;
        const reach = window - ((random >>> 0) % window);
        const lo = i - reach < 0 ? 0 : i - reach;
        const hi = i + reach >= length ? length - 1 : i + reach;
        for (let j = lo; j <= hi; j++) {
          if (j === i) continue;
          if (update !== undefined) {
            let count = 1;
            heap32[targetsIndex] = outputBase + center * rowBytes;
            for (let n = 1; n <= negatives; n++) {
              random ^= random << 13;
              random ^= random >>> 17;
              random ^= random << 5;
              const target = table[((random >>> 0) * tableScale) | 0] as number;
              if (target === center) continue;
              heap32[targetsIndex + count] = outputBase + target * rowBytes;
              count++;
            }
            update(inputBase + (sentence[j] as number) * rowBytes, targetsByte, count, groups, rate, sigmoidByte, gradientByte);
            donePairs++;
            continue;
          }
          const inputOffset = (sentence[j] as number) * dim;
          for (let k = 0; k < dim; k++) gradient[k] = 0;
          for (let n = 0; n <= negatives; n++) {
            let target: number;
            let label: number;
            if (n === 0) {
              target = center;
              label = 1;
            } else {
              random ^= random << 13;
              random ^= random >>> 17;
              random ^= random << 5;
              target = table[((random >>> 0) * tableScale) | 0] as number;
              if (target === center) continue;
              label = 0;
            }
            const outputOffset = target * dim;
            // Unrolled by 4 with separate accumulators: V8 does not vectorise, this halves loop overhead.
            let dot0 = 0;
            let dot1 = 0;
            let dot2 = 0;
            let dot3 = 0;
            let k = 0;
            for (; k < dim4; k += 4) {
              const i0 = inputOffset + k;
              const o0 = outputOffset + k;
              dot0 += (inputVectors[i0] as number) * (outputVectors[o0] as number);
              dot1 += (inputVectors[i0 + 1] as number) * (outputVectors[o0 + 1] as number);
              dot2 += (inputVectors[i0 + 2] as number) * (outputVectors[o0 + 2] as number);
              dot3 += (inputVectors[i0 + 3] as number) * (outputVectors[o0 + 3] as number);
            }
            for (; k < dim; k++) {
              dot0 += (inputVectors[inputOffset + k] as number) * (outputVectors[outputOffset + k] as number);
            }
            const dot = dot0 + dot1 + dot2 + dot3;
            let g: number;
            if (dot > maxExp) g = (label - 1) * rate;
            else if (dot < -maxExp) g = label * rate;
            else g = (label - (sigmoid[((dot + maxExp) * sigmoidScale) | 0] as number)) * rate;
            // Output vector is updated now; the input vector's gradient is accumulated and
            // applied once after all negatives (word2vec's neu1e).
            for (k = 0; k < dim4; k += 4) {
              const i0 = inputOffset + k;
              const o0 = outputOffset + k;
              const out0 = outputVectors[o0] as number;
              const out1 = outputVectors[o0 + 1] as number;
              const out2 = outputVectors[o0 + 2] as number;
              const out3 = outputVectors[o0 + 3] as number;
              gradient[k] = (gradient[k] as number) + g * out0;
              gradient[k + 1] = (gradient[k + 1] as number) + g * out1;
              gradient[k + 2] = (gradient[k + 2] as number) + g * out2;
              gradient[k + 3] = (gradient[k + 3] as number) + g * out3;
              outputVectors[o0] = out0 + g * (inputVectors[i0] as number);
              outputVectors[o0 + 1] = out1 + g * (inputVectors[i0 + 1] as number);
              outputVectors[o0 + 2] = out2 + g * (inputVectors[i0 + 2] as number);
              outputVectors[o0 + 3] = out3 + g * (inputVectors[i0 + 3] as number);
            }
            for (; k < dim; k++) {
              const out = outputVectors[outputOffset + k] as number;
              gradient[k] = (gradient[k] as number) + g * out;
              outputVectors[outputOffset + k] = out + g * (inputVectors[inputOffset + k] as number);
            }
          }
          for (let k = 0; k < dim; k++) {
            inputVectors[inputOffset + k] = (inputVectors[inputOffset + k] as number) + (gradient[k] as number);
          }
          donePairs++;
        }
      }
    }
  }
  progress[slot] = doneTokens;
  progress[slot + 1] = donePairs;
  return { tokens: doneTokens, pairs: donePairs, stopped: false };
}
