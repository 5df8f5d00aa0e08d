// JSON Lines input read as rows, so CSV and JSONL share one row parser per format.
import { CsvRow, deliverRow } from './csv-row';
import { forEachLine } from './read-lines';
import { unreadableFile, type RejectSink } from './rejects';

export interface JsonLinesReadOptions {
  signal: AbortSignal;
  sink: RejectSink;
  normalizeKey?: (name: string) => string;
  onRow: (row: CsvRow) => void;
  onLines?: (rows: number) => void;
}

/**
 * Streams JSON Lines: one object per line, read as a CsvRow (numbers and booleans as text,
 * arrays joined with "|"). A bad or truncated line is a reject with its line number.
 */
export async function readJsonLines(path: string, options: JsonLinesReadOptions): Promise<number> {
  let rows = 0;
  let lineNumber = 0;
  const normalize = options.normalizeKey ?? ((name: string) => name);
  const reading = forEachLine(path, { signal: options.signal }, (text) => {
    lineNumber++;
    // a byte-order mark (Windows tools write one) is not part of the first object
    const line = lineNumber === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (line.trim() === '') return;
    rows++;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const message = (error as Error).message;
      const truncated = /end of JSON input|Unterminated/i.test(message);
      options.sink.reject({ file: path, line: lineNumber, field: '*', expected: truncated ? 'a complete JSON object (the line looks truncated)' : 'a JSON object', value: message });
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      options.sink.reject({ file: path, line: lineNumber, field: '*', expected: 'a JSON object', value: line });
      return;
    }
    const columns = new Map<string, number>();
    const fields: string[] = [];
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      columns.set(normalize(key), fields.length);
      fields.push(item === null || item === undefined ? '' : Array.isArray(item) ? item.map(String).join('|') : typeof item === 'object' ? JSON.stringify(item) : String(item));
    }
    deliverRow(new CsvRow(fields, columns, lineNumber), options.onRow, path, options.sink);
    if (rows % 10_000 === 0) options.onLines?.(rows);
  });
  await reading.catch((error: unknown) => {
    throw unreadableFile(path, error) ?? error;
  });
  options.onLines?.(rows);
  return rows;
}
