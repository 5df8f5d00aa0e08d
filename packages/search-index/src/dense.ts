// Descriptive queries ("chill acoustic covers", "sad songs 2000s"): the lexicon the playlist
// planner uses reads genres, moods, eras and tempo words into constraints; those become a query
// vector in the content-vector space, and the hard parts (year range, excluded genres and
// artists) become a filter over FAISS labels.
import type { CatalogStore } from '@mixtape/catalog';
import { CONTENT_AUDIO_FEATURES, encodeContentQuery } from '@mixtape/embeddings';
import type { ContentAudioFeature, ContentEncoder, ContentQuery, FeatureConstraint } from '@mixtape/embeddings';
import { interpretQuery, NEGATION_WORDS } from '@mixtape/language';
import type { Lexicon, QueryConstraints, QueryInterpretation } from '@mixtape/language';

/** Why a year range read from the query did not filter (see readDescriptiveQuery). */
export const YEAR_NOT_APPLIED = 'not applied — no track has a release year';
/** Term kinds that describe how music sounds or when it is from (not which item it is). */
const DESCRIPTIVE_KINDS = new Set(['genre', 'subgenre', 'mood', 'activity', 'feel', 'style', 'era', 'year', 'tempo']);
/** Term kinds that neither describe nor name an item ("20 songs", "deep cuts"): left out of coverage. */
const NEUTRAL_KINDS = new Set(['length', 'discovery', 'taste', 'explicit', 'arc']);

export interface DescriptiveReading {
  interpretation: QueryInterpretation;
  /** share of the query's meaningful words explained by descriptive terms, 0..1 */
  coverage: number;
  /** "sad (mood)", "2000s (era)"… for `matched` */
  labels: string[];
  /** content-space query; undefined when the terms constrain nothing the vectors encode */
  vectorQuery?: ContentQuery;
  /** the hard part: a predicate over track indices, undefined when nothing is hard */
  hardFilter?: (track: number) => boolean;
  /** only the exclusions ("no reggaeton", "without drake"): they bind every result list */
  exclusionFilter?: (track: number) => boolean;
  /** words of negated terms and negation cues: not searched lexically ("rap without drake" must not look up "drake") */
  negatedWords: Set<string>;
  /** human-readable hard constraints ("year 2000–2009", "no rock"); a year range that could not filter says so ("2000s (year): not applied — no track has a release year") */
  hardLabels: string[];
}

/**
 * Reads a query through the lexicon; undefined when no descriptive term matched. A year range
 * filters only when `releaseYears` (some track has a year): a catalog without dates (an MPD
 * slice) would otherwise answer "2000s hits" with nothing.
 */
export function readDescriptiveQuery(lexicon: Lexicon, store: CatalogStore, query: string, releaseYears = true): DescriptiveReading | undefined {
  const interpretation = interpretQuery(lexicon, query);
  let descriptiveWords = 0;
  let otherWords = interpretation.remainder === '' ? 0 : interpretation.remainder.split(' ').length;
  const labels: string[] = [];
  /** the labels of the terms that set the year range ("2000s (year)") */
  const yearLabels: string[] = [];
  const negatedWords = new Set<string>();
  for (const term of interpretation.matchedTerms) {
    const words = term.text.split(' ').length;
    if (term.modifier === 'negated') {
      // an exclusion is a constraint, whatever it names: it describes, it does not look anything up
      for (const word of term.text.split(' ')) negatedWords.add(word);
      descriptiveWords += words;
      labels.push(`no ${term.text} (${term.kind === 'subgenre' ? 'genre' : term.kind})`);
    } else if (DESCRIPTIVE_KINDS.has(term.kind)) {
      descriptiveWords += words;
      labels.push(`${term.text} (${term.kind === 'subgenre' ? 'genre' : term.kind})`);
      if (term.kind === 'era' || term.kind === 'year') yearLabels.push(labels[labels.length - 1]!);
    } else if (!NEUTRAL_KINDS.has(term.kind)) otherWords += words;
  }
  if (descriptiveWords === 0) return undefined;
  if (negatedWords.size > 0) for (const cue of NEGATION_WORDS) negatedWords.add(cue);
  const constraints = interpretation.constraints;
  const hard = hardConstraints(store, constraints, releaseYears, yearLabels);
  return {
    interpretation,
    coverage: descriptiveWords / (descriptiveWords + otherWords),
    labels,
    vectorQuery: contentQueryOf(constraints),
    hardFilter: hard.filter,
    exclusionFilter: hard.exclusionFilter,
    hardLabels: hard.labels,
    negatedWords,
  };
}

