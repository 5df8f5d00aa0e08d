// How high can a title-only known-item query score when the target is a catalog row drawn at
// random (as the quality suite draws them) and nothing but the text is known? Tracks sharing a
// normalized title (exact-title) or a title prefix (typeahead on 60 % of the title) cannot be told
// apart by the query, so even an order that knows each recording's popularity — or how many
// catalog rows it has, which is what a uniform draw over rows rewards — reaches a ceiling below 1.
// This prints that ceiling (MRR@10 over distinct recordings, the quality suite's "same title and
// primary artist" rule) for two orders, on random draws whose seeds are neither the suite's
// development seed (7) nor its held-out seed (1007). The "-popular" rows draw targets in proportion
// to track popularity, as the suite's exact-title-popular and typeahead-popular categories do.
// TidyTuesday by default; any catalog with --data <dataset dir | raw path> [--format <import format>].
//   pnpm --filter @mixtape/search-index bench:ceiling [--draws 3000 --seeds 99,123 --data … --format spotify-2024]
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random, WeightedSampler } from '@mixtape/base';
import { importDataset, isImportFormat, readSnapshot } from '@mixtape/catalog';
import { nameText } from '@mixtape/language';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const draws = Number(option('draws') ?? 3000);
const seeds = (option('seeds') ?? '99,123').split(',').map(Number);
if (!Number.isInteger(draws) || draws <= 0 || seeds.some((seed) => !Number.isInteger(seed))) {
  throw new Error(`known-item-ceiling: --draws must be a positive integer and --seeds integers, got ${option('draws')} / ${option('seeds')}`);
}
const format = option('format') ?? 'tidytuesday';
if (!isImportFormat(format)) throw new Error(`known-item-ceiling: --format: not an import format: "${format}"`);
const data = option('data') ? path.resolve(option('data')!) : path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/data/tidytuesday-spotify-songs/spotify_songs.csv');
const { store } = existsSync(path.join(data, 'metadata.json')) ? await readSnapshot(data) : await importDataset(format, data, { skipInvalid: true });
console.log(`${data}: ${store.trackCount} tracks`);

interface Recording {
  title: string;
  popularity: number;
  rows: number;
}
const recordingOf = (track: number): string => `${nameText(store.trackTitle(track))}\u0000${nameText(store.artistName(store.trackPrimaryArtist[track]!))}`;
const recordings = new Map<string, Recording>();
for (let track = 0; track < store.trackCount; track++) {
  const key = recordingOf(track);
  const popularity = store.columns.trackPopularity[track]!;
  const existing = recordings.get(key);
  if (existing) {
    existing.popularity = Math.max(existing.popularity, popularity);
    existing.rows++;
  } else recordings.set(key, { title: nameText(store.trackTitle(track)), popularity, rows: 1 });
}
const byTitle = [...recordings.entries()].sort((a, b) => (a[1].title < b[1].title ? -1 : a[1].title > b[1].title ? 1 : 0));

/** Recordings whose title equals (or starts with) the text: a binary search, then a walk. */
function matching(text: string, prefix: boolean): [string, Recording][] {
  let low = 0;
  let high = byTitle.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (byTitle[mid]![1].title < text) low = mid + 1;
    else high = mid;
  }
  const out: [string, Recording][] = [];
  for (let i = low; i < byTitle.length && (prefix ? byTitle[i]![1].title.startsWith(text) : byTitle[i]![1].title === text); i++) out.push(byTitle[i]!);
  return out;
}

const reciprocalRank = (candidates: [string, Recording][], target: string, order: (a: Recording, b: Recording) => number): number => {
  const rank = [...candidates].sort((a, b) => order(a[1], b[1])).findIndex(([key]) => key === target);
  return rank >= 0 && rank < 10 ? 1 / (rank + 1) : 0;
};
const byPopularity = (a: Recording, b: Recording) => b.popularity - a.popularity;
const byRows = (a: Recording, b: Recording) => b.rows - a.rows || b.popularity - a.popularity;

// popularity-proportional draws of distinct tracks, as the suite's "-popular" categories draw them
// (popularity 0 is never drawn)
const popularity = new WeightedSampler(store.columns.trackPopularity);
function drawPopular(random: Random, count: number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, popularity.drawable)) chosen.add(popularity.sample(random));
  return [...chosen];
}

console.log('| seed | category | draws | ceiling MRR@10, by popularity | ceiling MRR@10, by catalog rows then popularity |');
console.log('| ---: | --- | ---: | ---: | ---: |');
for (const seed of seeds) {
  for (const category of ['exact-title', 'typeahead', 'exact-title-popular', 'typeahead-popular'] as const) {
    const random = new Random(seed, 'mulberry32');
    let count = 0;
    let popularitySum = 0;
    let rowsSum = 0;
    const popularTracks = category.endsWith('-popular') ? drawPopular(random, draws) : undefined;
    for (let i = 0; i < draws; i++) {
      const track = popularTracks ? popularTracks[i] : Math.floor(random.next() * store.trackCount);
      if (track === undefined) break;
      const title = store.trackTitle(track);
      let text = nameText(title);
      if (category.startsWith('typeahead')) {
        const typed = title.slice(0, Math.max(4, Math.ceil(title.length * 0.6)));
        if (typed.length >= title.length) continue;
        text = nameText(typed);
      }
      if (text === '') continue;
      const candidates = matching(text, category.startsWith('typeahead'));
      const target = recordingOf(track);
      count++;
      popularitySum += reciprocalRank(candidates, target, byPopularity);
      rowsSum += reciprocalRank(candidates, target, byRows);
    }
    console.log(`| ${seed} | ${category} | ${count} | ${(popularitySum / count).toFixed(3)} | ${(rowsSum / count).toFixed(3)} |`);
  }
}
console.log(`\nload average ${os.loadavg().map((value) => value.toFixed(1)).join(' ')}`);
