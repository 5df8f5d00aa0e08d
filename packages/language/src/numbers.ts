// Number phrases: years, decades ("80s", "1980s", "eighties", "late 90s", "nineteen nineties",
// "los 80", "années 80", "70er"), ranges and open bounds ("2010 to 2015", "before 2000"), track
// counts ("20 songs", "a dozen"), durations ("an hour", "45 min", "half an hour"), track lengths
// ("under 3 minutes", "between 2 and 3 minutes long") and tempo ("120 bpm", "under 100 bpm").
import { MAX_TEMPO_BPM } from './ranges';
import type { MatchedTerm } from './terms';
import type { Token } from './tokens';
import { joinTokens } from './tokens';
import { DECADE_WORDS, NUMBER_WORDS } from './vocabulary';

const YEAR_TOKEN = /^(1[89]\d\d|20\d\d)$/;
const DECADE_TOKEN = /^(?:(1[89]|20)?(\d)0(?:s|er|ern))$/;
/** Nouns that introduce a bare decade number in Spanish, Portuguese, French, Italian, German: "años 80", "anos 2000", "années 90". */
const ERA_NOUNS = new Set(['anos', 'annees', 'anni', 'decada', 'decadas', 'decade', 'decennie', 'jahre', 'jahren', 'los', 'les']);
const BARE_DECADE = /^(?:(1[89]|20)(\d)0|(\d)0)$/;
/** Words for "about" before a year: "around 2012" means the years around it. */
const APPROXIMATE_WORDS = new Set(['around', 'about', 'circa', 'approximately', 'roughly']);
/** A track length this long or shorter is about each track ("songs under 3 minutes"); longer ones are about the playlist. */
const MAX_TRACK_LENGTH_MINUTES = 12;
const DURATION_MAX_WORDS = new Set(['under', 'below', 'less', 'shorter', 'max', 'maximum', 'within']);
const DURATION_MIN_WORDS = new Set(['over', 'above', 'more', 'longer', 'min', 'minimum']);
const TRACK_UNITS = new Set(['songs', 'song', 'tracks', 'track', 'tunes', 'tune', 'bangers', 'jams', 'hits', 'records', 'cuts']);
const MINUTE_UNITS = new Set(['min', 'mins', 'minute', 'minutes', 'm']);
const HOUR_UNITS = new Set(['hour', 'hours', 'hr', 'hrs', 'h']);
const ONWARD_WORDS = new Set(['on', 'onwards', 'onward', 'forward', 'plus']);
const RANGE_CONNECTORS = new Set(['to', 'through', 'thru', 'till', 'until', 'and']);
const UPPER_BOUND_WORDS = new Set(['before', 'pre', 'until', 'till', 'prior', 'older']);
const LOWER_BOUND_WORDS = new Set(['after', 'since', 'post', 'newer']);
const BELOW_WORDS = new Set(['under', 'below', 'less', 'slower', 'max', 'maximum', 'lower']);
const ABOVE_WORDS = new Set(['over', 'above', 'more', 'faster', 'min', 'minimum', 'higher', 'least']);

export interface YearSpan {
  min: number;
  max: number;
  length: number;
  label: string;
}

