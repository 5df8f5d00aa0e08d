// The matrix kernels of the sequence model in WebAssembly SIMD (f32x4), assembled at run time.
//
// gemm(c, a, b, m, n, k, aRowStride, aColStride, ldb, ldc, accumulate)
//   C[m×n] (+)= A[m×k] · B[k×n], every argument a byte address or byte stride.
//   A is read through two strides, so the same kernel computes A·B (rowStride = lda·4,
//   colStride = 4) and Aᵀ·B (rowStride = 4, colStride = lda·4) — the weight-gradient case.
//   B and C are row-major with row strides ldb / ldc (bytes); n must be a multiple of 4.
//   The output is computed in 4 × 8 register tiles (eight f32x4 accumulators, one splat of A
//   and two loads of B per step of k), with 4-column and 1-row tiles for the edges.
//
// adam(params, grads, gradStride, threads, m, v, count, beta1, beta2, stepSize, invSqrtCorrection2, epsilon)
//   sums `threads` gradient buffers (gradStride bytes apart) and applies one Adam step to
//   `count` floats (a multiple of 4): p −= stepSize · m / (√v · invSqrtCorrection2 + ε), with
//   stepSize = lr / (1 − β1ᵗ) and invSqrtCorrection2 = 1 / √(1 − β2ᵗ).
//
// Everything else the model does (layer norm, softmax, gathers) is O(n·d) and stays in JS.
import {
  WASM_F32 as F32,
  WASM_I32 as I32,
  WASM_V128 as V128,
  WasmFunctionBuilder,
  assembleWasmModule,
  wasmForLoop,
  wasmOp as op,
} from '@mixtape/base';
import type { WasmCode as Code } from '@mixtape/base';

/** Largest shared memory the module accepts: 65536 pages of 64 KiB = 4 GiB. */
export const KERNEL_MAX_PAGES = 65536;

function gemmFunction(): { builder: WasmFunctionBuilder; body: Code[] } {
  const f = new WasmFunctionBuilder('gemm').params(I32, 'c', 'a', 'b', 'm', 'n', 'k', 'ars', 'acs', 'ldb', 'ldc', 'accumulate');
  f.locals(I32, 'i', 'j', 'kk', 'pa0', 'pa1', 'pa2', 'pa3', 'pb', 'pc');
  f.locals(V128, 'b0', 'b1', 's', 'acc00', 'acc01', 'acc10', 'acc11', 'acc20', 'acc21', 'acc30', 'acc31');
  const acc = (row: number, v: number) => `acc${row}${v}`;

  /** One output tile of `rows` rows (1 or 4) × `vectors`·4 columns (1 or 2 vectors) at (i, j). */
  const tile = (rows: number, vectors: number): Code => {
    const code: Code[] = [];
    for (let r = 0; r < rows; r++) for (let v = 0; v < vectors; v++) code.push(op.v128Zero, f.set(acc(r, v)));
    // row pointers into A: pa_r = a + (i + r)·ars; pb = b + j·4
    for (let r = 0; r < rows; r++) {
      code.push(f.get('a'), f.get('i'), op.i32(r), op.i32Add, f.get('ars'), op.i32Mul, op.i32Add, f.set(`pa${r}`));
    }
    code.push(f.get('b'), f.get('j'), op.i32(2), op.i32Shl, op.i32Add, f.set('pb'));
    const step: Code[] = [];
    for (let v = 0; v < vectors; v++) step.push(f.get('pb'), op.v128Load(16 * v), f.set(`b${v}`));
    for (let r = 0; r < rows; r++) {
      step.push(f.get(`pa${r}`), op.v128Load32Splat(), f.set('s'));
      for (let v = 0; v < vectors; v++) {
        step.push(f.get(acc(r, v)), f.get('s'), f.get(`b${v}`), op.f32x4Mul, op.f32x4Add, f.set(acc(r, v)));
      }
      step.push(f.get(`pa${r}`), f.get('acs'), op.i32Add, f.set(`pa${r}`));
    }
    step.push(f.get('pb'), f.get('ldb'), op.i32Add, f.set('pb'));
    code.push(wasmForLoop(f, 'kk', op.i32(0), f.get('k'), 1, step));
    // store: C rows (i + r), columns j … j + 4·vectors
    for (let r = 0; r < rows; r++) {
      code.push(f.get('c'), f.get('i'), op.i32(r), op.i32Add, f.get('ldc'), op.i32Mul, op.i32Add, f.get('j'), op.i32(2), op.i32Shl, op.i32Add, f.set('pc'));
      for (let v = 0; v < vectors; v++) {
        code.push(f.get('accumulate'), op.if, f.get(acc(r, v)), f.get('pc'), op.v128Load(16 * v), op.f32x4Add, f.set(acc(r, v)), op.end);
        code.push(f.get('pc'), f.get(acc(r, v)), op.v128Store(16 * v));
      }
    }
    return code.flat();
  };

  /** Every column block of the current row block: 8-wide tiles, then one 4-wide tile when n % 8 = 4. */
  const columns = (rows: number): Code => [
    ...wasmForLoop(f, 'j', op.i32(0), [...f.get('n'), ...op.i32(7), ...op.i32Sub], 8, [tile(rows, 2)]),
    ...f.get('j'),
    ...f.get('n'),
    ...op.i32LtS,
    ...op.if,
    ...tile(rows, 1),
    ...op.end,
  ];

  const body: Code[] = [
    wasmForLoop(f, 'i', op.i32(0), [...f.get('m'), ...op.i32(3), ...op.i32Sub], 4, [columns(4)]),
    wasmForLoop(f, 'i', f.get('i'), f.get('m'), 1, [columns(1)]),
  ];
  return { builder: f, body };
}

