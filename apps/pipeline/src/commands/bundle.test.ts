import { HOME_FEATURES, RANKER_FORMAT } from '@mixtape/ranking';
import type { HomeRankerModel } from '@mixtape/ranking';
import { describe, expect, it } from 'vitest';
import { describeBundle, describeRanker } from './bundle';

describe('describeRanker', () => {
  it('prints the served blend chosen on validation and the cap on the heads', () => {
    const model: HomeRankerModel = {
      format: RANKER_FORMAT,
      version: 2,
      kind: 'lambdamart',
      features: [...HOME_FEATURES],
      heads: [],
      weights: { play: 1 },
      training: { blend: { linear: { list_share_ease: 0.5, factor_share: 1.5 }, headScale: 0.5, maxHeadScale: 0.5, ndcg10: { easeList: 0.14, heads: 0.15, served: 0.16 } } },
    };
    expect(describeRanker(model)).toContain('served blend 0.5×list_share_ease + 1.5×factor_share + 0.5×standardized heads (heads capped at 0.5)');
  });

  it('prints the mean candidate count with one decimal (Last.fm printed "571.2662 unheard per listener")', () => {
    const model = {
      format: RANKER_FORMAT, version: 2, kind: 'lambdamart', features: [...HOME_FEATURES], heads: [], weights: { play: 1 },
      training: { candidates: { meanUnheard: 571.2662 }, candidateRecall: { total: 0.6876 } },
    } as unknown as HomeRankerModel;
    expect(describeRanker(model)).toContain('candidates   571.3 unheard per listener; recall of held-out plays 0.6876');
  });

  it('prints the popularity the ranker reads and why (trained and hand-set alike); older bundles: the catalog’s', () => {
    const base: Omit<HomeRankerModel, 'kind'> = { format: RANKER_FORMAT, version: 2, features: [...HOME_FEATURES], heads: [], weights: { play: 1 } };
    const why = 'the mpd importer counted the catalog’s popularity from the same events, held-out ones included';
    const trained = { ...base, kind: 'lambdamart', popularity: 'log', training: { popularity: why } } satisfies HomeRankerModel;
    expect(describeRanker(trained)).toContain(`popularity   the log’s listener counts (${why})`);
    const handSet = { ...base, kind: 'heuristic', fallback: 'only 3 listeners', popularity: 'log', training: { popularity: why } } satisfies HomeRankerModel;
    expect(describeRanker(handSet)).toContain(`HAND-SET (no trained model): only 3 listeners\npopularity   the log’s listener counts (${why})`);
    expect(describeRanker({ ...base, kind: 'lambdamart' } satisfies HomeRankerModel)).toContain('popularity   the catalog’s popularity\n');
  });
});

describe('describeBundle', () => {
  it('says why each optional part is absent, from the build summary in the manifest', () => {
    const parts = { sequenceModel: { present: false, reason: 'not trained: 640 consecutive plays in the log, need 1,000' }, semanticModel: { present: false }, itemIndex: { present: true } };
    const text = describeBundle({
      version: 'v1',
      uri: 'file:///tmp/b',
      isLatest: true,
      latest: undefined,
      manifestSha256: 'ab'.repeat(32),
      manifest: {
        schemaVersion: 1,
        version: 'v1',
        createdAt: '2026-12-06T21:00:00Z',
        producer: 'test',
        files: [{ path: 'models/sequence.bin', role: 'model', contentType: 'application/octet-stream', size: 10, sha256: 'cd'.repeat(32), metadata: { listeningOrder: 'file order: every listener…' } }],
        metadata: { build: { parts } },
      },
    });
    expect(text).toContain('absent      sequenceModel — not trained: 640 consecutive plays in the log, need 1,000\n            semanticModel — no reason recorded');
    expect(text).not.toContain('itemIndex —');
    expect(text).toContain('note        models/sequence.bin: listening order — file order: every listener…');
  });
});
