import { HOME_FEATURES, RANKER_FORMAT } from '@mixtape/ranking';
import type { HomeRankerModel } from '@mixtape/ranking';
import { describe, expect, it } from 'vitest';
import { describeRanker } from './bundle';

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
    expect(describeRanker(model)).toContain('served blend 0.5×list_share_ease + 1.5×factor_share + 0.5×heads (heads capped at 0.5)');
  });
});
