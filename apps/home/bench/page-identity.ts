// Page-by-page identity of two versions of the Home code: computes the response body of a seeded
// sample of requests (the bench:cpu sample: 10 % unknown listeners; the computed path, no page
// store) and writes one line per page — index, listener, sha256 of the body — or compares them
// with the lines another version wrote (`--against`), naming the pages that differ. Every page
// gets its own seeded bandit stream, so one differing page does not shift the order of the others.
// `scripts/page-identity.sh <base-ref>` runs it on a base commit and on this checkout.
//   tsx --conditions @mixtape/source bench/page-identity.ts --bundle file:///abs/dir [--pages 2000] [--events] --out FILE [--against FILE]
// --events: every sampled listener first posts one play, so pages are computed from live state.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Random } from '@mixtape/base';
import { openHomeBundle } from './load-bundle';
import { benchEventTrack, benchListeners } from './sample';
import { pageBody, pageFor } from '../src/page-store';
import { createHomeServing } from '../src/serving';

// Its own flag parsing, not @mixtape/base's parseBenchArgs (the other benches'): scripts/page-identity.sh
// copies this file into older checkouts, whose @mixtape/base may lack it or its rules — this file
// and sample.ts may use only what those versions have.
const argv = process.argv.slice(2);
const { values } = parseArgs({
  // pnpm passes its `--` through; unknown flags are refused
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: { bundle: { type: 'string' }, pages: { type: 'string', default: '2000' }, limit: { type: 'string', default: '10' }, events: { type: 'boolean', default: false }, out: { type: 'string' }, against: { type: 'string' } },
  strict: true,
  allowPositionals: false,
});
function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!(/^\d+$/.test(text) && value > 0)) throw new RangeError(`--${flag}: expected an integer ≥ 1, got "${text}"`);
  return value;
}
if (!values.bundle) throw new Error('--bundle file:///abs/dir is required (a bundle with the Home parts)');
if (!values.out) throw new Error('--out FILE is required (one line per page: index, listener, sha256 of the body)');
const pages = positiveInteger('pages', values.pages);
const limit = positiveInteger('limit', values.limit);

const bundle = await openHomeBundle(values.bundle);
const serving = createHomeServing(bundle);
const { engine } = serving;
const log = engine.index.interactions!;
const users = benchListeners(log, pages);
if (values.events) {
  await engine.recordEvents(users.map((userId, i) => ({ userId, trackId: benchEventTrack(engine.index.store, i), type: 'play' as const, timestamp: engine.index.referenceTime + 60_000, msPlayed: 200_000 })));
}
// Coverage of the deep-catalog top-up (the path session 10 moved off the event loop), counted per
// page by wrapping the real item index, so "0 differ" says how many pages the check walked through
// it, in either version: older versions make it a blocking `search(…, { filter })` (its only
// filtered search); since f6361b7 it is worker fetches (`searchBatchAsync`) of the one taste vector
// with k = 120, 240, … (DEEP_K 30 × 4, doubled), while the page's planned batch asks k = annK
// (default 50) — and a listener with stored answers makes no planned call at all, so the calls
// cannot simply be counted past the first.
const itemIndex = engine.index.itemIndex;
const DEEP_FIRST_FETCH = 120;
let filteredSearches = 0;
let deepFetches = 0;
const search = itemIndex.search.bind(itemIndex);
itemIndex.search = (query, k, options) => {
  if (options?.filter) filteredSearches++;
  return search(query, k, options);
};
const searchBatchAsync = itemIndex.searchBatchAsync.bind(itemIndex);
itemIndex.searchBatchAsync = (queries, k) => {
  if (queries.length === itemIndex.dim && k >= DEEP_FIRST_FETCH) deepFetches++;
  return searchBatchAsync(queries, k);
};
const toppedUp: number[] = [];
let severalFetches = 0;
const lines: string[] = [];
const started = performance.now();
for (let i = 0; i < users.length; i++) {
  const userId = users[i]!;
  filteredSearches = 0;
  deepFetches = 0;
  const { page } = await pageFor(undefined, engine, { userId, limit, daypart: 'evening' });
  if (filteredSearches > 0 || deepFetches > 0) toppedUp.push(i);
  if (deepFetches > 1) severalFetches++;
  const order = await engine.shelfOrder(userId, page.types, new Random(1000 + i));
  const body = pageBody(page, order, { userId, bundleVersion: serving.bundleVersion, generatedAt: '2026-12-06T00:00:00.000Z' }, []);
  lines.push(`${i}\t${userId}\t${createHash('sha256').update(body).digest('hex')}`);
  if ((i + 1) % 500 === 0) {
    const seconds = (performance.now() - started) / 1000;
    console.error(`page-identity ${i + 1}/${users.length} pages, ${((i + 1) / seconds).toFixed(0)}/s, ETA ${((users.length - i - 1) / ((i + 1) / seconds)).toFixed(0)} s`);
  }
}
writeFileSync(values.out, `${lines.join('\n')}\n`);
const all = createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
console.log(`${users.length} pages (${values.events ? 'after one live event each' : 'no live events'}), bodies hash ${all} → ${values.out}`);
console.log(`deep top-up ran on ${toppedUp.length} of ${users.length} pages${toppedUp.length > 0 ? ` (${toppedUp.slice(0, 20).join(', ')}${toppedUp.length > 20 ? ' …' : ''})` : ''}; ${severalFetches} of them with more than one worker fetch (a blocking filtered search counts once)`);

if (values.against) {
  const theirs = readFileSync(values.against, 'utf8').trim().split('\n');
  if (theirs.length !== lines.length) throw new Error(`${values.against} has ${theirs.length} pages, this run ${lines.length}: run both with the same --pages`);
  const differing: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const [index, userId, hash] = theirs[i]!.split('\t');
    if (Number(index) !== i || userId !== users[i]) throw new Error(`${values.against} line ${i + 1} is page ${index} of ${userId}, expected page ${i} of ${users[i]}: not the same sample`);
    if (hash !== lines[i]!.split('\t')[2]) differing.push(`${i} (${userId})`);
  }
  console.log(`against ${values.against}: ${differing.length} of ${lines.length} pages differ${differing.length > 0 ? `: ${differing.slice(0, 20).join(', ')}${differing.length > 20 ? ' …' : ''}` : ''}`);
  if (differing.length > 0) process.exitCode = 1;
}
