import { describe, expect, it } from 'vitest';
import { parseEventTimestamp } from './timestamps';

describe('parseEventTimestamp', () => {
  it('reads epoch integers, ISO dates and date-times; a date-time without a zone is UTC in any machine zone', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      expect(parseEventTimestamp('1714564800000')).toBe(1714564800000);
      expect(parseEventTimestamp('2024-05-01')).toBe(Date.UTC(2024, 4, 1));
      expect(parseEventTimestamp('2024-05-01 12:00:00')).toBe(Date.UTC(2024, 4, 1, 12));
      expect(parseEventTimestamp('2024-05-01T12:05')).toBe(Date.UTC(2024, 4, 1, 12, 5));
      expect(parseEventTimestamp('2024-05-01T12:00:00.250Z')).toBe(Date.UTC(2024, 4, 1, 12, 0, 0, 250));
      expect(parseEventTimestamp('2024-05-01T14:10:00+02:00')).toBe(Date.UTC(2024, 4, 1, 12, 10));
      expect(parseEventTimestamp('2024-05-01T14:10:00+0200')).toBe(Date.UTC(2024, 4, 1, 12, 10));
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('refuses what only the engine\'s legacy parser reads (in local time): AM/PM, US dates, zone names', () => {
    for (const text of ['2024-05-01 12:00:00 PM', '2024-05-01 12:00 am', '05/01/2024', '2024-05-01 12:00:00 GMT', 'May 1, 2024', '2024-13-01', '']) {
      expect(parseEventTimestamp(text), text).toBeNaN();
    }
  });
});
