// What a Playlists experiment may change — through config only: fulfilment's score weights (over
// SCORE_WEIGHTS) and the artist spacing of the sequence. Variants set them in the definitions
// file; a typo refuses the file.
import type { FulfilOptions } from '@mixtape/ranking';
import { z } from 'zod';

const weight = z.number().min(0).max(50);

export const playlistsExperimentParamsSchema = z
  .object({
    weights: z
      .object({ featureFit: weight, content: weight, popularity: weight, seed: weight, seedArtist: weight, user: weight, subgenre: weight, year: weight, reward: weight })
      .partial()
      .strict(),
    artistSpacing: z.number().int().min(0).max(10),
  })
  .partial()
  .strict();
export type PlaylistsExperimentParams = z.output<typeof playlistsExperimentParamsSchema>;

/** The fulfilment options a variant sets. */
export function fulfilmentSettings(params: Partial<PlaylistsExperimentParams>): Pick<FulfilOptions, 'weights' | 'artistSpacing'> {
  return { ...(params.weights ? { weights: params.weights } : {}), ...(params.artistSpacing !== undefined ? { artistSpacing: params.artistSpacing } : {}) };
}
