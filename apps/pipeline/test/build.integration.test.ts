// `mixtape build` end to end: a dataset directory → trained bundle → s3rver → loadable.
import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { listBundles, loadBundle, openBundleStore, openParts } from '@mixtape/bundle';
import { useLocalS3, withoutAwsCredentials, withoutAwsRegion } from '@mixtape/bundle/testing';
import { BUNDLE_PARTS } from '../src/build/parts';
import { formatBuildSummary, overridesFromFlags, parsePartOption, registerBuildCommand, runBuild } from '../src/commands/build';
import { writeSyntheticDataset } from '../src/commands/data';

describe('mixtape build', () => {
  const local = useLocalS3('build-test');
  beforeAll(async () => {
    await writeSyntheticDataset(join(local.dir, 'data'), { tracks: 800, users: 80, interactions: 8000, seed: 3 });
  });

  it('trains, indexes and publishes a bundle that services can open, with LATEST moved last', async () => {
    const lines: string[] = [];
    const outcome = await runBuild({
      data: join(local.dir, 'data'),
      out: 's3://mixtape/bundles',
      s3: local.s3.s3Options,
      version: 'first',
      // the ranker trains with "what follows this track" lists (off by default)
      options: { itemVectors: { epochs: 2, dim: 16 }, sequenceModel: { epochs: 2, dim: 16, validationRows: 20 }, homeRanker: { successor: 20, sequence: 1, sequenceDim: 16, sequenceK: 20 } },
      settings: { threads: 1 },
      progress: (line) => lines.push(line),
    });
    expect(outcome.version).toBe('first');
    // every registered part is a step, in dependency order, with its sub-steps
    const stages = outcome.timings.map((t) => t.stage);
    expect(stages).toEqual(expect.arrayContaining(['dataset', 'item2vec', 'userVectors', 'itemIndex', 'homeRanker', 'homeCandidates', 'searchIndex', 'sequence model', 'sequence index', 'publish']));
    expect(stages.indexOf('itemVectors')).toBeLessThan(stages.indexOf('itemIndex'));
    expect(lines.some((line) => /✔ item2vec/.test(line))).toBe(true);
    expect(formatBuildSummary(outcome)).toMatch(/\| \*\*total\*\* \|/);

    const store = openBundleStore('s3://mixtape/bundles', { s3: local.s3.s3Options });
    const loaded = await loadBundle(store, { cacheDir: join(local.dir, 'cache') });
    expect(loaded.version).toBe('first');
    const index = loaded.manifest.files.find((file) => file.path === 'indexes/items.faiss');
    expect(index?.index).toMatchObject({ dim: 16, metric: 'ip', factory: 'Flat', count: 800 });
    expect(loaded.manifest.metadata).toMatchObject({ dataset: 'synthetic', tracks: 800, build: { parts: { itemVectors: { options: { dim: 16, epochs: 2 } } } } });
    // every file belongs to a registered part, and every part opens
    expect(loaded.manifest.files.every((file) => typeof file.part === 'string')).toBe(true);
    const opened = await openParts(loaded, BUNDLE_PARTS, { workDir: join(local.dir, 'views') });
    expect(opened.parts.itemIndex.size).toBe(800);
    expect(opened.parts.userVectors.numUsers).toBe(80);
    expect(opened.parts.searchIndex?.search(opened.parts.dataset.store.trackTitle(0), { limit: 1 }).results.length).toBe(1);
    expect(opened.parts.sequenceModel?.index.size).toBe(800);
    // Home: the ranker in use is in the manifest (trained heads, or the hand-set one with its reason)
    const ranker = loaded.manifest.files.find((file) => file.path === 'models/ranker.json');
    expect(ranker?.metadata?.ranker === 'lambdamart' ? ranker.metadata.heads : ranker?.metadata?.fallback).toBeTruthy();
    expect(opened.parts.homeRanker?.kind).toBe(ranker?.metadata?.ranker);
    expect(opened.parts.homeCandidates?.factorIndex.size).toBe(800);
    expect(Object.keys(opened.parts.homeCandidates?.neighbours ?? {})).toContain('ease');
    // a ranker trained with successor lists reads their columns, and the candidates part stores lists of its k
    expect(opened.parts.homeRanker?.kind).toBe('lambdamart');
    expect(opened.parts.homeRanker?.features).toContain('successor_share');
    expect(opened.parts.homeRanker?.training?.successorK).toBe(20);
    // trained with the next-track model (one per cross-fitting fold) as a source: the ranker reads its columns, asking 20 tracks a page
    expect(opened.parts.homeRanker?.features.slice(-2)).toEqual(['sequence_share', 'sequence_rank']);
    expect(opened.parts.homeRanker?.training?.sequenceK).toBe(20);
    const successor = opened.parts.homeCandidates?.neighbours.successor;
    expect(successor?.items.length).toBeGreaterThan(0);
    for (let t = 0; t < 800; t++) expect(successor!.offsets[t + 1]! - successor!.offsets[t]!).toBeLessThanOrEqual(20);
    await opened.dispose();
  }, 300_000);

  it('publishes a second version beside the first and keeps the newest N', async () => {
    await runBuild({ data: join(local.dir, 'data'), out: 's3://mixtape/bundles', s3: local.s3.s3Options, version: 'second', keep: 1, options: { itemVectors: { epochs: 1, dim: 16 }, sequenceModel: { epochs: 1, dim: 16, validationRows: 20 } }, settings: { threads: 1 }, progress: () => {} });
    const store = openBundleStore('s3://mixtape/bundles', { s3: local.s3.s3Options });
    const bundles = await listBundles(store);
    expect(bundles.map((bundle) => bundle.version)).toEqual(['second']);
    expect(bundles[0]?.isLatest).toBe(true);
  }, 300_000);

  it('fails clearly on a directory that is not a dataset, publishing nothing', async () => {
    await expect(runBuild({ data: join(local.dir, 'nope'), out: 's3://mixtape/other', s3: local.s3.s3Options, progress: () => {} })).rejects.toThrow(/nope/);
    const bundles = await listBundles(openBundleStore('s3://mixtape/other', { s3: local.s3.s3Options }));
    expect(bundles).toEqual([]);
  });

  // The two settings an s3:// out needs, each missing in turn: its first request comes only after every part is
  // built, so each must fail before the first part. The AWS SDK reads the region and the credential chain from the
  // process itself: `stub` takes them away there too. The build's staging directory goes under TMPDIR: a fresh one
  // shows none was made.
  it.each([
    {
      missing: 'no region',
      env: {},
      stub: () => withoutAwsRegion(),
      out: 's3://mixtape/no-region',
      error: /^no S3 region for s3:\/\/mixtape\/no-region: .*Set AWS_REGION .*AWS_DEFAULT_REGION.*MIXTAPE_S3_ENDPOINT/,
      // before: every part was built (minutes to an hour on real data), then the first request failed and the staging bundle was deleted
    },
    {
      missing: 'a region but no credentials (AWS)',
      env: { AWS_REGION: 'eu-west-1' },
      stub: () => {
        withoutAwsRegion();
        withoutAwsCredentials();
        vi.stubEnv('AWS_REGION', 'eu-west-1');
      },
      out: 's3://mixtape/no-credentials',
      error: /^no S3 credentials for s3:\/\/mixtape\/no-credentials .*AWS_ACCESS_KEY_ID.*AWS_PROFILE/,
      // before: every part was built, then the first upload failed ("Could not load credentials from any providers")
    },
  ])('s3:// with $missing fails before any part is built, naming what to set, and leaves nothing behind', async ({ env, stub, out, error }) => {
    const tmp = await mkdtemp(join(local.dir, 'tmp-'));
    stub();
    vi.stubEnv('TMPDIR', tmp);
    const lines: string[] = [];
    try {
      const program = new Command('mixtape').exitOverride();
      registerBuildCommand(program, { env, progress: (line) => lines.push(line) });
      await expect(program.parseAsync(['node', 'mixtape', 'build', '--data', join(local.dir, 'data'), '--out', out])).rejects.toThrow(error);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(lines).toEqual([]);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('a file: out that cannot be written fails before any part is built, naming the path; a missing one is created up front', async () => {
    const tmp = await mkdtemp(join(local.dir, 'tmp-'));
    const blocker = join(local.dir, 'a-regular-file');
    await writeFile(blocker, 'not a directory');
    const out = pathToFileURL(join(blocker, 'bundles')).href;
    const lines: string[] = [];
    vi.stubEnv('TMPDIR', tmp);
    try {
      await expect(runBuild({ data: join(local.dir, 'data'), out, progress: (line) => lines.push(line) })).rejects.toThrow(
        `cannot write bundles to ${out} (directory ${join(blocker, 'bundles')}): ENOTDIR`,
      );
      // a writable out that does not exist yet is made before the build (which then stops at once on a bad option)
      const fresh = join(local.dir, 'fresh', 'nested', 'bundles');
      await expect(runBuild({ data: join(local.dir, 'data'), out: pathToFileURL(fresh).href, options: { itemVectors: { bogus: 1 } }, progress: () => {} })).rejects.toThrow(/has no option "bogus"/);
      expect((await stat(fresh)).isDirectory()).toBe(true);
    } finally {
      vi.unstubAllEnvs();
    }
    // before: every part was built, then publish failed on the first write
    expect(lines).toEqual([]);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('builds only the named parts and what they need', async () => {
    const outcome = await runBuild({ data: join(local.dir, 'data'), out: 's3://mixtape/partial', s3: local.s3.s3Options, parts: ['contentIndex'], settings: { threads: 1 }, progress: () => {} });
    expect(outcome.timings.filter((t) => t.depth === 0).map((t) => t.stage)).toEqual(['dataset', 'aggregates', 'contentEncoder', 'contentVectors', 'contentIndex', 'publish']);
  });

  it('a --from-pipeline output that cannot be read fails before any part is built, saying why', async () => {
    const lines: string[] = [];
    const out = pathToFileURL(join(local.dir, 'from-pipeline-out')).href;
    const missing = join(local.dir, 'no-such-pipeline-output');
    await expect(runBuild({ data: join(local.dir, 'data'), out, options: { aggregates: { directory: missing } }, progress: (line) => lines.push(line) })).rejects.toThrow(
      `${join(missing, 'manifest.json')}: no aggregation manifest (run \`mixtape pipeline run\` first, or it did not finish): ENOENT`,
    );
    withoutAwsRegion();
    try {
      // AWS S3 (no endpoint) without a region: before, the dataset part was built first
      await expect(runBuild({ data: join(local.dir, 'data'), out, options: { aggregates: { directory: 's3://mixtape/pipeline-out', s3Endpoint: '', s3Region: '' } }, progress: (line) => lines.push(line) })).rejects.toThrow(
        /s3:\/\/mixtape\/pipeline-out\/manifest\.json: no aggregation manifest .*no S3 region for s3:\/\/mixtape\/pipeline-out\/manifest\.json.*AWS_REGION/,
      );
    } finally {
      vi.unstubAllEnvs();
    }
    expect(lines).toEqual([]);
  });

  it('--quiet writes no progress lines; without it the same command does', async () => {
    const linesOf = async (...extra: string[]) => {
      const lines: string[] = [];
      const program = new Command('mixtape').exitOverride();
      registerBuildCommand(program, { env: {}, progress: (line) => lines.push(line) });
      const out = pathToFileURL(join(local.dir, `quiet-${extra.length}`)).href;
      const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        await program.parseAsync(['node', 'mixtape', 'build', '--data', join(local.dir, 'data'), '--out', out, '--only', 'contentIndex', '--threads', '1', ...extra]);
      } finally {
        stdout.mockRestore();
      }
      return lines;
    };
    expect((await linesOf()).some((line) => /✔ contentIndex/.test(line))).toBe(true);
    expect(await linesOf('--quiet')).toEqual([]);
  });
});

describe('mixtape build --set', () => {
  it('reads part options as their declared type and names what is wrong', () => {
    expect(parsePartOption('itemIndex.nprobe=16')).toEqual({ itemIndex: { nprobe: 16 } });
    expect(parsePartOption('itemIndex.factory=HNSW32', { itemIndex: { nprobe: 16 } })).toEqual({ itemIndex: { nprobe: 16, factory: 'HNSW32' } });
    expect(() => parsePartOption('itemVectors.dim=big')).toThrow(/itemVectors\.dim is a number \(decimal, e\.g\. 32 or 0\.001\), got "big"/);
    expect(() => parsePartOption('itemVectors.size=3')).toThrow(/no option "size" \(its options: dim, epochs, window, negatives\)/);
    expect(() => parsePartOption('nope.x=1')).toThrow(/no bundle part named "nope"/);
    expect(() => parsePartOption('dim=3')).toThrow(/expected part\.option=value/);
  });

  it('maps the shortcut flags onto part options, --set winning', () => {
    expect(overridesFromFlags({ dim: 32, factory: 'Flat', set: { itemVectors: { dim: 48 } } })).toEqual({
      itemVectors: { dim: 48 },
      itemIndex: { factory: 'Flat' },
      contentIndex: { factory: 'Flat' },
    });
  });
});
