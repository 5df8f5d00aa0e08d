// In-process cost of a computed Home page (the live path, no HTTP): opens a bundle, builds the
// serving state as the service does, and computes pages for a seeded sample of listener ids one
// after another — content (the engine's pageContent through pageFor, as the route calls it), the
// bandit's order and the response body. Prints CPU ms per page (this process, all threads, FAISS
// workers included), the engine's own stage times read with a CPU clock (HomeEngineOptions.stageClock:
// the stages the service reports, not a re-implementation of them) and a hash of every round's
// bodies (generatedAt fixed, the bandit seeded): the same hash before and after a change means the
// same pages. `scripts/page-identity.sh` compares two versions page by page.
//   pnpm --filter @mixtape/home bench:cpu -- --bundle file:///abs/dir [--pages 2000] [--rounds 3] [--events]
// --events: each listener first posts one play (a live event), so the page is computed from live
// state (no stored listener answers): what a listener gets right after an event.
import { createHash } from 'node:crypto';
import { Random, parseBenchArgs } from '@mixtape/base';
import type { HomeStageDetail } from '@mixtape/ranking';
import { openHomeBundle } from './load-bundle';
import { benchEventTrack, benchListeners } from './sample';
import { loadText } from './service';
import { pageBody, pageFor } from '../src/page-store';
import { createHomeServing } from '../src/serving';

const count = { integer: true, min: 1 } as const;
const values = parseBenchArgs({ bundle: undefined, pages: 2000, rounds: 3, limit: 10, events: false }, { rules: { pages: count, rounds: count, limit: count } });
if (!values.bundle) throw new Error('--bundle file:///abs/dir is required (a bundle with the Home parts)');
const { pages, rounds, limit } = values;

/** CPU time of this process (all threads) in ms */
const cpuNow = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const bundle = await openHomeBundle(values.bundle);
const serving = createHomeServing(bundle, { stageClock: cpuNow });
const { engine } = serving;
const log = engine.index.interactions!;
// the same sample as bench:home and page-identity (bench/sample.ts; 10 % unknown → cold start)
const users = benchListeners(log, pages);
if (values.events) {
  // one play per listener, of a track they did not play last: the page reads live state
  await engine.recordEvents(users.map((userId, i) => ({ userId, trackId: benchEventTrack(engine.index.store, i), type: 'play' as const, timestamp: engine.index.referenceTime + 60_000, msPlayed: 200_000 })));
}
const daypart = 'evening' as const;
const STAGES = ['events', 'profile', 'candidates', 'listFeatures', 'select', 'contentFeatures', 'trees', 'assembly'] as const satisfies ReadonlyArray<keyof HomeStageDetail>;
console.log(`bundle ${values.bundle}; ${pages} listener ids, limit ${limit}, ${values.events ? 'after one live event each' : 'no live events (stored listener answers)'}; load at start ${loadText()}`);
console.log('CPU ms per page (process CPU time, all threads); the stages are the engine\'s own (stageClock = CPU time); "store + body" = kept-page JSON, the bandit\'s order and the body (the total minus the stages)');
console.log('| round | CPU ms/page | wall ms/page | events | profile | candidates | list features | blend + shortlist | content features | trees | assembly | store + body | body hash |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (let round = 0; round < rounds; round++) {
  const hash = createHash('sha256');
  const sums: HomeStageDetail = { events: 0, profile: 0, candidates: 0, listFeatures: 0, select: 0, contentFeatures: 0, trees: 0, assembly: 0 };
  const random = new Random(7);
  const cpu0 = cpuNow();
  const wall0 = performance.now();
  for (const userId of users) {
    const { page, stages } = await pageFor(undefined, engine, { userId, limit, daypart });
    if (!stages) throw new Error(`page of ${userId} was not computed (no stage times): the bench runs without a page store`);
    for (const stage of STAGES) sums[stage] += stages[stage];
    const order = await engine.shelfOrder(userId, page.types, random);
    hash.update(pageBody(page, order, { userId, bundleVersion: serving.bundleVersion, generatedAt: '2026-12-06T00:00:00.000Z' }, []));
  }
  const cpu = cpuNow() - cpu0;
  const wall = performance.now() - wall0;
  const staged = STAGES.reduce((sum, stage) => sum + sums[stage], 0);
  const per = (ms: number) => (ms / pages).toFixed(3);
  console.log(`| ${round + 1} | ${per(cpu)} | ${per(wall)} | ${STAGES.map((stage) => per(sums[stage])).join(' | ')} | ${per(cpu - staged)} | ${hash.digest('hex').slice(0, 16)} |`);
}
console.log(`load at end ${loadText()}`);
