import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp directory and a cleanup for it. */
export async function makeTempDir(label: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `mixtape-artifacts-${label}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export { useLocalS3, withoutAwsCredentials, withoutAwsRegion } from '../src/testing/index';

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

export type FaultAction = 'pass' | 'error-503' | 'error-403' | 'reset-mid-body' | 'hang';

/**
 * An HTTP proxy on 127.0.0.1 in front of s3rver that injects faults: `decide` picks, per
 * request, whether to pass it through, answer 503/403 with an S3 error body, forward it and
 * cut the connection after the first body chunk, or never answer.
 */
export async function startFaultyProxy(
  targetEndpoint: string,
  decide: (request: { method: string; url: string; range: string | undefined }) => FaultAction,
): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const http = await import('node:http');
  const target = new URL(targetEndpoint);
  const s3ErrorBody = (code: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>injected by test proxy</Message></Error>`;
  const server = http.createServer((request, response) => {
    const action = decide({ method: request.method ?? '', url: request.url ?? '', range: request.headers.range });
    if (action === 'hang') {
      request.resume(); // read the request, answer nothing; stop() closes the socket
      return;
    }
    if (action === 'error-503' || action === 'error-403') {
      request.resume();
      request.on('end', () => {
        response.writeHead(action === 'error-503' ? 503 : 403, { 'content-type': 'application/xml' });
        response.end(s3ErrorBody(action === 'error-503' ? 'ServiceUnavailable' : 'AccessDenied'));
      });
      return;
    }
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        if (action === 'reset-mid-body') {
          upstreamResponse.once('data', (chunk: Buffer) => {
            response.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)));
            upstreamResponse.destroy();
            request.socket.destroy();
          });
          return;
        }
        upstreamResponse.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
