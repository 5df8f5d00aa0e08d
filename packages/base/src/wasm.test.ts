import { describe, expect, it } from 'vitest';
import { getWasmApi, signedLeb128, unsignedLeb128 } from './wasm';

describe('LEB128', () => {
  it('encodes unsigned values as the WebAssembly spec examples', () => {
    expect(unsignedLeb128(0)).toEqual([0x00]);
    expect(unsignedLeb128(127)).toEqual([0x7f]);
    expect(unsignedLeb128(128)).toEqual([0x80, 0x01]);
    expect(unsignedLeb128(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(unsignedLeb128(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it('encodes signed values with the sign bit of the last byte', () => {
    expect(signedLeb128(0)).toEqual([0x00]);
    expect(signedLeb128(63)).toEqual([0x3f]);
    expect(signedLeb128(64)).toEqual([0xc0, 0x00]);
    expect(signedLeb128(-1)).toEqual([0x7f]);
    expect(signedLeb128(-64)).toEqual([0x40]);
    expect(signedLeb128(-65)).toEqual([0xbf, 0x7f]);
    expect(signedLeb128(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it('assembles a module the runtime accepts (i32.const 624485 returned)', () => {
    const api = getWasmApi()!;
    const body = [0x00, 0x41, ...signedLeb128(624485), 0x0b];
    const bytes = Uint8Array.from([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // type: () -> i32
      0x03, 0x02, 0x01, 0x00, // function 0 has type 0
      0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, // export "f"
      0x0a, ...unsignedLeb128(body.length + 2), 0x01, ...unsignedLeb128(body.length), ...body,
    ]);
    expect(api.validate(bytes)).toBe(true);
    const instance = new api.Instance(new api.Module(bytes), {});
    expect((instance.exports.f as () => number)()).toBe(624485);
  });
});
