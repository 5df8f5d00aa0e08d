// Counting output records after a run (the runner's own metrics differ per runner; the files do not).
import { createReadStream } from 'node:fs';
import { shardsOf, type OutputName } from '../files';

async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let index = chunk.indexOf(10); index >= 0; index = chunk.indexOf(10, index + 1)) lines++;
  }
  return lines;
}

export async function countRecords(directory: string, outputs: readonly OutputName[]): Promise<Partial<Record<OutputName, number>>> {
  const counts: Partial<Record<OutputName, number>> = {};
  for (const output of outputs) {
    let total = 0;
    for (const shard of await shardsOf(directory, output)) total += await countLines(shard);
    counts[output] = total;
  }
  return counts;
}
