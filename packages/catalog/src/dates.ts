// Release dates are stored as a day number (days since 1970-01-01, UTC) plus a precision,
// so "2019", "2019-06" and "2019-06-14" round-trip exactly and compare as integers.

export const DATE_PRECISION_UNKNOWN = 0;
export const DATE_PRECISION_YEAR = 1;
export const DATE_PRECISION_MONTH = 2;
export const DATE_PRECISION_DAY = 3;
/** Day value stored when the date is unknown; sorts before every real date. */
export const UNKNOWN_DAY = -2147483648;

const DAY_MS = 86_400_000;

export interface ParsedReleaseDate {
  day: number;
  precision: number;
}

/** Parses YYYY, YYYY-MM or YYYY-MM-DD; returns undefined when the text is not such a date. */
export function parseReleaseDate(text: string | undefined): ParsedReleaseDate | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text.trim());
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = match[2] === undefined ? 1 : Number(match[2]);
  const day = match[3] === undefined ? 1 : Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const epochMs = Date.UTC(year, month - 1, day);
  const check = new Date(epochMs);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  const precision = match[3] !== undefined ? DATE_PRECISION_DAY : match[2] !== undefined ? DATE_PRECISION_MONTH : DATE_PRECISION_YEAR;
  return { day: Math.floor(epochMs / DAY_MS), precision };
}

/** Formats a stored (day, precision) pair back to the text it came from. */
export function formatReleaseDate(day: number, precision: number): string | undefined {
  if (precision === DATE_PRECISION_UNKNOWN || day === UNKNOWN_DAY) return undefined;
  const iso = new Date(day * DAY_MS).toISOString();
  if (precision === DATE_PRECISION_YEAR) return iso.slice(0, 4);
  if (precision === DATE_PRECISION_MONTH) return iso.slice(0, 7);
  return iso.slice(0, 10);
}

/** Converts a Date, epoch-ms number or ISO date text to a day number. */
export function toDayNumber(value: Date | number | string): number {
  if (value instanceof Date) return Math.floor(value.getTime() / DAY_MS);
  if (typeof value === 'number') return Math.floor(value / DAY_MS);
  const parsed = parseReleaseDate(value);
  if (parsed) return parsed.day;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`invalid date "${value}": expected YYYY, YYYY-MM, YYYY-MM-DD or ISO timestamp`);
  return Math.floor(ms / DAY_MS);
}

export function dayToYear(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}
