// The one rule for an event's timestamp text, shared by the events importer and the Beam pipeline
// (which serializes it onto workers: it uses only its argument and the Date/Number globals).

/** What `parseEventTimestamp` accepts, for the "expected …" of an error. */
export const EVENT_TIMESTAMP_FORMS = 'epoch milliseconds or an ISO 8601 date-time (YYYY-MM-DD, optionally THH:MM[:SS[.fff]] and Z or ±HH:MM; without a zone it is UTC)';

/**
 * Milliseconds since the epoch for an integer ("1714564800000", returned as written: a caller
 * that reads epoch seconds scales it) or an ISO 8601 date or date-time, "T" or a space between
 * date and time. Without a zone it is UTC — never the machine's local time. Anything else is NaN,
 * so "2024-05-01 12:00:00 PM" or "05/01/2024" is refused rather than read by the engine's legacy
 * parser in local time.
 */
export function parseEventTimestamp(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const iso = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([Zz]|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (!iso) return Number.NaN;
  const [, date, time, zone] = iso;
  if (time === undefined) return Date.parse(`${date}T00:00:00Z`);
  const offset = zone === undefined || zone === 'Z' || zone === 'z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return Date.parse(`${date}T${time}${offset}`);
}
