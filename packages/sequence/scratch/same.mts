// sha256 of N answers (k 10/50, exclusions, an accept filter, one and many in a batch) — identity before/after
import { createHash } from 'node:crypto';
import { Random } from '@mixtape/base';
import { createNextTrackRecommender, createExactNextTracks } from '../src/index';
import { model, loadIndex, loadHistories } from './common.mts';
const index = await loadIndex(64);
const histories = await loadHistories();
const N = Number(process.env.N ?? 2000);
const rec = createNextTrackRecommender(model, index, { cacheSize: Number(process.env.CACHE ?? 4096) });
const hash = createHash('sha256');
const random = new Random(99);
const requests = Array.from({ length: N }, (_, i) => {
  const history = histories[i % histories.length]!;
  const k = i % 5 === 0 ? 50 : 10;
  const exclude = i % 3 === 0 ? Array.from({ length: 5 }, () => random.int(model.config.numItems)) : undefined;
  const accept = i % 7 === 0 ? (t: number) => t % 3 !== 0 : undefined;
  return { history, k, exclude, accept };
});
// in waves of 16 concurrent (batches), then a repeat pass (cache hits)
for (let pass = 0; pass < 2; pass++)
  for (let i = 0; i < N; i += 16) {
    const answers = await Promise.all(requests.slice(i, i + 16).map((r) => rec.recommend(r)));
    for (const a of answers) {
      hash.update(Buffer.from(a.tracks.buffer, a.tracks.byteOffset, a.tracks.byteLength));
      hash.update(Buffer.from(a.scores.buffer, a.scores.byteOffset, a.scores.byteLength));
    }
  }
const station = await rec.station([histories[0]![0]!], 20);
hash.update(Buffer.from(station.tracks.buffer, station.tracks.byteOffset, station.tracks.byteLength));
hash.update(Buffer.from(station.scores.buffer, station.scores.byteOffset, station.scores.byteLength));
console.log('recommender', hash.digest('hex'), JSON.stringify(rec.stats()));
const exact = createExactNextTracks(model);
const h2 = createHash('sha256');
for (let i = 0; i < 300; i++) {
  const a = exact(histories[i]!, 10);
  h2.update(Buffer.from(a.tracks.buffer, a.tracks.byteOffset, a.tracks.byteLength));
  h2.update(Buffer.from(a.scores.buffer, a.scores.byteOffset, a.scores.byteLength));
}
console.log('exact-next', h2.digest('hex'));
