// What a Search experiment may change — through config only: the fusion and prior weights of
// `SearchEngine.search` (RRF constant, lexical/dense list multipliers, popularity, affinity and
// exact-name boosts). Variants set them in the definitions file; a typo refuses the file.
import { z } from 'zod';

const weight = z.number().min(0).max(10);

export const searchExperimentParamsSchema = z
  .object({
    fusion: z
      .object({ rrfK: z.number().min(1).max(1000), lexical: weight, dense: weight, popularity: weight, affinity: weight, exactName: weight })
      .partial()
      .strict(),
  })
  .partial()
  .strict();
export type SearchExperimentParams = z.output<typeof searchExperimentParamsSchema>;
