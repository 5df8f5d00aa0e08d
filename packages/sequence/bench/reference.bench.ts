// Reference run: the same model, initial parameters, data, windows and settings trained by
// @mixtape/sequence (TypeScript, wasm SIMD kernels) and by PyTorch (Debian's python3-torch,
// CPU), side by side: time per epoch, final validation NDCG@10 with a 95% bootstrap interval,
// and the ratios. PyTorch is a benchmark-only dependency: when `python3 -c "import torch"`
// fails, this script installs python3-torch with apt-get (root) — the product never needs it.
//
//   pnpm --filter @mixtape/sequence bench:reference [--tracks 10000 --users 3000 --interactions 450000
//     --epochs 10 --threads 2 --dim 64 --max-length 50 --batch 128 --negatives 256 --lr 0.001
//     --validation-rows 1000 --seed 1 --no-torch --python /usr/bin/python3]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '@mixtape/base';
import { INTERACTION_TYPE_CODE, generateSynthetic } from '@mixtape/catalog';
import { createSequenceScorer, describeParameters, initializeModel, resolveModelConfig, trainSequenceModel } from '../src/index';
import type { EpochRecord, SequenceModel } from '../src/index';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: expected a positive number, got "${args[at + 1]}"`);
  return value;
};
const settings = {
  tracks: option('tracks', 10_000),
  users: option('users', 3_000),
  interactions: option('interactions', 450_000),
  epochs: option('epochs', 10),
  threads: option('threads', 2),
  dim: option('dim', 64),
  maxLength: option('max-length', 50),
  batchSize: option('batch', 128),
  negatives: option('negatives', 256),
  learningRate: option('lr', 1e-3),
  validationRows: option('validation-rows', 1000),
  seed: option('seed', 1),
};
const withTorch = !args.includes('--no-torch');
// Debian's python3-torch lives in the system interpreter's dist-packages (a pyenv shim on PATH would not see it)
const python = args.includes('--python') ? args[args.indexOf('--python') + 1]! : existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const log = (line: string) => process.stderr.write(`${line}\n`);

// ---- data: synthetic listening, skips dropped, consecutive repeats merged, each user's last item (the test) removed
const dataset = generateSynthetic({ tracks: settings.tracks, users: settings.users, interactions: settings.interactions });
const { interactions } = dataset;
const items: number[] = [];
const offsets = [0];
for (let u = 0; u < interactions.userCount; u++) {
  const start = items.length;
  for (let e = interactions.userOffsets[u]!; e < interactions.userOffsets[u + 1]!; e++) {
    if (interactions.columns.type[e] === INTERACTION_TYPE_CODE.skip) continue;
    const track = interactions.columns.track[e]!;
    if (items.length > start && items[items.length - 1] === track) continue;
    items.push(track);
  }
  if (items.length > start) items.pop(); // the test item stays unseen
  offsets.push(items.length);
}
const data = { items: Int32Array.from(items), offsets: Int32Array.from(offsets), numItems: settings.tracks };
// validation: rows with ≥ 3 items whose last item is new to them, the first validationRows in a seeded order
const eligible: number[] = [];
for (let r = 0; r + 1 < offsets.length; r++) {
  const end = offsets[r + 1]!;
  if (end - offsets[r]! < 3) continue;
  if (!data.items.subarray(offsets[r], end - 1).includes(data.items[end - 1]!)) eligible.push(r);
}
new Random(settings.seed).shuffle(eligible);
const validationRows = Int32Array.from(eligible.slice(0, settings.validationRows)).sort();
const ends = data.offsets.slice(1);
for (const r of validationRows) ends[r]!--;

const config = resolveModelConfig({ numItems: settings.tracks, dim: settings.dim, maxLength: settings.maxLength, tied: true }); // the PyTorch model ties its output
const initial = initializeModel(config, settings.seed);

/** Per-row full-catalog NDCG@10 of the validation rows (their training items excluded) — the same protocol as the trainer's. */
function validationNdcg(model: SequenceModel): Float64Array {
  const scorer = createSequenceScorer(model);
  const historyOffsets = new Int32Array(validationRows.length + 1);
  const history: number[] = [];
  validationRows.forEach((row, q) => {
    for (let p = data.offsets[row]!; p < ends[row]!; p++) history.push(data.items[p]!);
    historyOffsets[q + 1] = history.length;
  });
  const histories = { items: Int32Array.from(history), offsets: historyOffsets };
  const perRow = new Float64Array(validationRows.length);
  const scores = new Float32Array(64 * config.numItems);
  for (let first = 0; first < validationRows.length; first += 64) {
    const rows = Int32Array.from({ length: Math.min(64, validationRows.length - first) }, (_, q) => first + q);
    const { vectors } = scorer.encode(histories, rows);
    scorer.scoreAll(vectors, rows.length, scores);
    rows.forEach((q, b) => {
      const excluded = new Set(histories.items.subarray(historyOffsets[q], historyOffsets[q + 1]));
      const target = data.items[data.offsets[validationRows[q]!]! + (ends[validationRows[q]!]! - data.offsets[validationRows[q]!]!)]!;
      const targetScore = scores[b * config.numItems + target]!;
      let rank = 0;
      for (let i = 0; i < config.numItems && rank < 10; i++) if (!excluded.has(i) && scores[b * config.numItems + i]! > targetScore) rank++;
      perRow[q] = rank < 10 ? 1 / Math.log2(rank + 2) : 0;
    });
  }
  return perRow;
}

function bootstrap(values: ArrayLike<number>, other?: ArrayLike<number>): { mean: number; lower: number; upper: number } {
  const n = values.length;
  const diff = Float64Array.from({ length: n }, (_, i) => values[i]! - (other ? other[i]! : 0));
  const mean = diff.reduce((a, b) => a + b, 0) / n;
  const random = new Random(7);
  const means = new Float64Array(1000);
  for (let s = 0; s < 1000; s++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += diff[random.int(n)]!;
    means[s] = sum / n;
  }
  means.sort();
  return { mean, lower: means[24]!, upper: means[974]! };
}

// ---- TypeScript run
log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${cpus().length} cores; ${data.items.length} training items in ${validationRows.length ? offsets.length - 1 : 0} rows`);
const ours: EpochRecord[] = [];
const trained = await trainSequenceModel(data, {
  model: { dim: settings.dim, maxLength: settings.maxLength, tied: true },
  initial,
  epochs: settings.epochs,
  patience: settings.epochs,
  batchSize: settings.batchSize,
  negatives: settings.negatives,
  learningRate: settings.learningRate,
  threads: settings.threads,
  seed: settings.seed,
  validationRowIds: validationRows,
  onEpoch: (record) => {
    ours.push(record);
    log(`mixtape  epoch ${record.epoch}: loss ${record.loss.toFixed(4)}, ${record.seconds.toFixed(1)} s, ${Math.round(record.tokensPerSecond)} tokens/s, val NDCG@10 ${record.validationNdcg10?.toFixed(4)}`);
  },
});
const lastModel = trained.model; // best-by-validation; with patience = epochs usually the last
const oursPerRow = validationNdcg(lastModel);

