// A WebAssembly SIMD (f32x4) version of the SGNS pair update, assembled at run time from readable
// instructions by @mixtape/base's assembler (no toolchain, no binary blob). JavaScript cannot
// vectorise; this does the dot products and axpy updates four floats at a time. The rest of
// training (sampling, windows, learning rate) stays in the JS kernel, which calls `update` once
// per (center, context) pair.
//
// update(input, targets, count, groups, rate, sigmoid, gradient):
//   input     byte address of the context's input vector (dim = 4·groups floats)
//   targets   byte address of `count` i32 byte addresses of output vectors; the first is the
//             positive (label 1), the rest are negatives (label 0)
//   rate      learning rate
//   sigmoid   byte address of the 1001-entry logistic table over [-6, 6]
//   gradient  byte address of dim floats of scratch
// Same update as word2vec: outputs change at once, the input gets the accumulated gradient last.
import { WASM_F32 as F32, WASM_I32 as I32, WASM_V128 as V128, WasmFunctionBuilder, assembleWasmModule, getWasmApi, wasmForLoop, wasmOp as op } from '@mixtape/base';
import type { WasmCode as Code } from '@mixtape/base';

function updateFunction(): { builder: WasmFunctionBuilder; body: Code[] } {
  const f = new WasmFunctionBuilder('update')
    .params(I32, 'input', 'targets', 'count', 'groups')
    .params(F32, 'rate')
    .params(I32, 'sigmoid', 'gradient')
    // kb: byte offset inside a vector, steps of 16; end = dim · 4 bytes
    .locals(I32, 't', 'out', 'kb', 'end')
    .locals(F32, 'dot', 'g', 'label')
    .locals(V128, 'acc', 'gv', 'o');

  /** `for (kb = 0; kb < end; kb += 16) body` — the body may not be empty (dim ≥ 4). */
  const overVector = (body: Code[]): Code => [
    ...op.i32(0),
    ...f.set('kb'),
    ...op.loop,
    ...body.flat(),
    ...f.get('kb'),
    ...op.i32(16),
    ...op.i32Add,
    ...f.tee('kb'),
    ...f.get('end'),
    ...op.i32LtU,
    ...op.brIf(0),
    ...op.end,
  ];
  const address = (base: string): Code => [...f.get(base), ...f.get('kb'), ...op.i32Add];
  const lane = (index: number): Code => [...f.get('acc'), ...op.f32x4ExtractLane(index)];

  const body: Code[] = [
    // end = groups · 16
    f.get('groups'),
    op.i32(4),
    op.i32Shl,
    f.set('end'),
    // gradient = 0
    overVector([address('gradient'), op.v128Zero, op.v128Store()]),
    wasmForLoop(f, 't', op.i32(0), f.get('count'), 1, [
      // out = targets[t]
      f.get('targets'),
      f.get('t'),
      op.i32(2),
      op.i32Shl,
      op.i32Add,
      op.i32Load(),
      f.set('out'),
      // label = t == 0 ? 1 : 0
      op.f32(1),
      op.f32(0),
      f.get('t'),
      op.i32Eqz,
      op.select,
      f.set('label'),
      // dot = Σ input · output
      op.v128Zero,
      f.set('acc'),
      overVector([f.get('acc'), address('input'), op.v128Load(), address('out'), op.v128Load(), op.f32x4Mul, op.f32x4Add, f.set('acc')]),
      lane(0),
      lane(1),
      op.f32Add,
      lane(2),
      op.f32Add,
      lane(3),
      op.f32Add,
      f.set('dot'),
      // g = (label − σ(dot)) · rate, saturated outside [-6, 6]
      f.get('dot'),
      op.f32(6),
      op.f32Gt,
      op.ifF32,
      f.get('label'),
      op.f32(1),
      op.f32Sub,
      op.else,
      f.get('dot'),
      op.f32(-6),
      op.f32Lt,
      op.ifF32,
      f.get('label'),
      op.else,
      f.get('label'),
      f.get('sigmoid'),
      f.get('dot'),
      op.f32(6),
      op.f32Add,
      op.f32(1000 / 12),
      op.f32Mul,
      op.i32TruncSatF32,
      op.i32(2),
      op.i32Shl,
      op.i32Add,
      op.f32Load(),
      op.f32Sub,
      op.end,
      op.end,
      f.get('rate'),
      op.f32Mul,
      f.tee('g'),
      op.f32x4Splat,
      f.set('gv'),
      // gradient += g · output; output += g · input
      overVector([
        address('out'),
        op.v128Load(),
        f.set('o'),
        address('gradient'),
        address('gradient'),
        op.v128Load(),
        f.get('gv'),
        f.get('o'),
        op.f32x4Mul,
        op.f32x4Add,
        op.v128Store(),
        address('out'),
        f.get('o'),
        f.get('gv'),
        address('input'),
        op.v128Load(),
        op.f32x4Mul,
        op.f32x4Add,
        op.v128Store(),
      ]),
    ]),
    // input += gradient
    overVector([address('input'), address('input'), op.v128Load(), address('gradient'), op.v128Load(), op.f32x4Add, op.v128Store()]),
  ];
  return { builder: f, body };
}

let cached: Uint8Array | undefined;

/** Largest shared memory the module accepts: 65536 pages of 64 KiB = 4 GiB. */
export const SGNS_WASM_MAX_PAGES = 65536;

/** The module's bytes: imports a shared memory `env.memory` (any size up to 4 GiB), exports `update`. */
export function sgnsWasmModule(): Uint8Array {
  cached ??= assembleWasmModule([updateFunction()], SGNS_WASM_MAX_PAGES);
  return cached;
}

/** Whether this runtime compiles the SIMD module (Node 16.4+ does). */
export function isSgnsWasmSupported(): boolean {
  const api = getWasmApi();
  if (!api) return false;
  try {
    return api.validate(sgnsWasmModule());
  } catch {
    return false;
  }
}
