import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { S3StoreOptions } from '../storage/stores/s3-store';

// s3rver ships no types; this is the part of its API we use. Loaded with require so no
// ambient module declaration has to be visible to every package that typechecks this file.
interface S3rverInstance {
  httpServer: Server | undefined;
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: Array<{ name: string }>;
}) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

export interface LocalS3Options {
  /** Directory s3rver keeps objects in (created if missing). */
  directory: string;
  /** TCP port on 127.0.0.1; default 0 = any free port. */
  port?: number;
  /** Buckets to create before serving (default ["mixtape"]). */
  buckets?: readonly string[];
}

export interface LocalS3RequestRecord {
  method: string;
  /** Path and query, e.g. `/mixtape/bundles/v1/files/a.bin`. */
  url: string;
  range: string | undefined;
}

export interface LocalS3 {
  /** e.g. `http://127.0.0.1:41234` */
  endpoint: string;
  port: number;
  buckets: readonly string[];
  /** Options for createS3Store / openBundleStore({ s3 }) that talk to this server. */
  s3Options: Required<Pick<S3StoreOptions, 'endpoint' | 'region' | 'forcePathStyle' | 'credentials'>>;
  /** Every HTTP request the server received so far (tests count downloads with it). */
  requests: LocalS3RequestRecord[];
  stop(): Promise<void>;
}

/**
 * Starts s3rver (a real S3-protocol server on the filesystem) on 127.0.0.1 with the buckets
 * created, for tests and the local demo. Credentials are s3rver's fixed `S3RVER`/`S3RVER`.
 */
export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const buckets = options.buckets ?? ['mixtape'];
  await mkdir(options.directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory: options.directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const address = await server.run();
  const requests: LocalS3RequestRecord[] = [];
  server.httpServer?.on('request', (request: IncomingMessage) => {
    requests.push({ method: request.method ?? '', url: request.url ?? '', range: request.headers.range });
  });
  const endpoint = `http://127.0.0.1:${address.port}`;
  let stopped = false;
  return {
    endpoint,
    port: address.port,
    buckets,
    s3Options: {
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    },
    requests,
    async stop() {
      if (stopped) return;
      stopped = true;
      // Keep-alive sockets from SDK clients would hold close() open; drop them.
      server.httpServer?.closeAllConnections();
      await server.close();
    },
  };
}
