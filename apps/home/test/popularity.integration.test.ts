// A bundle whose importer counted the catalog's popularity from the same events (MPD, Last.fm):
// the build trains the ranker on the log's listener counts, the model says so, and serving builds
// its index with the same — not the catalog's figure, which counts held-out events too.
import { join } from 'node:path';
import { homeCandidatesPart, homeRankerPart, loadParts, openBundleStore } from '@mixtape/bundle';
import { publishTestBundle, useLocalS3 } from '@mixtape/bundle/testing';
import { describe, expect, it } from 'vitest';
import { HOME_BUNDLE_PARTS, createHomeServing } from '../src/serving';

// cheap ranker settings: the choice of popularity is the point here, not the ranker's quality
const HOME_RANKER = { folds: 1, retrainItemVectors: false, sequence: 0, maxUsers: 60 };

describe('home: the popularity the ranker was trained with is the one served', () => {
  const local = useLocalS3('home-popularity-test');

  const serve = async (version: string, dataset: { source: string; details?: Record<string, unknown> }, homeRanker: Record<string, string | number | boolean> = HOME_RANKER) => {
    const store = openBundleStore('s3://mixtape/home-popularity', { s3: local.s3.s3Options });
    await publishTestBundle(store, { version, dataset, parts: [homeRankerPart, homeCandidatesPart], options: { homeRanker } });
    const bundle = await loadParts(store, HOME_BUNDLE_PARTS, { cacheDir: join(local.dir, `cache-${version}`) });
    return { bundle, serving: createHomeServing(bundle) };
  };

  it('on an MPD import the ranker, its report and the served index use the log’s listener counts', async () => {
    const { bundle, serving } = await serve('mpd-v1', { source: 'mpd', details: { popularityFrom: 'interactions' } });
    const model = bundle.parts.homeRanker!;
    expect(model.popularity).toBe('log');
    expect(String((model.training as { popularity?: unknown }).popularity)).toContain('the mpd importer counted the catalog’s popularity from the same events');
    const { index } = serving.engine;
    expect(index.byLogPopularity).toBeDefined();
    // the chart follows the log's listener counts, not the catalog's figure
    const order = Array.from(index.popularOrder);
    expect(order.length).toBeGreaterThan(10);
    for (let i = 1; i < order.length; i++) expect(index.listenerCount[order[i]!]!).toBeLessThanOrEqual(index.listenerCount[order[i - 1]!]!);
    const byCatalog = [...order].sort((a, b) => index.store.columns.trackPopularity[b]! - index.store.columns.trackPopularity[a]! || a - b);
    expect(order).not.toEqual(byCatalog);
    // a page is served from it
    const page = await serving.engine.page({ userId: index.interactions!.userId(0), limit: 5 });
    expect(page.shelves.length).toBeGreaterThan(0);
  }, 300_000);

  it('homeRanker.popularity=catalog keeps the catalog’s figure even on an MPD import; a bad value is refused before training', async () => {
    const { bundle, serving } = await serve('mpd-catalog', { source: 'mpd', details: { popularityFrom: 'interactions' } }, { ...HOME_RANKER, popularity: 'catalog' });
    expect(bundle.parts.homeRanker!.popularity).toBeUndefined();
    expect(String((bundle.parts.homeRanker!.training as { popularity?: unknown }).popularity)).toBe('set by homeRanker.popularity=catalog');
    expect(serving.engine.index.byLogPopularity).toBeUndefined();
    await expect(serve('mpd-bad', { source: 'mpd' }, { ...HOME_RANKER, popularity: 'listeners' })).rejects.toThrow(/homeRanker\.popularity: expected one of auto, catalog, log .*got "listeners"/);
  }, 300_000);
});
