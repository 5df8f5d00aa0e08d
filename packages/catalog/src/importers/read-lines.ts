// Streams a text file line by line (1 MiB chunks, "\n" or "\r\n" endings) without holding it.
import { createReadStream } from 'node:fs';

export interface ReadLinesOptions {
  signal: AbortSignal;
  encoding?: BufferEncoding;
}

/** Calls `handleLine` for every line, in order, without its line ending (a last line without one included). */
export async function forEachLine(path: string, options: ReadLinesOptions, handleLine: (line: string) => void): Promise<void> {
  let rest = '';
  for await (const chunk of createReadStream(path, { signal: options.signal, encoding: options.encoding ?? 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (rest + (chunk as string)).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) handleLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
  if (rest !== '') handleLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
}
