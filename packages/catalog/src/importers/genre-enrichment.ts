// Artist genres by name (and Spotify artist URI) from mpd-artist-genres-style files:
// JSON `{ "artists": [{ "artist_name", "artist_uri", "genres": [] }] }` or JSON Lines of those
// objects; a folder is read file by file in name order.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { identityKey } from '@mixtape/language';
import { ImportError } from './rejects';

export interface GenreEnrichment {
  /** genres for an artist, by URI first, then by normalized name; undefined when unknown */
  lookup(name: string, uri?: string): readonly string[] | undefined;
  readonly artistCount: number;
}

interface ArtistGenresEntry {
  artist_name?: unknown;
  artist_uri?: unknown;
  genres?: unknown;
}

export async function loadGenreEnrichment(path: string, signal?: AbortSignal): Promise<GenreEnrichment> {
  const info = await stat(path).catch((error: unknown) => {
    throw new ImportError({ file: path, line: 0, field: '*', expected: 'a genre file or folder that exists' }, { cause: error });
  });
  const files = info.isDirectory()
    ? (await readdir(path)).filter((name) => /\.(json|jsonl)$/.test(name)).sort().map((name) => join(path, name))
    : [path];
  const byName = new Map<string, readonly string[]>();
  const byUri = new Map<string, readonly string[]>();
  const add = (entry: ArtistGenresEntry, file: string, line: number): void => {
    if (typeof entry.artist_name !== 'string' || !Array.isArray(entry.genres) || !entry.genres.every((g) => typeof g === 'string'))
      throw new ImportError({ file, line, field: 'artist_name/genres', expected: 'an object with artist_name (string) and genres (string[])' });
    const genres = entry.genres as string[];
    const key = identityKey(entry.artist_name);
    if (!byName.has(key)) byName.set(key, genres);
    if (typeof entry.artist_uri === 'string') byUri.set(entry.artist_uri, genres);
  };
  for (const file of files) {
    const text = await readFile(file, { encoding: 'utf8', signal });
    if (file.endsWith('.jsonl')) {
      text.split('\n').forEach((line, index) => {
        if (line.trim() === '') return;
        add(parseJson(line, file, index + 1) as ArtistGenresEntry, file, index + 1);
      });
    } else {
      const json = parseJson(text, file, 1) as { artists?: unknown };
      if (!Array.isArray(json.artists)) throw new ImportError({ file, line: 1, field: 'artists', expected: 'an array of artists' });
      for (const entry of json.artists as ArtistGenresEntry[]) add(entry, file, 0);
    }
  }
  return {
    artistCount: byName.size,
    lookup(name: string, uri?: string) {
      return (uri !== undefined ? byUri.get(uri) : undefined) ?? byName.get(identityKey(name));
    },
  };
}

/** JSON.parse with the error position turned into a line number. */
export function parseJson(text: string, file: string, firstLine: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const line = position ? firstLine + (text.slice(0, Number(position[1])).match(/\n/g)?.length ?? 0) : firstLine + (text.match(/\n/g)?.length ?? 0);
    const truncated = /end of JSON input|Unterminated/i.test(message);
    throw new ImportError(
      { file, line, field: '*', expected: truncated ? 'complete JSON (the file looks truncated)' : 'valid JSON', value: message },
      { cause: error },
    );
  }
}
