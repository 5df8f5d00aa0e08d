// The search query language: what a person may type besides words. Kept small and spelled out
// (README "Query language") so a query never means something the person did not write:
//   words            each is looked up; a result matching more of them ranks higher (none is required)
//   title:word       the word must be in a track's or album's title (also track: and song:)
//   artist:word      …in the artist's name (a track's or album's artists, an artist itself; also by:)
//   album:word       …in the album's title (a track's album, an album itself)
//   field:"a b"      every word of the quotes in that field (field:a b — only "a" is the field's)
//   "a b"            quotes elsewhere are part of the text: names hold them (Lee "Shot" Williams, Royce Da 5'9")
//   a OR b           either word counts for the same slot (no penalty for matching only one)
//   a AND b          both are required
//   -word            results holding the word are left out (a minus at the start or after a space,
//                    before a letter or a quote; a word that ends in "-" is a name: "-M-"; "Jay-Z", "a-ha",
//                    "k-pop" are words). A query made only of exclusions is read as words ("-Ziq").
//   -"a b"           results holding every word of the quotes are left out
//   -title:word      results with the word in that field are left out (-artist:, -album: alike)
// OR and AND are operators only in capitals and beside a word with a lower-case letter ("HEAVEN AND
// BACK", "ROCK AND ROLL" are titles; "radiohead OR muse", "Radiohead OR Muse" are operators). A field name is an operator only when glued to its colon and value ("Title: x"
// and "Suite: Judy Blue Eyes" are words). A dangling OR/AND or an unclosed quote (typeahead) is read
// leniently — only a quote that opens a token is a quote; one inside a word (12", 5'9") is a character; a field with nothing after it (`halo title:`, `title:""`) is the only refusal (SEARCH_SYNTAX).
import { searchWords } from './normalize';

export type SearchField = 'title' | 'artist' | 'album';

const FIELD_NAMES: Record<string, SearchField> = { title: 'title', track: 'title', song: 'title', artist: 'artist', by: 'artist', album: 'album' };

/** One way a requirement can hold: every word present (through its typo and prefix variants), in `field` or anywhere. */
export interface RequiredWords {
  words: string[];
  field?: SearchField;
}

export interface ParsedQuery {
  /** the words looked up, in query order (field values and OR alternatives included, exclusions not) */
  words: string[];
  /** words that share one lookup slot (a OR b): each inner list is one slot; plain words are slots of one */
  slots: string[][];
  /** each entry must hold through one of its alternatives */
  requirements: RequiredWords[][];
  /** a result holding every word of one entry (in its field, when it names one) is left out */
  exclusions: RequiredWords[];
  /** the text the descriptive reading (moods, genres, eras) gets: operators removed, exclusions kept as "-word" */
  describe: string;
  /** how the operators were read, for the response ("title: cafe del mar", "either: radiohead | muse", "not: live") */
  operators: string[];
}

export class SearchSyntaxError extends Error {
  readonly code = 'SEARCH_SYNTAX';
}

interface Term {
  words: string[];
  field?: SearchField;
  /** the text as typed, for `describe` */
  text: string;
}

/**
 * Splits on whitespace, keeping `"…"`, `field:"…"`, `-"…"` and `-field:"…"` together. Only a quote
 * that opens a token (after nothing, `-` or `field:`) is a quote: unclosed, it runs to the end
 * (typeahead). A quote inside a token — `12"`, `5'9"` — is a character of that token only, so it
 * cannot swallow what follows (`Blue Monday 12" -live` still excludes "live").
 */
function rawTokens(query: string): string[] {
  const tokens: string[] = [];
  const opening = /-?(?:[A-Za-z]+:)?"/y;
  let at = 0;
  while (at < query.length) {
    while (at < query.length && /\s/u.test(query[at]!)) at++;
    if (at >= query.length) break;
    const start = at;
    opening.lastIndex = at;
    if (opening.test(query)) {
      const close = query.indexOf('"', opening.lastIndex);
      at = close < 0 ? query.length : close + 1;
    }
    while (at < query.length && !/\s/u.test(query[at]!)) at++;
    tokens.push(query.slice(start, at));
  }
  return tokens;
}