/** A year or decade at `start`: "1996", "90s", "1990s", "nineties", "late 90s". */
export function readYearSpan(tokens: readonly Token[], start: number, currentYear: number): YearSpan | undefined {
  const first = tokens[start]?.text;
  if (first === undefined) return undefined;
  const part = first === 'early' || first === 'mid' || first === 'late' ? first : undefined;
  const offset = part ? 1 : 0;
  const word = tokens[start + offset]?.text;
  if (word === undefined) return undefined;
  let decade: number | undefined;
  let label = word;
  let width = 1;
  const decadeMatch = DECADE_TOKEN.exec(word);
  const nextWord = tokens[start + offset + 1]?.text ?? '';
  if ((word === 'nineteen' || word === 'twenty') && DECADE_WORDS[nextWord] !== undefined) {
    // "nineteen nineties", "twenty tens"
    decade = (word === 'nineteen' ? 1900 : 2000) + (DECADE_WORDS[nextWord]! % 100);
    label = `${decade}s`;
    width = 2;
  } else if (ERA_NOUNS.has(word) && BARE_DECADE.test(nextWord)) {
    // "años 80", "anos 2000", "années 90"
    const bare = BARE_DECADE.exec(nextWord)!;
    const digit = Number(bare[2] ?? bare[3]);
    decade = bare[1] ? Number(bare[1]) * 100 + digit * 10 : digit <= Math.floor((currentYear % 100) / 10) ? 2000 + digit * 10 : 1900 + digit * 10;
    label = `${decade}s`;
    width = 2;
  } else if (decadeMatch) {
    const century = decadeMatch[1];
    const digit = Number(decadeMatch[2]);
    if (century) decade = Number(century) * 100 + digit * 10;
    // Two-digit decades: "20s" and "10s" and "00s" are this century, "30s".."90s" the last one.
    else decade = digit <= Math.floor((currentYear % 100) / 10) ? 2000 + digit * 10 : 1900 + digit * 10;
    label = `${decade}s`;
  } else if (DECADE_WORDS[word] !== undefined) {
    decade = DECADE_WORDS[word];
    label = `${decade}s`;
  }
  if (decade !== undefined) {
    if (part === 'early') return { min: decade, max: decade + 3, length: width + 1, label: `early ${label}` };
    if (part === 'mid') return { min: decade + 3, max: decade + 6, length: width + 1, label: `mid ${label}` };
    if (part === 'late') return { min: decade + 6, max: decade + 9, length: width + 1, label: `late ${label}` };
    return { min: decade, max: decade + 9, length: width, label };
  }
  if (!part && YEAR_TOKEN.test(word)) {
    const year = Number(word);
    return { min: year, max: year, length: 1, label: word };
  }
  return undefined;
}

/** A count at `start`: "12", "1.5", "twenty five", "a dozen", "a couple of". */
export function readNumber(tokens: readonly Token[], start: number): { value: number; length: number } | undefined {
  const whole = readWholeNumber(tokens, start);
  if (!whole) return undefined;
  // "two and a half"
  const at = start + whole.length;
  if (tokens[at]?.text === 'and' && tokens[at + 1]?.text === 'a' && tokens[at + 2]?.text === 'half' && !(whole.length === 1 && (tokens[start]?.text === 'a' || tokens[start]?.text === 'an'))) {
    return { value: whole.value + 0.5, length: whole.length + 3 };
  }
  return whole;
}

function readWholeNumber(tokens: readonly Token[], start: number): { value: number; length: number } | undefined {
  const first = tokens[start]?.text;
  if (first === undefined) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(first)) return { value: Number(first), length: 1 };
  const word = NUMBER_WORDS[first];
  if (word === undefined) return undefined;
  // "a dozen", "a couple of", "an hour and a half" handled by callers; "twenty five" here.
  const next = tokens[start + 1]?.text;
  if ((first === 'a' || first === 'an') && next !== undefined && (next === 'dozen' || next === 'hundred' || next === 'couple' || next === 'few')) {
    const after = tokens[start + 2]?.text === 'of' ? 3 : 2;
    return { value: NUMBER_WORDS[next] ?? 1, length: after };
  }
  if (word >= 20 && word < 100 && next !== undefined) {
    const ones = NUMBER_WORDS[next];
    if (ones !== undefined && ones >= 1 && ones <= 9 && next !== 'a' && next !== 'an') return { value: word + ones, length: 2 };
  }
  if ((first === 'couple' || first === 'few') && tokens[start + 1]?.text === 'of') return { value: word, length: 2 };
  return { value: word, length: 1 };
}

const NUMERIC_TRIGGERS = new Set([
  ...UPPER_BOUND_WORDS, ...LOWER_BOUND_WORDS, ...BELOW_WORDS, ...ABOVE_WORDS, ...Object.keys(DECADE_WORDS), ...Object.keys(NUMBER_WORDS),
  ...ERA_NOUNS, ...APPROXIMATE_WORDS, ...DURATION_MAX_WORDS, ...DURATION_MIN_WORDS,
  'between', 'from', 'early', 'mid', 'late', 'half', 'at', 'up', 'no', 'not',
]);

