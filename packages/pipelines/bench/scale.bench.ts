// Scale bench: the single-process aggregation at 1M / 5M / 20M events and the Beam pipeline on the
// direct runner at the sizes it finishes within the time limit, each case in its own child
// process (clean peak RSS). For the direct runner it also runs the pipeline's own functions in
// plain loops over the same input (no Beam): the gap is the runner's cost, not the pipeline's.
//   pnpm --filter @mixtape/pipelines bench [-- --local 1000000,5000000,20000000 --direct 10000,30000,100000 --limit-s 600]
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '@mixtape/base';
import { AUDIO_FEATURES, CatalogBuilder, CatalogStore, InteractionLogBuilder, type InteractionLog } from '@mixtape/catalog';
import { exportDatasetAsJsonLines, planChunks, runAggregationPipeline, runLocalAggregation } from '../src/index';
import { joinCatalogFn, perUserFn, readCatalogFn, readEventsFn, sumVectors, topKCombiner, type JoinedEvent, type ParsedEvent, type ParsedTrack } from '../src/beam/functions';
import { DEFAULT_AGGREGATION_OPTIONS, EVENT_TYPES, LABEL_TYPE_CODES } from '../src/options';

interface CaseResult {
  kind: 'local' | 'direct';
  events: number;
  seconds: number;
  peakRssMiB: number;
  baseRssMiB: number;
  stages: { name: string; seconds: number }[];
  codeOnlySeconds?: number;
  elements?: Record<string, number>;
}

/** A fast synthetic log: Zipf-ish popularity, artist runs, sessions (gaps > 30 min between some events), 10% skips. */
function syntheticDataset(events: number, seed = 11): { store: CatalogStore; log: InteractionLog } {
  const random = new Random(seed);
  const tracks = Math.min(200_000, Math.max(5_000, Math.round(events / 40)));
  const artists = Math.max(1, Math.round(tracks / 10));
  const users = Math.max(1, Math.round(events / 200));
  const catalog = new CatalogBuilder({ validate: false, expectedTracks: tracks });
  for (let a = 0; a < artists; a++) catalog.addArtist({ id: `a${a}`, name: `Artist ${a}`, genres: [] });
  for (let t = 0; t < tracks; t++)
    catalog.addTrack({ id: `t${t}`, title: `Track ${t}`, artistIds: [`a${t % artists}`], durationMs: 200_000, explicit: false, popularity: 0, genres: [], subgenres: [] });
  const store = new CatalogStore(catalog.build());
  const log = new InteractionLogBuilder(events);
  const perUser = Math.ceil(events / users);
  let written = 0;
  for (let u = 0; u < users && written < events; u++) {
    const user = log.userIndex(`u${u}`);
    let time = 1_700_000_000_000 + Math.floor(random.next() * 86_400_000 * 30);
    let track = Math.floor(tracks * random.next() ** 3);
    for (let k = 0; k < perUser && written < events; k++, written++) {
      time += random.next() < 0.1 ? 3_600_000 + Math.floor(random.next() * 86_400_000) : 150_000 + Math.floor(random.next() * 100_000);
      // half the time stay with the artist (tracks t ≡ artist mod artists), else a popular-skewed pick
      track = random.next() < 0.5 ? (track + artists * (1 + Math.floor(random.next() * 3))) % tracks : Math.floor(tracks * random.next() ** 3);
      const type = random.next() < 0.1 ? 1 : random.next() < 0.3 ? 2 : 0;
      log.pushEncoded(user, track, time, type, 0, 1, -1);
    }
  }
  return { store, log: log.build() };
}

