// Kernel benchmark behind ADR 0008: the project's wasm SIMD gemm against TensorFlow.js' wasm
// backend on the matrix shapes of one training step, plus tfjs' per-op dispatch cost and the
// gather-gradient gap. tfjs is not a dependency of the product: with --tfjs this script installs
// @tensorflow/tfjs-core + tfjs-backend-wasm (pinned) into a cache directory with npm.
//
//   pnpm --filter @mixtape/sequence bench:kernels [--tfjs] [--tfjs-threads 1,2]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, loadavg } from 'node:os';
import { join } from 'node:path';
import { createKernelRuntime } from '../src/internal/runtime';

const TFJS_VERSION = '4.22.0';
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? args[at + 1]! : fallback;
};

// d = 64, batch 128 × 50 tokens, 256 negatives: the shapes of one step (forward and backward)
const tokens = 6400;
const dim = 64;
const shapes: Array<{ name: string; m: number; n: number; k: number; transposedA?: boolean; perStep: number }> = [
  { name: 'qkv / out / ff projections (x·W)', m: tokens, n: dim, k: dim, perStep: 2 * (1 + 1 + 1 + 1) },
  { name: 'fused qkv projection (x·Wqkv)', m: tokens, n: 3 * dim, k: dim, perStep: 2 },
  { name: 'weight gradients (xᵀ·dy)', m: dim, n: dim, k: tokens, transposedA: true, perStep: 2 * 4 },
  { name: 'logits (h·Oᵀ, 256 negatives)', m: tokens, n: 256, k: dim, perStep: 1 },
  { name: 'logit gradient (dZ·O)', m: tokens, n: dim, k: 256, perStep: 1 },
  { name: 'attention scores, one sequence (q·kᵀ)', m: 50, n: 52, k: 64, perStep: 128 * 2 * 3 },
];

function ours(): Map<string, number> {
  const runtime = createKernelRuntime(3 * tokens * 256 + 1024);
  const { gemm, f32 } = runtime;
  for (let i = 0; i < f32.length; i++) f32[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  const a = 0;
  const b = tokens * 256;
  const c = 2 * tokens * 256;
  const results = new Map<string, number>();
  for (const shape of shapes) {
    const { m, n, k } = shape;
    const run = () =>
      shape.transposedA ? gemm(c * 4, a * 4, b * 4, m, n, k, 4, m * 4, n * 4, n * 4, 0) : gemm(c * 4, a * 4, b * 4, m, n, k, k * 4, 4, n * 4, n * 4, 0);
    results.set(shape.name, gflops(run, m, n, k));
  }
  return results;
}

function gflops(run: () => void, m: number, n: number, k: number): number {
  run();
  const reps = Math.max(3, Math.round(1.5e9 / (2 * m * n * k)));
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    for (let r = 0; r < reps; r++) run();
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return (2 * m * n * k * reps) / best / 1e9;
}

interface Tfjs {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  randomNormal(shape: number[]): { dispose(): void };
  matMul(a: unknown, b: unknown, transposeA?: boolean): { dataSync(): unknown; dispose(): void };
  tidy<T>(fn: () => T): T;
  add(a: unknown, b: unknown): unknown;
  relu(a: unknown): { dispose(): void };
  getKernel(name: string, backend: string): unknown;
  getGradient(name: string): unknown;
}

function loadTfjs(): { tf: Tfjs; setThreadsCount: (n: number) => void } {
  const directory = join(homedir(), '.cache', 'mixtape-bench', `tfjs-${TFJS_VERSION}`);
  if (!existsSync(join(directory, 'node_modules', '@tensorflow', 'tfjs-backend-wasm'))) {
    mkdirSync(directory, { recursive: true });
    process.stderr.write(`installing @tensorflow/tfjs-core and tfjs-backend-wasm ${TFJS_VERSION} into ${directory} (benchmark only)\n`);
    execFileSync('npm', ['install', '--no-save', '--prefix', directory, `@tensorflow/tfjs-core@${TFJS_VERSION}`, `@tensorflow/tfjs-backend-wasm@${TFJS_VERSION}`], { stdio: 'inherit' });
  }
  const require = createRequire(join(directory, 'index.js'));
  const tf = require('@tensorflow/tfjs-core') as Tfjs;
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setThreadsCount: (n: number) => void };
  return { tf, setThreadsCount: wasm.setThreadsCount };
}