function contentQueryOf(constraints: QueryConstraints): ContentQuery | undefined {
  const features: Partial<Record<ContentAudioFeature, FeatureConstraint>> = {};
  let featureCount = 0;
  for (const [name, range] of Object.entries(constraints.features)) {
    if (!range || !(CONTENT_AUDIO_FEATURES as readonly string[]).includes(name)) continue;
    features[name as ContentAudioFeature] = { min: range.min, max: range.max };
    featureCount++;
  }
  const genres = constraints.genres.include;
  const subgenres = constraints.subgenres.include;
  const years = constraints.releaseYear;
  if (featureCount === 0 && genres.length === 0 && subgenres.length === 0 && !years) return undefined;
  const query: ContentQuery = { features, genres, subgenres };
  if (years) query.years = { from: years.min, to: years.max };
  return query;
}

function hardConstraints(
  store: CatalogStore,
  constraints: QueryConstraints,
  releaseYears: boolean,
  yearLabels: readonly string[],
): { filter?: (track: number) => boolean; exclusionFilter?: (track: number) => boolean; labels: string[] } {
  const labels: string[] = [];
  const asked = constraints.releaseYear;
  const years = releaseYears ? asked : undefined;
  const range = asked ? (asked.min === asked.max ? `year ${asked.min}` : `year ${asked.min}–${asked.max}`) : '';
  if (years) labels.push(range);
  // dropped, not silently: the client sees that the year was read and why it did not bind
  else if (asked) for (const label of yearLabels.length > 0 ? yearLabels : [range]) labels.push(`${label}: ${YEAR_NOT_APPLIED}`);
  const excludedGenres = new Set<number>();
  for (const name of [...constraints.genres.exclude, ...constraints.subgenres.exclude]) {
    const index = store.genreIndex(name);
    if (index >= 0) {
      excludedGenres.add(index);
      labels.push(`no ${name}`);
    }
  }
  const excludedArtists = new Set<number>();
  for (const artist of constraints.artists.exclude) {
    for (const id of artist.ids) {
      const index = store.artistIndex(id);
      if (index >= 0) excludedArtists.add(index);
    }
    labels.push(`no ${artist.name}`);
  }
  if (!years && excludedGenres.size === 0 && excludedArtists.size === 0) return { labels };
  const releaseYear = store.trackReleaseYear;
  const exclusionFilter = (track: number): boolean => {
    if (excludedGenres.size > 0) {
      const { genres, subgenres } = store.genresOfTrack(track);
      for (let j = 0; j < genres.length; j++) if (excludedGenres.has(genres[j]!)) return false;
      for (let j = 0; j < subgenres.length; j++) if (excludedGenres.has(subgenres[j]!)) return false;
    }
    if (excludedArtists.size > 0) {
      const artists = store.artistsOfTrack(track);
      for (let j = 0; j < artists.length; j++) if (excludedArtists.has(artists[j]!)) return false;
    }
    return true;
  };
  const hasExclusions = excludedGenres.size > 0 || excludedArtists.size > 0;
  const filter = (track: number): boolean => {
    if (years) {
      const year = releaseYear[track]!;
      if (year === 0 || year < years.min || year > years.max) return false;
    }
    return !hasExclusions || exclusionFilter(track);
  };
  return { filter, exclusionFilter: hasExclusions ? exclusionFilter : undefined, labels };
}

/** The content query as a vector; undefined when it is all zeros (nothing the encoder can express). */
export function encodeDescriptiveVector(encoder: ContentEncoder, query: ContentQuery): Float32Array | undefined {
  const vector = encodeContentQuery(encoder, query);
  for (let i = 0; i < vector.length; i++) if (vector[i] !== 0) return vector;
  return undefined;
}
