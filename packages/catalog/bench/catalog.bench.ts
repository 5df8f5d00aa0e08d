// Catalog benchmark: synthetic generation, snapshot write/read, importer throughput and peak
// RSS. Each phase runs in its own child process so its peak RSS is its own.
//   pnpm --filter @mixtape/catalog bench [-- --tracks 1000000 --interactions 10000000 --users 100000]
import { fork } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  INTERACTION_TYPES,
  generateSynthetic,
  importDataset,
  readSnapshot,
  tasteToExtras,
  writeSnapshot,
} from '@mixtape/catalog';

interface Row {
  step: string;
  size: string;
  seconds: number;
  rowsPerSecond?: number;
  peakRssMb: number;
}

const args = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const value = Number(args[args.indexOf(`--${name}`) + 1]);
  return args.includes(`--${name}`) && Number.isInteger(value) && value > 0 ? value : fallback;
};
const option = (name: string): string | undefined => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const phase = option('phase');
const dir = option('dir') ?? '';
const tracks = arg('tracks', 1_000_000);
const interactions = arg('interactions', 10_000_000);
const users = arg('users', 100_000);
const sharedData = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));

const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;
const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;
const fmt = (n: number): string => n.toLocaleString('en-US');

async function child(): Promise<Row[]> {
  const rows: Row[] = [];
  if (phase === 'generate') {
    let start = process.hrtime.bigint();
    const data = generateSynthetic({ seed: 1, tracks, users, interactions });
    const generateSeconds = seconds(start);
    rows.push({ step: 'generate (catalog + events)', size: `${fmt(tracks)} tracks / ${fmt(interactions)} events`, seconds: generateSeconds, rowsPerSecond: (tracks + interactions) / generateSeconds, peakRssMb: peakRssMb() });
    start = process.hrtime.bigint();
    await writeSnapshot(join(dir, 'synthetic'), { store: data.store, interactions: data.interactions, source: 'synthetic', details: data.details, extras: tasteToExtras(data.taste) });
    const writeSeconds = seconds(start);
    let bytes = 0;
    for (const file of ['catalog.bin', 'interactions.bin', 'extras.bin', 'metadata.json']) bytes += (await stat(join(dir, 'synthetic', file))).size;
    rows.push({ step: `snapshot write (${(bytes / 2 ** 20).toFixed(0)} MiB)`, size: `${fmt(tracks)} tracks / ${fmt(interactions)} events`, seconds: writeSeconds, rowsPerSecond: (tracks + interactions) / writeSeconds, peakRssMb: peakRssMb() });
  } else if (phase === 'read') {
    const start = process.hrtime.bigint();
    const snapshot = await readSnapshot(join(dir, 'synthetic'));
    const readSeconds = seconds(start);
    rows.push({ step: 'snapshot read → CatalogStore + InteractionLog', size: `${fmt(snapshot.store.trackCount)} tracks / ${fmt(snapshot.interactions.length)} events`, seconds: readSeconds, rowsPerSecond: (snapshot.store.trackCount + snapshot.interactions.length) / readSeconds, peakRssMb: peakRssMb() });
  } else if (phase === 'write-events') {
    // a generic events CSV + catalog CSV from a smaller synthetic dataset, for the events importer
    const data = generateSynthetic({ seed: 2, tracks: 50_000, users: 5_000, interactions: 1_000_000 });
    const catalog = createWriteStream(join(dir, 'catalog.csv'));
    catalog.write('track_id,title,artist_name,album_title,release_date,duration_ms,popularity,genres,danceability,energy,valence,tempo,acousticness,instrumentalness,speechiness,liveness,loudness,key,mode\n');
    for (let t = 0; t < data.store.trackCount; t++) {
      const track = data.store.getTrack(t)!;
      const f = track.features!;
      const album = data.store.getAlbum(track.albumId!)!;
      catalog.write(`${track.id},"${track.title}","${data.store.artistName(data.store.trackPrimaryArtist[t]!)}","${album.title}",${track.releaseDate},${track.durationMs},${track.popularity},${track.genres.join('|')},${f.danceability},${f.energy},${f.valence},${f.tempo},${f.acousticness},${f.instrumentalness},${f.speechiness},${f.liveness},${f.loudness},${f.key},${f.mode}\n`);
    }
    await new Promise<void>((resolve) => catalog.end(() => resolve()));
    const events = createWriteStream(join(dir, 'events.csv'));
    events.write('user_id,track_id,timestamp,type,ms_played\n');
    const c = data.interactions.columns;
    let buffer = '';
    for (let i = 0; i < data.interactions.length; i++) {
      buffer += `${c.userIds[c.user[i]!]},${data.store.trackId(c.track[i]!)},${c.timestamp[i]},${INTERACTION_TYPES[c.type[i]!]},${c.msPlayed[i]}\n`;
      if (buffer.length > 1 << 20) {
        if (!events.write(buffer)) await new Promise<void>((resolve) => events.once('drain', () => resolve()));
        buffer = '';
      }
    }
    events.write(buffer);
    await new Promise<void>((resolve) => events.end(() => resolve()));
  } else if (phase === 'import') {
    const inputs: [string, 'events' | 'tidytuesday' | 'lastfm-hetrec', string, number][] = [
      ['import events CSV + catalog CSV', 'events', dir, 1_050_000],
    ];
    if (existsSync(sharedData)) {
      inputs.push(['import TidyTuesday CSV', 'tidytuesday', join(sharedData, 'tidytuesday-spotify-songs/spotify_songs.csv'), 32_833]);
      inputs.push(['import Last.fm HetRec (4 files)', 'lastfm-hetrec', join(sharedData, 'lastfm-hetrec2k'), 17_632 + 2_888 + 186_479 + 92_834]);
    }
    for (const [step, format, input, rowCount] of inputs) {
      const start = process.hrtime.bigint();
      const result = await importDataset(format, input);
      const took = seconds(start);
      rows.push({ step, size: `${fmt(rowCount)} rows → ${fmt(result.store.trackCount)} tracks / ${fmt(result.interactions.length)} events`, seconds: took, rowsPerSecond: rowCount / took, peakRssMb: peakRssMb() });
    }
  }
  return rows;
}

function runPhase(name: string, workDir: string): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const worker = fork(fileURLToPath(import.meta.url), [...args.filter((a) => a !== '--'), '--phase', name, '--dir', workDir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let rows: Row[] = [];
    worker.on('message', (message) => (rows = message as Row[]));
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? resolve(rows) : reject(new Error(`bench phase ${name} exited with ${code}`))));
  });
}

if (phase) {
  const rows = await child();
  process.send?.(rows);
} else {
  const workDir = await mkdtemp(join(tmpdir(), 'mixtape-catalog-bench-'));
  try {
    const rows: Row[] = [];
    for (const name of ['generate', 'read', 'write-events', 'import']) {
      process.stderr.write(`bench: ${name}…\n`);
      rows.push(...(await runPhase(name, workDir)));
    }
    const lines = [
      `Catalog benchmark (Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)})`,
      '',
      '| step | size | time (s) | rows/s | peak RSS (MiB) |',
      '|---|---|---:|---:|---:|',
      ...rows.map((row) => `| ${row.step} | ${row.size} | ${row.seconds.toFixed(2)} | ${row.rowsPerSecond ? fmt(Math.round(row.rowsPerSecond)) : ''} | ${fmt(Math.round(row.peakRssMb))} |`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
