// In-process cost of a computed Home page (the live path, no HTTP): opens a bundle, builds the
// serving state as the service does, and computes pages for a seeded sample of listener ids one
// after another — content (candidates → features → ranking → assembly), the bandit's order and
// the response body. Prints CPU ms per page (this process, all threads), the engine's stage means
// and a hash of every body (generatedAt fixed, the bandit seeded), so two versions of the code can
// be compared for speed and for identical pages.
//   pnpm --filter @mixtape/home bench:cpu -- --bundle file:///abs/dir [--pages 2000] [--rounds 3] [--events]
// --events: each listener first posts one play (a live event), so the page is computed from live
// state (no stored listener answers): what a listener gets right after an event.
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Random } from '@mixtape/base';
import { HOME_FEATURE_COUNT, acquireCandidates, buildUserProfile, computeFeatures, generateHomeCandidates, releaseCandidates } from '@mixtape/ranking';
import { openHomeBundle } from './load-bundle';
import { pageBody, pageFor } from '../src/page-store';
import { createHomeServing } from '../src/serving';

const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    bundle: { type: 'string' },
    pages: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    limit: { type: 'string', default: '10' },
    events: { type: 'boolean', default: false },
  },
});
if (!values.bundle) throw new Error('--bundle file:///abs/dir is required (a bundle with the Home parts)');
const pages = Number(values.pages);
const rounds = Number(values.rounds);
const limit = Number(values.limit);

const bundle = await openHomeBundle(values.bundle);
const serving = createHomeServing(bundle);
const { engine } = serving;
const log = engine.index.interactions!;
// the same sample as bench:home (10 % unknown → cold start)
const users: string[] = [];
let state = 12345;
for (let i = 0; i < pages; i++) {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  users.push(i % 10 === 9 ? `bench-new-listener-${i}` : log.userId(state % log.userCount));
}
if (values.events) {
  // one play per listener, of a track they did not play last: the page reads live state
  await engine.recordEvents(users.map((userId, i) => ({ userId, trackId: engine.index.store.trackId((i * 7919) % engine.index.store.trackCount), type: 'play' as const, timestamp: engine.index.referenceTime + 60_000, msPlayed: 200_000 })));
}
const daypart = 'evening' as const;
const loadText = () => loadavg().map((value) => value.toFixed(2)).join(' ');
console.log(`bundle ${values.bundle}; ${pages} listener ids, limit ${limit}, ${values.events ? 'after one live event each' : 'no live events (stored listener answers)'}; load at start ${loadText()}`);
console.log('| round | CPU ms/page | wall ms/page | candidates | features | ranking | assembly | body | body hash |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (let round = 0; round < rounds; round++) {
  const hash = createHash('sha256');
  const stages = { candidates: 0, features: 0, ranking: 0, assembly: 0, body: 0 };
  const random = new Random(7);
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (const userId of users) {
    const { page, costs } = await pageFor(undefined, engine, { userId, limit, daypart });
    const t0 = performance.now();
    const order = await engine.shelfOrder(userId, page.types, random);
    const body = pageBody(page, order, { userId, bundleVersion: serving.bundleVersion, generatedAt: '2026-12-06T00:00:00.000Z' }, []);
    stages.body += performance.now() - t0;
    for (const key of ['candidates', 'features', 'ranking', 'assembly'] as const) stages[key] += costs[key] ?? 0;
    hash.update(body);
  }
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - wall0;
  const per = (ms: number) => (ms / pages).toFixed(3);
  console.log(`| ${round + 1} | ${per((cpu.user + cpu.system) / 1000)} | ${per(wall)} | ${per(stages.candidates)} | ${per(stages.features)} | ${per(stages.ranking)} | ${per(stages.assembly)} | ${per(stages.body)} | ${hash.digest('hex').slice(0, 16)} |`);
}

// CPU per stage, each stage timed on its own (process CPU time around it): the engine's
// Server-Timing stages are wall-clock, which a loaded machine inflates
const cpuNow = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const stageCpu = { profile: 0, candidates: 0, listFeatures: 0, select: 0, tailFeatures: 0, trees: 0 };
let features = new Float32Array(2048 * HOME_FEATURE_COUNT);
let scores = new Float32Array(2048);
for (const userId of users) {
  const live = await engine.liveEvents(userId);
  const t0 = cpuNow();
  const now = Math.max(engine.index.referenceTime, live.length > 0 ? live[live.length - 1]!.timestamp : 0);
  const profile = buildUserProfile(engine.index, userId, { liveEvents: live, now, daypart });
  const t1 = cpuNow();
  const candidates = acquireCandidates(engine.index);
  await generateHomeCandidates(engine.index, profile, {}, candidates);
  const t2 = cpuNow();
  const n = candidates.size;
  if (features.length < n * HOME_FEATURE_COUNT) features = new Float32Array(n * 2 * HOME_FEATURE_COUNT);
  if (scores.length < n) scores = new Float32Array(n * 2);
  computeFeatures(engine.index, profile, candidates, features, { columns: 'lists' });
  const t3 = cpuNow();
  const rows = engine.ranker.selectTreeRows(features, n, scores);
  const t4 = cpuNow();
  computeFeatures(engine.index, profile, candidates, features, { columns: 'tail', rows });
  const t5 = cpuNow();
  engine.ranker.finishPage(features, n, scores, rows);
  const t6 = cpuNow();
  releaseCandidates(engine.index, candidates);
  stageCpu.profile += t1 - t0;
  stageCpu.candidates += t2 - t1;
  stageCpu.listFeatures += t3 - t2;
  stageCpu.select += t4 - t3;
  stageCpu.tailFeatures += t5 - t4;
  stageCpu.trees += t6 - t5;
}
console.log('');
console.log('CPU ms per page by stage (each stage timed alone; assembly + body = the total above minus these):');
console.log('| profile | candidates | list features | blend + shortlist | content features | trees |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
console.log(`| ${Object.values(stageCpu).map((ms) => (ms / pages).toFixed(3)).join(' | ')} |`);
console.log(`load at end ${loadText()}`);