/** The pipeline's functions in plain loops (in-memory grouping): what the pipeline costs without a runner. */
async function codeOnly(eventsFile: string, catalogFile: string): Promise<{ seconds: number; elements: Record<string, number> }> {
  const started = performance.now();
  const options = DEFAULT_AGGREGATION_OPTIONS;
  const readEvents = readEventsFn(EVENT_TYPES);
  const readCatalog = readCatalogFn(AUDIO_FEATURES);
  const quietError = console.error;
  console.error = () => {};
  const events: ParsedEvent[] = [];
  const tracks: ParsedTrack[] = [];
  try {
    for (const chunk of (await planChunks([eventsFile], 4 << 20)).chunks) for (const parsed of readEvents({ ...chunk })) if ('ok' in parsed) events.push(parsed.ok);
    for (const chunk of (await planChunks([catalogFile], 4 << 20)).chunks) for (const parsed of readCatalog({ ...chunk })) if ('ok' in parsed) tracks.push(parsed.ok);
  } finally {
    console.error = quietError;
  }
  const byTrack = new Map<string, ParsedEvent[]>();
  for (const event of events) (byTrack.get(event.track) ?? byTrack.set(event.track, []).get(event.track)!).push(event);
  const catalogByTrack = new Map(tracks.map((track) => [track.track, track]));
  const join = joinCatalogFn([eventsFile], [catalogFile]);
  const sums = (map: Map<string, number[]>, key: string, value: number[]) => map.set(key, sumVectors.addInput(map.get(key) ?? sumVectors.createAccumulator(), value));
  const itemUser = new Map<string, number[]>();
  const artistUser = new Map<string, number[]>();
  const byUser = new Map<string, JoinedEvent[]>();
  for (const [track, group] of byTrack) {
    const row = catalogByTrack.get(track);
    for (const joined of join({ key: track, values: { events: group, catalog: row ? [row] : [] } })) {
      if (!('ok' in joined)) continue;
      const event = joined.ok;
      const plays = event.type === 1 ? 0 : event.count;
      sums(itemUser, `${event.track}\u0000${event.user}`, [plays, event.type === 1 ? event.count : 0]);
      for (const artist of joined.artists) sums(artistUser, `${artist}\u0000${event.user}`, [plays]);
      (byUser.get(event.user) ?? byUser.set(event.user, []).get(event.user)!).push(event);
    }
  }
  const items = new Map<string, number[]>();
  for (const [key, value] of itemUser) sums(items, key.slice(0, key.indexOf('\u0000')), [value[0]!, value[1]!, value[0]! > 0 ? 1 : 0]);
  const artists = new Map<string, number[]>();
  for (const [key, value] of artistUser) sums(artists, key.slice(0, key.indexOf('\u0000')), [value[0]!, value[0]! > 0 ? 1 : 0]);
  const perUser = perUserFn(options, 1, LABEL_TYPE_CODES);
  const pairs = new Map<string, number[]>();
  let pairElements = 0;
  let sessions = 0;
  for (const [user, group] of byUser) {
    for (const output of perUser({ key: user, value: group })) {
      if ('pair' in output) {
        pairElements++;
        sums(pairs, output.pair.key, [output.pair.value]);
      } else if ('session' in output) sessions++;
    }
  }
  const topK = topKCombiner(options.topK);
  const candidates = new Map<string, [string, number][]>();
  for (const [key, value] of pairs) {
    const split = key.indexOf('\u0000');
    const track = key.slice(0, split);
    candidates.set(track, topK.addInput(candidates.get(track) ?? topK.createAccumulator(), [key.slice(split + 1), value[0]!]));
  }
  let neighbours = 0;
  for (const [, accumulator] of candidates) neighbours += topK.extractOutput(accumulator).length;
  return {
    seconds: (performance.now() - started) / 1000,
    elements: {
      events: events.length,
      'item-user keys': itemUser.size,
      'artist-user keys': artistUser.size,
      users: byUser.size,
      sessions,
      'per-user pair elements': pairElements,
      'distinct pairs': pairs.size,
      'tracks with neighbours': candidates.size,
      'neighbour entries': neighbours,
    },
  };
}

