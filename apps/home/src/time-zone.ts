// The listener's time zone for the daypart ("Your evening favourites" at their evening, not the
// server's UTC one): an IANA name ("Europe/Paris", "America/New_York") or a fixed UTC offset
// ("+02:00", "-0530", "UTC+2", "Z"). The offset is taken at the request's clock, so an IANA zone
// follows its daylight-saving time.

/** What `tz` accepts, for the "expected …" of an error. */
export const TIME_ZONE_FORMS = 'an IANA time zone (e.g. "Europe/Paris", "America/New_York") or a UTC offset (e.g. "+02:00", "-0530", "UTC+2", "Z")';
/** Added to the error when a space in the text may be a "+" typed into a URL (see plusLostInUrl). */
export const PLUS_IN_URL = '; a "+" typed into a URL arrives as a space — write it %2B';

/** Whether `text` holds a space where a zone could have had a "+" ("Europe/Paris x", not "Paris; DROP"). */
export function plusLostInUrl(text: string): boolean {
  return text.includes(' ') && /^[A-Za-z0-9/_+:-]+$/.test(text.trim().replace(/ /g, '+'));
}

export interface ListenerTimeZone {
  /** as the request wrote it, canonical for IANA names ("europe/paris" → "Europe/Paris") */
  name: string;
  /** minutes east of UTC at `ms` */
  offsetMinutesAt(ms: number): number;
}

// "GMT+5" is an offset east (+05:00); the IANA name "Etc/GMT+5" (below) is UTC−5 (POSIX's sign)
const OFFSET = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;
const MAX_OFFSET_MINUTES = 14 * 60;
/** Formatters by zone name as sent (a few hundred zones exist; the map is cleared past this many spellings). */
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 1_000;

/** The zone `text` names, or undefined when it names none (the caller answers 400 with TIME_ZONE_FORMS). */
export function parseTimeZone(text: string): ListenerTimeZone | undefined {
  // "?tz=+05:30" unencoded arrives as " 05:30" (a "+" in a query string is a space): no other zone starts so
  const trimmed = text.replace(/^((?:UTC|GMT)?) (?=\d)/i, '$1+').trim();
  if (/^(?:z|utc|gmt)$/i.test(trimmed)) return fixed('UTC', 0);
  const offset = OFFSET.exec(trimmed);
  if (offset) {
    const [, sign, hours, minutes] = offset;
    const total = Number(hours) * 60 + Number(minutes ?? 0);
    if (Number(minutes ?? 0) >= 60 || total > MAX_OFFSET_MINUTES) return undefined;
    const signed = sign === '-' ? -total : total;
    return fixed(`${sign}${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`, signed);
  }
  // IANA names are letters, digits and / _ - + (Etc/GMT+5); anything else is not worth asking Intl.
  // No name holds a space: "?tz=Etc/GMT+5" unencoded arrives as "Etc/GMT 5", read as the "+" it was
  const name = trimmed.replace(/ (?=\d)/g, '+');
  if (!/^[A-Za-z][A-Za-z0-9/_+-]{0,63}$/.test(name)) return undefined;
  let format = formatters.get(name);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    } catch {
      return undefined; // RangeError: not a time zone this runtime knows
    }
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(name, format);
  }
  const zone = format;
  return {
    name: zone.resolvedOptions().timeZone,
    offsetMinutesAt(ms: number): number {
      const parts: Record<string, number> = {};
      for (const part of zone.formatToParts(ms)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
      const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!);
      return Math.round((local - Math.floor(ms / 60_000) * 60_000) / 60_000);
    },
  };
}

function fixed(name: string, minutes: number): ListenerTimeZone {
  return { name, offsetMinutesAt: () => minutes };
}
