import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEmptyPlan } from '../plan';
import { PLAN_TEMPLATE_VERSION, renderRefineRequest } from './index';
import * as templates from './plan-v3';

describe('refine prompt', () => {
  it('tells the model that "no X" on a plan seeded by X keeps the seed and "nothing like X" / "X and anything like him" drops it, with one worked pair', () => {
    const plan = createEmptyPlan({ seedArtists: ['Drake'], title: 'Like Drake' });
    const rendered = renderRefineRequest(plan, 'no Drake');
    expect(rendered).toContain('"no X" or "without X" keeps X in seedArtists');
    expect(rendered).toContain('"nothing like X", "less like X", "instead of X" or "X and anything like him" refuses the sound too:\nremove X from seedArtists');
    expect(rendered).toContain('- "no Drake" gives seedArtists ["Drake"], artists.exclude ["Drake"]');
    expect(rendered).toContain('- "skip Drake and anything like him" gives seedArtists [], artists.exclude ["Drake"]');
    // the rule sits outside the delimiters: the plan and the listener's text are the only <plan> and <request>
    expect(rendered.match(/<plan>/g)).toHaveLength(1);
    expect(rendered.match(/<request>/g)).toHaveLength(1);
    expect(rendered.indexOf('seedArtists ["Drake"]')).toBeLessThan(rendered.indexOf('<request>'));
    expect(rendered).toContain(JSON.stringify(plan));
  });

  it('pins the templates to their version: an edited template needs a new PLAN_TEMPLATE_VERSION (cache keys and DPO records carry it)', () => {
    const text = Object.entries(templates)
      .filter(([name]) => name !== 'PLAN_TEMPLATE_VERSION')
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => `${name}\n${String(value)}`)
      .join('\n');
    const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
    // update both together, deliberately
    expect({ version: PLAN_TEMPLATE_VERSION, digest }).toEqual({ version: 'plan.v3', digest: 'ca13dbfff49d74fe' });
  });
});
