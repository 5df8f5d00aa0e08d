// What a Home experiment may change — through config only: the ranker, the candidate mix and the
// shelf policy. Variants set these params in the definitions file (a typo refuses the file); each
// distinct setting gets its own engine over the bundle's index and the shared listener state.
import { SHELF_TYPES, createHomeEngine } from '@mixtape/ranking';
import type { HomeEngine, HomeEngineOptions, ShelfType } from '@mixtape/ranking';
import { z } from 'zod';

export const homeExperimentParamsSchema = z
  .object({
    /** `heuristic`: the hand-set ranker instead of the bundle's trained one */
    ranker: z.enum(['bundle', 'heuristic']),
    /** the candidate mix */
    candidates: z
      .object({
        annK: z.number().int().min(5).max(500),
        recentSeeds: z.number().int().min(0).max(50),
        newReleaseDays: z.number().int().min(1).max(365),
        deepPopularity: z.number().min(0).max(1),
      })
      .partial()
      .strict(),
    /** shelf policy: shelves with fewer items are dropped */
    minShelfItems: z.number().int().min(1).max(20),
    /** shelf policy: the shelf types shown when the request does not ask for some */
    shelves: z.array(z.enum(SHELF_TYPES)).min(1),
  })
  .partial()
  .strict();
export type HomeExperimentParams = z.output<typeof homeExperimentParamsSchema>;

/** The engine for a variant's params (the base engine when they change nothing the engine holds). */
export type VariantEngines = (params: Partial<HomeExperimentParams>) => HomeEngine;

/** Variant engines are few (one per distinct setting in the definitions); a hot-reload churning settings is bounded. */
const MAX_VARIANT_ENGINES = 32;

/**
 * Engines per variant setting, built on first use and kept: they share the bundle's index (vectors,
 * FAISS, co-listening) and the base engine's options — listener state included — so a listener's
 * history and shelf bandit are the same whichever variant serves them.
 */
export function createVariantEngines(base: HomeEngine, baseOptions: HomeEngineOptions): VariantEngines {
  const engines = new Map<string, HomeEngine>();
  return (params) => {
    const { ranker, candidates, minShelfItems } = params;
    // `ranker: bundle` alone is the base engine's setting
    if ((ranker === undefined || ranker === 'bundle') && candidates === undefined && minShelfItems === undefined) return base;
    const key = JSON.stringify([ranker ?? 'bundle', candidates ?? {}, minShelfItems ?? null]);
    let engine = engines.get(key);
    if (!engine) {
      if (engines.size >= MAX_VARIANT_ENGINES) engines.delete(engines.keys().next().value!);
      engine = createHomeEngine(base.index, {
        ...baseOptions,
        // without a model the engine serves the heuristic ranker
        model: ranker === 'heuristic' ? undefined : base.model,
        candidates: { ...baseOptions.candidates, ...candidates },
        ...(minShelfItems !== undefined ? { minShelfItems } : {}),
      });
      engines.set(key, engine);
    }
    return engine;
  };
}

/**
 * What a listener's variant params serve: the engine (ranker, candidate mix, min shelf size) and the
 * shelf types shown when the request names none. The route and the page warmer both read it, so a
 * warmed page is the page the listener's arm would be served (no latency gap between arms).
 */
export function variantServing(serving: { engine: HomeEngine; engineFor?: VariantEngines }, params: Partial<HomeExperimentParams>): { engine: HomeEngine; shelves?: ShelfType[] } {
  return { engine: serving.engineFor?.(params) ?? serving.engine, ...(params.shelves ? { shelves: params.shelves } : {}) };
}
