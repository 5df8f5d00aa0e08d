import { createReadStream, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { skipUnlessAvailable } from '@mixtape/vitest-config/ci';
import { CsvParser } from './csv';
import type { CsvRecord } from './csv';

function parseAll(text: string, options: { trim?: boolean } = {}, chunkSize = 3): CsvRecord[] {
  const records: CsvRecord[] = [];
  const parser = new CsvParser(options);
  for (let i = 0; i < text.length; i += chunkSize) parser.push(text.slice(i, i + chunkSize), (record) => records.push(record));
  parser.end((record) => records.push(record));
  return records;
}

describe('CsvParser', () => {
  it('handles quotes, escaped quotes, embedded line breaks, CRLF and empty lines across chunk boundaries', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","multi\nline"\n\n1,,3\n"last",""';
    const records = parseAll(text);
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'multi\nline'],
      ['1', '', '3'],
      ['last', ''],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 5, 6]);
  });

  it('trims padding around quoted and unquoted fields', () => {
    expect(parseAll('  a  ,  "b, c"  , d \n', { trim: true })[0]!.fields).toEqual(['a', 'b, c', 'd']);
  });

  it('reports an unterminated quote at the line where the record starts', () => {
    const records = parseAll('a,b\n1,2\n3,"open\n4,5\n');
    expect(records.at(-1)).toMatchObject({ line: 3, error: expect.stringMatching(/closing double quote/) });
  });

  it('reports garbage after a closing quote and resumes on the next line', () => {
    const records = parseAll('a,b\n"x"y,2\n3,4\n');
    expect(records[1]).toMatchObject({ line: 2, error: expect.stringMatching(/after a closing quote/) });
    expect(records[2]).toEqual({ fields: ['3', '4'], line: 3 });
  });

  const tidy = fileURLToPath(new URL('../../../../../shared/data/tidytuesday-spotify-songs/spotify_songs.csv', import.meta.url));
  const skipTidy = skipUnlessAvailable({ suite: 'CSV parser against the real TidyTuesday file', needs: tidy, available: existsSync(tidy), fix: 'check the repository out beside ../shared (CI does)' });
  it.skipIf(skipTidy)('agrees with csv-parse on the real TidyTuesday file', async () => {
    const records: string[][] = [];
    const parser = new CsvParser();
    let text = '';
    for await (const chunk of createReadStream(tidy, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
      text += chunk as string;
      parser.push(chunk as string, (record) => records.push(record.fields));
    }
    parser.end((record) => records.push(record.fields));
    const reference = parse(text, { bom: true, relax_column_count: true }) as string[][];
    expect(records.length).toBe(reference.length);
    expect(records).toEqual(reference);
  });
});
