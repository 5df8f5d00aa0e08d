// One input row read by header name — the same row type for CSV, tab-separated and JSON Lines
// input, so each format's field mapping is written once.
import { RowRejection, asRowRejection, type RejectSink } from './rejects';

/** A row with access by header name. */
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

/** Runs a row handler; a RowRejection (or a builder validation error) becomes a reject of that line. */
export function deliverRow(row: CsvRow, onRow: (row: CsvRow) => void, file: string, sink: RejectSink): void {
  try {
    onRow(row);
  } catch (error) {
    const rejection = asRowRejection(error);
    if (!rejection) throw error;
    sink.reject({ file, line: row.line, field: rejection.field, expected: rejection.expected, value: rejection.value });
  }
}
