import { describe, expect, it } from 'vitest';
import { compactPlanJson, estimateTokens, promptSimilarity, promptWords, selectExamples } from './examples';
import { createEmptyPlan } from './plan';
import { renderPlanRequest } from './prompts/index';

const calm = createEmptyPlan({ moods: ['rainy-day'], features: { ...createEmptyPlan().features, energy: { min: 0, max: 0.45 } } });
const party = createEmptyPlan({ activities: ['party'], genres: { include: ['edm'], exclude: [] } });

describe('plan examples (in-context preference learning)', () => {
  it('measures similarity on folded content words, not on cue words or word order', () => {
    expect(promptSimilarity(promptWords('sad 90s R&B'), promptWords('90s r&b, sad please'))).toBe(1);
    expect(promptSimilarity(promptWords('sad 90s r&b'), promptWords('edm party bangers'))).toBe(0);
  });

  it('picks positively rated, similar examples, best first, one per prompt, never the prompt itself', () => {
    const chosen = selectExamples('rainy day songs for reading', [
      { prompt: 'rainy day songs for reading', plan: calm, rating: 9 },
      { prompt: 'rainy day songs', plan: calm, rating: 3 },
      { prompt: 'songs, rainy day', plan: calm, rating: 1 },
      { prompt: 'rainy day reading', plan: calm, rating: -2 },
      { prompt: 'edm party', plan: party, rating: 10 },
    ]);
    expect(chosen.map((example) => example.prompt)).toEqual(['rainy day songs']);
    expect(JSON.parse(chosen[0]!.planJson)).toEqual({ features: { energy: { min: 0, max: 0.45 } }, moods: ['rainy-day'] });
  });

  it('stays within the example count and the token budget', () => {
    const candidates = Array.from({ length: 10 }, (_unused, index) => ({ prompt: `chill study beats ${index}`, plan: calm, rating: 1 + index }));
    expect(selectExamples('chill study beats', candidates, { maxExamples: 2 })).toHaveLength(2);
    const cost = estimateTokens('chill study beats 9') + estimateTokens(compactPlanJson(calm)) + 12;
    expect(selectExamples('chill study beats', candidates, { maxTokens: cost * 2 + 1 })).toHaveLength(2);
    expect(selectExamples('chill study beats', candidates, { maxTokens: cost - 1 })).toEqual([]);
  });

  it('renders examples as encoded user text before the request, and nothing without them', () => {
    const withExamples = renderPlanRequest('sad songs', undefined, [{ prompt: 'sad <b>songs</b>', planJson: '{"moods":["sad"]}' }]);
    expect(withExamples).toMatch(/^Plans listeners rated well for similar requests/);
    expect(withExamples).not.toContain('<b>');
    expect(withExamples.indexOf('<example>')).toBeLessThan(withExamples.indexOf('Plan a playlist for this request'));
    expect(renderPlanRequest('sad songs')).toMatch(/^Plan a playlist for this request/);
  });
});