/** A minus before a word or a quote (not "-M-", whose last character is a hyphen, and not "-5" or "- "). */
const NEGATION = /^-(?=[\p{L}"])(?:.*[^-])?$/su;
const FIELD = /^([A-Za-z]+):(?=\S)(.*)$/su;

/** Parses a query; throws SearchSyntaxError only for a field with nothing after its colon. */
export function parseSearchQuery(query: string): ParsedQuery {
  const tokens = rawTokens(query);
  // "HEAVEN AND BACK": capitals on both sides are a title written in capitals, not syntax
  const lower = (token: string | undefined): boolean => token !== undefined && /\p{Ll}/u.test(token);
  const isOperator = (at: number): boolean => lower(tokens[at - 1]) || lower(tokens[at + 1]);
  type Item = { kind: 'term'; term: Term; required: boolean } | { kind: 'or' } | { kind: 'and' } | { kind: 'not'; excluded: RequiredWords; text: string };
  const items: Item[] = [];
  for (const [at, token] of tokens.entries()) {
    if (token === 'OR' && isOperator(at)) {
      items.push({ kind: 'or' });
      continue;
    }
    if (token === 'AND' && isOperator(at)) {
      items.push({ kind: 'and' });
      continue;
    }
    if (NEGATION.test(token)) {
      // -title:live leaves out results with "live" in the title; -"live at" those holding both words
      const field = FIELD.exec(token.slice(1));
      const name = field ? FIELD_NAMES[field[1]!.toLowerCase()] : undefined;
      const words = searchWords(unquote(field && name ? field[2]! : token.slice(1)));
      if (words.length > 0) items.push({ kind: 'not', excluded: { words, ...(name ? { field: name } : {}) }, text: token });
      continue;
    }
    const field = FIELD.exec(token);
    const name = field ? FIELD_NAMES[field[1]!.toLowerCase()] : undefined;
    if (field && name) {
      const words = searchWords(unquote(field[2]!));
      if (words.length === 0) throw new SearchSyntaxError(`${field[1]}: needs a word after the colon, e.g. ${field[1]}:halo or ${field[1]}:"cafe del mar" (got ${JSON.stringify(token)})`);
      items.push({ kind: 'term', term: { words, field: name, text: unquote(field[2]!) }, required: true });
      continue;
    }
    // "title:" ending the query asks for a field and gives nothing; followed by words ("Title: Track") it is a word
    if (/^[A-Za-z]+:$/.test(token) && FIELD_NAMES[token.slice(0, -1).toLowerCase()] && token === tokens[tokens.length - 1]) {
      throw new SearchSyntaxError(`${token} needs a word right after the colon, e.g. ${token}halo or ${token}"cafe del mar" (a space after the colon makes "${token.slice(0, -1)}" a word to search)`);
    }
    // quotes outside a field are text: names hold them (Lee "Shot" Williams, Royce Da 5'9")
    const words = searchWords(token);
    if (words.length === 0) continue;
    items.push({ kind: 'term', term: { words, text: token }, required: false });
  }

  // A query of exclusions only has nothing to look up: its words are the query ("-Ziq")
  if (!items.some((item) => item.kind === 'term') && items.some((item) => item.kind === 'not')) {
    const words = searchWords(query);
    return { words, slots: words.map((word) => [word]), requirements: [], exclusions: [], describe: query, operators: [] };
  }

  // AND: both neighbouring terms are required
  for (let i = 0; i < items.length; i++) {
    if (items[i]!.kind !== 'and') continue;
    for (const at of [i - 1, i + 1]) {
      const item = items[at];
      if (item?.kind === 'term') item.required = true;
    }
  }
  // OR: runs of terms joined by OR become one set (a dangling OR joins nothing)
  const sets: { terms: Term[]; required: boolean }[] = [];
  const exclusions: RequiredWords[] = [];
  const operators: string[] = [];
  const describeParts: string[] = [];
  let joinNext = false;
  for (const item of items) {
    if (item.kind === 'or') {
      joinNext = sets.length > 0;
      continue;
    }
    if (item.kind === 'and') {
      joinNext = false;
      continue;
    }
    if (item.kind === 'not') {
      exclusions.push(item.excluded);
      operators.push(`not: ${describeTerm(item.excluded)}`);
      describeParts.push(item.text);
      joinNext = false;
      continue;
    }
    describeParts.push(item.term.text);
    if (joinNext) {
      const last = sets[sets.length - 1]!;
      last.terms.push(item.term);
      last.required ||= item.required;
    } else sets.push({ terms: [item.term], required: item.required });
    joinNext = false;
  }

  const words: string[] = [];
  const slots: string[][] = [];
  const requirements: RequiredWords[][] = [];
  for (const set of sets) {
    for (const term of set.terms) words.push(...term.words);
    if (set.terms.length > 1) {
      // either term counts: its words share one slot
      slots.push([...new Set(set.terms.flatMap((term) => term.words))]);
      operators.push(`either: ${set.terms.map(describeTerm).join(' | ')}`);
    } else for (const word of set.terms[0]!.words) slots.push([word]);
    if (set.required) {
      requirements.push(set.terms.map((term) => ({ words: term.words, ...(term.field ? { field: term.field } : {}) })));
      if (set.terms.length === 1) operators.push(`required: ${describeTerm(set.terms[0]!)}`);
    }
  }
  return { words, slots, requirements, exclusions, describe: describeParts.join(' '), operators };
}

function describeTerm(term: Pick<Term, 'words' | 'field'>): string {
  return term.field ? `${term.field}: ${term.words.join(' ')}` : term.words.join(' ');
}

function unquote(text: string): string {
  return text.replace(/"/g, ' ').trim();
}

/** Whether the query uses any operator (a plain query keeps the engine's plain path). */
export function hasOperators(parsed: ParsedQuery): boolean {
  return parsed.requirements.length > 0 || parsed.exclusions.length > 0 || parsed.slots.some((slot) => slot.length > 1);
}

