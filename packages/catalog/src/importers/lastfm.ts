// Last.fm HetRec 2011 (2K users). Users listen to artists, not tracks, so each artist becomes
// an Artist plus one representative Track ("lastfm:track:<artistID>", titled with the artist's
// name): collaborative-filtering code then treats items uniformly, and track index ↔ artist is
// 1:1 (store.trackPrimaryArtist). Each user–artist play count is one "play" interaction with
// count = the play count (user_artists.dat "weight"); the file has no times, so every timestamp
// is 0 — use random holdout, not temporal splits. Genres: each artist's most used tags from
// user_taggedartists.dat (tags.dat is Latin-1), up to 5 tags used by at least 2 taggings (or the
// single top tag when none reaches 2). Tags that describe the listener rather than the music
// ("seen live", "favorites", "<3", "awesome" — NON_GENRE_TAGS below) are not genres and are left
// out, so Home does not make "Your seen live Mix". Tag assignments for artists missing from
// artists.dat are ignored.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CatalogBuilder } from '../catalog-columns';
import { CatalogStore } from '../catalog-store';
import { INTERACTION_TYPE_CODE, InteractionLogBuilder } from '../interactions';
import { ProgressTracker } from '@mixtape/base';
import { GrowableArray } from '../internal/growable';
import { KeyPositions } from '../internal/key-positions';
import { ImportError, RejectSink, RowRejection } from './rejects';
import { importSignal, type ImportOptions, type ImportResult } from './import-options';
import { parseNumber } from './parse-number';
import { readDelimited } from './read-delimited';
import { POPULARITY_FROM_INTERACTIONS, popularityFromCounts } from './popularity';
import { loadGenreEnrichment } from './genre-enrichment';

const MAX_TAGS = 5;

/**
 * Last.fm tags that say what a listener thinks or did, not what the music is: among the 100 most
 * used tags in HetRec 2K. Moods ("mellow", "chill") and descriptions ("female vocalists", "80s")
 * stay: a prompt may ask for them.
 */
const NON_GENRE_TAGS = new Set([
  'seen live', 'live', 'want to see live', 'love', 'loved', 'love it', '<3', 'love at first listen', 'inlove', 'awesome', 'amazing',
  'beautiful', 'lovely', 'sexy', 'cool', 'catchy', 'epic', 'fun', 'good', 'great', 'best', 'the best', 'best song ever', 'great song',
  'fucking awesome', 'good shit', 'check', 'check out', 'albums i own', 'spotify',
]);
/** Personal collections: "favorites", "my fav songs", "ultimate favorite", "favourite artists". */
const PERSONAL_TAG = /\bfavou?rites?\b|\bfavs?\b|^my /;

/** Whether a Last.fm tag can stand as a genre (not an opinion, a listening record or a personal collection). */
export function isGenreTag(tag: string): boolean {
  const folded = tag.trim().toLowerCase();
  return folded.length > 0 && !NON_GENRE_TAGS.has(folded) && !PERSONAL_TAG.test(folded);
}

