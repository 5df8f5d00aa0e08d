// @mixtape/base's event-timestamp rule (the events importer's), marked for Beam's serializer (it
// uses only Date and Number), so parseEventLine can capture it on workers.
import { EVENT_TIMESTAMP_FORMS, parseEventTimestamp } from '@mixtape/base';
import { captures } from './captures';

captures(parseEventTimestamp, () => ({ Date, Number }));

export { EVENT_TIMESTAMP_FORMS, parseEventTimestamp };
