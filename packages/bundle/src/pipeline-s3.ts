// S3 access for @mixtape/pipelines (its PipelineS3 interface), with @aws-sdk/client-s3 set up as
// this package's bundle store does: a custom endpoint and path-style URLs for S3-compatible
// servers, credentials from the SDK's default chain unless given. The pipeline's launcher and
// reader use the async methods; its workers get `worker` (plain settings and the SDK's location)
// and make their own client in a thread (see @mixtape/pipelines' s3.ts).
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type * as S3SdkModule from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { parseS3Uri, type PipelineS3 } from '@mixtape/pipelines';
import { assertRegion } from './storage/stores/s3-region';

/** How to reach S3 (or an S3-compatible server). Explicit credentials travel with the pipeline to its workers; leave them out on a cluster and let each worker's SDK chain (env, instance role) provide them. */
export interface PipelineS3Settings {
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

function clientConfig(settings: PipelineS3Settings): Record<string, unknown> {
  return {
    ...(settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: settings.forcePathStyle ?? true, region: settings.region ?? 'us-east-1' } : settings.region ? { region: settings.region } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  };
}

type Sdk = typeof S3SdkModule;
let sdkModule: Promise<Sdk> | undefined;

export function createPipelineS3(settings: PipelineS3Settings = {}, options: { timeoutMs?: number } = {}): PipelineS3 {
  let opened: Promise<{ client: S3Client; sdk: Sdk }> | undefined;
  // The first location used names itself in a missing-region error (the SDK's own is a bare "Region is missing").
  // Calls made while that first open is pending share it, so their errors name the first caller's location too.
  const open = (uri: string) =>
    (opened ??= (async () => {
      const sdk = await (sdkModule ??= import('@aws-sdk/client-s3'));
      const client = new sdk.S3Client(clientConfig(settings));
      try {
        await assertRegion(client, uri, settings.endpoint);
      } catch (error) {
        client.destroy();
        opened = undefined; // the next call after this failure opens again and names its own location
        throw error;
      }
      return { client, sdk };
    })());
  const where = (uri: string) => (settings.endpoint ? `${uri} (endpoint ${settings.endpoint})` : uri);
  const failed = (what: string, uri: string, error: unknown) => new Error(`${what} ${where(uri)} failed: ${(error as Error).name}: ${(error as Error).message}`, { cause: error });
  return {
    worker: { clientConfig: clientConfig(settings), sdkPath: createRequire(import.meta.url).resolve('@aws-sdk/client-s3'), timeoutMs: options.timeoutMs ?? 120_000 },
    async list(uri) {
      const { bucket, key } = parseS3Uri(uri);
      const { client: s3, sdk } = await open(uri);
      const out: { uri: string; size: number }[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await s3.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: key, ContinuationToken: token }));
          for (const object of page.Contents ?? []) if (object.Key) out.push({ uri: `s3://${bucket}/${object.Key}`, size: object.Size ?? 0 });
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
      } catch (error) {
        throw failed('listing', uri, error);
      }
      return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
    },
    async getText(uri) {
      const { bucket, key } = parseS3Uri(uri);
      const { client: s3, sdk } = await open(uri);
      try {
        const object = await s3.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
        return await object.Body!.transformToString('utf8');
      } catch (error) {
        throw failed('reading', uri, error);
      }
    },
    async *lines(uri) {
      const { bucket, key } = parseS3Uri(uri);
      const { client: s3, sdk } = await open(uri);
      const object = await s3.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key })).catch((error: unknown) => {
        throw failed('reading', uri, error);
      });
      const body = object.Body as unknown as NodeJS.ReadableStream | WebReadableStream;
      const stream = body instanceof Readable ? body : Readable.fromWeb(body as WebReadableStream);
      yield* createInterface({ input: stream, crlfDelay: Infinity });
    },
    async put(uri, body) {
      const { bucket, key } = parseS3Uri(uri);
      const { client: s3, sdk } = await open(uri);
      try {
        await s3.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      } catch (error) {
        throw failed('writing', uri, error);
      }
    },
    async delete(uris) {
      const first = uris[0];
      if (first === undefined) return;
      const { client: s3, sdk } = await open(first);
      for (const uri of uris) {
        const { bucket, key } = parseS3Uri(uri);
        await s3.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: key })).catch((error: unknown) => {
          throw failed('deleting', uri, error);
        });
      }
    },
  };
}
