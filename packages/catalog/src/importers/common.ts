// Shared importer machinery: rejects (file, line, field, expected), strict vs skip-invalid,
// streaming CSV with line numbers, numeric field parsing, progress and cancellation.
import { createReadStream } from 'node:fs';
import { CsvParser } from '../internal/csv';
import type { CsvRecord } from '../internal/csv';
import type { CatalogStore } from '../catalog-store';
import type { InteractionLog } from '../interactions';
import type { Logger, ProgressCallback } from '@mixtape/base';
import type { SnapshotExtras } from '../snapshot';

/** One rejected input row. */
export interface Reject {
  file: string;
  /** 1-based line (the line where the record ends for multi-line CSV records); 0 when not line-based */
  line: number;
  field: string;
  expected: string;
  /** the offending text, shortened */
  value?: string;
}

export function formatReject(reject: Reject): string {
  const value = reject.value === undefined ? '' : `, got ${JSON.stringify(reject.value)}`;
  return `${reject.file}:${reject.line}: field "${reject.field}": expected ${reject.expected}${value}`;
}

/** Strict-mode failure (or unrecoverable input): carries the first reject. */
export class ImportError extends Error {
  readonly code = 'IMPORT_INVALID';
  constructor(
    readonly reject: Reject,
    options?: { cause?: unknown },
  ) {
    super(formatReject(reject), options);
    this.name = 'ImportError';
  }
}

export interface ImportOptions {
  /** default false: the first bad row fails the import and nothing is written */
  skipInvalid?: boolean;
  /** mpd-artist-genres-style file or folder: artist genres by name (and Spotify URI) */
  genreEnrichment?: string;
  /** events format only: the catalog file (CSV or JSON Lines) the events refer to */
  catalog?: string;
  onProgress?: ProgressCallback;
  logger?: Logger;
  signal?: AbortSignal;
  /** default 30 minutes */
  timeoutMs?: number;
}

export interface ImportResult {
  store: CatalogStore;
  interactions: InteractionLog;
  source: string;
  /** what was read and how it was mapped (goes to snapshot metadata) */
  details: Record<string, unknown>;
  extras: SnapshotExtras;
  /** rejected rows (skipInvalid only), at most MAX_KEPT_REJECTS kept; rejectedCount counts all */
  rejects: Reject[];
  rejectedCount: number;
}

export const MAX_KEPT_REJECTS = 100_000;

/** Collects rejects; in strict mode the first one throws. */
export class RejectSink {
  readonly rejects: Reject[] = [];
  count = 0;
  constructor(readonly skipInvalid: boolean) {}

  reject(reject: Reject): void {
    const shortened = reject.value !== undefined && reject.value.length > 80 ? { ...reject, value: `${reject.value.slice(0, 77)}...` } : reject;
    if (!this.skipInvalid) throw new ImportError(shortened);
    this.count++;
    if (this.rejects.length < MAX_KEPT_REJECTS) this.rejects.push(shortened);
  }
}

/** Thrown inside a row handler to reject that row with a precise reason. */
export class RowRejection extends Error {
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly value?: string,
  ) {
    super(`field "${field}": expected ${expected}`);
  }
}

/** Turns a zod validation error thrown by the catalog builder into a row rejection. */
export function asRowRejection(error: unknown): RowRejection | undefined {
  if (error instanceof RowRejection) return error;
  const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] } | undefined)?.issues;
  if (Array.isArray(issues) && issues[0]) return new RowRejection(issues[0].path.map(String).join('.') || '*', issues[0].message);
  if ((error as { code?: string } | undefined)?.code === 'CATALOG_INTEGRITY') return new RowRejection('*', 'a consistent catalog row', (error as Error).message);
  return undefined;
}

export function importSignal(options: ImportOptions): AbortSignal {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 1_800_000);
  return options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
}

/** A CSV row with access by header name. */
export class CsvRow {
  constructor(
    readonly fields: string[],
    private readonly columns: Map<string, number>,
    readonly line: number,
  ) {}