async function tfjsFigures(threads: number): Promise<{ gflops: Map<string, number>; dispatchMicroseconds: number; gatherGradient: string }> {
  const { tf, setThreadsCount } = loadTfjs();
  setThreadsCount(threads);
  await tf.setBackend('wasm');
  await tf.ready();
  const results = new Map<string, number>();
  for (const shape of shapes) {
    const a = tf.randomNormal(shape.transposedA ? [shape.k, shape.m] : [shape.m, shape.k]);
    const b = tf.randomNormal([shape.k, shape.n]);
    results.set(
      shape.name,
      gflops(
        () => {
          const c = tf.matMul(a, b, shape.transposedA);
          c.dataSync();
          c.dispose();
        },
        shape.m,
        shape.n,
        shape.k,
      ),
    );
    a.dispose();
    b.dispose();
  }
  // dispatch: one small matmul + add + relu on a 50 × 64 sequence
  const x = tf.randomNormal([50, 64]);
  const w = tf.randomNormal([64, 64]);
  const chains = 2000;
  const started = performance.now();
  for (let r = 0; r < chains; r++) tf.tidy(() => tf.relu(tf.add(tf.matMul(x, w), 1))).dispose();
  const dispatchMicroseconds = ((performance.now() - started) / chains / 3) * 1000;
  // GatherV2's gradient is an UnsortedSegmentSum; tfjs-core registers no gradients by itself
  const gatherGradient =
    `GatherV2 gradient ${tf.getGradient('GatherV2') ? 'registered' : 'not registered (comes with the @tensorflow/tfjs union package)'}, ` +
    `UnsortedSegmentSum kernel in the wasm backend: ${tf.getKernel('UnsortedSegmentSum', 'wasm') ? 'present' : 'missing'}`;
  return { gflops: results, dispatchMicroseconds, gatherGradient };
}

const load = loadavg().map((l) => l.toFixed(1)).join(' ');
const mine = ours();
const tfjsThreads = value('--tfjs-threads', '1,2').split(',').map(Number);
const theirs = new Map<number, Awaited<ReturnType<typeof tfjsFigures>>>();
if (flag('--tfjs')) for (const threads of tfjsThreads) theirs.set(threads, await tfjsFigures(threads));

const header = ['shape (m × k · k × n)', 'per step', 'mixtape wasm SIMD, 1 thread (GFLOP/s)', ...[...theirs.keys()].map((t) => `tfjs wasm, ${t} thread(s) (GFLOP/s)`)];
const lines = [`load average ${load}`, '', `| ${header.join(' | ')} |`, `|${header.map(() => ' ---: |').join('')}`.replace(' ---: |', ' --- |')];
let ourStep = 0;
const theirStep = new Map<number, number>();
for (const shape of shapes) {
  const flops = 2 * shape.m * shape.n * shape.k * shape.perStep;
  ourStep += flops / (mine.get(shape.name)! * 1e9);
  for (const [threads, figures] of theirs) theirStep.set(threads, (theirStep.get(threads) ?? 0) + flops / (figures.gflops.get(shape.name)! * 1e9));
  lines.push(
    `| ${shape.name}: ${shape.m} × ${shape.k} · ${shape.k} × ${shape.n}${shape.transposedA ? ' (Aᵀ)' : ''} | ${shape.perStep} | ${mine.get(shape.name)!.toFixed(1)} | ${[...theirs.values()].map((f) => f.gflops.get(shape.name)!.toFixed(1)).join(' | ')}${theirs.size ? ' |' : ''}`,
  );
}
lines.push(`| **matrix time of one step (ms)** | | **${(ourStep * 1000).toFixed(0)}** | ${[...theirStep.values()].map((s) => `**${(s * 1000).toFixed(0)}**`).join(' | ')}${theirs.size ? ' |' : ''}`);
if (theirs.size > 0) {
  lines.push('');
  for (const [threads, figures] of theirs) {
    lines.push(`tfjs ${threads} thread(s): ${figures.dispatchMicroseconds.toFixed(1)} µs per small op (matMul/add/relu on 50 × 64); ${figures.gatherGradient}`);
  }
} else lines.push('', '(run with --tfjs to measure TensorFlow.js wasm beside it)');
process.stdout.write(`${lines.join('\n')}\n`);
