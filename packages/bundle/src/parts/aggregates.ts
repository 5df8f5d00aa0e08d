// The build's aggregations as a bundle part: per-track / per-artist popularity and item–item
// co-occurrence top-K lists, plus the listening sessions item2vec trains on. Built either from a
// pipeline run's output (`mixtape pipeline run`, option `directory`) or in this process by the
// same library; both go through @mixtape/pipelines' one reader. A pipeline output whose dead
// letters exceed `maxDeadLetterShare` of its input records fails the build, so nothing is published.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deadLetterShare, isS3Uri, readAggregates, readManifest, runLocalAggregation, type Aggregates, type PipelineS3 } from '@mixtape/pipelines';
import { createPipelineS3, type PipelineS3Settings } from '../pipeline-s3';
import { s3StoreOptions } from '../s3-settings';
import { definePart } from '../registry/define';
import { packTypedArrays, unpackTypedArrays } from '../typed-pack';
import { datasetPart } from './dataset';

/** What services read: popularity and neighbour lists (sessions, histories, the ranker's labels and the catalog statistics are build inputs only). */
export type AggregatesPartValue = Omit<Aggregates, BuildInputs> & Partial<Pick<Aggregates, BuildInputs>>;
type BuildInputs = 'sessions' | 'historyLog' | 'rankerLabels' | 'catalogStats';

const count = (value: number) => value.toLocaleString('en');

/** Where the aggregates part reads a pipeline output from (its `directory` and S3 options). */
export interface PipelineOutputLocation {
  directory: string;
  s3Endpoint: string;
  s3Region: string;
  s3ForcePathStyle: boolean;
  s3SdkCredentials: boolean;
}

/** The S3 access for an s3:// pipeline output (undefined for a local directory). */
function pipelineS3Of(location: PipelineOutputLocation): PipelineS3 | undefined {
  if (!isS3Uri(location.directory)) return undefined;
  return createPipelineS3(s3StoreOptions({ endpoint: location.s3Endpoint || undefined, region: location.s3Region || undefined, forcePathStyle: location.s3ForcePathStyle, hasCredentials: location.s3SdkCredentials }) as PipelineS3Settings);
}

/**
 * Reads the pipeline output's manifest, as the aggregates part will: a build calls it before any
 * part, so a missing output, an S3 location without a region or credentials fails at once instead
 * of after the dataset part.
 */
export async function checkPipelineOutput(location: PipelineOutputLocation): Promise<void> {
  await readManifest(location.directory, pipelineS3Of(location));
}

