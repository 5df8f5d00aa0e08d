import { describe, expect, it } from 'vitest';
import { createKernelRuntime } from '../internal/runtime';

describe('wasm gemm kernel', () => {
  const runtime = createKernelRuntime(1 << 16);
  const { f32, gemm } = runtime;
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
});
