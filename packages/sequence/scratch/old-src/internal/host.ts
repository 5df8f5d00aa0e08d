// Owns the shared memory and the threads: thread 0 is the calling thread, threads 1… are
// workers running the engine's own source over the same memory. A training step runs one
// shard of the batch per thread (each into its own gradient buffer), then every thread sums
// the gradient buffers and applies Adam to its slice of the parameters.
import { Worker } from 'node:worker_threads';
import { mulberry32 } from '@mixtape/base';
import type { BatchBuffers, EngineConfig, EngineContext, ParameterOffsets, ShardJob, ShardResult, Workspace } from './engine';
import { ENGINE_FUNCTIONS, forwardShard, trainShard } from './engine';
import { Arena, allocateBatch, allocateWorkspace, parameterOffsets, roundUp4 } from './layout';
import type { KernelRuntime, WasmMemory } from './runtime';
import { createKernelRuntime } from './runtime';

export interface HostOptions {
  config: EngineConfig;
  /** 1 = everything on the calling thread */
  threads: number;
  /** tokens and sequences of the largest batch */
  maxTokens: number;
  maxSequences: number;
  /** candidate slots of the loss (training) */
  maxCandidates: number;
  training: boolean;
  /** extra float regions the caller wants in the same memory (e.g. score buffers) */
  extra?: Record<string, number>;
}

interface WorkerData {
  memory: WasmMemory;
  bytes: Uint8Array;
  config: EngineConfig;
  offsets: ParameterOffsets;
  workspace: Workspace;
  batch: BatchBuffers;
  paramBase: number;
}

let workerSource: string | undefined;

/** The worker runs the engine functions' own source, so it works from TypeScript source and from dist alike. */
function getWorkerSource(): string {
  workerSource ??= [
    "'use strict';",
    "const { parentPort, workerData } = require('node:worker_threads');",
    ...ENGINE_FUNCTIONS.map((fn) => fn.toString()),
    'const api = globalThis.WebAssembly;',
    'const instance = new api.Instance(new api.Module(workerData.bytes), { env: { memory: workerData.memory } });',
    'const buffer = workerData.memory.buffer;',
    'const context = { f32: new Float32Array(buffer), i32: new Int32Array(buffer), u8: new Uint8Array(buffer),',
    `  stream: (${mulberry32.toString()}),`,
    '  gemm: instance.exports.gemm, config: workerData.config, offsets: workerData.offsets, workspace: workerData.workspace,',
    '  batch: workerData.batch, paramBase: workerData.paramBase };',
    'parentPort.on("message", (message) => {',
    '  if (message.type === "train") parentPort.postMessage(trainShard(context, message.job));',
    '  else if (message.type === "adam") { instance.exports.adam(...message.args); parentPort.postMessage(null); }',
    '});',
  ].join('\n');
  return workerSource;
}

class EngineWorker {
  private readonly worker: Worker;
  private pending: { resolve: (value: unknown) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(data: WorkerData, index: number) {
    // execArgv: [] keeps the parent's loader hooks (tsx, vitest) out of a worker that needs none.
    this.worker = new Worker(getWorkerSource(), { eval: true, workerData: data, execArgv: [] });
    this.worker.on('message', (message: unknown) => {
      const pending = this.pending;
      this.pending = undefined;
      pending?.resolve(message);
    });
    const fail = (error: Error) => {
      this.failure = error;
      const pending = this.pending;
      this.pending = undefined;
      pending?.reject(error);
    };
    this.worker.on('error', (error) => fail(new Error(`sequence worker ${index} failed: ${error.message}`, { cause: error })));
    this.worker.on('exit', (code) => fail(new Error(`sequence worker ${index} exited with code ${code}`)));
  }

  request<T>(message: object): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new Error('sequence worker: one request at a time'));
    return new Promise<T>((resolve, reject) => {
      this.pending = { resolve: resolve as (value: unknown) => void, reject };
      this.worker.postMessage(message);
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    this.worker.removeAllListeners('error');
    this.worker.on('error', () => undefined);
    await this.worker.terminate();
  }
}

export class EngineHost {
  readonly runtime: KernelRuntime;
  readonly config: EngineConfig;
  readonly offsets: ParameterOffsets;
  readonly paramBase: number;
  /** Adam moments (training only) */
  readonly adamM: number;
  readonly adamV: number;
  /** thread t's gradients start at gradBase + t · offsets.total */
  readonly gradBase: number;
  readonly batch: BatchBuffers;
  readonly workspaces: Workspace[];
  readonly extra: Record<string, number>;
  readonly threads: number;
  private readonly context: EngineContext;
  private readonly workers: EngineWorker[];

