// A small WebAssembly assembler: functions are written as readable instruction lists with named
// locals and assembled into a module at run time (no toolchain, no binary blob in the repo).
// It holds what the run-time kernels need (sequence's gemm/Adam, embeddings' SGNS update) and a
// few neighbouring opcodes: i32/f32/f64/v128 locals, loads/stores, loops, SIMD arithmetic (f32x4, and
// f64x2 with the f32 ↔ f64 lane conversions, for kernels that must round exactly as JS doubles do).
import { signedLeb128 as signedLeb, unsignedLeb128 as unsignedLeb } from './wasm';

export const WASM_I32 = 0x7f;
export const WASM_F32 = 0x7d;
export const WASM_F64 = 0x7c;
export const WASM_V128 = 0x7b;
const VOID = 0x40;

export type WasmValueType = typeof WASM_I32 | typeof WASM_F32 | typeof WASM_F64 | typeof WASM_V128;
/** Instruction bytes. */
export type WasmCode = number[];
type Code = WasmCode;

const simd = (code: number, ...immediates: number[]): Code => [0xfd, ...unsignedLeb(code), ...immediates];
/** memarg: alignment exponent, then a static byte offset. */
const memarg = (align: number, offset: number): number[] => [align, ...unsignedLeb(offset)];

/** Instruction emitters. Memory instructions take a static byte offset (default 0). */
export const wasmOp = {
  i32: (value: number): Code => [0x41, ...signedLeb(value)],
  f32: (value: number): Code => [0x43, ...new Uint8Array(Float32Array.of(value).buffer)],
  f64: (value: number): Code => [0x44, ...new Uint8Array(Float64Array.of(value).buffer)],
  drop: [0x1a] as Code,
  select: [0x1b] as Code,
  i32Eqz: [0x45] as Code,
  i32LtS: [0x48] as Code,
  i32LtU: [0x49] as Code,
  i32GtS: [0x4a] as Code,
  i32GeS: [0x4e] as Code,
  i32GeU: [0x4f] as Code,
  /** f32 → i32 truncation that saturates (NaN → 0) instead of trapping */
  i32TruncSatF32: [0xfc, ...unsignedLeb(0)] as Code,
  i32Add: [0x6a] as Code,
  i32Sub: [0x6b] as Code,
  i32Mul: [0x6c] as Code,
  i32And: [0x71] as Code,
  i32Shl: [0x74] as Code,
  f32Add: [0x92] as Code,
  f32Sub: [0x93] as Code,
  f32Mul: [0x94] as Code,
  f32Div: [0x95] as Code,
  f32Sqrt: [0x91] as Code,
  f32Lt: [0x5d] as Code,
  f64Add: [0xa0] as Code,
  f64Sub: [0xa1] as Code,
  f64Mul: [0xa2] as Code,
  f64Div: [0xa3] as Code,
  f64Sqrt: [0x9f] as Code,
  f64ConvertI32S: [0xb7] as Code,
  f64PromoteF32: [0xbb] as Code,
  f32DemoteF64: [0xb6] as Code,
  f32Gt: [0x5e] as Code,
  i32Load: (offset = 0): Code => [0x28, ...memarg(2, offset)],
  f32Load: (offset = 0): Code => [0x2a, ...memarg(2, offset)],
  f32Store: (offset = 0): Code => [0x38, ...memarg(2, offset)],
  v128Load: (offset = 0): Code => simd(0x00, ...memarg(4, offset)),
  v128Store: (offset = 0): Code => simd(0x0b, ...memarg(4, offset)),
  /** loads one f32 and splats it to all four lanes */
  v128Load32Splat: (offset = 0): Code => simd(0x09, ...memarg(2, offset)),
  v128Zero: simd(0x0c, ...new Array<number>(16).fill(0)),
  /** loads two f32 (8 bytes) into lanes 0–1, the other lanes zero */
  v128Load64Zero: (offset = 0): Code => simd(0x5d, ...memarg(3, offset)),
  /** stores 64-bit lane `lane` (e.g. lanes 0–1 of an f32x4) */
  v128Store64Lane: (lane: number, offset = 0): Code => simd(0x5b, ...memarg(3, offset), lane),
  v128And: simd(0x4e),
  v128AndNot: simd(0x4f),
  f32x4Lt: simd(0x43),
  f64x2Splat: simd(0x14),
  f64x2Add: simd(0xf0),
  f64x2Sub: simd(0xf1),
  f64x2Mul: simd(0xf2),
  /** lanes 0–1 of an f32x4 → f64x2 (exact) */
  f64x2PromoteLowF32x4: simd(0x5f),
  /** f64x2 → lanes 0–1 of an f32x4 (rounded to nearest, as a Float32Array store rounds), lanes 2–3 zero */
  f32x4DemoteF64x2Zero: simd(0x5e),
  f32x4Splat: simd(0x13),
  f32x4ExtractLane: (lane: number): Code => simd(0x1f, lane),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  f32x4Sqrt: simd(0xe3),
  block: [0x02, VOID] as Code,
  loop: [0x03, VOID] as Code,
  if: [0x04, VOID] as Code,
  /** an `if` whose two branches leave one f32 */
  ifF32: [0x04, WASM_F32] as Code,
  else: [0x05] as Code,
  end: [0x0b] as Code,
  br: (depth: number): Code => [0x0c, ...unsignedLeb(depth)],
  brIf: (depth: number): Code => [0x0d, ...unsignedLeb(depth)],
  return: [0x0f] as Code,
};