  has(column: string): boolean {
    return this.columns.has(column);
  }

  text(column: string): string {
    const index = this.columns.get(column);
    return index === undefined ? '' : (this.fields[index] ?? '');
  }

  requiredText(column: string): string {
    const value = this.text(column);
    if (value === '') throw new RowRejection(column, 'a non-empty value', this.has(column) ? value : undefined);
    return value;
  }

  /** A list field: "a|b" in CSV, an array in JSON Lines (joined with "|" when read). */
  list(column: string): string[] {
    const value = this.text(column);
    return value === '' ? [] : value.split('|').map((item) => item.trim()).filter(Boolean);
  }
}

export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

function describeRule(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a number';
  if (rule.min !== undefined && rule.max !== undefined) return `${kind} between ${rule.min} and ${rule.max}`;
  if (rule.min !== undefined) return `${kind} >= ${rule.min}`;
  if (rule.max !== undefined) return `${kind} <= ${rule.max}`;
  return kind;
}

/** Parses a numeric field or throws a RowRejection that says what was expected. */
export function parseNumber(value: string, field: string, rule: NumberRule = {}): number {
  const trimmed = value.trim();
  const number = trimmed === '' ? Number.NaN : Number(trimmed);
  if (
    !Number.isFinite(number) ||
    (rule.integer && !Number.isInteger(number)) ||
    (rule.min !== undefined && number < rule.min) ||
    (rule.max !== undefined && number > rule.max)
  )
    throw new RowRejection(field, describeRule(rule), value);
  return number;
}

