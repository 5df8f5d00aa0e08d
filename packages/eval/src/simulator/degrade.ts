// A deliberately degraded Home ranker for power studies: the trained linear ranker blended with
// a popularity-only ranker of the same scale. strength 0 = the trained ranker, 1 = popularity
// only (candidates stay personal; their order within each shelf no longer is).
import { HOME_FEATURES } from '@mixtape/ranking';
import type { HomeRankerModel } from '@mixtape/ranking';

export function degradeRankerModel(model: HomeRankerModel, strength: number): HomeRankerModel {
  if (!(strength >= 0 && strength <= 1)) throw new RangeError(`degradeRankerModel: strength must be in [0, 1], got ${strength}`);
  const popularity = HOME_FEATURES.indexOf('popularity');
  // weights act on standardized features, so their norm is the score's scale
  const norm = Math.sqrt(model.weights.reduce((sum, weight) => sum + weight * weight, 0)) || 1;
  const weights = model.weights.map((weight, f) => (1 - strength) * weight + (f === popularity ? strength * norm : 0));
  return { ...model, weights, training: { ...model.training, degradedFrom: model.kind, strength } };
}
