// Why a result matched, as the short labels a hit carries ("title: halo", "typo: beyonse→beyonce",
// "describes: sad, 2000s", "popular", "you play this artist"), and the hit built from a candidate.
import { editDistance, nameWords } from '@mixtape/language';
import { searchWords } from './normalize';
import type { ResolvedAffinity } from './affinity';
import type { DescriptiveReading } from './dense';
import type { Field } from './inverted-index';
import type { EntitySpace, EntityType } from './entities';
import type { LexicalResult, SearchHit } from './engine';

/** A track with popularity at or above this (0..1) is labelled "popular". */
const POPULAR_PRIOR = 0.7;
/** Minimum affinity for "you play this artist" / "you play <genre>". */
const AFFINITY_LABEL_THRESHOLD = 0.15;

/** A fused result before it becomes a hit: entity code, score, labels so far. */
export interface Candidate {
  code: number;
  score: number;
  matched: string[];
}

/** `query`: the text as the user typed it, so a typo or prefix note quotes their word ("ありがと", not its folded "ありかと"). */
export function explainLexical(entities: EntitySpace, result: LexicalResult, words: readonly string[], code: number, query = ''): string[] {
  const type = entities.typeOf(code);
  // label → its terms, in first-seen order (a handful of entries: arrays, not maps)
  const labels: string[] = [];
  const labelTerms: string[][] = [];
  const labelFields: Field[] = [];
  const notes: string[] = [];
  const last = words[words.length - 1] ?? '';
  const match = result.match;
  for (const term in match) {
    let written = term;
    for (const field of match[term]!) {
      const label = fieldLabel(type, field);
      const value = field === 'genres' ? (genreContaining(entities, code, term) ?? term) : asWritten(fieldTexts(entities, code, field), term);
      if (written === term) written = value;
      // a name's words are written out below from its terms, once per time the query has the term ("bye bye bye")
      const times = field === 'genres' ? 1 : Math.max(1, countOf(words, term));
      const at = labels.indexOf(label);
      if (at < 0) {
        labels.push(label);
        labelTerms.push(new Array<string>(times).fill(field === 'genres' ? value : term));
        labelFields.push(field);
      } else if (field !== 'genres') for (let i = 0; i < times; i++) labelTerms[at]!.push(term);
      else if (!labelTerms[at]!.includes(value)) labelTerms[at]!.push(value);
    }
    if (words.includes(term)) continue;
    if ([...last].length >= 3 && term.startsWith(last)) notes.push(`prefix: ${asWritten([query], last)}→${written}`);
    else {
      let closest = '';
      let best = Number.POSITIVE_INFINITY;
      for (const word of words) {
        const distance = editDistance(word, term, 3);
        if (distance < best) {
          best = distance;
          closest = word;
        }
      }
      if (closest !== '') notes.push(`typo: ${asWritten([query], closest)}→${written}`);
    }
  }
  const matched: string[] = [];
  for (let i = 0; i < labels.length; i++) {
    // the words in the order the name has them ("title: Song 7", not the query's "7 song" order)
    const field = labelFields[i]!;
    const values = field === 'genres' ? labelTerms[i]! : writtenWords(fieldTexts(entities, code, field), labelTerms[i]!, true);
    matched.push(`${labels[i]!}: ${values.join(' ')}`);
  }
  for (const note of notes) matched.push(note);
  return matched;
}

/** The catalog texts of one field of an entity (see fieldWords in inverted-index.ts). */
function fieldTexts(entities: EntitySpace, code: number, field: Field): string[] {
  if (field === 'name') return [entities.displayName(code)];
  const store = entities.store;
  if (field === 'artists') return Array.from(entities.artistsOf(code), (artist) => store.artistName(artist));
  if (field === 'album' && code < entities.trackCount) {
    const album = store.columns.trackAlbum[code]!;
    return album >= 0 ? [store.columns.albumTitles[album]!] : [];
  }
  return [];
}

// punctuation around a word ("(feat.", "Jay-Z)", "Amazing!"), not inside it ("Don't", "AC/DC")
const OUTER_PUNCTUATION = /^\p{P}+|\p{P}+$/gu;

/**
 * A folded term as the catalog spells it: the whitespace-separated word of `texts` it comes from,
 * outer punctuation trimmed ("ありかとう" → "ありがとう", "beyonce" → "Beyoncé", "dc" → "AC/DC"),
 * or the term itself when no word holds it. Labels show what the user sees in the catalog.
 */
function asWritten(texts: readonly string[], term: string): string {
  for (const text of texts) {
    for (const word of text.split(/\s+/u)) {
      if (word !== '' && searchWords(word).includes(term)) return word.replace(OUTER_PUNCTUATION, '') || word;
    }
  }
  return term;
}