/**
 * A function under construction: parameters, then locals, declared by name and type in order
 * (`new WasmFunctionBuilder('f').params(WASM_I32, 'a', 'b').params(WASM_F32, 'x').locals(WASM_I32, 'i')`).
 */
export class WasmFunctionBuilder {
  private readonly indices = new Map<string, number>();
  private readonly types: WasmValueType[] = [];
  private parameterCount = 0;

  constructor(readonly name: string) {}

  private declare(local: string, type: WasmValueType): void {
    if (this.indices.has(local)) throw new Error(`${this.name}: local "${local}" declared twice`);
    this.indices.set(local, this.types.length);
    this.types.push(type);
  }

  /** Declares parameters, in order (before any local). */
  params(type: WasmValueType, ...names: string[]): this {
    if (this.types.length > this.parameterCount) throw new Error(`${this.name}: parameters ${names.join(', ')} declared after locals`);
    for (const local of names) this.declare(local, type);
    this.parameterCount = this.types.length;
    return this;
  }

  /** Declares locals (after the parameters). */
  locals(type: WasmValueType, ...names: string[]): this {
    for (const local of names) this.declare(local, type);
    return this;
  }

  private index(local: string): number[] {
    const index = this.indices.get(local);
    if (index === undefined) throw new Error(`${this.name}: unknown local "${local}"`);
    return unsignedLeb(index);
  }

  get = (local: string): Code => [0x20, ...this.index(local)];
  set = (local: string): Code => [0x21, ...this.index(local)];
  tee = (local: string): Code => [0x22, ...this.index(local)];

  /** Type signature bytes and body bytes (locals grouped by type). */
  encode(body: Code[]): { type: number[]; body: number[] } {
    const parameters = this.types.slice(0, this.parameterCount);
    const locals = this.types.slice(this.parameterCount);
    const groups: number[][] = [];
    for (const local of locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === local) last[0]!++;
      else groups.push([1, local]);
    }
    const localBytes = [...unsignedLeb(groups.length), ...groups.flatMap(([count, type]) => [...unsignedLeb(count!), type!])];
    const code = [...localBytes, ...body.flat(), ...wasmOp.end];
    return { type: [0x60, ...unsignedLeb(parameters.length), ...parameters, 0], body: [...unsignedLeb(code.length), ...code] };
  }
}

const encodeName = (text: string): number[] => {
  const bytes = Array.from(new TextEncoder().encode(text));
  return [...unsignedLeb(bytes.length), ...bytes];
};

const vector = (items: number[][]): number[] => [...unsignedLeb(items.length), ...items.flat()];
const section = (id: number, content: number[]): number[] => [id, ...unsignedLeb(content.length), ...content];

/**
 * A module that imports a shared memory `env.memory` (1 page up to `maxPages`) and exports the
 * given functions (no results; they write into memory).
 */
export function assembleWasmModule(functions: ReadonlyArray<{ builder: WasmFunctionBuilder; body: Code[] }>, maxPages: number): Uint8Array {
  const encoded = functions.map(({ builder, body }) => builder.encode(body));
  const typeSection = section(1, vector(encoded.map((e) => e.type)));
  const importSection = section(2, vector([[...encodeName('env'), ...encodeName('memory'), 0x02, 0x03, ...unsignedLeb(1), ...unsignedLeb(maxPages)]]));
  const functionSection = section(3, vector(encoded.map((_, index) => unsignedLeb(index))));
  const exportSection = section(7, vector(functions.map(({ builder }, index) => [...encodeName(builder.name), 0x00, ...unsignedLeb(index)])));
  const codeSection = section(10, vector(encoded.map((e) => e.body)));
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...typeSection, ...importSection, ...functionSection, ...exportSection, ...codeSection]);
}

/** `for (counter = start; counter < limit; counter += step) body` with i32 locals; the body runs zero or more times. */
export function wasmForLoop(f: WasmFunctionBuilder, counter: string, start: Code, limit: Code, step: number, body: Code[]): Code {
  return [
    ...start,
    ...f.set(counter),
    ...wasmOp.block,
    ...wasmOp.loop,
    ...f.get(counter),
    ...limit,
    ...wasmOp.i32GeS,
    ...wasmOp.brIf(1),
    ...body.flat(),
    ...f.get(counter),
    ...wasmOp.i32(step),
    ...wasmOp.i32Add,
    ...f.set(counter),
    ...wasmOp.br(0),
    ...wasmOp.end,
    ...wasmOp.end,
  ];
}
