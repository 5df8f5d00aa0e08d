// Evaluates a benchmark check against a fulfilled playlist (and, for false exclusions, its plan).
// Names in checks are catalog names; a name the catalog lacks is a mistake in the benchmark and
// throws, so a typo cannot turn into a silently passing check.
import { foldText, spacedKey } from '@mixtape/language';
import type { Plan } from '@mixtape/llm';
import type { Fulfilment, PlaylistEngine } from '@mixtape/ranking';
import type { CheckFeature, PromptCheck } from './types';

export interface CheckResult {
  /** the check, in words: "genre rap ≥ 0.9" */
  check: string;
  passed: boolean;
  /** what was measured, e.g. "0.92" */
  detail: string;
}

/** What a check looks at: the catalog, the plan and the playlist made from it. */
export interface CheckSubject {
  engine: PlaylistEngine;
  plan: Plan;
  fulfilment: Fulfilment;
}

const pct = (value: number): string => value.toFixed(2);

export function evaluateCheck(subject: CheckSubject, check: PromptCheck): CheckResult {
  const { engine, fulfilment, plan } = subject;
  const { store } = engine;
  const tracks = fulfilment.trackIndices;
  switch (check.kind) {
    case 'genreShare': {
      const genres = genreIndices(engine, check.genres);
      const measured = share(tracks, (track) => hasGenre(engine, track, genres));
      return { check: `genre ${check.genres.join('|')} ≥ ${check.share}`, passed: measured >= check.share, detail: pct(measured) };
    }
    case 'yearShare': {
      const measured = share(tracks, (track) => {
        const year = store.trackReleaseYear[track]!;
        return year >= check.min && year <= check.max;
      });
      return { check: `years ${check.min}–${check.max} ≥ ${check.share}`, passed: measured >= check.share, detail: pct(measured) };
    }
    case 'featureShare': {
      const column = featureColumn(engine, check.feature);
      const min = check.min ?? Number.NEGATIVE_INFINITY;
      const max = check.max ?? Number.POSITIVE_INFINITY;
      const measured = share(tracks, (track) => column[track]! >= min && column[track]! <= max);
      return { check: `${check.feature} ${check.min ?? ''}..${check.max ?? ''} ≥ ${check.share}`, passed: measured >= check.share, detail: pct(measured) };
    }
    case 'trackMinutesShare': {
      const min = check.min ?? 0;
      const max = check.max ?? Number.POSITIVE_INFINITY;
      const durations = store.columns.trackDurationMs;
      const measured = share(tracks, (track) => durations[track]! / 60_000 >= min && durations[track]! / 60_000 <= max);
      return { check: `track length ${check.min ?? ''}..${check.max ?? ''} min ≥ ${check.share}`, passed: measured >= check.share, detail: pct(measured) };
    }
    case 'excludeArtists': {
      const artists = artistIndices(engine, check.artists);
      const hits = count(tracks, (track) => byArtist(engine, track, artists));
      return { check: `no ${check.artists.join(', ')}`, passed: hits === 0, detail: `${hits} tracks` };
    }
    case 'excludeGenres': {
      const genres = genreIndices(engine, check.genres);
      const hits = count(tracks, (track) => hasGenre(engine, track, genres));
      return { check: `no ${check.genres.join(', ')}`, passed: hits === 0, detail: `${hits} tracks` };
    }
    case 'artistShare': {
      const artists = artistIndices(engine, check.artists);
      const measured = share(tracks, (track) => byArtist(engine, track, artists));
      const passed = tracks.length > 0 && measured >= check.min - 1e-9 && measured <= (check.max ?? 1) + 1e-9;
      return { check: `by ${check.artists.join(', ')} ${check.min}..${check.max ?? 1}`, passed, detail: pct(measured) };
    }
    case 'trackCount':
      return { check: `${check.count} tracks`, passed: tracks.length === check.count, detail: String(tracks.length) };
    case 'trackCountAtLeast':
      return { check: `≥ ${check.count} tracks`, passed: tracks.length >= check.count, detail: String(tracks.length) };
    case 'durationMinutes': {
      const minutes = fulfilment.stats.durationMs / 60_000;
      return { check: `${check.min}–${check.max} min`, passed: minutes >= check.min && minutes <= check.max, detail: `${minutes.toFixed(1)} min` };
    }
    case 'meanVersusArtist': {
      const artists = artistIndices(engine, [check.artist]);
      const values = check.feature === 'year' ? yearsAsColumn(engine) : featureColumn(engine, check.feature);
      const reference = mean(artistTracks(engine, artists), values);
      const measured = mean(Array.from(tracks), values);
      const passed = Number.isFinite(measured) && (check.direction === 'below' ? measured < reference : measured > reference);
      return { check: `mean ${check.feature} ${check.direction} ${check.artist}'s`, passed, detail: `${round(measured)} vs ${round(reference)}` };
    }
    case 'seedGenreShare': {
      const artists = artistIndices(engine, [check.artist]);
      const main = mainGenre(engine, artistTracks(engine, artists));
      const measured = main === undefined ? 0 : share(tracks, (track) => hasGenre(engine, track, new Set([main])));
      const name = main === undefined ? '?' : store.genreName(main);
      return { check: `${check.artist}'s genre (${name}) ≥ ${check.share}`, passed: measured >= check.share, detail: pct(measured) };
    }
    case 'unfulfilled': {
      const wanted = foldText(check.mentions);
      const said = fulfilment.unfulfilled.map((part) => `${part.requested} ${part.reason}`);
      const passed = said.some((text) => foldText(text).includes(wanted));
      return { check: `says "${check.mentions}" is missing`, passed, detail: said.length > 0 ? said.map((text) => text.slice(0, 60)).join(' / ') : 'nothing reported' };
    }
    case 'titleOmits': {
      const title = foldText(fulfilment.title);
      const named = check.words.filter((word) => title.includes(foldText(word)));
      return { check: `title omits ${check.words.join('/')}`, passed: named.length === 0, detail: fulfilment.title };
    }
    case 'descriptionMentions': {
      const description = foldText(fulfilment.description);
      const passed = check.words.every((word) => description.includes(foldText(word)));
      return { check: `description names ${check.words.join(', ')}`, passed, detail: fulfilment.description.slice(0, 120) };
    }
    case 'relaxedReported': {
      const passed = fulfilment.relaxed.length > 0 || fulfilment.unfulfilled.length > 0;
      return { check: 'reports what it relaxed', passed, detail: [...fulfilment.relaxed, ...fulfilment.unfulfilled.map((part) => part.requested)].join(', ') || 'nothing' };
    }
    case 'onlyExclusions': {
      const allowedArtists = new Set(check.artists.map(spacedKey));
      const allowedGenres = new Set(check.genres.map(spacedKey));
      const extraArtists = plan.artists.exclude.filter((name) => !allowedArtists.has(spacedKey(name)));
      const extraGenres = [...plan.genres.exclude, ...plan.subgenres.exclude].filter((name) => !allowedGenres.has(spacedKey(name)));
      const extra = [...extraArtists, ...extraGenres];
      return { check: 'no other exclusions', passed: extra.length === 0, detail: extra.length > 0 ? `also excluded: ${extra.join(', ')}` : 'none' };
    }
  }
}