/** A number phrase matched at a token position: how many tokens it spans and the term it reads as. */
export interface NumericMatch {
  length: number;
  term: Omit<MatchedTerm, 'modifier'>;
}

/** The number phrase starting at `start`, if any ("2010 to 2015", "under 3 minutes", "120 bpm"). */
export function matchNumeric(tokens: readonly Token[], start: number, currentYear: number): NumericMatch | undefined {
  const first = tokens[start]?.text ?? '';
  // Most words cannot start a number phrase: skip the pattern work for them (runs per token).
  const code = first.charCodeAt(0);
  if (!(code >= 48 && code <= 57) && !NUMERIC_TRIGGERS.has(first)) return undefined;

  // Open year bounds: "before 2000", "pre-2000", "since 2015", "prior to the 90s".
  if (UPPER_BOUND_WORDS.has(first) || LOWER_BOUND_WORDS.has(first)) {
    let offset = 1;
    if (tokens[start + offset]?.text === 'to' || tokens[start + offset]?.text === 'than') offset += 1;
    if (tokens[start + offset]?.text === 'the') offset += 1;
    const span = readYearSpan(tokens, start + offset, currentYear);
    if (span) {
      const upper = UPPER_BOUND_WORDS.has(first);
      const bound = upper ? { max: span.min - 1 } : { min: first === 'after' || first === 'post' ? span.max + 1 : span.min };
      const label = upper ? `before ${span.label}` : `${first} ${span.label}`;
      return { length: offset + span.length, term: { text: joinTokens(tokens, start, offset + span.length), kind: 'year', canonical: label, effect: { yearBound: bound } } };
    }
  }

  // Year spans, optionally a range: "1996", "90s", "late 90s", "2010 to 2015", "2010-2015".
  {
    let offset = first === 'between' || first === 'from' || APPROXIMATE_WORDS.has(first) ? 1 : 0;
    if (offset === 1 && tokens[start + 1]?.text === 'the') offset += 1;
    const span = readYearSpan(tokens, start + offset, currentYear);
    if (span && APPROXIMATE_WORDS.has(first) && span.min === span.max && !isFollowedByUnit(tokens, start + offset + span.length)) {
      // "around 2012": the years around it.
      const length = offset + span.length;
      return { length, term: { text: joinTokens(tokens, start, length), kind: 'year', canonical: `around ${span.label}`, effect: { years: { min: span.min - 2, max: span.max + 2 } } } };
    }
    if (span && !isFollowedByUnit(tokens, start + offset + span.length)) {
      let length = offset + span.length;
      let min = span.min;
      let max = span.max;
      let label = span.label;
      let connector = length;
      if (RANGE_CONNECTORS.has(tokens[start + connector]?.text ?? '')) connector += 1;
      if (tokens[start + connector]?.text === 'the') connector += 1;
      const end = readYearSpan(tokens, start + connector, currentYear);
      const isRange = end && (connector > length || YEAR_TOKEN.test(tokens[start + length]?.text ?? ''));
      // "90s and 2000s" is a range only after "between"; otherwise each is its own span (same union).
      if (end && isRange && (tokens[start + length]?.text !== 'and' || first === 'between') && end.max >= min) {
        max = end.max;
        min = Math.min(min, end.min);
        label = `${span.label}-${end.label}`;
        length = connector + end.length;
      } else if (ONWARD_WORDS.has(tokens[start + length]?.text ?? '')) {
        // "from 2015 on", "2015 onwards": an open lower bound.
        length += 1;
        return { length, term: { text: joinTokens(tokens, start, length), kind: 'year', canonical: `since ${span.label}`, effect: { yearBound: { min: span.min } } } };
      }
      return { length, term: { text: joinTokens(tokens, start, length), kind: 'year', canonical: label, effect: { years: { min, max } } } };
    }
  }

  // Track lengths and bounded durations: "under 3 minutes", "longer than 6 minutes", "between 2 and
  // 3 minutes long"; "under an hour" bounds the playlist instead.
  {
    const bounded = matchBoundedDuration(tokens, start);
    if (bounded) return bounded;
  }

  // BPM: "120 bpm", "under 100 bpm", "at least 128 bpm".
  {
    let offset = 0;
    let direction: 'below' | 'above' | 'around' = 'around';
    const second = tokens[start + 1]?.text;
    if (first === 'at' && (second === 'least' || second === 'most')) {
      direction = second === 'least' ? 'above' : 'below';
      offset = 2;
    } else if (BELOW_WORDS.has(first) || ABOVE_WORDS.has(first) || first === 'around' || first === 'about') {
      direction = BELOW_WORDS.has(first) ? 'below' : ABOVE_WORDS.has(first) ? 'above' : 'around';
      offset = second === 'than' ? 2 : 1;
    }
    const token = tokens[start + offset]?.text ?? '';
    const joined = /^(\d{2,3})bpm$/.exec(token);
    const number = joined ? Number(joined[1]) : /^\d{2,3}$/.test(token) && tokens[start + offset + 1]?.text === 'bpm' ? Number(token) : undefined;
    if (number !== undefined && number > 0 && number <= MAX_TEMPO_BPM) {
      const length = offset + (joined ? 1 : 2);
      const tempo: [number, number] =
        direction === 'below' ? [0, number] : direction === 'above' ? [number, MAX_TEMPO_BPM] : [Math.max(0, number - 8), Math.min(MAX_TEMPO_BPM, number + 8)];
      return { length, term: { text: joinTokens(tokens, start, length), kind: 'tempo', canonical: `${tempo[0]}-${tempo[1]} bpm`, effect: { features: { tempo: tempo } } } };
    }
  }

  // Durations: "45 min", "45min", "an hour", "1.5 hours", "two hours", "half an hour", "an hour and a half".
  {
    if (first === 'half' && (tokens[start + 1]?.text === 'an' || tokens[start + 1]?.text === 'a') && HOUR_UNITS.has(tokens[start + 2]?.text ?? '')) {
      return durationCandidate(tokens, start, 3, 30);
    }
    if (first === 'half' && HOUR_UNITS.has(tokens[start + 1]?.text ?? '')) return durationCandidate(tokens, start, 2, 30);
    const joined = /^(\d+(?:\.\d+)?)(min|mins|m|h|hr|hrs)$/.exec(first);
    if (joined) {
      const value = Number(joined[1]);
      const minutes = MINUTE_UNITS.has(joined[2] ?? '') ? value : value * 60;
      return durationCandidate(tokens, start, 1, minutes);
    }
    const number = readNumber(tokens, start);
    if (number) {
      const unit = tokens[start + number.length]?.text ?? '';
      // "3 minute songs": a track length, not a playlist length.
      if (MINUTE_UNITS.has(unit) && number.value <= MAX_TRACK_LENGTH_MINUTES && TRACK_UNITS.has(tokens[start + number.length + 1]?.text ?? '')) {
        const length = number.length + 1;
        return trackLengthMatch(tokens, start, length, { min: Math.max(0, number.value - 0.5), max: number.value + 0.5 });
      }
      if (MINUTE_UNITS.has(unit) || HOUR_UNITS.has(unit)) {
        let minutes = MINUTE_UNITS.has(unit) ? number.value : number.value * 60;
        let length = number.length + 1;
        // "an hour and a half"
        if (HOUR_UNITS.has(unit) && tokens[start + length]?.text === 'and' && tokens[start + length + 1]?.text === 'a' && tokens[start + length + 2]?.text === 'half') {
          minutes += 30;
          length += 3;
        }
        if (tokens[start + length]?.text === 'long') length += 1;
        return durationCandidate(tokens, start, length, minutes);
      }
      // "10 more songs": an addition, only meaningful to a refinement.
      if ((unit === 'more' || unit === 'extra') && TRACK_UNITS.has(tokens[start + number.length + 1]?.text ?? '')) {
        const length = number.length + 2;
        const count = Math.round(number.value);
        return { length, term: { text: joinTokens(tokens, start, length), kind: 'length', canonical: `+${count} tracks`, effect: { addTracks: count } } };
      }
      if (TRACK_UNITS.has(unit) && number.value >= 1) {
        const length = number.length + 1;
        return { length, term: { text: joinTokens(tokens, start, length), kind: 'length', canonical: `${Math.round(number.value)} tracks`, effect: { trackCount: Math.round(number.value) } } };
      }
      // "20 chill songs", "a dozen happy tracks": the count is read here and the words between
      // are left for their own terms. "a"/"an" alone never count ("a happy song").
      if (number.value >= 2 && first !== 'a' && first !== 'an' || number.length > 1) {
        for (let ahead = start + number.length + 1; ahead < Math.min(tokens.length, start + number.length + 4); ahead += 1) {
          const word = tokens[ahead] as Token;
          if (word.boundary) break;
          if (TRACK_UNITS.has(word.text)) {
            const count = Math.round(number.value);
            return { length: number.length, term: { text: joinTokens(tokens, start, number.length), kind: 'length', canonical: `${count} tracks`, effect: { trackCount: count } } };
          }
        }
      }
    }
  }
  return undefined;
}

