// The shared wasm memory, the kernel instance and the typed-array views over it — the same on the
// main thread and in every worker (workers instantiate the module over the shared memory).
import { KERNEL_MAX_PAGES, kernelModuleBytes } from '../kernels/wasm-kernels';
import type { GemmFunction } from './engine';

/** Minimal typings of the WebAssembly globals (the workspace compiles without the DOM lib). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

export type AdamFunction = (
  params: number,
  grads: number,
  gradStride: number,
  threads: number,
  m: number,
  v: number,
  count: number,
  beta1: number,
  beta2: number,
  stepSize: number,
  invSqrtCorrection2: number,
  epsilon: number,
) => void;

export interface KernelRuntime {
  memory: WasmMemory;
  bytes: Uint8Array;
  f32: Float32Array;
  i32: Int32Array;
  u8: Uint8Array;
  gemm: GemmFunction;
  adam: AdamFunction;
}

function wasmApi(): WasmApi {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) throw new Error('sequence model: this runtime has no WebAssembly');
  return api;
}

/** Whether this runtime compiles the SIMD kernels (Node 16.4+ does). */
export function isKernelSupported(): boolean {
  try {
    return wasmApi().validate(kernelModuleBytes());
  } catch {
    return false;
  }
}

/** A shared memory of at least `floats` 4-byte units with the kernels instantiated over it. */
export function createKernelRuntime(floats: number): KernelRuntime {
  const pages = Math.ceil((floats * 4) / 65536) + 1;
  if (pages > KERNEL_MAX_PAGES) {
    throw new RangeError(`sequence model: needs ${(floats * 4) / 2 ** 30} GiB of working memory, over the 4 GiB a wasm memory holds; lower batchSize, maxLength, negatives or dim`);
  }
  const api = wasmApi();
  const memory = new api.Memory({ initial: pages, maximum: pages, shared: true });
  return instantiateKernels(memory, kernelModuleBytes());
}

/** Instantiates the kernels over an existing (shared) memory, e.g. inside a worker. */
export function instantiateKernels(memory: WasmMemory, bytes: Uint8Array): KernelRuntime {
  const api = wasmApi();
  const instance = new api.Instance(new api.Module(bytes), { env: { memory } });
  return {
    memory,
    bytes,
    f32: new Float32Array(memory.buffer),
    i32: new Int32Array(memory.buffer),
    u8: new Uint8Array(memory.buffer),
    gemm: instance.exports.gemm as GemmFunction,
    adam: instance.exports.adam as AdamFunction,
  };
}
