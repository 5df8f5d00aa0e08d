// A WebAssembly SIMD (f32x4) version of the SGNS pair update, assembled here from readable
// instructions (no toolchain, no binary blob). JavaScript cannot vectorise; this does the dot
// products and axpy updates four floats at a time. The rest of training (sampling, windows,
// learning rate) stays in the JS kernel, which calls `update` once per (center, context) pair.
//
// update(input, targets, count, groups, rate, sigmoid, gradient):
//   input     byte address of the context's input vector (dim = 4·groups floats)
//   targets   byte address of `count` i32 byte addresses of output vectors; the first is the
//             positive (label 1), the rest are negatives (label 0)
//   rate      learning rate
//   sigmoid   byte address of the 1001-entry logistic table over [-6, 6]
//   gradient  byte address of dim floats of scratch
// Same update as word2vec: outputs change at once, the input gets the accumulated gradient last.
import { getWasmApi, signedLeb128 as signedLeb, unsignedLeb128 as unsignedLeb } from '@mixtape/base';

function float32Bytes(value: number): number[] {
  return Array.from(new Uint8Array(Float32Array.of(value).buffer));
}

function vector(items: number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsignedLeb(content.length), ...content];
}

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const VOID = 0x40;

/** Instruction emitters; each returns its bytes. */
const op = {
  get: (local: number) => [0x20, ...unsignedLeb(local)],
  set: (local: number) => [0x21, ...unsignedLeb(local)],
  tee: (local: number) => [0x22, ...unsignedLeb(local)],
  i32: (value: number) => [0x41, ...signedLeb(value)],
  f32: (value: number) => [0x43, ...float32Bytes(value)],
  i32Add: [0x6a],
  i32Shl: [0x74],
  i32LtU: [0x49],
  i32GeU: [0x4f],
  i32Eqz: [0x45],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Mul: [0x94],
  f32Lt: [0x5d],
  f32Gt: [0x5e],
  i32TruncSatF32: [0xfc, ...unsignedLeb(0)], // NaN → 0 instead of a trap
  select: [0x1b],
  i32Load: [0x28, 2, 0],
  f32Load: [0x2a, 2, 0],
  block: [0x02, VOID],
  loop: [0x03, VOID],
  ifF32: [0x04, F32],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...unsignedLeb(depth)],
  brIf: (depth: number) => [0x0d, ...unsignedLeb(depth)],
  v128Load: [0xfd, ...unsignedLeb(0x00), 4, 0],
  v128Store: [0xfd, ...unsignedLeb(0x0b), 4, 0],
  v128Zero: [0xfd, ...unsignedLeb(0x0c), ...new Array<number>(16).fill(0)],
  f32x4Splat: [0xfd, ...unsignedLeb(0x13)],
  f32x4Lane: (lane: number) => [0xfd, ...unsignedLeb(0x1f), lane],
  f32x4Add: [0xfd, ...unsignedLeb(0xe4)],
  f32x4Mul: [0xfd, ...unsignedLeb(0xe6)],
};

// parameters
const INPUT = 0;
const TARGETS = 1;
const COUNT = 2;
const GROUPS = 3;
const RATE = 4;
const SIGMOID = 5;
const GRADIENT = 6;
// locals
const T = 7;
const OUT = 8;
const KB = 9; // byte offset inside a vector, steps of 16
const END = 10;
const DOT = 11;
const G = 12;
const LABEL = 13;
const ACC = 14;
const GV = 15;
const O = 16;

/** `for (KB = 0; KB < END; KB += 16) body` — the body may not be empty (dim ≥ 4). */
function overVector(body: number[][]): number[] {
  return [
    ...op.i32(0),
    ...op.set(KB),
    ...op.loop,
    ...body.flat(),
    ...op.get(KB),
    ...op.i32(16),
    ...op.i32Add,
    ...op.tee(KB),
    ...op.get(END),
    ...op.i32LtU,
    ...op.brIf(0),
    ...op.end,
  ];
}

const address = (base: number): number[] => [...op.get(base), ...op.get(KB), ...op.i32Add];

