// Counting output records after a run (the runner's own metrics differ per runner; the files do not).
import { createReadStream } from 'node:fs';
import { shardsOf, type OutputName } from '../files';
import { isS3Uri, type PipelineS3 } from '../s3';

async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let index = chunk.indexOf(10); index >= 0; index = chunk.indexOf(10, index + 1)) lines++;
  }
  return lines;
}

/** Records per output: lines of local shards; S3 shards carry their count in their name (`<output>-<n>r-<id>.jsonl`), so nothing is downloaded. */
export async function countRecords(directory: string, outputs: readonly OutputName[], s3?: PipelineS3): Promise<Partial<Record<OutputName, number>>> {
  const counts: Partial<Record<OutputName, number>> = {};
  for (const output of outputs) {
    let total = 0;
    for (const shard of await shardsOf(directory, output, s3)) {
      if (!isS3Uri(shard)) {
        total += await countLines(shard);
        continue;
      }
      const match = /-(\d+)r-[^/]*\.jsonl$/.exec(shard);
      if (!match) throw new Error(`${shard}: an S3 shard without its record count in its name (expected <output>-<n>r-<id>.jsonl)`);
      total += Number(match[1]);
    }
    counts[output] = total;
  }
  return counts;
}
