// Benchmark of the blocked SPD inverse behind EASE: time and GFLOP/s by size and block size,
// against the unblocked (block = n) variant in the same run. Usage:
//   pnpm --filter @mixtape/base bench [sizes, default 500,1000,1500]
import { Random } from '../src/random';
import { invertSpdInPlace } from '../src/spd';

function randomSpd(n: number): Float64Array {
  // Sparse-ish co-occurrence Gram like EASE's: XᵀX of a random binary matrix + λI.
  const random = new Random(n);
  const users = 2 * n;
  const a = new Float64Array(n * n);
  const items = new Int32Array(20);
  for (let u = 0; u < users; u++) {
    for (let t = 0; t < items.length; t++) items[t] = random.int(n);
    for (const i of items) for (const j of items) if (j <= i) a[i * n + j]! += 1;
  }
  for (let i = 0; i < n; i++) a[i * n + i]! += 50;
  return a;
}

const sizes = (process.argv[2] ?? '500,1000,1500').split(',').map(Number);
const rows: string[] = ['| n | block | seconds | GFLOP/s (n³ flops) |', '| ---: | ---: | ---: | ---: |'];
for (const n of sizes) {
  const base = randomSpd(n);
  for (const blockSize of [32, 64, 128, n]) {
    const a = base.slice();
    const started = performance.now();
    invertSpdInPlace(a, n, { blockSize });
    const seconds = (performance.now() - started) / 1000;
    rows.push(`| ${n} | ${blockSize === n ? 'n (unblocked)' : blockSize} | ${seconds.toFixed(2)} | ${(n ** 3 / seconds / 1e9).toFixed(2)} |`);
  }
}
console.log(rows.join('\n'));
