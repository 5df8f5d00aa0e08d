// A deliberately degraded Home ranker for power studies: the trained ranker blended with a
// popularity-only ranker of the same scale. strength 0 = the trained ranker, 1 = popularity only
// (candidates stay personal; their order within each shelf no longer is).
import { HOME_FEATURES } from '@mixtape/ranking';
import type { HomeRankerModel } from '@mixtape/ranking';

/** Popularity (0..1) spreads ≈ 0.2 over candidates; × 5 puts it on the heads' unit scale. */
const POPULARITY_UNIT = 5;

export function degradeRankerModel(model: HomeRankerModel, strength: number): HomeRankerModel {
  if (!(strength >= 0 && strength <= 1)) throw new RangeError(`degradeRankerModel: strength must be in [0, 1], got ${strength}`);
  const training = { ...model.training, degradedFrom: model.kind, strength };
  if (model.kind === 'lambdamart') {
    // the heads are standardized on validation candidates: scale them down, popularity up
    return { ...model, headScale: (model.headScale ?? 1) * (1 - strength), linear: { popularity: strength * POPULARITY_UNIT }, training };
  }
  // the hand-set linear model: blend its weights with popularity at the same norm
  const linear = model.linear ?? {};
  const norm = Math.sqrt(Object.values(linear).reduce((sum, weight) => sum + weight * weight, 0)) || 1;
  const blended: Record<string, number> = {};
  for (const name of HOME_FEATURES) {
    const weight = (1 - strength) * (linear[name] ?? 0) + (name === 'popularity' ? strength * norm : 0);
    if (weight !== 0) blended[name] = weight;
  }
  return { ...model, linear: blended, training };
}
