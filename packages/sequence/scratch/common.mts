// scratch (never committed): the bench's model, index (cached in /tmp/seq9) and histories
import { readFile, writeFile, access } from 'node:fs/promises';
import { Random } from '@mixtape/base';
import { VectorIndex, setFaissThreads } from '@mixtape/embeddings';
import { readSnapshot } from '@mixtape/catalog';
import { deserializeSequenceModel, historiesFromInteractions, outputEmbeddings } from '../src/index';

export const MODEL = process.env.MODEL ?? '/tmp/seq8/model-50k-backoff.bin';
export const DATA = '/tmp/mixtape-synth-50k';
setFaissThreads(1);
export const model = deserializeSequenceModel(await readFile(MODEL), MODEL);
const { numItems, dim } = model.config;
const cachePath = `/tmp/seq9/hnsw32-${MODEL.replace(/\W/g, '_')}.idx`;
export async function loadIndex(efSearch = 64): Promise<VectorIndex> {
  let index: VectorIndex;
  try {
    await access(cachePath);
    index = VectorIndex.fromBuffer(await readFile(cachePath));
  } catch {
    const ids = Array.from({ length: numItems }, (_, i) => `t${i}`);
    index = VectorIndex.build({ dim, factory: 'HNSW32', metric: 'ip', ids, vectors: outputEmbeddings(model) });
    await writeFile(cachePath, index.toBuffer());
  }
  index.setParams({ efSearch });
  return index;
}
export async function loadHistories(): Promise<Int32Array[]> {
  const random = new Random(12345);
  const snapshot = await readSnapshot(DATA);
  const all = historiesFromInteractions(snapshot.interactions);
  const rows = Array.from({ length: all.offsets.length - 1 }, (_, r) => r).filter((r) => all.offsets[r + 1]! - all.offsets[r]! >= 2);
  return Array.from({ length: 4096 }, () => {
    const r = rows[random.int(rows.length)]!;
    const end = all.offsets[r]! + 1 + random.int(all.offsets[r + 1]! - all.offsets[r]! - 1);
    return all.items.slice(Math.max(all.offsets[r]!, end - model.config.maxLength), end);
  });
}
export const snapshotPromise = readSnapshot(DATA);
