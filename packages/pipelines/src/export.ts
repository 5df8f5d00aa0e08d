// A dataset snapshot as the pipeline's inputs: events.jsonl (one event per line, in the log's
// order; ms_played when non-zero) and catalog.jsonl (track_id, title, artist_name, artist_id, duration_ms, the audio features — also readable by
// `mixtape data import --format events`). Teams with real logs point the pipeline at theirs.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { AUDIO_FEATURES, type CatalogStore, type InteractionLog } from '@mixtape/catalog';
import { EVENT_TYPES } from './options';

async function writeLines(path: string, count: number, line: (index: number) => string): Promise<void> {
  const stream = createWriteStream(path);
  const parts: string[] = [];
  for (let index = 0; index < count; index++) {
    parts.push(line(index));
    if (parts.length === 10_000 || index === count - 1) {
      if (!stream.write(parts.join(''))) await once(stream, 'drain');
      parts.length = 0;
    }
  }
  stream.end();
  await once(stream, 'finish');
}

export async function exportDatasetAsJsonLines(store: CatalogStore, log: InteractionLog, directory: string): Promise<{ events: string; catalog: string }> {
  await mkdir(directory, { recursive: true });
  const events = join(directory, 'events.jsonl');
  const catalog = join(directory, 'catalog.jsonl');
  const matrix = store.columns.trackFeatures;
  await writeLines(catalog, store.trackCount, (t) => {
    const artists = Array.from(store.artistsOfTrack(t));
    const duration = store.columns.trackDurationMs[t]!;
    const features = store.columns.trackHasFeatures[t] === 1 ? Object.fromEntries(AUDIO_FEATURES.map((name, f) => [name, matrix[t * AUDIO_FEATURES.length + f]!])) : {};
    return `${JSON.stringify({ track_id: store.trackId(t), title: store.columns.trackTitles[t], artist_name: artists.map((a) => store.artistName(a)), artist_id: artists.map((a) => store.artistId(a)), ...(duration > 0 ? { duration_ms: duration } : {}), ...features })}\n`;
  });
  const { user, track, timestamp, type, count, msPlayed } = log.columns;
  await writeLines(events, log.length, (e) => {
    const extra = `${count[e] === 1 ? '' : `,"count":${count[e]}`}${msPlayed[e] === 0 ? '' : `,"ms_played":${msPlayed[e]}`}`;
    return `{"user_id":${JSON.stringify(log.userId(user[e]!))},"track_id":${JSON.stringify(store.trackId(track[e]!))},"timestamp":${timestamp[e]},"type":"${EVENT_TYPES[type[e]!]}"${extra}}\n`;
  });
  return { events, catalog };
}