export const aggregatesPart = definePart({
  name: 'aggregates',
  description: 'per-track and per-artist popularity, item–item co-occurrence top-K; from a pipeline output directory or computed here',
  files: {
    popularity: { path: 'aggregates/popularity.pack', role: 'metadata' },
    neighbours: { path: 'aggregates/neighbours.pack', role: 'vectors' },
  },
  // holdoutFraction: the Home ranker's (0.2); the random split's seed is the build's --seed
  // s3*: how to read an s3:// directory (no secrets here: credentials come from the SDK's chain,
  // or — s3SdkCredentials false, with an endpoint — the fixed key of a local s3rver, as bundle stores do)
  options: {
    directory: '',
    maxDeadLetterShare: 0.001,
    window: 5,
    topK: 50,
    maxPairTokensPerUser: 1000,
    holdoutFraction: 0.2,
    s3Endpoint: '',
    s3Region: '',
    s3ForcePathStyle: true,
    s3SdkCredentials: true,
  },
  dependsOn: [datasetPart],
  build: async ({ inputs, options, settings: buildSettings, write, stage, progress }): Promise<AggregatesPartValue> => {
    const { store, interactions: log } = inputs.dataset;
    let aggregates: Aggregates;
    if (options.directory) {
      const s3 = pipelineS3Of(options);
      aggregates = await stage('read pipeline output', () => readAggregates(options.directory, { store, log, s3 }), (value) => `${value.manifest.producer}, ${count(value.manifest.counts.inputEvents)} input events`);
      const share = deadLetterShare(aggregates.manifest);
      const dead = aggregates.manifest.counts.deadLetters;
      progress(`  dead letters: ${count(dead)} (${(share * 100).toFixed(3)}% of input records; at most ${(options.maxDeadLetterShare * 100).toFixed(3)}% allowed)`);
      if (share > options.maxDeadLetterShare)
        throw new Error(
          `aggregates: ${count(dead)} dead letters are ${(share * 100).toFixed(3)}% of the pipeline's input records (${options.directory}), above aggregates.maxDeadLetterShare ${options.maxDeadLetterShare}: refusing to publish. See ${options.directory.replace(/\/+$/, '')}/dead-letters-*.jsonl for file:line and reason, or raise the share with --max-dead-letter-share.`,
        );
    } else {
      const scratch = await mkdtemp(join(tmpdir(), 'mixtape-aggregates-'));
      try {
        const settings = { window: options.window, topK: options.topK, maxPairTokensPerUser: options.maxPairTokensPerUser, holdoutFraction: options.holdoutFraction, holdoutSeed: buildSettings.seed };
        await stage('aggregate (single process)', () => runLocalAggregation(store, log, scratch, { ...settings, onProgress: (line) => progress(`  ${line}`) }), (manifest) => `${count(manifest.counts.inputEvents)} events`);
        aggregates = await readAggregates(scratch, { store, log });
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    }
    const { itemPlays, itemSkips, itemListeners, artistPlays, artistListeners, neighbours, manifest } = aggregates;
    // only what the data is in the files (not who computed it), so both paths give byte-equal bundles
    await write('popularity', packTypedArrays({ itemPlays, itemSkips, itemListeners, artistPlays, artistListeners }));
    // the settings the lists depend on (not the ranker split's: a pipeline run with another seed has the same lists)
    const { holdoutFraction: _fraction, holdoutSeed: _seed, ...listOptions } = manifest.options;
    await write('neighbours', packTypedArrays({ offsets: neighbours.offsets, items: neighbours.items, counts: neighbours.counts }, listOptions));
    return aggregates;
  },
  openDependsOn: [datasetPart],
  open: async ({ read, inputs, version, manifest }): Promise<AggregatesPartValue> => {
    const popularity = unpackTypedArrays(await read('popularity'), `${version}: aggregates/popularity.pack`);
    const lists = unpackTypedArrays(await read('neighbours'), `${version}: aggregates/neighbours.pack`);
    const { trackCount, artistCount } = inputs.dataset.store;
    const p = popularity.arrays;
    const offsets = lists.arrays.offsets as Int32Array;
    if ((p.itemPlays?.length ?? -1) !== trackCount || (p.artistPlays?.length ?? -1) !== artistCount || offsets.length !== trackCount + 1)
      throw new Error(`bundle ${version}: aggregates hold ${p.itemPlays?.length} tracks / ${p.artistPlays?.length} artists / ${offsets.length - 1} neighbour rows for a catalog of ${trackCount} tracks and ${artistCount} artists`);
    return {
      manifest: { format: 'mixtape-aggregates', schemaVersion: 2, producer: `bundle ${version}`, createdAt: manifest.createdAt, options: lists.meta as never, inputs: { events: [], catalog: [] }, counts: { inputEvents: 0, inputCatalogRows: 0, deadLetters: 0 }, stages: [] },
      itemPlays: p.itemPlays as Float64Array,
      itemSkips: p.itemSkips as Float64Array,
      itemListeners: p.itemListeners as Int32Array,
      artistPlays: p.artistPlays as Float64Array,
      artistListeners: p.artistListeners as Int32Array,
      neighbours: { offsets, items: lists.arrays.items as Int32Array, counts: lists.arrays.counts as Int32Array },
    };
  },
  summarize: (value) => `${count(value.neighbours.items.length)} neighbour entries over ${count(value.neighbours.offsets.length - 1)} tracks (${value.manifest.producer})`,
});
