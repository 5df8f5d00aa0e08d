import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp directory and a cleanup for it. */
export async function makeTempDir(label: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `mixtape-artifacts-${label}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a small bundle directory: catalog, vectors, an index and a model, with given bytes. */
export async function writeBundleDir(dir: string, options: { seed: string; bigFileBytes?: number }): Promise<void> {
  await mkdir(path.join(dir, 'catalog'), { recursive: true });
  await mkdir(path.join(dir, 'vectors'), { recursive: true });
  await mkdir(path.join(dir, 'indexes'), { recursive: true });
  await mkdir(path.join(dir, 'models'), { recursive: true });
  await writeFile(path.join(dir, 'catalog', 'tracks.json'), JSON.stringify({ seed: options.seed, tracks: [1, 2, 3] }));
  await writeFile(path.join(dir, 'vectors', 'items.f32'), Buffer.from(new Float32Array([1, 2, 3, 4, options.seed.length]).buffer));
  await writeFile(path.join(dir, 'indexes', 'items.hnsw'), options.bigFileBytes ? randomBytes(options.bigFileBytes) : Buffer.from(`index-${options.seed}`));
  await writeFile(path.join(dir, 'models', 'ranker.json'), JSON.stringify({ weights: [0.1, 0.2], seed: options.seed }));
}

/** A port that nothing listens on (bound then released). */
export async function closedPort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
