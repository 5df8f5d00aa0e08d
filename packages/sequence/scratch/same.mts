// sha256 of the answers to 2,000 histories of the trained 50k model (HNSW32 efSearch 64): before/after an exact change
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Random } from '@mixtape/base';
import { VectorIndex, setFaissThreads } from '@mixtape/embeddings';
import { readSnapshot } from '@mixtape/catalog';
import { createNextTrackRecommender, deserializeSequenceModel, historiesFromInteractions, outputEmbeddings } from '../src/index';
setFaissThreads(1);
const model = deserializeSequenceModel(await readFile('/tmp/seq6/model-50k.bin'), 'm');
const { numItems, dim } = model.config;
const index = VectorIndex.build({ dim, factory: 'HNSW32', metric: 'ip', ids: Array.from({ length: numItems }, (_, i) => `t${i}`), vectors: outputEmbeddings(model) });
index.setParams({ efSearch: 64 });
const all = historiesFromInteractions((await readSnapshot('/tmp/mixtape-synth-50k')).interactions);
const random = new Random(5);
const recommender = createNextTrackRecommender(model, index, { cacheSize: 0, maxQueue: 4096 } as never);
const hash = createHash('sha256');
const jobs = [];
for (let q = 0; q < 2000; q++) {
  const r = random.int(all.offsets.length - 1);
  const end = all.offsets[r]! + 1 + random.int(Math.max(1, all.offsets[r + 1]! - all.offsets[r]! - 1));
  const history = all.items.slice(Math.max(all.offsets[r]!, end - 50), end);
  const exclude = q % 3 === 0 ? Array.from({ length: 5 }, () => random.int(numItems)) : undefined;
  const accept = q % 4 === 0 ? (t: number) => t % 3 !== 0 : undefined;
  jobs.push(recommender.recommend({ history, k: q % 5 === 0 ? 50 : 10, exclude, accept }));
}
for (const { tracks, scores } of await Promise.all(jobs)) { hash.update(Buffer.from(tracks.buffer, tracks.byteOffset, tracks.byteLength)); hash.update(Buffer.from(scores.buffer, scores.byteOffset, scores.byteLength)); }
console.log(hash.digest('hex'), JSON.stringify(recommender.stats()));
