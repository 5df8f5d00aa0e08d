// Reads genre, subgenre and artist names from the TidyTuesday Spotify CSV (read in place from
// ../shared/data, never copied) so planner tests run on a real catalog's vocabulary.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LexiconInput } from '../lexicon';

export const TIDYTUESDAY_CSV = fileURLToPath(
  new URL('../../../../../shared/data/tidytuesday-spotify-songs/spotify_songs.csv', import.meta.url),
);

/** Minimal RFC-4180 parser: quoted fields with commas, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] as string;
    if (quoted) {
      if (char !== '"') field += char;
      else if (text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (char !== '\r') field += char;
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

let cached: LexiconInput | undefined;

export function loadTidyTuesdayLexiconInput(): LexiconInput {
  if (cached) return cached;
  const [header, ...rows] = parseCsv(readFileSync(TIDYTUESDAY_CSV, 'utf8'));
  if (!header) throw new Error(`${TIDYTUESDAY_CSV}: empty file`);
  const column = (name: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`${TIDYTUESDAY_CSV}: missing column ${name}`);
    return index;
  };
  const genreColumn = column('playlist_genre');
  const subgenreColumn = column('playlist_subgenre');
  const artistColumn = column('track_artist');
  const genres = new Set<string>();
  const subgenres = new Set<string>();
  const artists = new Map<string, string>();
  for (const row of rows) {
    if (row.length < header.length) continue;
    genres.add(row[genreColumn] as string);
    subgenres.add(row[subgenreColumn] as string);
    const artist = row[artistColumn] as string;
    if (artist && !artists.has(artist)) artists.set(artist, `artist-${artists.size}`);
  }
  cached = {
    genres: [...genres],
    subgenres: [...subgenres],
    artists: [...artists].map(([name, id]) => ({ id, name })),
    currentYear: 2026,
  };
  return cached;
}