async function runCase(kind: 'local' | 'direct', events: number): Promise<CaseResult> {
  const { store, log } = syntheticDataset(events);
  const work = await mkdtemp(join(tmpdir(), `mixtape-bench-${kind}-`));
  const baseRssMiB = process.memoryUsage().rss / 2 ** 20;
  try {
    if (kind === 'local') {
      const started = performance.now();
      const manifest = await runLocalAggregation(store, log, join(work, 'out'));
      return { kind, events: log.length, seconds: (performance.now() - started) / 1000, baseRssMiB, peakRssMiB: process.resourceUsage().maxRSS / 1024, stages: manifest.stages };
    }
    const inputs = await exportDatasetAsJsonLines(store, log, join(work, 'input'));
    const started = performance.now();
    const quietError = console.error;
    console.error = () => {};
    let manifest;
    try {
      manifest = await runAggregationPipeline({ events: [inputs.events], catalog: [inputs.catalog], out: join(work, 'out'), runner: 'direct' });
    } finally {
      console.error = quietError;
    }
    const total = (performance.now() - started) / 1000;
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    const run = manifest.stages.find((stage) => stage.name.startsWith('run pipeline'))!;
    const code = await codeOnly(inputs.events, inputs.catalog);
    // seconds = the pipeline run itself; loading the SDK and planning chunks are in the stage list
    return { kind, events: log.length, seconds: run.seconds, baseRssMiB, peakRssMiB, stages: [{ name: 'load SDK, plan, write manifest', seconds: total - run.seconds }, ...manifest.stages], codeOnlySeconds: code.seconds, elements: code.elements };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1]! : fallback;
}

async function child(kind: 'local' | 'direct', events: number, limitSeconds: number): Promise<CaseResult | 'timeout' | string> {
  return new Promise((resolve) => {
    const worker = fork(fileURLToPath(import.meta.url), ['--case', kind, '--events', String(events)], { execArgv: process.execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const timer = setTimeout(() => {
      worker.kill('SIGKILL');
      resolve('timeout');
    }, limitSeconds * 1000);
    worker.on('message', (message) => {
      clearTimeout(timer);
      resolve(message as CaseResult);
    });
    worker.on('exit', (code) => {
      clearTimeout(timer);
      resolve(`exit ${code}`);
    });
  });
}

async function main(): Promise<void> {
  if (process.argv.includes('--case')) {
    const result = await runCase(argument('case', 'local') as 'local' | 'direct', Number(argument('events', '100000')));
    process.send!(result);
    return;
  }
  const local = argument('local', '1000000,5000000,20000000').split(',').filter(Boolean).map(Number);
  const direct = argument('direct', '10000,30000,100000').split(',').filter(Boolean).map(Number);
  const limit = Number(argument('limit-s', '600'));
  console.log(`load average at start: ${loadavg().map((value) => value.toFixed(1)).join(' ')} (2 cores, shared)`);
  const rows: string[] = [];
  const details: string[] = [];
  for (const [kind, sizes] of [['local', local], ['direct', direct]] as const) {
    for (const events of sizes) {
      process.stderr.write(`${kind} ${events.toLocaleString('en')} events …\n`);
      const result = await child(kind, events, limit);
      if (typeof result === 'string') {
        rows.push(`| ${kind === 'local' ? 'single process' : 'Beam direct runner'} | ${events.toLocaleString('en')} | ${result === 'timeout' ? `> ${limit} (stopped)` : result} | | | | |`);
        if (result === 'timeout') break;
        continue;
      }
      const runner = result.codeOnlySeconds === undefined ? '' : `${result.codeOnlySeconds.toFixed(1)} s (${((result.seconds - result.codeOnlySeconds) / result.seconds * 100).toFixed(0)}% of the run is the runner)`;
      rows.push(`| ${kind === 'local' ? 'single process' : 'Beam direct runner'} | ${result.events.toLocaleString('en')} | ${result.seconds.toFixed(1)} | ${Math.round(result.events / result.seconds).toLocaleString('en')} | ${result.peakRssMiB.toFixed(0)} | ${result.baseRssMiB.toFixed(0)} | ${runner} |`);
      details.push(`${kind} ${result.events.toLocaleString('en')}: ${result.stages.map((stage) => `${stage.name} ${stage.seconds.toFixed(1)} s`).join(', ')}`);
      if (result.elements) details.push(`  elements: ${Object.entries(result.elements).map(([name, value]) => `${name} ${value.toLocaleString('en')}`).join(', ')}`);
      if (kind === 'direct' && result.seconds > limit / 3) break; // the next size (≥ 3×) would not finish in time
    }
  }
  console.log('\n| path | events | seconds | events/s | peak RSS MiB | RSS before (dataset) MiB | same functions without Beam |');
  console.log('|---|---:|---:|---:|---:|---:|---|');
  for (const row of rows) console.log(row);
  console.log('');
  for (const line of details) console.log(line);
  console.log(`\nload average at end: ${loadavg().map((value) => value.toFixed(1)).join(' ')}`);
}

await main();