function adamFunction(): { builder: WasmFunctionBuilder; body: Code[] } {
  const f = new WasmFunctionBuilder('adam')
    .params(I32, 'params', 'grads', 'gradStride', 'threads', 'm', 'v', 'count')
    .params(F32, 'beta1', 'beta2', 'stepSize', 'invSqrtCorrection2', 'epsilon');
  f.locals(I32, 'offset', 'end', 't', 'pg');
  f.locals(V128, 'g', 'mv', 'vv', 'b1', 'c1', 'b2', 'c2', 'step', 'isc', 'eps');
  const splat = (value: Code, local: string): Code => [...value, ...op.f32x4Splat, ...f.set(local)];
  const oneMinus = (local: string): Code => [...op.f32(1), ...f.get(local), ...op.f32Sub];
  const at = (base: string): Code => [...f.get(base), ...f.get('offset'), ...op.i32Add];
  const body: Code[] = [
    splat(f.get('beta1'), 'b1'),
    splat(oneMinus('beta1'), 'c1'),
    splat(f.get('beta2'), 'b2'),
    splat(oneMinus('beta2'), 'c2'),
    splat(f.get('stepSize'), 'step'),
    splat(f.get('invSqrtCorrection2'), 'isc'),
    splat(f.get('epsilon'), 'eps'),
    f.get('count'),
    op.i32(2),
    op.i32Shl,
    f.set('end'),
    wasmForLoop(f, 'offset', op.i32(0), f.get('end'), 16, [
      // g = Σ over threads
      at('grads'),
      op.v128Load(),
      f.set('g'),
      at('grads'),
      f.set('pg'),
      wasmForLoop(f, 't', op.i32(1), f.get('threads'), 1, [
        f.get('pg'),
        f.get('gradStride'),
        op.i32Add,
        f.tee('pg'),
        op.v128Load(),
        f.get('g'),
        op.f32x4Add,
        f.set('g'),
      ]),
      // m = β1·m + (1 − β1)·g
      at('m'),
      f.get('b1'),
      at('m'),
      op.v128Load(),
      op.f32x4Mul,
      f.get('c1'),
      f.get('g'),
      op.f32x4Mul,
      op.f32x4Add,
      f.tee('mv'),
      op.v128Store(),
      // v = β2·v + (1 − β2)·g²
      at('v'),
      f.get('b2'),
      at('v'),
      op.v128Load(),
      op.f32x4Mul,
      f.get('c2'),
      f.get('g'),
      f.get('g'),
      op.f32x4Mul,
      op.f32x4Mul,
      op.f32x4Add,
      f.tee('vv'),
      op.v128Store(),
      // p −= step · m / (√v · isc + ε)
      at('params'),
      at('params'),
      op.v128Load(),
      f.get('step'),
      f.get('mv'),
      op.f32x4Mul,
      f.get('vv'),
      op.f32x4Sqrt,
      f.get('isc'),
      op.f32x4Mul,
      f.get('eps'),
      op.f32x4Add,
      op.f32x4Div,
      op.f32x4Sub,
      op.v128Store(),
    ]),
  ];
  return { builder: f, body };
}

let cached: Uint8Array | undefined;

/** The kernel module's bytes: imports `env.memory` (shared, up to 4 GiB), exports `gemm` and `adam`. */
export function kernelModuleBytes(): Uint8Array {
  cached ??= assembleWasmModule([gemmFunction(), adamFunction()], KERNEL_MAX_PAGES);
  return cached;
}
