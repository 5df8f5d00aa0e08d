// S3 locations for the pipeline's inputs and outputs. The SDK itself stays out of this package
// (a domain package): callers pass a PipelineS3 (@mixtape/bundle's createPipelineS3). Two sides:
// - the launcher and the reader (async): list inputs, remove earlier outputs, write the
//   manifest, stream output shards back;
// - the workers (sync: a Beam DoFn's process() cannot await): ranged GETs of input chunks and
//   PUTs of output shards through a worker thread that owns an SDK client, the calling thread
//   blocking on Atomics.wait until it answers — one client per process, created on first use. So
//   an S3 server must not run on a worker's own thread (tests start s3rver in a child process).

/** S3 as the pipeline uses it. */
export interface PipelineS3 {
  list(uri: string): Promise<{ uri: string; size: number }[]>;
  getText(uri: string): Promise<string>;
  lines(uri: string): AsyncIterable<string>;
  put(uri: string, body: string | Uint8Array): Promise<void>;
  delete(uris: readonly string[]): Promise<void>;
  /** what a worker makes its own client from: plain SDK client settings, the SDK's module path (workers without it there resolve the package by name), a per-request deadline */
  worker: { clientConfig: Record<string, unknown>; sdkPath: string; timeoutMs: number };
}

export interface S3Location {
  bucket: string;
  key: string;
}

export function isS3Uri(location: string): boolean {
  return location.startsWith('s3://');
}

export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match || !match[1]) throw new Error(`${uri}: expected s3://bucket/key-or-prefix`);
  return { bucket: match[1], key: match[2] ?? '' };
}

/** `s3://bucket/prefix` + name, with exactly one slash between. */
export function joinS3(uri: string, name: string): string {
  return `${uri.replace(/\/+$/, '')}/${name}`;
}

/** The caller's S3 access, or a clear error naming the location that needed it. */
export function needS3(s3: PipelineS3 | undefined, uri: string): PipelineS3 {
  if (!s3) throw new Error(`${uri}: an S3 location, but no S3 access was given (pass s3: createPipelineS3(…) from @mixtape/bundle; the CLI makes it from MIXTAPE_S3_ENDPOINT / AWS_*)`);
  return s3;
}

export const listS3 = (s3: PipelineS3 | undefined, uri: string) => needS3(s3, uri).list(uri);
export const getS3Text = (s3: PipelineS3 | undefined, uri: string) => needS3(s3, uri).getText(uri);
export const s3Lines = (s3: PipelineS3 | undefined, uri: string) => needS3(s3, uri).lines(uri);
export const putS3 = (s3: PipelineS3 | undefined, uri: string, body: string | Uint8Array) => needS3(s3, uri).put(uri, body);
export const deleteS3 = (s3: PipelineS3 | undefined, uris: readonly string[]) => (uris.length === 0 ? Promise.resolve() : needS3(s3, uris[0]!).delete(uris));

/** The worker thread's code (CommonJS, eval'd): one SDK client answering get / put requests. */
export const S3_THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let sdk;
try { sdk = require(workerData.sdkPath); } catch { sdk = require('@aws-sdk/client-s3'); }
const client = new sdk.S3Client(workerData.clientConfig);
parentPort.on('message', async ({ signal, port, request }) => {
  let reply;
  try {
    if (request.op === 'get') {
      const range = request.end > request.start ? 'bytes=' + request.start + '-' + (request.end - 1) : undefined;
      const out = await client.send(new sdk.GetObjectCommand({ Bucket: request.bucket, Key: request.key, Range: range }));
      reply = { body: Buffer.from(await out.Body.transformToByteArray()) };
    } else if (request.op === 'put') {
      await client.send(new sdk.PutObjectCommand({ Bucket: request.bucket, Key: request.key, Body: request.body }));
      reply = { body: null };
    } else reply = { error: 'unknown request ' + request.op };
  } catch (error) {
    reply = { error: (error && error.name ? error.name + ': ' : '') + (error && error.message ? error.message : String(error)) };
  }
  port.postMessage(reply);
  port.close();
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
`;

