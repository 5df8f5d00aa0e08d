// Audio features and the ranges words map onto. Spotify's audio-feature scales: 0..1 for all but
// tempo (BPM). The plan language, Search's descriptive queries and the vocabulary share these.

/** Audio features a word can constrain; all 0..1 except tempo (BPM); mode is 0 (minor) or 1 (major). */
export const AUDIO_FEATURES = ['energy', 'valence', 'danceability', 'acousticness', 'instrumentalness', 'speechiness', 'liveness', 'mode', 'tempo'] as const;
export type AudioFeature = (typeof AUDIO_FEATURES)[number];

/** Sequencing shapes people name ("build up", "wind down"). */
export const SEQUENCING_ARCS = ['steady', 'rise', 'fall', 'rise-fall', 'wind-down'] as const;
export type SequencingArc = (typeof SEQUENCING_ARCS)[number];

export const MAX_TEMPO_BPM = 250;

export interface FeatureRange {
  min: number;
  max: number;
}

/** A word's feature hints: [min, max] per feature. */
export type FeatureBounds = Partial<Record<AudioFeature, readonly [number, number]>>;

export function featureScale(feature: AudioFeature): FeatureRange {
  return feature === 'tempo' ? { min: 0, max: MAX_TEMPO_BPM } : { min: 0, max: 1 };
}

/** Which end of the scale a range sits at: "high" ([0.6, 1]), "low" ([0, 0.5]) or "middle". */
export function rangeSide(feature: AudioFeature, range: FeatureRange): 'low' | 'high' | 'middle' {
  const scale = featureScale(feature);
  // Tempo is open-ended in practice: nothing plays below 40 or above 200 BPM.
  const touchesLow = range.min <= (feature === 'tempo' ? 40 : scale.min + 1e-9);
  const touchesHigh = range.max >= (feature === 'tempo' ? 200 : scale.max - 1e-9);
  if (touchesLow && !touchesHigh) return 'low';
  if (touchesHigh && !touchesLow) return 'high';
  return 'middle';
}

/** "no sad songs": the complement of a one-sided range; a middle range has no clean complement. */
export function invertRange(feature: AudioFeature, range: FeatureRange): FeatureRange | undefined {
  const scale = featureScale(feature);
  const side = rangeSide(feature, range);
  if (side === 'low') return roundRange({ min: range.max, max: scale.max });
  if (side === 'high') return roundRange({ min: scale.min, max: range.min });
  return undefined;
}

/** "not too upbeat": allow the moderate part of the scale just short of the term's range. */
export function softenRange(feature: AudioFeature, range: FeatureRange): FeatureRange | undefined {
  const scale = featureScale(feature);
  const margin = (feature === 'tempo' ? 180 : 1) * 0.12;
  const side = rangeSide(feature, range);
  if (side === 'high') return roundRange({ min: scale.min, max: Math.min(scale.max, range.min + margin) });
  if (side === 'low') return roundRange({ min: Math.max(scale.min, range.max - margin), max: scale.max });
  return undefined;
}

export function roundRange(range: FeatureRange): FeatureRange {
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return { min: round(range.min), max: round(range.max) };
}
