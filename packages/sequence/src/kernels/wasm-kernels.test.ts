import { describe, expect, it } from 'vitest';
import { createKernelRuntime } from '../internal/runtime';

describe('wasm gemm kernel', () => {
  const runtime = createKernelRuntime(1 << 16);
  const { f32, gemm, gemmBias } = runtime;
  let seed = 3;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };

  it('computes A·B and Aᵀ·B for every tile shape, with strides and accumulation, and leaves padding alone', () => {
    let worst = 0;
    for (let trial = 0; trial < 400; trial++) {
      const m = 1 + (trial % 11);
      const n = 4 * (1 + (trial % 5));
      const k = 1 + ((trial * 7) % 13);
      const transposed = trial % 2 === 1;
      const lda = (transposed ? m : k) + (trial % 3);
      const ldb = n + (trial % 2);
      const ldc = n + ((trial >> 1) % 3);
      const [A, B, C] = [5, 2003, 4001]; // deliberately not 16-byte aligned
      for (let i = 0; i < 1990; i++) {
        f32[A + i] = random();
        f32[B + i] = random();
        f32[C + i] = random();
      }
      const before = f32.slice(C, C + 1990);
      const accumulate = trial % 3 === 0 ? 1 : 0;
      if (transposed) gemm(C * 4, A * 4, B * 4, m, n, k, 4, lda * 4, ldb * 4, ldc * 4, accumulate);
      else gemm(C * 4, A * 4, B * 4, m, n, k, lda * 4, 4, ldb * 4, ldc * 4, accumulate);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < ldc; j++) {
          const got = f32[C + i * ldc + j]!;
          if (j >= n) {
            expect(got).toBe(before[i * ldc + j]);
            continue;
          }
          let sum = accumulate ? before[i * ldc + j]! : 0;
          for (let t = 0; t < k; t++) sum += (transposed ? f32[A + t * lda + i]! : f32[A + i * lda + t]!) * f32[B + t * ldb + j]!;
          worst = Math.max(worst, Math.abs(sum - got));
        }
      }
      expect(f32[C + m * ldc]).toBe(before[m * ldc]); // nothing written past the last row
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it('adam sums the thread gradients and applies the bias-corrected update', () => {
    const count = 12;
    const [params, grads, m, v] = [0, 64, 128, 192];
    for (let i = 0; i < count; i++) {
      f32[params + i] = random();
      f32[grads + i] = random();
      f32[grads + count + i] = random();
      f32[m + i] = random() * 0.1;
      f32[v + i] = Math.abs(random()) * 0.1;
    }
    const expected = Array.from({ length: count }, (_, i) => {
      const g = f32[grads + i]! + f32[grads + count + i]!;
      const mi = 0.9 * f32[m + i]! + 0.1 * g;
      const vi = 0.98 * f32[v + i]! + 0.02 * g * g;
      const step = 1e-3 / (1 - 0.9 ** 3);
      return f32[params + i]! - (step * mi) / (Math.sqrt(vi) / Math.sqrt(1 - 0.98 ** 3) + 1e-8);
    });
    runtime.adam(params * 4, grads * 4, count * 4, 2, m * 4, v * 4, count, 0.9, 0.98, 1e-3 / (1 - 0.9 ** 3), 1 / Math.sqrt(1 - 0.98 ** 3), 1e-8);
    for (let i = 0; i < count; i++) expect(f32[params + i]).toBeCloseTo(expected[i]!, 5);
  });

  // The forward pass's kernels replaced plain JS loops; they must give the same bits (served
  // answers are compared by hash), so each is checked against that loop with Object.is.
  const fill = (at: number, count: number) => {
    for (let i = 0; i < count; i++) f32[at + i] = random() * 4;
  };
  const expectSameBits = (at: number, expected: ArrayLike<number>) => {
    for (let i = 0; i < expected.length; i++) if (!Object.is(f32[at + i], expected[i])) expect.fail(`element ${i}: ${f32[at + i]} vs ${expected[i]}`);
  };

  it('gemmBias equals gemm accumulating onto rows that hold the bias, bit for bit', () => {
    for (let trial = 0; trial < 60; trial++) {
      const m = 1 + (trial % 9);
      const n = 4 * (1 + (trial % 6));
      const k = 1 + ((trial * 5) % 17);
      const [A, B, bias, C, D] = [3, 1001, 2001, 3001, 5001];
      fill(A, 900);
      fill(B, 900);
      fill(bias, n);
      for (let i = 0; i < m; i++) f32.copyWithin(D + i * (n + 2), bias, bias + n);
      gemm(D * 4, A * 4, B * 4, m, n, k, k * 4, 4, n * 4, (n + 2) * 4, 1);
      gemmBias(C * 4, A * 4, B * 4, bias * 4, m, n, k, k * 4, 4, n * 4, (n + 2) * 4);
      for (let i = 0; i < m; i++) expectSameBits(C + i * (n + 2), f32.slice(D + i * (n + 2), D + i * (n + 2) + n));
    }
  });

  it('relu, addInto, embed and layerNorm give the bits of the JS loops they replaced', () => {
    const { relu, addInto, embed, layerNorm } = runtime.kernels;
    const count = 96;
    const [x, y] = [0, 200];
    fill(x, count);
    f32[x + 1] = -0;
    f32[x + 2] = Number.NaN;
    f32[x + 3] = 0;
    const relued = Array.from(f32.subarray(x, x + count), (value) => (value < 0 ? 0 : value));
    relu(x * 4, count);
    expectSameBits(x, relued);

    fill(x, count);
    fill(y, count);
    const summed = Array.from({ length: count }, (_, i) => Math.fround(f32[x + i]! + f32[y + i]!));
    addInto(x * 4, y * 4, count);
    expectSameBits(x, summed);

    for (const dim of [4, 12, 64]) {
      const rows = 5;
      // embed: rows of two tables picked by i32 ids, item · scale + position (scale √dim: exact or not)
      const [items, positions, out, ids] = [1000, 3000, 5000, 7000];
      fill(items, 10 * dim);
      fill(positions, 6 * dim);
      const i32 = new Int32Array(f32.buffer);
      const scale = Math.sqrt(dim);
      const expected: number[] = [];
      for (let m = 0; m < rows; m++) {
        i32[ids + m] = (m * 7) % 10;
        i32[ids + 100 + m] = (m * 5) % 6;
        for (let c = 0; c < dim; c++) expected.push(Math.fround(f32[items + i32[ids + m]! * dim + c]! * scale + f32[positions + i32[ids + 100 + m]! * dim + c]!));
      }
      embed(out * 4, items * 4, positions * 4, ids * 4, (ids + 100) * 4, rows, dim, scale);
      expectSameBits(out, expected);

      const [x, y, stats, gain, bias] = [10000, 11000, 12000, 12500, 13000];
      fill(x, rows * dim);
      fill(gain, dim);
      fill(bias, dim);
      const normed: number[] = [];
      const moments: number[] = [];
      for (let r = 0; r < rows; r++) {
        const row = x + r * dim;
        let mean = 0;
        for (let c = 0; c < dim; c++) mean += f32[row + c]!;
        mean /= dim;
        let variance = 0;
        for (let c = 0; c < dim; c++) variance += (f32[row + c]! - mean) * (f32[row + c]! - mean);
        const rstd = 1 / Math.sqrt(variance / dim + 1e-5);
        moments.push(Math.fround(mean), Math.fround(rstd));
        for (let c = 0; c < dim; c++) normed.push(Math.fround((f32[row + c]! - mean) * rstd * f32[gain + c]! + f32[bias + c]!));
      }
      layerNorm(x * 4, y * 4, stats * 4, gain * 4, bias * 4, rows, dim);
      expectSameBits(y, normed);
      expectSameBits(stats, moments);
    }
  });
});
