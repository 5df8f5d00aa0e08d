import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as S3SdkModule from '@aws-sdk/client-s3';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { BundleError, StoreUnreachableError } from '../errors';
import { abortable, createDeadline, withSignalScope } from '../internal/abort';
import { mapWithConcurrency } from '../internal/concurrency';
import { defaultRetryPolicy, isRetryableError, retry } from '../retry';
import type { RetryPolicy } from '../retry';
import { silentLogger, type Logger } from '@mixtape/base';
import { assertValidKey } from './keys';
import { assertCredentials, assertRegion } from './s3-region';
import type { BundleStore, ByteRange, DownloadOptions, DownloadResult, ListResult, ObjectInfo, PutOptions, StoreRequestOptions } from './types';

const MiB = 1024 * 1024;

// The SDK is loaded on first use (~0.3 s): packages that only define bundle parts, and services
// reading file:// bundles, never pay for it.
type S3Sdk = typeof S3SdkModule;
let sdkModule: Promise<S3Sdk> | undefined;
const loadSdk = (): Promise<S3Sdk> => (sdkModule ??= import('@aws-sdk/client-s3'));

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket ("" for the bucket root); leading/trailing "/" are ignored. */
  prefix?: string;
  /** Custom endpoint for S3-compatible servers (MinIO, s3rver, R2…), e.g. `http://127.0.0.1:4568`. */
  endpoint?: string;
  /** Region; when omitted the AWS SDK's standard chain decides (AWS_REGION, config files). */
  region?: string;
  /** Path-style URLs (`endpoint/bucket/key`), needed by most S3-compatible servers. */
  forcePathStyle?: boolean;
  /** Explicit credentials; when omitted the AWS SDK's default provider chain is used. */
  credentials?: S3ClientConfig['credentials'];
  /** Bring your own client (its own retry settings then apply in addition to ours). */
  client?: S3Client;
  /** Attempts and backoff for retryable failures (5xx, throttling, network). Default 4 attempts, 150 ms base, 5 s cap. */
  retry?: Partial<RetryPolicy>;
  /** Deadline for one attempt of one request, including reading its body (default 60 s). */
  requestTimeoutMs?: number;
  /** TCP connect timeout (default 3 s). */
  connectTimeoutMs?: number;
  /** Files at least this big go up as multipart uploads and come down as ranged GETs (default 16 MiB). */
  multipartThresholdBytes?: number;
  /** Part / range size (default 8 MiB; S3 requires >= 5 MiB for all parts but the last). */
  partSizeBytes?: number;
  /** Parts or ranges in flight per file (default 4). */
  concurrency?: number;
  /** Sockets per host (default 32). */
  maxSockets?: number;
  logger?: Logger;
}

interface S3ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  errors?: Array<{ message?: string }>;
  $metadata?: { httpStatusCode?: number };
}

function statusOf(error: unknown): number | undefined {
  return (error as S3ErrorLike | undefined)?.$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
  const name = (error as S3ErrorLike | undefined)?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || (statusOf(error) === 404 && name !== 'NoSuchBucket');
}

/** One line: error name, HTTP status, network code and message, even for AggregateErrors. */
export function describeStoreError(error: unknown): string {
  const value = error as S3ErrorLike | undefined;
  if (!value || typeof value !== 'object') return String(error);
  let message = value.message ?? '';
  if (!message && Array.isArray(value.errors)) message = value.errors.map((inner) => inner.message).join('; ');
  const status = statusOf(error);
  const parts = [value.name && value.name !== 'Error' ? value.name : undefined, status ? `HTTP ${status}` : undefined, value.code];
  const prefix = parts.filter(Boolean).join(' ');
  return prefix ? `${prefix}: ${message || '(no message)'}` : message || String(error);
}

class AttemptTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`request attempt timed out after ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

function countingTransform(onChunk: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onChunk(chunk);
      callback(null, chunk);
    },
  });
}

/** Parses the total size from `Content-Range: bytes 0-99/1234`. */
function totalFromContentRange(contentRange: string | undefined): number | undefined {
  const match = contentRange && /\/(\d+)\s*$/.exec(contentRange);
  return match ? Number(match[1]) : undefined;
}

/**
 * A `BundleStore` over S3 or an S3-compatible server. Every request gets a per-attempt
 * timeout and is retried with exponential backoff + full jitter on retryable errors only;
 * when retries run out the error names the endpoint and the cause.
 */
export function createS3Store(options: S3StoreOptions): BundleStore {
  if (!options.bucket || /[/\s]/.test(options.bucket)) {
    throw new BundleError('BUNDLE_INPUT_INVALID', `invalid S3 bucket name "${options.bucket}"`);
  }
  const bucket = options.bucket;
  const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const logger = options.logger ?? silentLogger;
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...options.retry };
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const partSize = Math.max(5 * MiB, options.partSizeBytes ?? 8 * MiB);
  const multipartThreshold = Math.max(partSize, options.multipartThresholdBytes ?? 16 * MiB);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const ownsClient = options.client === undefined;
  let clientPromise: Promise<S3Client> | undefined;
  const createClient = (sdk: S3Sdk): S3Client =>
    new sdk.S3Client({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      // We retry ourselves (with our classification and error messages); one attempt per send.
      maxAttempts: 1,
      // Checksums are ours (sha256 per file). The SDK's default CRC trailers use aws-chunked
      // encoding that several S3-compatible servers store verbatim, corrupting objects.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: {
        connectionTimeout: options.connectTimeoutMs ?? 3_000,
        httpAgent: { keepAlive: true, maxSockets: options.maxSockets ?? 32 },
        httpsAgent: { keepAlive: true, maxSockets: options.maxSockets ?? 32 },
      },
    });
  const endpointLabel = options.endpoint ?? `AWS S3${options.region ? ` (${options.region})` : ''}`;
  const rootUri = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
  const openClient = async (): Promise<S3Client> => {
    const client = options.client ?? createClient(await loadSdk());
    try {
      // Once, before the first request: without a region the SDK fails every request with a bare "Region is missing".
      await assertRegion(client, rootUri, options.endpoint);
    } catch (error) {
      if (ownsClient) client.destroy();
      throw error;
    }
    return client;
  };
  // A failed open stays failed: the settings it depends on do not change while the store lives.
  const getClient = (): Promise<S3Client> => (clientPromise ??= openClient());
  const fullKey = (key: string): string => {
    assertValidKey(key);
    return prefix ? `${prefix}/${key}` : key;
  };
  const relativeKey = (key: string): string => (prefix ? key.slice(prefix.length + 1) : key);
  const uriOf = (key: string): string => `${rootUri}/${key}`;

  /** Runs one logical request with per-attempt timeouts and retries, and maps final errors. */
  async function request<T>(
    operation: string,
    key: string,
    callerSignal: AbortSignal | undefined,
    attempt: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    let attempts = 0;
    try {
      return await retry(
        async () => {
          attempts += 1;
          const guard = createDeadline(callerSignal, requestTimeoutMs, () => new AttemptTimeoutError(requestTimeoutMs));
          try {
            return await attempt(guard.signal);
          } catch (error) {
            // The SDK reports our timer as a generic abort; make it a retryable timeout.
            if (guard.timedOut() && !callerSignal?.aborted) throw new AttemptTimeoutError(requestTimeoutMs);
            throw error;
          } finally {
            guard.clear();
          }
        },
        {
          policy,
          signal: callerSignal,
          onRetry: (error, attemptNumber, delayMs) =>
            logger.warn(
              { operation, key: uriOf(key), endpoint: endpointLabel, attempt: attemptNumber, delayMs, error: describeStoreError(error) },
              'S3 request failed; retrying',
            ),
        },
      );
    } catch (error) {
      // The caller's abort surfaces as its own reason, not the SDK's generic "Request aborted".
      if (callerSignal?.aborted) throw callerSignal.reason ?? error;
      if (error instanceof BundleError) throw error;
      const where = `${operation} ${uriOf(key)} at ${endpointLabel}`;
      if (isRetryableError(error)) {
        throw new StoreUnreachableError(
          `S3 unreachable: ${where} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${describeStoreError(error)}`,
          { cause: error, details: { endpoint: endpointLabel, bucket, key, attempts } },
        );
      }
      if ((error as S3ErrorLike).name === 'NoSuchBucket') {
        throw new BundleError('STORE_REQUEST_FAILED', `S3 bucket "${bucket}" does not exist at ${endpointLabel}`, {
          cause: error,
          details: { endpoint: endpointLabel, bucket },
        });
      }
      throw new BundleError('STORE_REQUEST_FAILED', `S3 request failed: ${where}: ${describeStoreError(error)}`, {
        cause: error,
        details: { endpoint: endpointLabel, bucket, key, status: statusOf(error) },
      });
    }
  }

  async function head(key: string, requestOptions: StoreRequestOptions = {}): Promise<ObjectInfo | undefined> {
    return request('HEAD', key, requestOptions.signal, async (signal) => {
      try {
        const output = await (await getClient()).send(new (await loadSdk()).HeadObjectCommand({ Bucket: bucket, Key: fullKey(key) }), { abortSignal: signal });
        return { key, size: output.ContentLength ?? 0, lastModified: output.LastModified };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    });
  }

  async function getObject(key: string, range: ByteRange | undefined, signal: AbortSignal) {
    try {
      return await (await getClient()).send(
        new (await loadSdk()).GetObjectCommand({ Bucket: bucket, Key: fullKey(key), Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
        { abortSignal: signal },
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async function getBytes(key: string, requestOptions: StoreRequestOptions & { range?: ByteRange } = {}) {
    return request('GET', key, requestOptions.signal, async (signal) => {
      const output = await getObject(key, requestOptions.range, signal);
      if (!output?.Body) return undefined;
      return output.Body.transformToByteArray();
    });
  }

  async function getStream(key: string, requestOptions: StoreRequestOptions & { range?: ByteRange } = {}): Promise<Readable | undefined> {
    // Only the response headers are under the attempt timeout; the caller paces the body.
    return request('GET', key, requestOptions.signal, async () => {
      const deadline = createDeadline(requestOptions.signal, requestTimeoutMs, () => new AttemptTimeoutError(requestTimeoutMs));
      try {
        const output = await getObject(key, requestOptions.range, deadline.signal);
        return output?.Body as Readable | undefined;
      } finally {
        deadline.clear();
      }
    });
  }

  async function downloadWhole(key: string, destinationPath: string, downloadOptions: DownloadOptions): Promise<DownloadResult | undefined> {
    return request('GET', key, downloadOptions.signal, async (signal) => {
      const output = await getObject(key, undefined, signal);
      if (!output?.Body) return undefined;
      const hash = createHash('sha256');
      let written = 0;
      try {
        await pipeline(
          output.Body as Readable,
          countingTransform((chunk) => {
            hash.update(chunk);
            written += chunk.length;
            downloadOptions.onBytes?.(chunk.length);
          }),
          createWriteStream(destinationPath),
          { signal },
        );
      } catch (error) {
        downloadOptions.onBytes?.(-written); // the retry starts over
        throw error;
      }
      return { size: written, sha256: hash.digest('hex') };
    });
  }

  async function downloadRanged(
    key: string,
    destinationPath: string,
    size: number,
    downloadOptions: DownloadOptions,
  ): Promise<DownloadResult | undefined> {
    const ranges: ByteRange[] = [];
    for (let start = 0; start < size; start += partSize) ranges.push({ start, end: Math.min(size, start + partSize) - 1 });
    const handle = await open(destinationPath, 'w+');
    // Ranges land out of order; a follower hashes the contiguous prefix as it completes, so
    // hashing overlaps the download and reads pages that are still in the page cache.
    const hash = createHash('sha256');
    const completed = new Array<boolean>(ranges.length).fill(false);
    let nextToHash = 0;
    let hashing: Promise<void> = Promise.resolve();
    const hashBuffer = Buffer.allocUnsafe(1 << 20);
    const advanceHash = (): void => {
      hashing = hashing.then(async () => {
        while (nextToHash < ranges.length && completed[nextToHash]) {
          const range = ranges[nextToHash] as ByteRange;
          for (let position = range.start; position <= range.end; ) {
            const length = Math.min(hashBuffer.length, range.end + 1 - position);
            const { bytesRead } = await handle.read(hashBuffer, 0, length, position);
            if (bytesRead === 0) throw new Error(`short read while hashing ${destinationPath} at ${position}`);
            hash.update(hashBuffer.subarray(0, bytesRead));
            position += bytesRead;
          }
          nextToHash += 1;
        }
      });
    };
    let missing = false;
    try {
      await mapWithConcurrency(
        ranges,
        concurrency,
        (range, index) =>
          request('GET', key, downloadOptions.signal, async (signal) => {
            const output = await getObject(key, range, signal);
            if (!output?.Body) {
              missing = true;
              throw new BundleError('BUNDLE_FILE_MISSING', `${uriOf(key)} disappeared during a ranged download`);
            }
            const total = totalFromContentRange(output.ContentRange);
            if (total !== undefined && total !== size) {
              (output.Body as Readable).destroy();
              throw new BundleError('BUNDLE_SIZE_MISMATCH', `${uriOf(key)} is ${total} bytes, expected ${size}`, {
                details: { key, expected: size, actual: total },
              });
            }
            let position = range.start;
            try {
              for await (const chunk of output.Body as AsyncIterable<Buffer>) {
                if (position + chunk.length > range.end + 1) throw new Error(`range ${range.start}-${range.end} returned too many bytes`);
                await handle.write(chunk, 0, chunk.length, position);
                position += chunk.length;
                downloadOptions.onBytes?.(chunk.length);
              }
            } catch (error) {
              downloadOptions.onBytes?.(range.start - position);
              throw error;
            }
            if (position !== range.end + 1) {
              downloadOptions.onBytes?.(range.start - position);
              // A short body is a broken connection: retryable.
              throw Object.assign(new Error(`range ${range.start}-${range.end} ended after ${position - range.start} bytes`), { code: 'ECONNRESET' });
            }
            completed[index] = true;
            advanceHash();
          }),
        downloadOptions.signal,
      );
      await hashing;
    } catch (error) {
      await hashing.catch(() => undefined);
      if (missing) return undefined;
      throw error;
    } finally {
      await handle.close();
    }
    return { size, sha256: hash.digest('hex') };
  }

  async function putBytes(key: string, bytes: Uint8Array | string, putOptions: PutOptions = {}): Promise<void> {
    const body = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    await request('PUT', key, putOptions.signal, async (signal) =>
      (await getClient()).send(
        new (await loadSdk()).PutObjectCommand({
          Bucket: bucket,
          Key: fullKey(key),
          Body: body,
          ContentLength: body.byteLength,
          ContentType: putOptions.contentType ?? 'application/octet-stream',
        }),
        { abortSignal: signal },
      ),
    );
    putOptions.onBytes?.(body.byteLength);
  }

  async function putMultipart(key: string, sourcePath: string, size: number, putOptions: PutOptions): Promise<void> {
    const created = await request('CreateMultipartUpload', key, putOptions.signal, async (signal) =>
      (await getClient()).send(
        new (await loadSdk()).CreateMultipartUploadCommand({
          Bucket: bucket,
          Key: fullKey(key),
          ContentType: putOptions.contentType ?? 'application/octet-stream',
        }),
        { abortSignal: signal },
      ),
    );
    const uploadId = created.UploadId;
    if (!uploadId) throw new BundleError('STORE_REQUEST_FAILED', `S3 returned no UploadId for ${uriOf(key)} at ${endpointLabel}`);
    const handle = await open(sourcePath, 'r');
    try {
      const partNumbers = Array.from({ length: Math.ceil(size / partSize) }, (_, index) => index + 1);
      const parts = await mapWithConcurrency(
        partNumbers,
        concurrency,
        async (partNumber) => {
          const start = (partNumber - 1) * partSize;
          const length = Math.min(partSize, size - start);
          // Parts are read into memory (concurrency × partSize) so a retry can resend them.
          const buffer = Buffer.allocUnsafe(length);
          const { bytesRead } = await handle.read(buffer, 0, length, start);
          if (bytesRead !== length) throw new BundleError('BUNDLE_INPUT_INVALID', `${sourcePath} changed size during upload`);
          const output = await request(`UploadPart ${partNumber}`, key, putOptions.signal, async (signal) =>
            (await getClient()).send(
              new (await loadSdk()).UploadPartCommand({
                Bucket: bucket,
                Key: fullKey(key),
                UploadId: uploadId,
                PartNumber: partNumber,
                Body: buffer,
                ContentLength: length,
              }),
              { abortSignal: signal },
            ),
          );
          putOptions.onBytes?.(length);
          return { PartNumber: partNumber, ETag: output.ETag };
        },
        putOptions.signal,
      );
      await request('CompleteMultipartUpload', key, putOptions.signal, async (signal) =>
        (await getClient()).send(
          new (await loadSdk()).CompleteMultipartUploadCommand({ Bucket: bucket, Key: fullKey(key), UploadId: uploadId, MultipartUpload: { Parts: parts } }),
          { abortSignal: signal },
        ),
      );
    } catch (error) {
      // Best effort: free the parts; the original error is the one worth reporting.
      await (await getClient())
        .send(new (await loadSdk()).AbortMultipartUploadCommand({ Bucket: bucket, Key: fullKey(key), UploadId: uploadId }), {
          abortSignal: AbortSignal.timeout(requestTimeoutMs),
        })
        .catch((abortError: unknown) => logger.warn({ key: uriOf(key), error: describeStoreError(abortError) }, 'could not abort multipart upload'));
      throw error;
    } finally {
      await handle.close();
    }
  }

  const store: BundleStore = {
    description: options.endpoint ? `${rootUri} (endpoint ${options.endpoint})` : rootUri,
    uriOf,
    async ready({ signal }: StoreRequestOptions = {}) {
      // The SDK's providers take no signal: the wait is cut short instead (a failed or late open still settles
      // getClient()'s promise for the next call).
      const client = await abortable(getClient, signal, () => `${rootUri}: resolving the S3 region`);
      // Credentials too (a caller's own client is its business): with a region but none, a build would
      // otherwise run to its first upload and fail there. Resolving them sends nothing to the bucket.
      if (ownsClient) await abortable(() => assertCredentials(client, rootUri, options.endpoint), signal, () => `${rootUri}: resolving the S3 credentials`);
    },
    head,
    getBytes,
    getStream,

    async downloadFile(key, destinationPath, downloadOptions: DownloadOptions = {}) {
      await mkdir(path.dirname(destinationPath), { recursive: true });
      const size = downloadOptions.size ?? (await head(key, downloadOptions))?.size;
      if (size === undefined) return undefined;
      if (size < multipartThreshold) return downloadWhole(key, destinationPath, downloadOptions);
      return withSignalScope(downloadOptions.signal, (signal) => downloadRanged(key, destinationPath, size, { ...downloadOptions, signal }));
    },

    putBytes,

    async putFile(key, sourcePath, putOptions: PutOptions = {}) {
      const { size } = await stat(sourcePath);
      if (size >= multipartThreshold) await withSignalScope(putOptions.signal, (signal) => putMultipart(key, sourcePath, size, { ...putOptions, signal }));
      else await putBytes(key, await readFile(sourcePath), putOptions);
    },

    async list(listPrefix, listOptions: StoreRequestOptions & { delimiter?: string } = {}): Promise<ListResult> {
      const objects: ObjectInfo[] = [];
      const prefixes: string[] = [];
      const fullPrefix = prefix ? `${prefix}/${listPrefix}` : listPrefix;
      let continuationToken: string | undefined;
      do {
        const token = continuationToken;
        const output = await request('LIST', listPrefix, listOptions.signal, async (signal) =>
          (await getClient()).send(
            new (await loadSdk()).ListObjectsV2Command({ Bucket: bucket, Prefix: fullPrefix, Delimiter: listOptions.delimiter, ContinuationToken: token }),
            { abortSignal: signal },
          ),
        );
        for (const item of output.Contents ?? []) {
          if (item.Key) objects.push({ key: relativeKey(item.Key), size: item.Size ?? 0, lastModified: item.LastModified });
        }
        for (const common of output.CommonPrefixes ?? []) if (common.Prefix) prefixes.push(relativeKey(common.Prefix));
        continuationToken = output.IsTruncated ? output.NextContinuationToken : undefined;
      } while (continuationToken);
      return { objects, prefixes };
    },

    async delete(keys, requestOptions: StoreRequestOptions = {}) {
      // Single deletes: DeleteObjects needs Content-MD5, which several S3-compatible servers
      // and recent SDK checksum defaults disagree on.
      await mapWithConcurrency(
        keys,
        8,
        (key) =>
          request('DELETE', key, requestOptions.signal, async (signal) =>
            (await getClient()).send(new (await loadSdk()).DeleteObjectCommand({ Bucket: bucket, Key: fullKey(key) }), { abortSignal: signal }),
          ),
        requestOptions.signal,
      );
    },

    async close() {
      if (ownsClient && clientPromise) (await clientPromise.catch(() => undefined))?.destroy();
    },
  };
  return store;
}
