// Bundle load benchmark: publishes a synthetic bundle (random bytes, ~300 MB by default) to
// s3rver and to a file:// store, then measures loadBundle cold (empty cache) and cached from
// both, and prints a markdown table with the S3 / file:// ratio.
//
//   pnpm --filter @mixtape/bundle bench:load [-- --size-mb 300 --runs 2]
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFileStore, createS3Store, loadBundle, publishBundle } from '../src/index';
import type { BundleStore } from '../src/index';

const MiB = 1024 * 1024;
const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  const value = at === -1 ? fallback : Number(args[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} expects a positive number, got ${args[at + 1]}`);
  return value;
};
const totalMiB = option('size-mb', 300);
const runs = option('runs', 2);
const log = (message: string): void => void process.stderr.write(`${message}\n`);

async function writeRandomFile(filePath: string, bytes: number): Promise<void> {
  await mkdir(path.dirname(filePath), { recursive: true });
  const handle = await open(filePath, 'w');
  try {
    for (let written = 0; written < bytes; ) {
      const chunk = randomBytes(Math.min(16 * MiB, bytes - written));
      await handle.write(chunk);
      written += chunk.length;
    }
  } finally {
    await handle.close();
  }
}

async function startS3Child(directory: string) {
  const child = fork(fileURLToPath(new URL('./local-s3-server.ts', import.meta.url)), [directory], {
    execArgv: ['--import', 'tsx', '--conditions', '@mixtape/source', '--no-warnings'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { endpoint: string }).endpoint));
    child.once('exit', (code) => reject(new Error(`s3rver child exited with ${code}`)));
  });
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
}

interface Measurement {
  scenario: string;
  seconds: number[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function timeLoads(store: BundleStore, label: string, workDir: string, bundleBytes: number): Promise<Measurement[]> {
  const cold: number[] = [];
  const cached: number[] = [];
  for (let run = 0; run < runs; run++) {
    const cacheDir = path.join(workDir, `cache-${label}-${run}`);
    let started = performance.now();
    const first = await loadBundle(store, { cacheDir });
    cold.push((performance.now() - started) / 1000);
    if (first.stats.bytesDownloaded !== bundleBytes) throw new Error(`${label}: cold load downloaded ${first.stats.bytesDownloaded} bytes, expected ${bundleBytes}`);
    started = performance.now();
    const second = await loadBundle(store, { cacheDir });
    cached.push((performance.now() - started) / 1000);
    if (second.stats.filesDownloaded !== 0) throw new Error(`${label}: cached load downloaded files`);
    await rm(cacheDir, { recursive: true, force: true });
    log(`${label} run ${run + 1}/${runs}: cold ${cold.at(-1)?.toFixed(2)} s, cached ${cached.at(-1)?.toFixed(3)} s`);
  }
  return [
    { scenario: `${label} cold (download + sha256)`, seconds: cold },
    { scenario: `${label} cached (size check)`, seconds: cached },
  ];
}

const workDir = await mkdtemp(path.join(os.tmpdir(), 'mixtape-bundle-bench-'));
try {
  // A bundle shaped like a real one: one big index, vectors, catalog, a small model.
  const sizes: Record<string, number> = {
    'indexes/items.hnsw': Math.round(totalMiB * 0.8 * MiB),
    'vectors/items.f32': Math.round(totalMiB * 0.15 * MiB),
    'catalog/tracks.msgpack': Math.round(totalMiB * 0.05 * MiB),
    'models/ranker.json': 64 * 1024,
  };
  const bundleBytes = Object.values(sizes).reduce((sum, size) => sum + size, 0);
  const source = path.join(workDir, 'source');
  log(`writing a ${(bundleBytes / MiB).toFixed(0)} MiB synthetic bundle…`);
  for (const [bundlePath, size] of Object.entries(sizes)) await writeRandomFile(path.join(source, bundlePath), size);

  const s3Server = await startS3Child(path.join(workDir, 's3rver'));
  const s3Store = createS3Store({
    endpoint: s3Server.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    bucket: 'mixtape',
    prefix: 'bench',
  });
  const fileStore = createFileStore({ directory: path.join(workDir, 'file-store') });
  try {
    const progress = (label: string) => (p: { phase: string; bytesDone: number; bytesTotal: number; bytesPerSecond: number; etaSeconds?: number }) =>
      log(`${label} ${p.phase}: ${(p.bytesDone / MiB).toFixed(0)}/${(p.bytesTotal / MiB).toFixed(0)} MiB, ${(p.bytesPerSecond / MiB).toFixed(0)} MiB/s, ETA ${p.etaSeconds?.toFixed(1) ?? '?'} s`);
    let started = performance.now();
    await publishBundle(s3Store, source, { producer: 'bench', version: 'bench', onProgress: progress('s3 publish') });
    const publishS3 = (performance.now() - started) / 1000;
    started = performance.now();
    await publishBundle(fileStore, source, { producer: 'bench', version: 'bench' });
    const publishFile = (performance.now() - started) / 1000;

    const measurements = [
      { scenario: 'publish to s3rver (hash + multipart upload)', seconds: [publishS3] },
      { scenario: 'publish to file:// (hash + copy)', seconds: [publishFile] },
      ...(await timeLoads(s3Store, 's3rver', workDir, bundleBytes)),
      ...(await timeLoads(fileStore, 'file://', workDir, bundleBytes)),
    ];
    const fileCold = median(measurements.find((m) => m.scenario.startsWith('file:// cold'))?.seconds ?? [Number.NaN]);
    const lines = [
      `Bundle: ${(bundleBytes / MiB).toFixed(0)} MiB in ${Object.keys(sizes).length} files; s3rver on 127.0.0.1 in a child process; ${runs} run(s), median; ${os.cpus().length} cores, Node ${process.version}.`,
      '',
      '| scenario | seconds (median) | MiB/s | × file:// cold |',
      '| --- | ---: | ---: | ---: |',
      ...measurements.map((m) => {
        const seconds = median(m.seconds);
        return `| ${m.scenario} | ${seconds.toFixed(3)} | ${(bundleBytes / MiB / seconds).toFixed(0)} | ${(seconds / fileCold).toFixed(2)} |`;
      }),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await s3Store.close();
    await s3Server.stop();
  }
} finally {
  await rm(workDir, { recursive: true, force: true });
}