function countOf(words: readonly string[], term: string): number {
  let count = 0;
  for (const word of words) if (word === term) count++;
  return count;
}

/**
 * Folded terms as the catalog writes them, one written word per word of `texts` a term takes: each
 * term takes a word holding it that no earlier equal term took, so "baby baby" is "Baby Baby",
 * while terms of one written word stay one ("ac dc" → "AC/DC"). A term no word holds is kept as it
 * is; a term every holding word already gave is dropped. `inTextOrder`: the words in the texts'
 * order (a label), else in the terms' order (a typeahead key: "daft punk one" → "Daft Punk One").
 */
export function writtenWords(texts: readonly string[], terms: readonly string[], inTextOrder: boolean): string[] {
  const sources: { written: string; terms: string[]; taken: string[] }[] = [];
  for (const text of texts) {
    for (const word of text.split(/\s+/u)) if (word !== '') sources.push({ written: word.replace(OUTER_PUNCTUATION, '') || word, terms: searchWords(word), taken: [] });
  }
  const free = (at: number, term: string): boolean => sources[at]!.terms.includes(term) && !sources[at]!.taken.includes(term);
  const chosen: { at: number; written: string }[] = [];
  for (const term of terms) {
    const previous = chosen.length > 0 ? chosen[chosen.length - 1]!.at : -1;
    const at = previous >= 0 && free(previous, term) ? previous : sources.findIndex((_, index) => free(index, term));
    if (at >= 0) {
      sources[at]!.taken.push(term);
      if (at !== previous && !chosen.some((entry) => entry.at === at)) chosen.push({ at, written: sources[at]!.written });
    } else if (!sources.some((source) => source.terms.includes(term))) chosen.push({ at: sources.length + chosen.length, written: term });
  }
  if (inTextOrder) chosen.sort((a, b) => a.at - b.at);
  return chosen.map((entry) => entry.written);
}

function genreContaining(entities: EntitySpace, code: number, term: string): string | undefined {
  for (const genre of entities.genresOf(code)) {
    const name = entities.store.genreName(genre);
    if (nameWords(name).includes(term)) return name;
  }
  return undefined;
}

export function explainDense(entities: EntitySpace, reading: DescriptiveReading, code: number): string[] {
  const out = [`describes: ${reading.labels.join(', ')}`];
  const track = entities.indexOf(code);
  const constraints = reading.interpretation.constraints;
  const included = new Set([...constraints.genres.include, ...constraints.subgenres.include]);
  if (included.size > 0) {
    for (const genre of entities.genresOf(code)) {
      const name = entities.store.genreName(genre);
      if (included.has(name)) out.push(`genre: ${name}`);
    }
  }
  if (constraints.releaseYear) {
    const year = entities.store.trackReleaseYear[track]!;
    if (year > 0) out.push(`year: ${year}`);
  }
  return out;
}

export function toHit(entities: EntitySpace, candidate: Candidate, affinity: ResolvedAffinity | undefined): SearchHit {
  const { code } = candidate;
  const type = entities.typeOf(code);
  const hit: SearchHit = { type, id: entities.idOf(code), name: entities.displayName(code), score: round(candidate.score), matched: [...candidate.matched] };
  if (type !== 'artist') {
    const artists = entities.artistsOf(code);
    hit.artists = Array.from(artists, (artist) => ({ id: entities.store.artistId(artist), name: entities.store.artistName(artist) }));
  }
  if (entities.prior[code]! >= POPULAR_PRIOR) hit.matched.push('popular');
  if (affinity) {
    const artists = entities.artistsOf(code);
    let artistWeight = 0;
    for (let j = 0; j < artists.length; j++) artistWeight = Math.max(artistWeight, affinity.artists.get(artists[j]!) ?? 0);
    if (artistWeight >= AFFINITY_LABEL_THRESHOLD) hit.matched.push('you play this artist');
    else if (type !== 'album') {
      for (const genre of entities.genresOf(code)) {
        if ((affinity.genres.get(genre) ?? 0) >= AFFINITY_LABEL_THRESHOLD) {
          hit.matched.push(`you play ${entities.store.genreName(genre)}`);
          break;
        }
      }
    }
  }
  return hit;
}

function fieldLabel(type: EntityType, field: Field): string {
  if (field === 'name') return type === 'artist' ? 'name' : 'title';
  if (field === 'artists') return 'artist';
  if (field === 'album') return 'album';
  return 'genre';
}

/** Scores and coverage are reported to four decimals. */
export function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
