// Delimited files (CSV with quoting, tab-separated .dat without) streamed row by row with
// 1-based line numbers. Header problems (missing columns) always fail; bad rows go to the sink
// (which throws in strict mode).
import { createReadStream } from 'node:fs';
import { CsvParser } from '../internal/csv';
import type { CsvRecord } from '../internal/csv';
import { CsvRow, deliverRow } from './csv-row';
import { forEachLine } from './read-lines';
import { ImportError, unreadableFile, type RejectSink } from './rejects';

export interface CsvReadOptions {
  delimiter?: string;
  /** trim whitespace around fields (space-padded files) */
  trim?: boolean;
  /** header names that must be present */
  required: readonly string[];
  /** what to do when a required column is missing, by column (said after the expected header) */
  missingHints?: Readonly<Record<string, string>>;
  encoding?: BufferEncoding;
  /** no quoting at all (tab-separated .dat files) */
  quote?: string | false;
  /** maps header names (e.g. to accept both track_id and trackId) */
  normalizeHeader?: (name: string) => string;
  signal: AbortSignal;
  sink: RejectSink;
  /** returns nothing; throw RowRejection to reject the row */
  onRow: (row: CsvRow) => void;
  onLines?: (rows: number) => void;
}

const identity = (name: string): string => name;

/** The header, then every record against it: what the quoted and the unquoted reader share. */
class DelimitedTable {
  private columns: Map<string, number> | undefined;
  private headerLength = 0;
  private rows = 0;

  constructor(
    private readonly path: string,
    private readonly options: CsvReadOptions,
  ) {}

  /** The first record is the header; `text` is what a header error shows. */
  record(fields: string[], line: number, text: () => string, error?: string): void {
    const { path, options } = this;
    if (!this.columns) {
      if (error) throw new ImportError({ file: path, line, field: '*', expected: error });
      const normalize = options.normalizeHeader ?? identity;
      this.columns = new Map(fields.map((name, index) => [normalize(name.trim()), index]));
      this.headerLength = fields.length;
      for (const required of options.required)
        if (!this.columns.has(required)) {
          const hint = options.missingHints?.[required];
          throw new ImportError({ file: path, line, field: required, expected: `a header with column "${required}"${hint ? ` (${hint})` : ''}`, value: text() });
        }
      return;
    }
    this.rows++;
    if (error) {
      options.sink.reject({ file: path, line, field: '*', expected: error });
      return;
    }
    if (fields.length !== this.headerLength) {
      options.sink.reject({ file: path, line, field: '*', expected: `${this.headerLength} fields`, value: `${fields.length} fields` });
      return;
    }
    deliverRow(new CsvRow(fields, this.columns, line), options.onRow, path, options.sink);
    if (this.rows % 10_000 === 0) options.onLines?.(this.rows);
  }

  /** The number of data rows; a file without a header row fails. */
  finish(): number {
    if (!this.columns) throw new ImportError({ file: this.path, line: 1, field: '*', expected: 'a header row', value: '' });
    this.options.onLines?.(this.rows);
    return this.rows;
  }
}

/** Streams a delimited file row by row; returns the number of data rows. */
export async function readDelimited(path: string, options: CsvReadOptions): Promise<number> {
  try {
    return await (options.quote === false ? readUnquoted(path, options) : readQuoted(path, options));
  } catch (error) {
    throw unreadableFile(path, error) ?? error;
  }
}

async function readQuoted(path: string, options: CsvReadOptions): Promise<number> {
  const delimiter = options.delimiter ?? ',';
  const parser = new CsvParser({ delimiter, trim: options.trim ?? false });
  const table = new DelimitedTable(path, options);
  let first = true;
  const handle = (record: CsvRecord): void => {
    if (first) {
      first = false;
      if (record.fields[0]?.charCodeAt(0) === 0xfeff) record.fields[0] = record.fields[0].slice(1);
    }
    table.record(record.fields, record.line, () => record.fields.join(delimiter), record.error);
  };
  for await (const chunk of createReadStream(path, { signal: options.signal, encoding: options.encoding ?? 'utf8', highWaterMark: 1 << 20 })) {
    parser.push(chunk as string, handle);
  }
  parser.end(handle);
  return table.finish();
}

/** Fast path for unquoted delimited files (tab-separated .dat): plain line splitting. */
async function readUnquoted(path: string, options: CsvReadOptions): Promise<number> {
  const delimiter = options.delimiter ?? ',';
  const table = new DelimitedTable(path, options);
  let lineNumber = 0;
  await forEachLine(path, { signal: options.signal, encoding: options.encoding }, (rawLine) => {
    lineNumber++;
    const line = lineNumber === 1 && rawLine.charCodeAt(0) === 0xfeff ? rawLine.slice(1) : rawLine;
    if (line === '') return;
    let fields = line.split(delimiter);
    if (options.trim) fields = fields.map((field) => field.trim());
    table.record(fields, lineNumber, () => line);
  });
  return table.finish();
}