function updateBody(): number[] {
  return [
    // END = groups · 16
    ...op.get(GROUPS),
    ...op.i32(4),
    ...op.i32Shl,
    ...op.set(END),
    // gradient = 0
    ...overVector([address(GRADIENT), op.v128Zero, op.v128Store]),
    // for (T = 0; T < count; T++)
    ...op.i32(0),
    ...op.set(T),
    ...op.block,
    ...op.loop,
    ...op.get(T),
    ...op.get(COUNT),
    ...op.i32GeU,
    ...op.brIf(1),
    // OUT = targets[T]
    ...op.get(TARGETS),
    ...op.get(T),
    ...op.i32(2),
    ...op.i32Shl,
    ...op.i32Add,
    ...op.i32Load,
    ...op.set(OUT),
    // LABEL = T == 0 ? 1 : 0
    ...op.f32(1),
    ...op.f32(0),
    ...op.get(T),
    ...op.i32Eqz,
    ...op.select,
    ...op.set(LABEL),
    // DOT = Σ input · output
    ...op.v128Zero,
    ...op.set(ACC),
    ...overVector([op.get(ACC), address(INPUT), op.v128Load, address(OUT), op.v128Load, op.f32x4Mul, op.f32x4Add, op.set(ACC)]),
    ...op.get(ACC),
    ...op.f32x4Lane(0),
    ...op.get(ACC),
    ...op.f32x4Lane(1),
    ...op.f32Add,
    ...op.get(ACC),
    ...op.f32x4Lane(2),
    ...op.f32Add,
    ...op.get(ACC),
    ...op.f32x4Lane(3),
    ...op.f32Add,
    ...op.set(DOT),
    // G = (LABEL − σ(DOT)) · rate, saturated outside [-6, 6]
    ...op.get(DOT),
    ...op.f32(6),
    ...op.f32Gt,
    ...op.ifF32,
    ...op.get(LABEL),
    ...op.f32(1),
    ...op.f32Sub,
    ...op.else,
    ...op.get(DOT),
    ...op.f32(-6),
    ...op.f32Lt,
    ...op.ifF32,
    ...op.get(LABEL),
    ...op.else,
    ...op.get(LABEL),
    ...op.get(SIGMOID),
    ...op.get(DOT),
    ...op.f32(6),
    ...op.f32Add,
    ...op.f32(1000 / 12),
    ...op.f32Mul,
    ...op.i32TruncSatF32,
    ...op.i32(2),
    ...op.i32Shl,
    ...op.i32Add,
    ...op.f32Load,
    ...op.f32Sub,
    ...op.end,
    ...op.end,
    ...op.get(RATE),
    ...op.f32Mul,
    ...op.tee(G),
    ...op.f32x4Splat,
    ...op.set(GV),
    // gradient += G · output; output += G · input
    ...overVector([
      address(OUT),
      op.v128Load,
      op.set(O),
      address(GRADIENT),
      address(GRADIENT),
      op.v128Load,
      op.get(GV),
      op.get(O),
      op.f32x4Mul,
      op.f32x4Add,
      op.v128Store,
      address(OUT),
      op.get(O),
      op.get(GV),
      address(INPUT),
      op.v128Load,
      op.f32x4Mul,
      op.f32x4Add,
      op.v128Store,
    ]),
    ...op.get(T),
    ...op.i32(1),
    ...op.i32Add,
    ...op.set(T),
    ...op.br(0),
    ...op.end,
    ...op.end,
    // input += gradient
    ...overVector([address(INPUT), address(INPUT), op.v128Load, address(GRADIENT), op.v128Load, op.f32x4Add, op.v128Store]),
    ...op.end,
  ];
}

let cached: Uint8Array | undefined;

/** Largest shared memory the module accepts: 65536 pages of 64 KiB = 4 GiB. */
export const SGNS_WASM_MAX_PAGES = 65536;

/** The module's bytes: imports a shared memory `env.memory` (any size up to 4 GiB), exports `update`. */
export function sgnsWasmModule(): Uint8Array {
  if (cached) return cached;
  const typeSection = section(1, vector([[0x60, ...vector([[I32], [I32], [I32], [I32], [F32], [I32], [I32]]), ...vector([])]]));
  const encode = (text: string): number[] => vector(Array.from(new TextEncoder().encode(text), (byte) => [byte]));
  const importSection = section(
    2,
    vector([[...encode('env'), ...encode('memory'), 0x02, 0x03, ...unsignedLeb(1), ...unsignedLeb(SGNS_WASM_MAX_PAGES)]]),
  );
  const functionSection = section(3, vector([unsignedLeb(0)]));
  const exportSection = section(7, vector([[...encode('update'), 0x00, ...unsignedLeb(0)]]));
  const locals = vector([
    [...unsignedLeb(4), I32],
    [...unsignedLeb(3), F32],
    [...unsignedLeb(3), V128],
  ]);
  const body = [...locals, ...updateBody()];
  const codeSection = section(10, vector([[...unsignedLeb(body.length), ...body]]));
  cached = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...typeSection, ...importSection, ...functionSection, ...exportSection, ...codeSection]);
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