function share(tracks: ArrayLike<number>, predicate: (track: number) => boolean): number {
  return tracks.length === 0 ? 0 : count(tracks, predicate) / tracks.length;
}

function count(tracks: ArrayLike<number>, predicate: (track: number) => boolean): number {
  let hits = 0;
  for (let i = 0; i < tracks.length; i++) if (predicate(tracks[i]!)) hits++;
  return hits;
}

function featureColumn(engine: PlaylistEngine, feature: CheckFeature): Float32Array {
  return engine.store.featureColumn(feature);
}

function yearsAsColumn(engine: PlaylistEngine): Float32Array {
  const years = engine.store.trackReleaseYear;
  const column = new Float32Array(years.length);
  for (let track = 0; track < years.length; track++) column[track] = years[track] === 0 ? Number.NaN : years[track]!;
  return column;
}

function mean(tracks: readonly number[], column: Float32Array): number {
  let sum = 0;
  let n = 0;
  for (const track of tracks) {
    const value = column[track]!;
    if (Number.isNaN(value)) continue;
    sum += value;
    n++;
  }
  return n === 0 ? Number.NaN : sum / n;
}

const round = (value: number): string => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(3));

function genreIndices(engine: PlaylistEngine, names: readonly string[]): Set<number> {
  const set = new Set<number>();
  for (const name of names) {
    const genre = engine.genreByName.get(spacedKey(name));
    if (genre === undefined) throw new RangeError(`prompt check: genre "${name}" is not in the catalog ${engine.context.version}`);
    set.add(genre);
  }
  return set;
}

function hasGenre(engine: PlaylistEngine, track: number, genres: ReadonlySet<number>): boolean {
  const { genres: top, subgenres } = engine.store.genresOfTrack(track);
  for (const genre of top) if (genres.has(genre)) return true;
  for (const genre of subgenres) if (genres.has(genre)) return true;
  return false;
}

function artistIndices(engine: PlaylistEngine, names: readonly string[]): Set<number> {
  const set = new Set<number>();
  for (const name of names) {
    const found = engine.artistsByName.get(spacedKey(name));
    if (!found) throw new RangeError(`prompt check: artist "${name}" is not in the catalog ${engine.context.version}`);
    for (const artist of found) set.add(artist);
  }
  return set;
}

function byArtist(engine: PlaylistEngine, track: number, artists: ReadonlySet<number>): boolean {
  for (const artist of engine.store.artistsOfTrack(track)) if (artists.has(artist)) return true;
  return false;
}

function artistTracks(engine: PlaylistEngine, artists: ReadonlySet<number>): number[] {
  const tracks = new Set<number>();
  for (const artist of artists) for (const track of engine.store.tracksByArtist(artist)) tracks.add(track);
  return [...tracks];
}

/** The top-level genre most of these tracks carry. */
function mainGenre(engine: PlaylistEngine, tracks: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const track of tracks) for (const genre of engine.store.genresOfTrack(track).genres) counts.set(genre, (counts.get(genre) ?? 0) + 1);
  let best: number | undefined;
  let bestCount = 0;
  for (const [genre, n] of counts) if (n > bestCount) [best, bestCount] = [genre, n];
  return best;
}
