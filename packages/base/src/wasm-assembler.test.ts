import { describe, expect, it } from 'vitest';
import { getWasmApi } from './wasm';
import { WASM_F32, WASM_I32, WasmFunctionBuilder, assembleWasmModule, wasmForLoop, wasmOp as op } from './wasm-assembler';

describe('WebAssembly assembler', () => {
  it('assembles a function with named parameters, locals and a loop that runs against shared memory', () => {
    // scale(address, count, factor): memory f32[address .. address + count) *= factor
    const f = new WasmFunctionBuilder('scale').params(WASM_I32, 'address', 'count').params(WASM_F32, 'factor').locals(WASM_I32, 'i', 'p');
    const body = [
      wasmForLoop(f, 'i', op.i32(0), f.get('count'), 1, [
        f.get('address'),
        f.get('i'),
        op.i32(2),
        op.i32Shl,
        op.i32Add,
        f.tee('p'),
        f.get('p'),
        op.f32Load(),
        f.get('factor'),
        op.f32Mul,
        op.f32Store(),
      ]),
    ];
    const bytes = assembleWasmModule([{ builder: f, body }], 1);
    const api = getWasmApi()!;
    expect(api.validate(bytes)).toBe(true);
    const memory = new api.Memory({ initial: 1, maximum: 1, shared: true });
    const scale = new api.Instance(new api.Module(bytes), { env: { memory } }).exports.scale as (address: number, count: number, factor: number) => void;
    const values = new Float32Array(memory.buffer, 0, 5);
    values.set([1, 2, 3, 4, 5]);
    scale(4, 3, 10);
    expect(Array.from(values)).toEqual([1, 20, 30, 40, 5]);
  });

  it('refuses a local declared twice, an unknown local and parameters after locals', () => {
    const f = new WasmFunctionBuilder('f').params(WASM_I32, 'a').locals(WASM_I32, 'b');
    expect(() => f.locals(WASM_F32, 'a')).toThrow('f: local "a" declared twice');
    expect(() => f.get('missing')).toThrow('f: unknown local "missing"');
    expect(() => f.params(WASM_I32, 'c')).toThrow('f: parameters c declared after locals');
  });
});
