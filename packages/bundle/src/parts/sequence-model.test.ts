import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSynthetic, writeSnapshot } from '@mixtape/catalog';
import { SEQUENCE_MODEL_OPTIONS, createNextTrackRecommender, historiesFromInteractions, sequenceTrainingOptions } from '@mixtape/sequence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../registry/build';
import { loadParts } from '../registry/open';
import { createPartRegistry } from '../registry/registry';
import { publishBundle } from '../storage/publish';
import { createFileStore } from '../storage/stores/file-store';
import { epochsFor, listeningOrder, sequenceModelPart } from './sequence-model';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mixtape-sequence-part-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const SMALL = { dim: 8, maxLength: 10, epochs: 1, validationRows: 20, factory: 'Flat' };

async function snapshot(name: string, synthetic: Parameters<typeof generateSynthetic>[0]) {
  const data = generateSynthetic(synthetic);
  const directory = join(work, name);
  await writeSnapshot(directory, { store: data.store, interactions: data.interactions, source: 'synthetic' });
  return { data, directory };
}

describe('sequence model part', () => {
  it('trains the model, indexes its output embeddings in catalog order and opens both from a bundle', async () => {
    const { data, directory } = await snapshot('data', { tracks: 300, users: 40, interactions: 4000, seed: 3 });
    const registry = createPartRegistry([sequenceModelPart]);
    const lines: string[] = [];
    const built = await buildBundle(registry, {
      directory: join(work, 'build'),
      settings: { threads: 1 },
      options: { dataset: { directory }, sequenceModel: SMALL },
      progress: (line: string) => lines.push(line),
    });
    expect(built.files.map((file) => file.path).sort()).toEqual(expect.arrayContaining(['indexes/sequence.faiss', 'models/sequence.bin']));
    const store = createFileStore({ directory: join(work, 'store') });
    await publishBundle(store, built.files, { producer: 'test', version: 'v1' });
    const opened = await loadParts(store, [sequenceModelPart], { cacheDir: join(work, 'cache') });
    const part = opened.parts.sequenceModel!;
    expect(part.model.config).toMatchObject({ numItems: 300, dim: 8, maxLength: 10 });
    expect(opened.manifest.files.find((file) => file.path === 'models/sequence.bin')?.metadata).toMatchObject({ listeningOrder: 'by timestamp' });
    // the transition prior chosen on validation travels in the model file (an under-trained model gains from it)
    // (by default backing off to the last play's album and artist, each level on or off as validation chose)
    const reported = lines.join('\n').match(/transition prior α=([\d.]+), μ=([\d.]+), γ=([\d.]+); album (off|α=[\d.]+, μ=[\d.]+); artist (off|α=[\d.]+, μ=[\d.]+) \(validation NDCG@10 ([\d.]+) with it, ([\d.]+) without\)/);
    expect(reported).not.toBeNull();
    expect(Number(reported![6])).toBeGreaterThan(Number(reported![7]));
    expect(part.model.transitions!.settings).toMatchObject({ alpha: Number(reported![1]), mu: Number(reported![2]), gamma: Number(reported![3]) });
    expect(part.model.transitions!.settings.groups!.map((level) => level.name)).toEqual(['album', 'artist']);
    expect(part.model.transitions!.offsets.length).toBe(301);
    expect(part.index.size).toBe(300);
    expect(part.index.idOf(7)).toBe(data.store.trackId(7));

    const histories = historiesFromInteractions(data.interactions);
    const history = histories.items.subarray(histories.offsets[0]!, histories.offsets[1]!);
    const next = await createNextTrackRecommender(part.model, part.index).recommend({ history, k: 5 });
    expect(next.tracks.length).toBe(5);
    for (const track of next.tracks) expect(Array.from(history)).not.toContain(track);
  });

  it("sets an HNSW index's efSearch by the recall of the model's served answers, and records the measurements (efSearchRecall 0: the fixed efSearch)", async () => {
    const { directory } = await snapshot('data-hnsw', { tracks: 400, users: 40, interactions: 4000, seed: 4 });
    const build = async (name: string, efSearchRecall: number) => {
      const lines: string[] = [];
      const built = await buildBundle(createPartRegistry([sequenceModelPart]), {
        directory: join(work, name),
        settings: { threads: 1 },
        options: { dataset: { directory }, sequenceModel: { ...SMALL, factory: 'HNSW8', efSearchRecall } },
        progress: (line: string) => lines.push(line),
      });
      const store = createFileStore({ directory: join(work, `${name}-store`) });
      await publishBundle(store, built.files, { producer: 'test', version: name });
      const opened = await loadParts(store, [sequenceModelPart], { cacheDir: join(work, `${name}-cache`) });
      return { lines, opened, file: opened.manifest.files.find((entry) => entry.path === 'indexes/sequence.faiss')! };
    };
    const measured = await build('hnsw-measured', 0.99);
    const record = measured.file.metadata?.['efSearchRecall'] as { target: number; met: boolean; k: number; queries: number; recalls: Array<{ efSearch: number; recall: number; lower: number }> };
    expect(record).toMatchObject({ target: 0.99, k: 10, queries: 1000 });
    expect(record.recalls.map((row) => row.efSearch)).toEqual([32, 40, 48, 64, 96, 128]);
    for (const row of record.recalls) expect(row.lower).toBeLessThanOrEqual(row.recall);
    const chosen = record.recalls.find((row) => row.lower >= 0.99)?.efSearch ?? 128;
    expect(record.met).toBe(record.recalls.some((row) => row.lower >= 0.99));
    expect(measured.file.index?.params).toMatchObject({ efSearch: chosen });
    expect(measured.opened.parts.sequenceModel!.index.info().params).toMatchObject({ efSearch: chosen });
    expect(measured.lines.join('\n')).toMatch(new RegExp(`efSearch by recall .*efSearch ${chosen} \\(`));
    const fixed = await build('hnsw-fixed', 0);
    expect(fixed.file.metadata?.['efSearchRecall']).toBeUndefined();
    expect(fixed.opened.parts.sequenceModel!.index.info().params).toMatchObject({ efSearch: 64 });
  });

  it('says when it learns the file order: listeners whose events all share one timestamp', () => {
    const { interactions } = generateSynthetic({ tracks: 100, users: 6, interactions: 300, seed: 3 });
    expect(listeningOrder(interactions)).toMatchObject({ untimed: 0, listeners: 6, text: 'by timestamp' });
    const equal = interactions.select(new Uint8Array(interactions.length).fill(1));
    equal.columns.timestamp.fill(Date.UTC(2024, 0, 1));
    expect(listeningOrder(equal)).toMatchObject({ untimed: 6, listeners: 6, text: expect.stringMatching(/^file order: every listener's events share one timestamp/) });
    // one listener without time spread among timed ones
    const mixed = interactions.select(new Uint8Array(interactions.length).fill(1));
    mixed.columns.timestamp.fill(5, mixed.userOffsets[0]!, mixed.userOffsets[1]!);
    expect(listeningOrder(mixed).text).toBe("by timestamp, except 1 of 6 listeners whose events share one timestamp: their order is the input file's");
  });

  it('is absent when the log has too little order to learn from', async () => {
    const { directory } = await snapshot('tiny', { tracks: 100, users: 5, interactions: 100, seed: 3 });
    const lines: string[] = [];
    const built = await buildBundle(createPartRegistry([sequenceModelPart]), {
      directory: join(work, 'build-tiny'),
      settings: { threads: 1 },
      options: { dataset: { directory }, sequenceModel: SMALL },
      progress: (line: string) => lines.push(line),
    });
    expect(built.files.some((file) => file.path.startsWith('models/sequence'))).toBe(false);
    expect(lines.join('\n')).toMatch(/✔ sequenceModel \([\d.]+ s\) absent — not trained: \d+ consecutive plays in the log, need 1,000; Up next and radio are unavailable/);
    expect(built.summary()).toMatchObject({ parts: { sequenceModel: { present: false, reason: expect.stringMatching(/^not trained: \d+ consecutive plays/) } } });
    // where histories are cut to their last historyItems plays, the count says so and how to read more
    const cut = await buildBundle(createPartRegistry([sequenceModelPart]), {
      directory: join(work, 'build-tiny-cut'),
      settings: { threads: 1 },
      options: { dataset: { directory }, sequenceModel: { ...SMALL, historyItems: 5 } },
    });
    expect(cut.summary()).toMatchObject({
      parts: { sequenceModel: { reason: expect.stringMatching(/^not trained: \d+ consecutive plays in each listener's last 5 plays, need 1,000 \(--set sequenceModel\.historyItems=N reads more of each history\)/) } },
    });
  });

  it('names historyItems only when a history of plays was cut, not a long run of events with skips and repeats', async () => {
    const { data, directory } = await snapshot('tiny-skips', { tracks: 100, users: 5, interactions: 100, seed: 3 });
    // historyItems = the longest history of plays: some listener has more events than that (skips, repeats), none more plays
    const histories = historiesFromInteractions(data.interactions);
    let plays = 0;
    let events = 0;
    for (let u = 0; u < data.interactions.userCount; u++) {
      plays = Math.max(plays, histories.offsets[u + 1]! - histories.offsets[u]!);
      events = Math.max(events, data.interactions.userOffsets[u + 1]! - data.interactions.userOffsets[u]!);
    }
    expect(events).toBeGreaterThan(plays);
    const built = await buildBundle(createPartRegistry([sequenceModelPart]), {
      directory: join(work, 'build-tiny-skips'),
      settings: { threads: 1 },
      options: { dataset: { directory }, sequenceModel: { ...SMALL, historyItems: plays } },
    });
    const reason = (built.summary() as { parts: { sequenceModel: { reason: string } } }).parts.sequenceModel.reason;
    expect(reason).toMatch(/^not trained: \d+ consecutive plays in the log, need 1,000; Up next and radio are unavailable$/);
    expect(reason).not.toMatch(/historyItems/);
  });

  it('backs the served prior off to the catalog\'s album and artist as sequenceModel.backoff says, and refuses a bad value', () => {
    const { store } = generateSynthetic({ tracks: 50, users: 2, interactions: 20, seed: 1 });
    const settings = { threads: 1, seed: 1 };
    const both = sequenceTrainingOptions({ ...SEQUENCE_MODEL_OPTIONS, backoff: 'album+artist' }, 1, settings, store);
    expect(both.transitionGroups!.map((group) => group.name)).toEqual(['album', 'artist']);
    expect(both.transitionGroups![0]!.of[7]).toBe(store.columns.trackAlbum[7]);
    expect(both.transitionGroups![1]!.of[7]).toBe(store.trackPrimaryArtist[7]);
    expect(sequenceTrainingOptions({ ...SEQUENCE_MODEL_OPTIONS, backoff: 'none' }, 1, settings, store).transitionGroups).toEqual([]);
    expect(sequenceTrainingOptions({ ...SEQUENCE_MODEL_OPTIONS, backoff: 'artist', transitionPrior: false }, 1, settings, store).transitionGroups).toEqual([]);
    expect(() => sequenceTrainingOptions({ ...SEQUENCE_MODEL_OPTIONS, backoff: 'label' }, 1, settings, store)).toThrow(
      'sequenceModel.backoff: expected "none" or levels joined by "+" from album, artist (e.g. "album+artist"), got "label"',
    );
  });

  it('adds the catalog\'s album and artist as side inputs as sequenceModel.sideInputs says, and refuses a bad value', () => {
    const { store } = generateSynthetic({ tracks: 50, users: 2, interactions: 20, seed: 1 });
    const settings = { threads: 1, seed: 1 };
    const side = sequenceTrainingOptions({ ...SEQUENCE_MODEL_OPTIONS, sideInputs: 'album+artist' }, 1, settings, store).sideInputs!;
    expect(side.map((group) => group.name)).toEqual(['album', 'artist']);
    expect(side[1]!.of[7]).toBe(store.trackPrimaryArtist[7]);
    // artistRank ranks by the plays of the histories trained on (here: track 7 played most, so it ranks first among its artist's tracks)
    const items = Int32Array.from([7, 7, 7, 1, 2, 3]);
    const histories = { items, offsets: Int32Array.from([0, 3, 6]), numItems: 50 };
    const positional = sequenceTrainingOptions({ ...SEQUENCE_MODEL_OPTIONS, sideInputs: 'album+artist+albumPosition+artistRank' }, 1, settings, store, histories).sideInputs!;
    expect(positional.map((group) => group.name)).toEqual(['album', 'artist', 'albumPosition', 'artistRank']);
    const album = store.tracksByAlbum(store.columns.trackAlbum[7]!);
    expect(positional[2]!.of[7]).toBe(album.length >= 2 ? album.indexOf(7) : -1);
    expect(positional[3]!.of[7]).toBe(0);
    expect(() => sequenceTrainingOptions({ ...SEQUENCE_MODEL_OPTIONS, sideInputs: 'artistRank' }, 1, settings, store)).toThrow('side input artistRank: expected the training plays');
    expect(sequenceTrainingOptions({ ...SEQUENCE_MODEL_OPTIONS, sideInputs: 'none' }, 1, settings, store).sideInputs).toBeUndefined();
    expect(() => sequenceTrainingOptions({ ...SEQUENCE_MODEL_OPTIONS, sideInputs: 'genre' }, 1, settings, store)).toThrow('sequenceModel.sideInputs: expected "none" or levels joined by "+"');
  });

  it('spends a position budget: more passes over a small log, fewer over a large one, never more than epochs', () => {
    expect(epochsFor(250_000, 20, 4_000_000)).toBe(16);
    expect(epochsFor(1_000_000, 20, 4_000_000)).toBe(4);
    expect(epochsFor(10_000, 20, 4_000_000)).toBe(20);
    expect(epochsFor(50_000_000, 20, 4_000_000)).toBe(1);
    expect(epochsFor(1_000_000, 7, 0)).toBe(7);
    expect(() => epochsFor(1000, 0, 10)).toThrow('sequenceModel.epochs: expected a positive integer, got 0');
    expect(() => epochsFor(1000, 3, -1)).toThrow('sequenceModel.positionBudget: expected a number ≥ 0');
  });
});