  private constructor(options: HostOptions) {
    const { config, threads } = options;
    this.config = config;
    this.threads = threads;
    this.offsets = parameterOffsets(config);
    const total = this.offsets.total;
    const arena = new Arena();
    this.paramBase = arena.take(total);
    this.adamM = options.training ? arena.take(total) : 0;
    this.adamV = options.training ? arena.take(total) : 0;
    // gradient buffers back to back (the adam kernel steps from one to the next)
    this.gradBase = options.training ? arena.take(total * threads) : 0;
    const candidates = roundUp4(Math.max(4, options.maxCandidates));
    this.batch = allocateBatch(arena, config, options.maxTokens, options.maxSequences, candidates);
    const size = { maxTokens: options.maxTokens, maxSequences: options.maxSequences, maxCandidates: candidates, training: options.training };
    this.workspaces = Array.from({ length: threads }, () => allocateWorkspace(arena, config, size));
    this.extra = {};
    for (const [name, floats] of Object.entries(options.extra ?? {})) this.extra[name] = arena.take(floats);
    this.runtime = createKernelRuntime(arena.size);
    this.context = this.contextFor(0);
    this.workers = [];
    for (let t = 1; t < threads; t++) {
      const data: WorkerData = {
        memory: this.runtime.memory,
        bytes: this.runtime.bytes,
        config,
        offsets: this.offsets,
        workspace: this.workspaces[t]!,
        batch: this.batch,
        paramBase: this.paramBase,
      };
      this.workers.push(new EngineWorker(data, t));
    }
  }

  static create(options: HostOptions): EngineHost {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError(`sequence model threads: expected a positive integer, got ${options.threads}`);
    return new EngineHost(options);
  }

  private contextFor(thread: number): EngineContext {
    const { f32, i32, u8, gemm } = this.runtime;
    return {
      f32,
      i32,
      u8,
      gemm,
      stream: mulberry32,
      config: this.config,
      offsets: this.offsets,
      workspace: this.workspaces[thread]!,
      batch: this.batch,
      paramBase: this.paramBase,
    };
  }

  /** The live parameter vector (a view into the shared memory). */
  get parameters(): Float32Array {
    return this.runtime.f32.subarray(this.paramBase, this.paramBase + this.offsets.total);
  }

  /** Thread t's gradient buffer (a view). */
  gradients(thread = 0): Float32Array {
    const start = this.gradBase + thread * this.offsets.total;
    return this.runtime.f32.subarray(start, start + this.offsets.total);
  }

  /**
   * One forward + backward over the batch currently in the batch buffers: shard t covers
   * sequences [bounds[t], bounds[t + 1]). Returns the summed loss and target count.
   */
  async trainStep(job: Omit<ShardJob, 'firstSequence' | 'endSequence' | 'gradBase'>, bounds: Int32Array): Promise<ShardResult> {
    const shard = (t: number): ShardJob => ({
      ...job,
      firstSequence: bounds[t]!,
      endSequence: bounds[t + 1]!,
      gradBase: this.gradBase + t * this.offsets.total,
    });
    const remote = this.workers.map((worker, index) => worker.request<ShardResult>({ type: 'train', job: shard(index + 1) }));
    let local: ShardResult;
    try {
      local = trainShard(this.context, shard(0));
    } finally {
      // a local failure must not leave workers' promises unobserved
      await Promise.allSettled(remote);
    }
    const results = [local, ...(await Promise.all(remote))];
    return { loss: results.reduce((sum, r) => sum + r.loss, 0), targets: results.reduce((sum, r) => sum + r.targets, 0) };
  }

  /** Sums every thread's gradients and applies one Adam step, each thread updating a slice. */
  async adamStep(step: number, learningRate: number, beta1: number, beta2: number, epsilon: number): Promise<void> {
    const total = this.offsets.total;
    const stepSize = learningRate / (1 - beta1 ** step);
    const invSqrt = 1 / Math.sqrt(1 - beta2 ** step);
    const slice = roundUp4(Math.ceil(total / this.threads));
    const args = (t: number): number[] => {
      const from = Math.min(total, t * slice);
      const to = Math.min(total, from + slice);
      return [
        (this.paramBase + from) * 4,
        (this.gradBase + from) * 4,
        total * 4,
        this.threads,
        (this.adamM + from) * 4,
        (this.adamV + from) * 4,
        to - from,
        beta1,
        beta2,
        stepSize,
        invSqrt,
        epsilon,
      ];
    };
    const remote = this.workers.map((worker, index) => worker.request<null>({ type: 'adam', args: args(index + 1) }));
    try {
      (this.runtime.adam as (...values: number[]) => void)(...args(0));
    } finally {
      await Promise.allSettled(remote);
    }
    await Promise.all(remote);
  }

  /**
   * Inference forward on the calling thread over sequences [first, end) of the batch buffers.
   * queryOnly: only each sequence's last position leaves the last block (workspace.final row
   * s − first); otherwise every position's final state (row = token).
   */
  forward(first: number, end: number, queryOnly = false): void {
    forwardShard(this.context, { firstSequence: first, endSequence: end, seed: 0, step: 0, training: false, candidateCount: 0, fullSoftmax: false, lossScale: 0, gradBase: 0, queryOnly });
  }

  /** Single-threaded training shard on the calling thread (gradient checks). */
  trainShardLocally(job: ShardJob): ShardResult {
    return trainShard(this.context, job);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}
