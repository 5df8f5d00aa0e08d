// Rejected input rows: what was wrong where (file, line, field, expected), strict mode (the
// first reject fails the import) versus skip-invalid (rejects are collected and counted).

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

/** A file that is missing (a folder without one of its files) or not a file, as an ImportError naming it. */
export function unreadableFile(path: string, error: unknown): ImportError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'ENOENT' && code !== 'EISDIR' && code !== 'EACCES') return undefined;
  const why = code === 'ENOENT' ? 'it does not exist' : code === 'EISDIR' ? 'it is a folder' : 'permission denied';
  return new ImportError({ file: path, line: 0, field: '*', expected: 'a readable file', value: why }, { cause: error });
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
