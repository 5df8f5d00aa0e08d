// Same answer either way: the Beam pipeline on the direct runner and the single-process path,
// over the same synthetic dataset, give equal outputs — exactly (counts, lists, sessions) — and
// the single-process sessions are item2vec's corpus as the build cut it before.
import { appendFile, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERACTION_TYPE_CODE, generateSynthetic, importEvents } from '@mixtape/catalog';
import { CONTENT_AUDIO_FEATURES, buildSessionCorpus, contentFeatureStatsFromSums, fitCatalogFeatureStats } from '@mixtape/embeddings';
import {
  deadLetterShare,
  exportDatasetAsJsonLines,
  readAggregates,
  readDeadLetters,
  readRecords,
  runAggregationPipeline,
  runLocalAggregation,
  type HistoryRecord,
} from '../src/index';

const dataset = generateSynthetic({ seed: 7, tracks: 400, users: 40, interactions: 2_000 });
const { store, interactions: log } = dataset;
const options = { topK: 10, window: 3, maxPairTokensPerUser: 30 };
let work: string;
let inputs: { events: string; catalog: string };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mixtape-pipelines-'));
  inputs = await exportDatasetAsJsonLines(store, log, join(work, 'input'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function historiesOf(directory: string): Promise<HistoryRecord[]> {
  const records: HistoryRecord[] = [];
  for await (const record of readRecords<HistoryRecord>(directory, 'histories')) records.push(record);
  return records.sort((a, b) => (a.user < b.user ? -1 : 1));
}

describe('aggregation pipeline on the direct runner', () => {
  it('equals the single-process outputs exactly', async () => {
    const local = join(work, 'local');
    const beam = join(work, 'beam');
    const localManifest = await runLocalAggregation(store, log, local, options);
    const lines: string[] = [];
    const beamManifest = await runAggregationPipeline({ events: [inputs.events], catalog: [inputs.catalog], out: beam, runner: 'direct', chunkBytes: 16 << 10, ...options, onProgress: (line) => lines.push(line) });
    expect(beamManifest.options).toEqual(localManifest.options);
    expect(beamManifest.counts.inputEvents).toBe(log.length);
    expect(beamManifest.counts.deadLetters).toBe(0);
    expect(lines.some((line) => line.startsWith('run pipeline (direct)'))).toBe(true);
    // a millisecond log: the timestamp probe stops at each chunk's first event
    const probe = beamManifest.stages.find((stage) => stage.name === 'probe timestamps')!;
    expect(probe.records).toBeGreaterThan(0);
    expect(probe.records).toBeLessThan(log.length / 10);

    const fromLocal = await readAggregates(local, { store, log });
    const fromBeam = await readAggregates(beam, { store, log });
    for (const key of ['itemPlays', 'itemSkips', 'itemListeners', 'artistPlays', 'artistListeners'] as const) expect(fromBeam[key]).toEqual(fromLocal[key]);
    expect(fromBeam.neighbours).toEqual(fromLocal.neighbours);
    expect(fromBeam.sessions).toEqual(fromLocal.sessions);
    expect(await historiesOf(beam)).toEqual(await historiesOf(local));
    expect(fromBeam.rankerLabels).toEqual(fromLocal.rankerLabels);
    expect(fromBeam.historyLog.columns).toEqual(fromLocal.historyLog.columns);
    // the catalog's audio-feature statistics: exact sums, so the content encoder's standardization is bit-equal to fitCatalogFeatureStats
    expect(fromBeam.catalogStats).toEqual(fromLocal.catalogStats);
    const sums = (key: 'sum' | 'sumSquares') => Float64Array.from(CONTENT_AUDIO_FEATURES, (feature) => fromLocal.catalogStats[feature]![key]);
    const featured = fromLocal.catalogStats.energy!.tracks;
    expect(featured).toBe(store.columns.trackHasFeatures.reduce((a, b) => a + b, 0));
    expect(featured).toBeGreaterThan(0);
    expect(contentFeatureStatsFromSums(sums('sum'), sums('sumSquares'), featured)).toEqual(fitCatalogFeatureStats(store));
    // the histories are the log in its order (what the sequence model trains on)
    for (const column of ['user', 'track', 'timestamp', 'type'] as const) expect(fromLocal.historyLog.columns[column]).toEqual(log.columns[column]);
    for (const output of ['item-popularity', 'artist-popularity', 'histories', 'sessions', 'neighbours', 'ranker-labels', 'catalog-stats'] as const) expect(beamManifest.counts[output]).toBe(localManifest.counts[output]);
    // the ranker's splits: the temporal one holds out each listener's latest 20% (≥ 5 events), the random one ~20% of pairs
    const { temporal, random } = fromLocal.rankerLabels;
    for (let u = 0; u < log.userCount; u++) {
      const start = log.userOffsets[u]!;
      const end = log.userOffsets[u + 1]!;
      const held = end - start < 5 ? 0 : Math.max(1, Math.round((end - start) * 0.2));
      expect(Array.from(temporal.past.subarray(start, end))).toEqual(Array.from({ length: end - start }, (_, k) => (k < end - start - held ? 1 : 0)));
    }
    const randomHeld = random.past.reduce((sum, flag) => sum + (1 - flag), 0) / log.length;
    expect(randomHeld).toBeGreaterThan(0.1);
    expect(randomHeld).toBeLessThan(0.3);
    expect(temporal.listen.some((share) => share > 0 && share < 1)).toBe(true);

    // the outputs mean something: plays add up, lists are capped and ordered, sessions are the build's corpus
    // positive = every type but skip (what item2vec's event weights count)
    const include = Uint8Array.from(log.columns.type, (type) => (type === INTERACTION_TYPE_CODE.skip ? 0 : 1));
    let positive = 0;
    for (let e = 0; e < log.length; e++) if (include[e]) positive += log.columns.count[e]!;
    expect(fromLocal.itemPlays.reduce((a, b) => a + b, 0)).toBe(positive);
    const { offsets, counts } = fromLocal.neighbours;
    expect(offsets[store.trackCount]).toBeGreaterThan(0);
    for (let t = 0; t < store.trackCount; t++) {
      expect(offsets[t + 1]! - offsets[t]!).toBeLessThanOrEqual(options.topK);
      for (let k = offsets[t]! + 1; k < offsets[t + 1]!; k++) expect(counts[k]!).toBeLessThanOrEqual(counts[k - 1]!);
    }
    const corpus = buildSessionCorpus(log.columns.track, log.columns.timestamp, log.userOffsets, { include });
    expect(fromLocal.sessions.items).toEqual(corpus.items);
    expect(fromLocal.sessions.offsets).toEqual(corpus.offsets);
    expect(fromLocal.sessions.sequenceUser).toEqual(corpus.sequenceUser);
  });

  it('reads a log of epoch seconds × 1000, as `mixtape data import` does: the same sessions and histories as the imported snapshot', async () => {
    const input = join(work, 'seconds-input');
    await mkdir(input, { recursive: true });
    const text = await readFile(inputs.events, 'utf8');
    await writeFile(join(input, 'events.jsonl'), text.replace(/"timestamp":(\d+)/g, (_, ms: string) => `"timestamp":${Math.floor(Number(ms) / 1000)}`));
    await copyFile(inputs.catalog, join(input, 'catalog.jsonl'));
    const imported = await importEvents(input);
    expect(imported.details.timestamps).toContain('read × 1000');
    const local = join(work, 'seconds-local');
    const beam = join(work, 'seconds-beam');
    await runLocalAggregation(imported.store, imported.interactions, local, options);
    const lines: string[] = [];
    const manifest = await runAggregationPipeline({ events: [join(input, 'events.jsonl')], catalog: [join(input, 'catalog.jsonl')], out: beam, runner: 'direct', chunkBytes: 16 << 10, ...options, onProgress: (line) => lines.push(line) });
    const dataset = { store: imported.store, log: imported.interactions };
    const fromLocal = await readAggregates(local, dataset);
    const fromBeam = await readAggregates(beam, dataset);
    // read as milliseconds, every listener's whole history would be one session (gaps 1000× too short)
    expect(fromBeam.sessions).toEqual(fromLocal.sessions);
    expect(fromBeam.sessions.sequenceUser.length).toBeGreaterThan(2 * imported.interactions.userCount);
    expect(fromBeam.historyLog.columns.timestamp).toEqual(fromLocal.historyLog.columns.timestamp);
    expect(fromBeam.rankerLabels).toEqual(fromLocal.rankerLabels);
    expect(manifest.timestamps).toContain('read × 1000');
    expect(manifest.counts.inputEvents).toBe(log.length);
    expect(lines.some((line) => line.startsWith('timestamps: every one of'))).toBe(true);
    // one run, × 1000 (was two: the first read the seconds as milliseconds); the probe parsed every event once
    expect(manifest.stages.filter((stage) => stage.name.startsWith('run pipeline')).map((stage) => stage.name)).toEqual(['run pipeline (direct, timestamps × 1000)']);
    expect(manifest.stages.find((stage) => stage.name === 'probe timestamps')?.records).toBe(log.length);
  });

  it('sends malformed and unknown records to dead letters with file:line and reason', async () => {
    const broken = join(work, 'broken.jsonl');
    const original = await readFile(inputs.events, 'utf8');
    const extra = [
      '{"user_id":"u-x","track_id":"no-such-track","timestamp":1,"type":"play"}',
      'not json at all',
      '{"user_id":"u-x","track_id":"' + store.trackId(0) + '","timestamp":"yesterday","type":"play"}',
      '{"user_id":"u-x","track_id":"' + store.trackId(0) + '","timestamp":5,"type":"dance"}',
    ];
    await appendFile(broken, original + extra.join('\n') + '\n');
    const out = join(work, 'broken-out');
    const manifest = await runAggregationPipeline({ events: [broken], catalog: [inputs.catalog], out, runner: 'direct', ...options });
    const firstExtraLine = log.length + 1;
    expect(manifest.counts.inputEvents).toBe(log.length + 4);
    expect(manifest.counts.deadLetters).toBe(4);
    expect(deadLetterShare(manifest)).toBeCloseTo(4 / (log.length + 4 + store.trackCount), 12);
    const letters = (await readDeadLetters(out)).sort((a, b) => a.line - b.line);
    expect(letters.map((letter) => [letter.file, letter.line])).toEqual(extra.map((_, k) => [broken, firstExtraLine + k]));
    expect(letters[0]!.reason).toContain('not in the catalog');
    expect(letters[1]!.reason).toContain('not a JSON object');
    expect(letters[2]!.reason).toContain('timestamp');
    expect(letters[3]!.reason).toContain('type: expected play | skip');
    // the good records still give the clean answer
    const clean = await readAggregates(out, { store, log });
    const reference = await readAggregates(join(work, 'local'), { store, log });
    expect(clean.itemPlays).toEqual(reference.itemPlays);
    expect(clean.neighbours).toEqual(reference.neighbours);
  });
});