export interface CsvReadOptions {
  delimiter?: string;
  /** trim whitespace around fields (space-padded files) */
  trim?: boolean;
  /** header names that must be present */
  required: readonly string[];
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

/**
 * Streams a delimited file row by row with 1-based line numbers. Header problems (missing
 * columns) always fail; bad rows go to the sink (which throws in strict mode).
 */
export async function readDelimited(path: string, options: CsvReadOptions): Promise<number> {
  if (options.quote === false) return readUnquoted(path, options);
  const parser = new CsvParser({ delimiter: options.delimiter ?? ',', trim: options.trim ?? false });
  let columns: Map<string, number> | undefined;
  let headerLength = 0;
  let rows = 0;
  let first = true;
  const handle = (record: CsvRecord): void => {
    if (first) {
      first = false;
      if (record.fields[0]?.charCodeAt(0) === 0xfeff) record.fields[0] = record.fields[0].slice(1);
    }
    if (!columns) {
      if (record.error) throw new ImportError({ file: path, line: record.line, field: '*', expected: record.error });
      columns = new Map(record.fields.map((name, index) => [(options.normalizeHeader ?? identity)(name.trim()), index]));
      headerLength = record.fields.length;
      for (const required of options.required)
        if (!columns.has(required))
          throw new ImportError({ file: path, line: record.line, field: required, expected: `a header with column "${required}"`, value: record.fields.join(options.delimiter ?? ',') });
      return;
    }
    rows++;
    if (record.error) {
      options.sink.reject({ file: path, line: record.line, field: '*', expected: record.error });
      return;
    }
    if (record.fields.length !== headerLength) {
      options.sink.reject({ file: path, line: record.line, field: '*', expected: `${headerLength} fields`, value: `${record.fields.length} fields` });
      return;
    }
    try {
      options.onRow(new CsvRow(record.fields, columns, record.line));
    } catch (error) {
      const rejection = asRowRejection(error);
      if (!rejection) throw error;
      options.sink.reject({ file: path, line: record.line, field: rejection.field, expected: rejection.expected, value: rejection.value });
    }
    if (rows % 10_000 === 0) options.onLines?.(rows);
  };
  for await (const chunk of createReadStream(path, { signal: options.signal, encoding: options.encoding ?? 'utf8', highWaterMark: 1 << 20 })) {
    parser.push(chunk as string, handle);
  }
  parser.end(handle);
  if (!columns) throw new ImportError({ file: path, line: 1, field: '*', expected: 'a header row', value: '' });
  options.onLines?.(rows);
  return rows;
}

/** Fast path for unquoted delimited files (tab-separated .dat): plain line splitting. */
async function readUnquoted(path: string, options: CsvReadOptions): Promise<number> {
  const delimiter = options.delimiter ?? ',';
  let columns: Map<string, number> | undefined;
  let headerLength = 0;
  let rows = 0;
  let lineNumber = 0;
  let rest = '';
  const handleLine = (rawLine: string): void => {
    lineNumber++;
    let line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (lineNumber === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line === '') return;
    let record = line.split(delimiter);
    if (options.trim) record = record.map((field) => field.trim());
    if (!columns) {
      columns = new Map(record.map((name, index) => [(options.normalizeHeader ?? identity)(name.trim()), index]));
      headerLength = record.length;
      for (const required of options.required)
        if (!columns.has(required))
          throw new ImportError({ file: path, line: lineNumber, field: required, expected: `a header with column "${required}"`, value: line });
      return;
    }
    rows++;
    if (record.length !== headerLength) {
      options.sink.reject({ file: path, line: lineNumber, field: '*', expected: `${headerLength} fields`, value: `${record.length} fields` });
      return;
    }
    try {
      options.onRow(new CsvRow(record, columns, lineNumber));
    } catch (error) {
      const rejection = asRowRejection(error);
      if (!rejection) throw error;
      options.sink.reject({ file: path, line: lineNumber, field: rejection.field, expected: rejection.expected, value: rejection.value });
    }
    if (rows % 10_000 === 0) options.onLines?.(rows);
  };
  for await (const chunk of createReadStream(path, { signal: options.signal, encoding: options.encoding ?? 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (rest + (chunk as string)).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) handleLine(line);
  }
  if (rest !== '') handleLine(rest);
  if (!columns) throw new ImportError({ file: path, line: 1, field: '*', expected: 'a header row', value: '' });
  options.onLines?.(rows);
  return rows;
}

const identity = (name: string): string => name;

export interface JsonLinesReadOptions {
  signal: AbortSignal;
  sink: RejectSink;
  normalizeKey?: (name: string) => string;
  onRow: (row: CsvRow) => void;
  onLines?: (rows: number) => void;
}

/**
 * Streams JSON Lines: one object per line, read as a CsvRow (numbers and booleans as text,
 * arrays joined with "|"), so CSV and JSONL share one row parser. A bad or truncated line is a
 * reject with its line number.
 */
export async function readJsonLines(path: string, options: JsonLinesReadOptions): Promise<number> {
  let rows = 0;
  let lineNumber = 0;
  let rest = '';
  const normalize = options.normalizeKey ?? identity;
  const handleLine = (line: string): void => {
    lineNumber++;
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
    try {
      options.onRow(new CsvRow(fields, columns, lineNumber));
    } catch (error) {
      const rejection = asRowRejection(error);
      if (!rejection) throw error;
      options.sink.reject({ file: path, line: lineNumber, field: rejection.field, expected: rejection.expected, value: rejection.value });
    }
    if (rows % 10_000 === 0) options.onLines?.(rows);
  };
  for await (const chunk of createReadStream(path, { signal: options.signal, encoding: 'utf8' })) {
    const lines = (rest + (chunk as string)).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) handleLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
  if (rest !== '') handleLine(rest);
  options.onLines?.(rows);
  return rows;
}

/** 0..100 popularity from counts: log-scaled to the most popular item. */
export function popularityFromCounts(counts: Float64Array | Uint32Array, target: Float32Array): void {
  let max = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i]! > max) max = counts[i]!;
  const scale = Math.log1p(max) || 1;
  for (let i = 0; i < counts.length; i++) target[i] = Math.round((100 * Math.log1p(counts[i]!)) / scale);
}
