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
      const at = labels.indexOf(label);
      if (at < 0) {
        labels.push(label);
        labelTerms.push([value]);
        labelFields.push(field);
      } else if (!labelTerms[at]!.includes(value)) labelTerms[at]!.push(value);
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
    const terms = labelTerms[i]!;
    if (terms.length > 1 && labelFields[i] !== 'genres') {
      const text = fieldTexts(entities, code, labelFields[i]!).join(' ');
      terms.sort((a, b) => text.indexOf(a) - text.indexOf(b));
    }
    matched.push(`${labels[i]!}: ${terms.join(' ')}`);
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
export function asWritten(texts: readonly string[], term: string): string {
  for (const text of texts) {
    for (const word of text.split(/\s+/u)) {
      if (word !== '' && searchWords(word).includes(term)) return word.replace(OUTER_PUNCTUATION, '') || word;
    }
  }
  return term;
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
