// `mixtape pipeline run` → `mixtape build --from-pipeline`: the Beam pipeline (direct runner) and
// the single-process path give byte-equal bundle files, and a run with too many dead letters
// refuses to publish.
import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnapshot } from '@mixtape/catalog';
import { exportDatasetAsJsonLines, readAggregates, runAggregationPipeline } from '@mixtape/pipelines';
import { overridesFromFlags, runBuild } from '../src/commands/build';
import { writeSyntheticDataset } from '../src/commands/data';
import { compareAggregates } from '../src/commands/pipeline';

interface ManifestFile {
  path: string;
  sha256: string;
}

describe('mixtape pipeline → build --from-pipeline', () => {
  let work: string;
  let inputs: { events: string; catalog: string };
  const data = () => join(work, 'data');
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'pipeline-test-'));
    await writeSyntheticDataset(data(), { tracks: 500, users: 50, interactions: 4000, seed: 5 });
    const snapshot = await readSnapshot(data());
    inputs = await exportDatasetAsJsonLines(snapshot.store, snapshot.interactions, join(work, 'input'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  const build = (version: string, fromPipeline?: string, maxDeadLetterShare?: number) =>
    runBuild({
      data: data(),
      out: `file://${join(work, 'bundles')}`,
      version,
      // the parts the aggregates feed (item vectors over the sessions, user vectors, the index, the
      // Home ranker over the ranker labels, the sequence model over the histories) — threads 1:
      // item2vec, XGBoost and the transformer are deterministic
      parts: ['aggregates', 'itemVectors', 'userVectors', 'itemIndex', 'homeRanker', 'sequenceModel'],
      options: overridesFromFlags({
        set: { itemVectors: { epochs: 1, dim: 16 }, homeRanker: { folds: 1, retrainItemVectors: false, maxUsers: 60 }, sequenceModel: { epochs: 1, dim: 16, validationRows: 50 } },
        fromPipeline,
        maxDeadLetterShare,
      }),
      settings: { threads: 1 },
      progress: () => {},
    });
  const files = async (version: string) => {
    const manifest = JSON.parse(await readFile(join(work, 'bundles', 'bundles', version, 'manifest.json'), 'utf8')) as { files: ManifestFile[] };
    return Object.fromEntries(manifest.files.map((file) => [file.path, file.sha256]));
  };

  it('gives the same bundle files as the single-process build', async () => {
    const out = join(work, 'beam');
    await runAggregationPipeline({ events: [inputs.events], catalog: [inputs.catalog], out, runner: 'direct' });
    const snapshot = await readSnapshot(data());
    await build('local');
    await build('beam', out);
    const local = await files('local');
    expect(Object.keys(local)).toEqual(expect.arrayContaining(['aggregates/neighbours.pack', 'aggregates/popularity.pack', 'vectors/items.pack', 'vectors/users.pack', 'indexes/items.faiss', 'models/content-encoder.json', 'models/sequence.bin', 'indexes/sequence.faiss']));
    // every file byte-equal but the ranker, which records its training seconds
    const { 'models/ranker.json': localRanker, ...localRest } = local;
    const { 'models/ranker.json': beamRanker, ...beamRest } = await files('beam');
    expect(beamRest).toEqual(localRest);
    expect(localRanker && beamRanker).toBeTruthy();
    const ranker = async (version: string) => {
      // without the timings it records (training seconds, per-list seconds)
      const text = await readFile(join(work, 'bundles', 'bundles', version, 'files', 'models', 'ranker.json'), 'utf8');
      return JSON.parse(text, (key, value: unknown) => (key === 'seconds' ? undefined : value)) as { kind: string };
    };
    const localModel = await ranker('local');
    expect(localModel.kind).toBe('lambdamart');
    expect(await ranker('beam')).toEqual(localModel);
    // and the CLI's compare agrees with itself on the pipeline output
    const aggregates = await readAggregates(out, { store: snapshot.store, log: snapshot.interactions });
    expect(compareAggregates(aggregates, aggregates)).toEqual([]);
  });

  it('refuses to publish when dead letters exceed the configured share', async () => {
    const broken = join(work, 'broken.jsonl');
    await appendFile(broken, `${await readFile(inputs.events, 'utf8')}not json\n{"user_id":"u","track_id":"missing","timestamp":1,"type":"play"}\n`);
    const out = join(work, 'broken-out');
    const manifest = await runAggregationPipeline({ events: [broken], catalog: [inputs.catalog], out, runner: 'direct' });
    expect(manifest.counts.deadLetters).toBe(2);
    await expect(build('refused', out, 0.0001)).rejects.toThrow(/2 dead letters .* above aggregates\.maxDeadLetterShare 0\.0001: refusing to publish/);
    await expect(stat(join(work, 'bundles', 'bundles', 'refused'))).rejects.toThrow();
    // within the share the build goes on (2 of 4,500 records ≈ 0.044%)
    await build('accepted', out, 0.001);
    expect(Object.keys(await files('accepted'))).toContain('aggregates/neighbours.pack');
  });
});
