// training with the new kernels gives the same parameters, bit for bit, as d2cd797's code (1 and 2 threads, dropout on)
import { createHash } from 'node:crypto';
import { trainSequenceModel as newTrain } from '../src/index';
import { trainSequenceModel as oldTrain } from './old-src/index';
const numItems = 200;
let seed = 5;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const items = new Int32Array(240 * 30);
for (let u = 0, e = 0; u < 240; u++) {
  let current = Math.floor(random() * numItems);
  for (let t = 0; t < 30; t++, e++) { items[e] = current; current = random() < 0.9 ? current - (current % 10) + Math.floor(random() * 10) : Math.floor(random() * numItems); }
}
const data = { items, offsets: Int32Array.from({ length: 241 }, (_, u) => u * 30), numItems };
for (const threads of [1, 2]) {
  const options = { model: { dim: 16, maxLength: 12, heads: 2, dropout: 0.1 }, batchSize: 32, negatives: 64, learningRate: 3e-3, validationRows: 100, threads, epochs: 2 };
  const hash = async (train: typeof newTrain) => { const r = await train(data, options as never); const p = r.model.parameters; return createHash('sha256').update(Buffer.from(p.buffer, p.byteOffset, p.byteLength)).digest('hex').slice(0, 16); };
  console.log(`threads ${threads}: old ${await hash(oldTrain as unknown as typeof newTrain)} new ${await hash(newTrain)}`);
}
