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
// The forward pass's element-wise steps (embedding, layer norm, relu, residual adds) are kernels
// too, rounding exactly as the JS loops they replaced; softmax, gathers and every backward step
// stay in JS.
import {
  WASM_F32 as F32,
  WASM_F64 as F64,
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

/**
 * `gemm`, or with `withBias` the inference layers' `gemmBias(c, a, b, bias, m, n, k, aRowStride,
 * aColStride, ldb, ldc)`: C = A·B + bias (one row vector, byte address) — the same sums as gemm
 * with accumulate over C rows pre-filled with the bias (each element's products summed from zero in
 * k order, then the bias added: bit for bit), without writing the bias rows first.
 */
function gemmFunction(withBias = false): { builder: WasmFunctionBuilder; body: Code[] } {
  const f = withBias
    ? new WasmFunctionBuilder('gemmBias').params(I32, 'c', 'a', 'b', 'bias', 'm', 'n', 'k', 'ars', 'acs', 'ldb', 'ldc')
    : new WasmFunctionBuilder('gemm').params(I32, 'c', 'a', 'b', 'm', 'n', 'k', 'ars', 'acs', 'ldb', 'ldc', 'accumulate');
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
        if (withBias) code.push(f.get(acc(r, v)), f.get('bias'), f.get('j'), op.i32(2), op.i32Shl, op.i32Add, op.v128Load(16 * v), op.f32x4Add, f.set(acc(r, v)));
        else code.push(f.get('accumulate'), op.if, f.get(acc(r, v)), f.get('pc'), op.v128Load(16 * v), op.f32x4Add, f.set(acc(r, v)), op.end);
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

// The forward pass's element-wise steps. Each rounds exactly as the plain JS loop it replaced
// (doubles rounded to f32 on store; an f32 sum of two f32 equals their double sum rounded), so
// the forward pass — training's and serving's — gives the same bits, in a fraction of the time.

/** `relu(p, count)`: x < 0 → 0 over `count` floats (a multiple of 4) at byte address p — as JS's `if (x < 0) x = 0` (−0 and NaN kept). */
function reluFunction(): { builder: WasmFunctionBuilder; body: Code[] } {
  const f = new WasmFunctionBuilder('relu').params(I32, 'p', 'count').locals(I32, 'at', 'end').locals(V128, 'x');
  const body: Code[] = [
    f.get('p'),
    f.get('count'),
    op.i32(2),
    op.i32Shl,
    op.i32Add,
    f.set('end'),
    wasmForLoop(f, 'at', f.get('p'), f.get('end'), 16, [f.get('at'), f.get('at'), op.v128Load(), f.tee('x'), f.get('x'), op.v128Zero, op.f32x4Lt, op.v128AndNot, op.v128Store()]),
  ];
  return { builder: f, body };
}

/** `addInto(dst, src, count)`: dst += src over `count` floats (a multiple of 4), byte addresses. */
function addIntoFunction(): { builder: WasmFunctionBuilder; body: Code[] } {
  const f = new WasmFunctionBuilder('addInto').params(I32, 'dst', 'src', 'count').locals(I32, 'o', 'end');
  const at = (base: string): Code => [...f.get(base), ...f.get('o'), ...op.i32Add];
  const body: Code[] = [
    f.get('count'),
    op.i32(2),
    op.i32Shl,
    f.set('end'),
    wasmForLoop(f, 'o', op.i32(0), f.get('end'), 16, [at('dst'), at('dst'), op.v128Load(), at('src'), op.v128Load(), op.f32x4Add, op.v128Store()]),
  ];
  return { builder: f, body };
}

/** Two f32 at `address` as an f64x2 (exact). */
const loadPair = (address: Code): Code => [...address, ...op.v128Load64Zero(), ...op.f64x2PromoteLowF32x4];

/**
 * `for (c = 0; c < width; c += 8)`: the two f32 at out + c = `pair(at)` — an f64x2 computed from
 * `at(base)` (the two values at base + c, as doubles) — rounded once to f32.
 */
const pairLoop = (f: WasmFunctionBuilder, out: string, pair: (at: (base: string) => Code) => Code[]): Code =>
  wasmForLoop(f, 'c', op.i32(0), f.get('width'), 8, [
    [...f.get(out), ...f.get('c'), ...op.i32Add],
    ...pair((base) => loadPair([...f.get(base), ...f.get('c'), ...op.i32Add])),
    op.f32x4DemoteF64x2Zero,
    op.v128Store64Lane(0),
  ]);

/**
 * `embed(dst, items, positions, tokenIds, positionIds, count, dim, scale)`: row m of dst =
 * items[tokenIds[m]] · scale + positions[positionIds[m]] (dim floats, a multiple of 4; byte
 * addresses; the ids are i32), each value computed in double and rounded once, as JS does.
 */
function embedFunction(): { builder: WasmFunctionBuilder; body: Code[] } {
  const f = new WasmFunctionBuilder('embed').params(I32, 'dst', 'items', 'positions', 'tokenIds', 'positionIds', 'count', 'dim').params(F64, 'scale');
  f.locals(I32, 'm', 'c', 'width', 'row', 'pos', 'out').locals(V128, 's');
  const body: Code[] = [
    f.get('dim'),
    op.i32(2),
    op.i32Shl,
    f.set('width'),
    f.get('scale'),
    op.f64x2Splat,
    f.set('s'),
    wasmForLoop(f, 'm', op.i32(0), f.get('count'), 1, [
      [...f.get('items'), ...f.get('tokenIds'), ...f.get('m'), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.i32Load(), ...f.get('width'), ...op.i32Mul, ...op.i32Add, ...f.set('row')],
      [...f.get('positions'), ...f.get('positionIds'), ...f.get('m'), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.i32Load(), ...f.get('width'), ...op.i32Mul, ...op.i32Add, ...f.set('pos')],
      [...f.get('dst'), ...f.get('m'), ...f.get('width'), ...op.i32Mul, ...op.i32Add, ...f.set('out')],
      pairLoop(f, 'out', (at) => [at('row'), f.get('s'), op.f64x2Mul, at('pos'), op.f64x2Add]),
    ]),
  ];
  return { builder: f, body };
}

/**
 * `layerNorm(x, y, stats, gain, bias, rows, dim)`: y = (x − mean) · rstd · gain + bias per row of
 * dim floats (a multiple of 4), stats = (mean, rstd) per row as f32; byte addresses. The sums run
 * in double in the same order as engine.ts's JS loop did, so every bit matches it.
 */
function layerNormFunction(): { builder: WasmFunctionBuilder; body: Code[] } {
  const f = new WasmFunctionBuilder('layerNorm').params(I32, 'x', 'y', 'stats', 'gain', 'bias', 'rows', 'dim');
  f.locals(I32, 'r', 'c', 'width', 'row', 'out').locals(F64, 'mean', 'variance', 'centered', 'rstd').locals(V128, 'vm', 'vr');
  const element = (base: string): Code => [...f.get(base), ...f.get('c'), ...op.i32Add, ...op.f32Load(), ...op.f64PromoteF32];
  const body: Code[] = [
    f.get('dim'),
    op.i32(2),
    op.i32Shl,
    f.set('width'),
    wasmForLoop(f, 'r', op.i32(0), f.get('rows'), 1, [
      [...f.get('x'), ...f.get('r'), ...f.get('width'), ...op.i32Mul, ...op.i32Add, ...f.set('row')],
      [...f.get('y'), ...f.get('r'), ...f.get('width'), ...op.i32Mul, ...op.i32Add, ...f.set('out')],
      [...op.f64(0), ...f.set('mean')],
      wasmForLoop(f, 'c', op.i32(0), f.get('width'), 4, [f.get('mean'), element('row'), op.f64Add, f.set('mean')]),
      [...f.get('mean'), ...f.get('dim'), ...op.f64ConvertI32S, ...op.f64Div, ...f.set('mean')],
      [...op.f64(0), ...f.set('variance')],
      wasmForLoop(f, 'c', op.i32(0), f.get('width'), 4, [
        [...element('row'), ...f.get('mean'), ...op.f64Sub, ...f.set('centered')],
        [...f.get('variance'), ...f.get('centered'), ...f.get('centered'), ...op.f64Mul, ...op.f64Add, ...f.set('variance')],
      ]),
      [...op.f64(1), ...f.get('variance'), ...f.get('dim'), ...op.f64ConvertI32S, ...op.f64Div, ...op.f64(1e-5), ...op.f64Add, ...op.f64Sqrt, ...op.f64Div, ...f.set('rstd')],
      [...f.get('stats'), ...f.get('r'), ...op.i32(3), ...op.i32Shl, ...op.i32Add, ...f.get('mean'), ...op.f32DemoteF64, ...op.f32Store()],
      [...f.get('stats'), ...f.get('r'), ...op.i32(3), ...op.i32Shl, ...op.i32Add, ...f.get('rstd'), ...op.f32DemoteF64, ...op.f32Store(4)],
      [...f.get('mean'), ...op.f64x2Splat, ...f.set('vm'), ...f.get('rstd'), ...op.f64x2Splat, ...f.set('vr')],
      // ((x − mean) · rstd) · gain + bias, as the JS expression evaluated it
      pairLoop(f, 'out', (at) => [at('row'), f.get('vm'), op.f64x2Sub, f.get('vr'), op.f64x2Mul, at('gain'), op.f64x2Mul, at('bias'), op.f64x2Add]),
    ]),
  ];
  return { builder: f, body };
}

let cached: Uint8Array | undefined;

/** The kernel module's bytes: imports `env.memory` (shared, up to 4 GiB), exports `gemm`, `adam`, `gemmBias`, `relu`, `addInto`, `embed` and `layerNorm`. */
export function kernelModuleBytes(): Uint8Array {
  cached ??= assembleWasmModule([gemmFunction(), adamFunction(), gemmFunction(true), reluFunction(), addIntoFunction(), embedFunction(), layerNormFunction()], KERNEL_MAX_PAGES);
  return cached;
}
