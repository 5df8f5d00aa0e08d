// The pipeline with its inputs and outputs on S3 (a real S3-protocol server, s3rver): the Beam
// workers read the inputs in byte ranges themselves (small chunks, so lines cross chunk edges),
// write their shards to the bucket, and the build continues from s3:// — every output equal to
// the single-process one on local disk, the bundle's files byte-equal. s3rver runs in a child
// process: a worker blocks its thread while its S3 request is answered (a DoFn cannot await), so
// the server must not share that thread — as real S3 never does.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnapshot } from '@mixtape/catalog';
import { createPipelineS3 } from '@mixtape/bundle';
import { exportDatasetAsJsonLines, readAggregates, readDeadLetters, runAggregationPipeline, runLocalAggregation, type PipelineS3 } from '@mixtape/pipelines';
import { overridesFromFlags, runBuild } from '../src/commands/build';
import { writeSyntheticDataset } from '../src/commands/data';
import { compareAggregates } from '../src/commands/pipeline';

describe('mixtape pipeline on S3 (s3rver)', () => {
  let work: string;
  let server: ChildProcess;
  let endpoint: string;
  let settings: PipelineS3;
  /** ranged GETs of a key the server has answered */
  const rangedGets = async (key: string): Promise<number> => {
    server.send({ rangedGets: key });
    const [count] = (await once(server, 'message')) as [number];
    return count;
  };
  let snapshot: Awaited<ReturnType<typeof readSnapshot>>;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'pipeline-s3-'));
    await mkdir(join(work, 's3'));
    const script = join(work, 's3rver.cjs');
    await writeFile(
      script,
      `const S3rver = require(${JSON.stringify(createRequire(import.meta.url).resolve('s3rver'))});
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: ${JSON.stringify(join(work, 's3'))}, configureBuckets: [{ name: 'mixtape' }] });
const ranged = [];
server.run().then((address) => {
  server.httpServer.on('request', (request) => { if (request.method === 'GET' && request.headers.range) ranged.push(request.url); });
  process.send({ port: address.port });
});
process.on('message', (message) => process.send(ranged.filter((url) => url.startsWith(message.rangedGets)).length));
`,
    );
    server = fork(script, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const [{ port }] = (await once(server, 'message')) as [{ port: number }];
    endpoint = `http://127.0.0.1:${port}`;
    settings = createPipelineS3({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    await writeSyntheticDataset(join(work, 'data'), { tracks: 400, users: 40, interactions: 3000, seed: 8 });
    snapshot = await readSnapshot(join(work, 'data'));
    const inputs = await exportDatasetAsJsonLines(snapshot.store, snapshot.interactions, join(work, 'input'));
    await settings.put('s3://mixtape/input/events.jsonl', await readFile(inputs.events));
    await settings.put('s3://mixtape/input/catalog.jsonl', await readFile(inputs.catalog));
    const broken = `${await readFile(inputs.events, 'utf8')}not json\n{"user_id":"u","track_id":"missing","timestamp":1,"type":"play"}\n`;
    await settings.put('s3://mixtape/broken/events.jsonl', broken);
  }, 60_000);
  afterAll(async () => {
    server?.kill();
    await rm(work, { recursive: true, force: true });
  });

  it('reads and writes s3:// on the direct runner, equal to the single-process outputs', async () => {
    const manifest = await runAggregationPipeline({ events: ['s3://mixtape/input/events.jsonl'], catalog: ['s3://mixtape/input/catalog'], out: 's3://mixtape/aggregates/beam', s3: settings, runner: 'direct', chunkBytes: 20_000 });
    expect(manifest.counts.inputEvents).toBe(snapshot.interactions.length);
    expect(manifest.counts.inputCatalogRows).toBe(snapshot.store.trackCount);
    expect(manifest.counts.deadLetters).toBe(0);
    // the workers fetched byte ranges (several per object: the chunks), the launcher only listed
    expect(await rangedGets('/mixtape/input/events.jsonl')).toBeGreaterThan(5);

    await runLocalAggregation(snapshot.store, snapshot.interactions, 's3://mixtape/aggregates/local', { s3: settings });
    await runLocalAggregation(snapshot.store, snapshot.interactions, join(work, 'local'));
    const context = { store: snapshot.store, log: snapshot.interactions, s3: settings };
    const fromBeam = await readAggregates('s3://mixtape/aggregates/beam', context);
    const fromLocalS3 = await readAggregates('s3://mixtape/aggregates/local', context);
    const fromDisk = await readAggregates(join(work, 'local'), context);
    expect(compareAggregates(fromBeam, fromDisk)).toEqual([]);
    expect(compareAggregates(fromLocalS3, fromDisk)).toEqual([]);

    // the build continues from s3:// and publishes the same bundle files as from local disk
    const build = (version: string, fromPipeline: string) =>
      runBuild({
        data: join(work, 'data'),
        out: `file://${join(work, 'bundles')}`,
        version,
        parts: ['aggregates', 'itemVectors', 'itemIndex'],
        options: overridesFromFlags({ set: { itemVectors: { epochs: 1, dim: 8 }, aggregates: { s3Endpoint: endpoint, s3SdkCredentials: false } }, fromPipeline }),
        settings: { threads: 1 },
        progress: () => {},
      });
    await build('from-s3', 's3://mixtape/aggregates/beam');
    await build('from-disk', join(work, 'local'));
    const files = async (version: string) => {
      const bundle = JSON.parse(await readFile(join(work, 'bundles', 'bundles', version, 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string }[] };
      return Object.fromEntries(bundle.files.map((file) => [file.path, file.sha256]));
    };
    const fromDiskFiles = await files('from-disk');
    expect(Object.keys(fromDiskFiles)).toEqual(expect.arrayContaining(['aggregates/neighbours.pack', 'models/content-encoder.json', 'vectors/items.pack']));
    expect(await files('from-s3')).toEqual(fromDiskFiles);
  }, 300_000);

  it('names S3 dead letters by byte offset', async () => {
    const manifest = await runAggregationPipeline({ events: ['s3://mixtape/broken/'], catalog: ['s3://mixtape/input/catalog.jsonl'], out: 's3://mixtape/aggregates/broken', s3: settings, runner: 'direct', chunkBytes: 50_000 });
    expect(manifest.counts.deadLetters).toBe(2);
    const size = (await readFile(join(work, 'input', 'events.jsonl'))).length;
    const letters = (await readDeadLetters('s3://mixtape/aggregates/broken', 10, settings)).sort((a, b) => a.byte! - b.byte!);
    expect(letters.map((letter) => [letter.file, letter.line, letter.byte])).toEqual([
      ['s3://mixtape/broken/events.jsonl', 0, size],
      ['s3://mixtape/broken/events.jsonl', 0, size + 'not json\n'.length],
    ]);
    expect(letters[0]!.reason).toContain('not a JSON object');
    expect(letters[1]!.reason).toContain('not in the catalog');
  }, 120_000);
});
