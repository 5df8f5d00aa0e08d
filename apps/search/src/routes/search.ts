import { EXPERIMENT_ATTRIBUTES_HEADER } from '@mixtape/experiments';
import { InputError, integerQueryParameter, parseInput, requireReady } from '@mixtape/service-kit';
import { ENTITY_TYPES, MAX_LIMIT, isEntityType, validateQuery } from '@mixtape/search-index';
import type { EntityType, SearchEngine, UserAffinity } from '@mixtape/search-index';
import express from 'express';
import type { Router } from 'express';
import { z } from 'zod';
import type { SearchDeps } from '../app';

const typesSchema = z
  .string()
  .optional()
  .transform((value, context): EntityType[] | undefined => {
    if (value === undefined || value.trim() === '') return undefined;
    const types = value.split(',').map((type) => type.trim());
    const unknown = types.filter((type) => !isEntityType(type));
    if (unknown.length > 0) {
      context.addIssue({ code: 'custom', message: `unknown type ${unknown.map((type) => `"${type}"`).join(', ')}; expected a comma list of ${ENTITY_TYPES.join(', ')}` });
      return z.NEVER;
    }
    return [...new Set(types as EntityType[])];
  });

// limit/offset: decimal digits in range, or a 400 saying what was expected (service-kit's rule, shared by every service)
const integerParameter = integerQueryParameter;

const queryText = z.string({ error: 'is required: the text to search for' });
const userIdSchema = z.string().min(1).max(128).regex(/^[\w.:@-]+$/, 'expected letters, digits and . _ : @ -').optional();

const searchQuerySchema = z.object({
  q: queryText,
  userId: userIdSchema,
  types: typesSchema,
  limit: integerParameter(1, MAX_LIMIT, 20),
  offset: integerParameter(0, 1000, 0),
});

const suggestQuerySchema = z.object({
  q: queryText,
  userId: userIdSchema,
  types: typesSchema,
  limit: integerParameter(1, 20, 8),
});

/** 400 with the validator's code and message: empty, over-long, control characters, nothing searchable, a field without a word (search only: typeahead reads no operators). */
function checkedQuery(raw: string, syntax = true): string {
  const validation = validateQuery(raw, { syntax });
  if (!validation.ok) throw new InputError(validation.message, { code: validation.code, details: { issues: [{ path: 'query.q', message: validation.message }] } });
  return validation.query;
}

function affinityOf(deps: SearchDeps, userId: string | undefined): UserAffinity | undefined {
  return userId === undefined || !deps.affinity ? undefined : deps.affinity(userId);
}

/**
 * `GET /v1/search?q=&userId=&types=track,artist,album&limit=&offset=` and `GET /v1/suggest?q=`.
 * The engine is read per request (a getter), so a hot-swapped bundle serves the next request.
 */
export function createSearchRouter(deps: SearchDeps): Router {
  const router = express.Router();
  const ready = requireReady<SearchEngine>(deps.engine, { notReadyMessage: 'No search index is loaded yet' });

  router.get('/v1/search', ready, (request, response) => {
    const engine = ready.state(request);
    const input = parseInput(searchQuerySchema, request.query, 'query');
    const query = checkedQuery(input.q);
    const affinity = affinityOf(deps, input.userId);
    // A signed-in user's variants set the fusion weights (config only); anonymous searches get none.
    const { experiments } = deps;
    const variants = experiments?.forRequest(input.userId, request.get(EXPERIMENT_ATTRIBUTES_HEADER) ?? '');
    const fusion = variants?.params.fusion;
    const result = engine.search(query, { types: input.types, limit: input.limit, offset: input.offset, affinity, ...(fusion ? { fusion } : {}) });
    response.json({
      query: result.query,
      ...(result.operators ? { operators: result.operators } : {}),
      ...(result.descriptive ? { descriptive: result.descriptive } : {}),
      ...(result.learned ? { learned: result.learned } : {}),
      ...(input.userId !== undefined ? { personalized: affinity !== undefined } : {}),
      results: result.results,
      experiments: variants?.experiments ?? [],
    });
    if (experiments && variants && input.userId !== undefined) {
      experiments.logExposure({ userId: input.userId, experiments: variants.experiments, items: result.results.map((hit, i) => ({ id: hit.id, position: input.offset + i })) });
    }
  });

  router.get('/v1/suggest', ready, (request, response) => {
    const engine = ready.state(request);
    const input = parseInput(suggestQuerySchema, request.query, 'query');
    const query = checkedQuery(input.q, false);
    const results = engine.suggest(query, { types: input.types, limit: input.limit, affinity: affinityOf(deps, input.userId) });
    response.json({ query, results });
  });

  return router;
}