export async function importLastfmHetrec(input: string, options: ImportOptions = {}): Promise<ImportResult> {
  const signal = importSignal(options);
  const sink = new RejectSink(options.skipInvalid ?? false);
  const info = await stat(input).catch(() => undefined);
  if (!info?.isDirectory()) throw new ImportError({ file: input, line: 0, field: '*', expected: 'the HetRec folder (artists.dat, user_artists.dat, tags.dat, user_taggedartists.dat)' });
  const enrichment = options.genreEnrichment ? await loadGenreEnrichment(options.genreEnrichment, signal) : undefined;
  const progress = new ProgressTracker('read lastfm-hetrec', 'rows', undefined, options.onProgress);
  const file = (name: string): string => join(input, name);
  let rowsRead = 0;
  const common = { delimiter: '\t', quote: false as const, signal, sink, onLines: (rows: number) => progress.update(rowsRead + rows) };

  // artists
  const artistKeys: string[] = [];
  const artistNames: string[] = [];
  const artistPosition = new Map<string, number>();
  rowsRead += await readDelimited(file('artists.dat'), {
    ...common,
    required: ['id', 'name'],
    onRow: (row) => {
      const id = String(parseNumber(row.text('id'), 'id', { min: 0, integer: true }));
      const name = row.requiredText('name');
      if (artistPosition.has(id)) throw new RowRejection('id', 'a unique artist id', id);
      artistPosition.set(id, artistKeys.length);
      artistKeys.push(id);
      artistNames.push(name);
    },
  });

  // tags (Latin-1)
  const tagNames = new Map<string, string>();
  rowsRead += await readDelimited(file('tags.dat'), {
    ...common,
    encoding: 'latin1',
    required: ['tagID', 'tagValue'],
    onRow: (row) => {
      tagNames.set(String(parseNumber(row.text('tagID'), 'tagID', { min: 0, integer: true })), row.requiredText('tagValue'));
    },
  });

  // tag assignments → per artist tag counts
  const tagCounts = new Map<number, Map<string, number>>();
  rowsRead += await readDelimited(file('user_taggedartists.dat'), {
    ...common,
    required: ['userID', 'artistID', 'tagID'],
    onRow: (row) => {
      parseNumber(row.text('userID'), 'userID', { min: 0, integer: true });
      const artist = artistPosition.get(String(parseNumber(row.text('artistID'), 'artistID', { min: 0, integer: true })));
      const tagId = String(parseNumber(row.text('tagID'), 'tagID', { min: 0, integer: true }));
      const tag = tagNames.get(tagId);
      if (tag === undefined) throw new RowRejection('tagID', 'a tag id listed in tags.dat', tagId);
      if (artist === undefined) return; // tags on artists nobody listened to in this sample
      if (!isGenreTag(tag)) return;
      let counts = tagCounts.get(artist);
      if (!counts) tagCounts.set(artist, (counts = new Map()));
      counts.set(tag, (counts.get(tag) ?? 0) + 1);
    },
  });

  // listening: user × artist play counts
  const users = new KeyPositions();
  const pairUser = new GrowableArray(Int32Array, 100_000);
  const pairArtist = new GrowableArray(Int32Array, 100_000);
  const pairCount = new GrowableArray(Uint32Array, 100_000);
  const listeners = new Uint32Array(artistKeys.length);
  rowsRead += await readDelimited(file('user_artists.dat'), {
    ...common,
    required: ['userID', 'artistID', 'weight'],
    onRow: (row) => {
      const userKey = String(parseNumber(row.text('userID'), 'userID', { min: 0, integer: true }));
      const artistKey = String(parseNumber(row.text('artistID'), 'artistID', { min: 0, integer: true }));
      const weight = parseNumber(row.text('weight'), 'weight', { min: 0, integer: true });
      const artist = artistPosition.get(artistKey);
      if (artist === undefined) throw new RowRejection('artistID', 'an artist id listed in artists.dat', artistKey);
      pairUser.push(users.positionOf(userKey));
      pairArtist.push(artist);
      pairCount.push(weight);
      listeners[artist]!++;
    },
  });
  progress.finish(rowsRead);

  const builder = new CatalogBuilder({ validate: true, expectedTracks: artistKeys.length });
  let enriched = 0;
  for (let a = 0; a < artistKeys.length; a++) {
    const tags = topTags(tagCounts.get(a));
    const extra = enrichment?.lookup(artistNames[a]!);
    if (extra) enriched++;
    const artistId = `lastfm:artist:${artistKeys[a]}`;
    // the track is the artist's stand-in: it carries the artist's genres, enriched ones too (--genres)
    const genres = extra ? [...new Set([...tags, ...extra])] : tags;
    builder.addArtist({ id: artistId, name: artistNames[a]!, genres });
    builder.addTrack({
      id: `lastfm:track:${artistKeys[a]}`,
      title: artistNames[a]!,
      artistIds: [artistId],
      durationMs: 0,
      explicit: false,
      popularity: 0,
      genres,
      subgenres: [],
    });
  }
  const columns = builder.build();
  popularityFromCounts(listeners, columns.trackPopularity); // listeners per artist, log-scaled
  const store = new CatalogStore(columns);

  const log = new InteractionLogBuilder(pairUser.length);
  for (const id of users.keys) log.userIndex(`lastfm:user:${id}`);
  const PLAY = INTERACTION_TYPE_CODE.play;
  for (let i = 0; i < pairUser.length; i++) log.pushEncoded(pairUser.get(i), pairArtist.get(i), 0, PLAY, 0, pairCount.get(i), -1);
  const interactions = log.build();
  return {
    store,
    interactions,
    source: 'lastfm-hetrec',
    details: {
      folder: input,
      items: 'one representative track per artist ("lastfm:track:<artistID>"); track index ↔ artist is 1:1',
      interactions: 'one play row per user–artist pair; count = play count; timestamp 0 (no times in the data)',
      genres: `top ${MAX_TAGS} tags per artist from user_taggedartists.dat (Latin-1 tags.dat), without non-genre tags ("seen live", "favorites", …)`,
      userArtistPairs: pairUser.length,
      popularity: 'log-scaled number of listeners of the artist',
      ...POPULARITY_FROM_INTERACTIONS,
      genreEnrichment: options.genreEnrichment ? { path: options.genreEnrichment, artistsMatched: enriched } : undefined,
      rejected: sink.count,
    },
    extras: {},
    rejects: sink.rejects,
    rejectedCount: sink.count,
  };
}

function topTags(counts: Map<string, number> | undefined): string[] {
  if (!counts) return [];
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const frequent = sorted.filter(([, count]) => count >= 2).slice(0, MAX_TAGS);
  return (frequent.length > 0 ? frequent : sorted.slice(0, 1)).map(([tag]) => tag);
}