// ---- PyTorch run
interface TorchEpoch {
  epoch: number;
  loss: number;
  seconds: number;
  tokensPerSecond: number;
  validationNdcg10: number;
}
const theirs: TorchEpoch[] = [];
let theirsPerRow: Float64Array | undefined;
let torchVersion = '';
if (withTorch) {
  const check = () => {
    try {
      return execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  torchVersion = check();
  if (!torchVersion) {
    log('python3-torch is missing: installing it with apt-get for this benchmark (the product never uses it)');
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'python3-torch'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    torchVersion = check();
    if (!torchVersion) throw new Error('python3-torch did not install; run the benchmark with --no-torch');
  }
  const counts = new Float64Array(config.numItems);
  for (let r = 0; r + 1 < data.offsets.length; r++) for (let p = data.offsets[r]!; p < ends[r]!; p++) counts[data.items[p]!]!++;
  let total = 0;
  for (let i = 0; i < config.numItems; i++) total += Math.pow(counts[i]! + 1, 0.75);
  const itemLogQ = Float32Array.from(counts, (c) => Math.log(Math.pow(c + 1, 0.75) / total));
  // the trainer's windows: every row's (item → next) pairs in chunks of ≤ maxLength from the most recent end
  const windowStart: number[] = [];
  const windowLength: number[] = [];
  for (let r = 0; r + 1 < data.offsets.length; r++) {
    for (let hi = ends[r]! - data.offsets[r]! - 1; hi > 0; ) {
      const lo = Math.max(0, hi - settings.maxLength);
      windowStart.push(data.offsets[r]! + lo);
      windowLength.push(hi - lo);
      hi = lo;
    }
  }
  const arrays: Array<[string, Int32Array | Float32Array]> = [
    ['parameters', initial.parameters],
    ['items', data.items],
    ['windowStart', Int32Array.from(windowStart)],
    ['windowLength', Int32Array.from(windowLength)],
    ['itemLogQ', itemLogQ],
    ['validationStart', Int32Array.from(validationRows, (r) => data.offsets[r]!)],
    ['validationLength', Int32Array.from(validationRows, (r) => ends[r]! - data.offsets[r]!)],
    ['validationTargets', Int32Array.from(validationRows, (r) => data.items[ends[r]!]!)],
  ];
  const header = Buffer.from(
    JSON.stringify({
      config,
      options: { ...settings },
      tensors: describeParameters(config),
      arrays: arrays.map(([name, array]) => ({ name, dtype: array instanceof Int32Array ? 'int32' : 'float32', length: array.length })),
    }),
  );
  const directory = mkdtempSync(join(tmpdir(), 'mixtape-reference-'));
  try {
    const input = join(directory, 'input.bin');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    writeFileSync(input, Buffer.concat([length, header, ...arrays.map(([, array]) => Buffer.from(array.buffer, array.byteOffset, array.byteLength))]));
    const script = join(dirname(fileURLToPath(import.meta.url)), 'reference', 'sasrec_torch.py');
    await new Promise<void>((resolve, reject) => {
      const child = spawn(python, [script, input], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, OMP_NUM_THREADS: String(settings.threads) } });
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          const record = JSON.parse(line) as TorchEpoch & { final?: number[] };
          if (record.final) theirsPerRow = Float64Array.from(record.final);
          else {
            theirs.push(record);
            log(`pytorch  epoch ${record.epoch}: loss ${record.loss.toFixed(4)}, ${record.seconds.toFixed(1)} s, ${Math.round(record.tokensPerSecond)} tokens/s, val NDCG@10 ${record.validationNdcg10.toFixed(4)}`);
          }
        }
      });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the PyTorch reference exited with code ${code}`))));
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

// ---- table
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const interval = (ci: { mean: number; lower: number; upper: number }) => `${ci.mean.toFixed(4)} [${ci.lower.toFixed(4)}, ${ci.upper.toFixed(4)}]`;
const ourSeconds = mean(ours.map((r) => r.seconds));
const lines = [
  `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (at the end); ${settings.tracks} tracks, ${settings.users} users, ${settings.interactions} events → ${data.items.length} training items; ` +
    `d=${settings.dim}, L=${settings.maxLength}, 2 blocks, 1 head, batch ${settings.batchSize}, ${settings.negatives} negatives + log-Q, Adam ${settings.learningRate}, ${settings.epochs} epochs, ${settings.threads} threads, ${validationRows.length} validation rows`,
  '',
  '| trainer | threads | time / epoch (s) | tokens / s | final validation NDCG@10 [95% CI] |',
  '| --- | ---: | ---: | ---: | ---: |',
  `| mixtape (TypeScript, wasm SIMD, worker threads) | ${settings.threads} | ${ourSeconds.toFixed(1)} | ${Math.round(mean(ours.map((r) => r.tokensPerSecond)))} | ${interval(bootstrap(oursPerRow))} |`,
];
if (theirsPerRow && theirs.length > 0) {
  const theirSeconds = mean(theirs.map((r) => r.seconds));
  lines.push(
    `| PyTorch ${torchVersion} (CPU, padded batches) | ${settings.threads} | ${theirSeconds.toFixed(1)} | ${Math.round(mean(theirs.map((r) => r.tokensPerSecond)))} | ${interval(bootstrap(theirsPerRow))} |`,
    `| **ratio mixtape ÷ PyTorch** | | **${(ourSeconds / theirSeconds).toFixed(2)}×** | | difference ${interval(bootstrap(oursPerRow, theirsPerRow))} (paired) |`,
  );
}
lines.push('', '| epoch | mixtape loss | mixtape val NDCG@10 | PyTorch loss | PyTorch val NDCG@10 |', '| ---: | ---: | ---: | ---: | ---: |');
for (let e = 0; e < Math.max(ours.length, theirs.length); e++) {
  lines.push(`| ${e + 1} | ${ours[e]?.loss.toFixed(4) ?? ''} | ${ours[e]?.validationNdcg10?.toFixed(4) ?? ''} | ${theirs[e]?.loss.toFixed(4) ?? ''} | ${theirs[e]?.validationNdcg10.toFixed(4) ?? ''} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
