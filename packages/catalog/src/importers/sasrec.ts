// The text format of the public sequential-recommendation benchmarks (SASRec's data files, e.g.
// ml-1m.txt, Beauty.txt): one `user item` pair per line, whitespace-separated integers, each
// user's lines in time order (an optional third integer column is read as a timestamp). There
// is no catalog, so every item becomes a track "sasrec:item:<id>" with one placeholder artist
// "sasrec:artist:<id>" (item ↔ artist 1:1); every line is a "play". Without a timestamp column
// the line number is the time, which keeps each user's order for temporal and leave-one-out
// splits.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { CatalogBuilder } from '../catalog-columns';
import { CatalogStore } from '../catalog-store';
import { INTERACTION_TYPE_CODE, InteractionLogBuilder } from '../interactions';
import { ProgressTracker } from '@mixtape/base';
import { GrowableArray } from '../internal/growable';
import { KeyPositions } from '../internal/key-positions';
import { ImportError, RejectSink } from './rejects';
import { importSignal, type ImportOptions, type ImportResult } from './import-options';
import { POPULARITY_FROM_INTERACTIONS, popularityFromCounts } from './popularity';

const INTEGER = /^\d+$/;

export async function importSasrec(input: string, options: ImportOptions = {}): Promise<ImportResult> {
  const signal = importSignal(options);
  const sink = new RejectSink(options.skipInvalid ?? false);
  const info = await stat(input).catch(() => undefined);
  if (!info?.isFile()) throw new ImportError({ file: input, line: 0, field: '*', expected: 'a text file with one "user item" pair per line' });
  const progress = new ProgressTracker('read sasrec', 'lines', undefined, options.onProgress);

  const users = new KeyPositions();
  const items = new KeyPositions();
  const pairUser = new GrowableArray(Int32Array);
  const pairItem = new GrowableArray(Int32Array);
  const pairTime = new GrowableArray(Float64Array);
  let timed: boolean | undefined;
  let line = 0;
  const lines = createInterface({ input: createReadStream(input, { encoding: 'utf8', signal }), crlfDelay: Infinity });
  for await (const text of lines) {
    line++;
    const fields = text.trim().split(/\s+/);
    if (fields.length === 1 && fields[0] === '') continue; // blank line
    const reject = (field: string, expected: string, value: string) => sink.reject({ file: input, line, field, expected, value });
    if (fields.length < 2 || fields.length > 3) {
      reject('*', '"user item" or "user item timestamp" (whitespace-separated integers)', text.slice(0, 80));
      continue;
    }
    const [user, item, time] = fields as [string, string, string | undefined];
    if (!INTEGER.test(user)) {
      reject('user', 'a non-negative integer id', user);
      continue;
    }
    if (!INTEGER.test(item)) {
      reject('item', 'a non-negative integer id', item);
      continue;
    }
    const hasTime = time !== undefined;
    if (timed === undefined) timed = hasTime;
    if (hasTime !== timed) {
      reject('timestamp', timed ? 'a timestamp column on every line (the first line has one)' : 'no timestamp column (the first line has none)', text.slice(0, 80));
      continue;
    }
    if (hasTime && !INTEGER.test(time)) {
      reject('timestamp', 'a non-negative integer', time);
      continue;
    }
    pairUser.push(users.positionOf(user));
    pairItem.push(items.positionOf(item));
    pairTime.push(hasTime ? Number(time) : line);
    progress.update(line);
  }
  progress.finish(line);
  if (pairUser.length === 0) throw new ImportError({ file: input, line, field: '*', expected: 'at least one "user item" line' });

  const builder = new CatalogBuilder({ validate: true, expectedTracks: items.size });
  const plays = new Float64Array(items.size);
  for (let p = 0; p < pairItem.length; p++) plays[pairItem.get(p)]!++;
  for (const id of items.keys) {
    const artistId = `sasrec:artist:${id}`;
    builder.addArtist({ id: artistId, name: `artist of item ${id}`, genres: [] });
    builder.addTrack({ id: `sasrec:item:${id}`, title: `item ${id}`, artistIds: [artistId], durationMs: 0, explicit: false, popularity: 0, genres: [], subgenres: [] });
  }
  const columns = builder.build();
  popularityFromCounts(plays, columns.trackPopularity);
  const store = new CatalogStore(columns);
  const log = new InteractionLogBuilder(pairUser.length);
  for (const id of users.keys) log.userIndex(`sasrec:user:${id}`);
  const PLAY = INTERACTION_TYPE_CODE.play;
  for (let p = 0; p < pairUser.length; p++) log.pushEncoded(pairUser.get(p), pairItem.get(p), pairTime.get(p), PLAY, 0, 1, -1);
  return {
    store,
    interactions: log.build(),
    source: 'sasrec',
    details: {
      file: input,
      items: 'one track per item id ("sasrec:item:<id>") with a placeholder artist ("sasrec:artist:<id>")',
      interactions: timed ? 'one play per line; timestamp from the third column' : 'one play per line; timestamp = line number (each user’s lines are in time order)',
      lines: line,
      ...POPULARITY_FROM_INTERACTIONS,
      rejected: sink.count,
    },
    extras: {},
    rejects: sink.rejects,
    rejectedCount: sink.count,
  };
}