function matchBoundedDuration(tokens: readonly Token[], start: number): NumericMatch | undefined {
  const first = tokens[start]?.text ?? '';
  const second = tokens[start + 1]?.text ?? '';
  const third = tokens[start + 2]?.text ?? '';
  let bound: 'max' | 'min' | 'range' | undefined;
  let offset = 1;
  if (first === 'between') bound = 'range';
  else if (first === 'at' && (second === 'most' || second === 'least')) [bound, offset] = [second === 'most' ? 'max' : 'min', 2];
  else if (first === 'up' && second === 'to') [bound, offset] = ['max', 2];
  else if ((first === 'no' || first === 'not') && third === 'than' && (second === 'longer' || second === 'more')) [bound, offset] = ['max', 3];
  else if ((first === 'no' || first === 'not') && third === 'than' && (second === 'shorter' || second === 'less')) [bound, offset] = ['min', 3];
  else if (DURATION_MAX_WORDS.has(first)) [bound, offset] = ['max', second === 'than' ? 2 : 1];
  else if (DURATION_MIN_WORDS.has(first)) [bound, offset] = ['min', second === 'than' ? 2 : 1];
  if (!bound) return undefined;
  const number = readNumber(tokens, start + offset);
  if (!number) return undefined;
  let at = start + offset + number.length;
  let low = number.value;
  let high = number.value;
  if (bound === 'range') {
    if (tokens[at]?.text !== 'and' && tokens[at]?.text !== 'to') return undefined;
    const end = readNumber(tokens, at + 1);
    if (!end) return undefined;
    high = end.value;
    at += 1 + end.length;
  }
  const unit = tokens[at]?.text ?? '';
  const scale = MINUTE_UNITS.has(unit) ? 1 : HOUR_UNITS.has(unit) ? 60 : undefined;
  if (scale === undefined) return undefined;
  at += 1;
  if (tokens[at]?.text === 'long') at += 1;
  const length = at - start;
  [low, high] = [Math.min(low, high) * scale, Math.max(low, high) * scale];
  if (high <= MAX_TRACK_LENGTH_MINUTES) {
    const range = bound === 'max' ? { max: high } : bound === 'min' ? { min: low } : { min: low, max: high };
    return trackLengthMatch(tokens, start, length, range);
  }
  // "under an hour", "at least 90 minutes": the playlist's length.
  return durationCandidate(tokens, start, length, bound === 'min' ? low : high);
}

function trackLengthMatch(tokens: readonly Token[], start: number, length: number, range: { min?: number; max?: number }): NumericMatch {
  const label = range.min !== undefined && range.max !== undefined ? `${range.min}–${range.max} min tracks` : range.max !== undefined ? `tracks under ${range.max} min` : `tracks over ${range.min} min`;
  return { length, term: { text: joinTokens(tokens, start, length), kind: 'length', canonical: label, effect: { trackMinutes: range } } };
}

function isFollowedByUnit(tokens: readonly Token[], index: number): boolean {
  const next = tokens[index]?.text ?? '';
  return TRACK_UNITS.has(next) || MINUTE_UNITS.has(next) || HOUR_UNITS.has(next) || next === 'bpm';
}

function durationCandidate(tokens: readonly Token[], start: number, length: number, minutes: number): NumericMatch {
  const rounded = Math.round(minutes);
  return {
    length,
    term: { text: joinTokens(tokens, start, length), kind: 'length', canonical: `${rounded} min`, effect: { targetMinutes: rounded } },
  };
}

