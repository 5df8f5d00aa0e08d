import { describe, expect, it } from 'vitest';
import { initializeModel, resolveModelConfig } from './model';
import { deserializeSequenceModel, serializeSequenceModel } from './serialize';
import { addTransitionPrior, buildTransitionPrior, chooseTransitionPrior, countTransitions, ndcgAt10 } from './transitions';

// rows: 0 → 1 → 2 → 1 → 2, 3 → 1 → 2, 1 → 3 (items 0…4)
const histories = { items: Int32Array.of(0, 1, 2, 1, 2, 3, 1, 2, 1, 3), offsets: Int32Array.of(0, 5, 8, 10) };

describe('transition prior', () => {
  it('counts consecutive pairs per previous item (CSR, ascending successors) and item occurrences', () => {
    const counts = countTransitions(histories, 5);
    const successors = (i: number) => Array.from(counts.items.subarray(counts.offsets[i]!, counts.offsets[i + 1]!));
    const weights = (i: number) => Array.from(counts.counts.subarray(counts.offsets[i]!, counts.offsets[i + 1]!));
    expect(successors(0)).toEqual([1]);
    expect(successors(1)).toEqual([2, 3]);
    expect(weights(1)).toEqual([3, 1]);
    expect(successors(2)).toEqual([1]);
    expect(successors(3)).toEqual([1]);
    expect(successors(4)).toEqual([]);
    expect(Array.from(counts.itemCounts)).toEqual([1, 4, 3, 2, 0]);
    // a row cut short (the trainer's validation rows lose their held-out item)
    const cut = countTransitions(histories, 5, Int32Array.of(4, 8, 10));
    expect(Array.from(cut.itemCounts)).toEqual([1, 4, 2, 2, 0]);
  });

  it('boosts = α · log(1 + P̂(j | i) / (μ · q(j))), zero for items that never followed', () => {
    const counts = countTransitions(histories, 5);
    const prior = buildTransitionPrior(counts, { alpha: 2, mu: 0.5, gamma: 1 });
    const mean = [1, 4, 3, 2, 0].reduce((sum, n) => sum + n + 1, 0) / 5;
    const expected = 2 * Math.log1p(3 / (4 + 1) / (0.5 * ((3 + 1) / mean))); // 1 → 2: 3 of item 1's 4 transitions
    const scores = new Float32Array(5).fill(1);
    addTransitionPrior(prior, 1, scores);
    expect(scores[2]).toBeCloseTo(1 + expected, 5);
    expect(scores[0]).toBe(1);
    expect(scores[4]).toBe(1);
    expect(scores[3]).toBeGreaterThan(1);
    expect(scores[2]).toBeGreaterThan(scores[3]!);
    expect(() => buildTransitionPrior(counts, { alpha: -1, mu: 1, gamma: 0 })).toThrow('transition prior alpha: expected a finite number ≥ 0, got -1');
    expect(() => buildTransitionPrior(counts, { alpha: 1, mu: 0, gamma: 0 })).toThrow(/mu: expected a finite number > 0/);
  });

  it('chooses the setting with the best blended validation NDCG@10, equal to scoring every item', () => {
    // 40 items; the "model" ranks item 7 first everywhere; the truth is the successor of the last item
    const numItems = 40;
    const rows = 30;
    const items: number[] = [];
    const offsets = [0];
    for (let r = 0; r < 200; r++) {
      const start = r % numItems;
      for (let t = 0; t < 6; t++) items.push((start + t * 3) % numItems);
      offsets.push(items.length);
    }
    const counts = countTransitions({ items: Int32Array.from(items), offsets: Int32Array.from(offsets) }, numItems);
    const last = Int32Array.from({ length: rows }, (_, q) => (q * 7) % numItems);
    const targets = Int32Array.from(last, (i) => (i + 3) % numItems);
    const history = (q: number) => [last[q]!];
    const logits = Float32Array.from({ length: rows * numItems }, (_, x) => ((x % numItems) === 7 ? 5 : Math.sin(x) * 2));
    const score = (first: number, count: number, out: Float32Array) => out.set(logits.subarray(first * numItems, (first + count) * numItems));
    const grid = { alpha: [0.5, 2], mu: [0.01, 1], gamma: [0, 1] };
    const chosen = chooseTransitionPrior(counts, { last, targets, history, score }, grid);
    expect(chosen.tried).toHaveLength(1 + 8);
    expect(chosen.settings.alpha).toBeGreaterThan(0);
    expect(chosen.ndcg10).toBeGreaterThan(chosen.baseline);
    // every grid point's figure equals NDCG@10 computed over the full blended rows
    const excluded = new Uint8Array(numItems);
    for (const point of chosen.tried) {
      const prior = buildTransitionPrior(counts, point);
      let sum = 0;
      for (let q = 0; q < rows; q++) {
        const row = logits.slice(q * numItems, (q + 1) * numItems);
        if (point.alpha > 0) addTransitionPrior(prior, last[q]!, row);
        excluded[last[q]!] = 1;
        sum += ndcgAt10(row, targets[q]!, excluded);
        excluded[last[q]!] = 0;
      }
      expect(point.ndcg10).toBeCloseTo(sum / rows, 6);
    }
  });

  it('travels in the model file and is checked on the way back', () => {
    const model = initializeModel(resolveModelConfig({ numItems: 5, dim: 8, maxLength: 4 }), 2);
    const transitions = buildTransitionPrior(countTransitions(histories, 5), { alpha: 1, mu: 0.04, gamma: 0.5 });
    const back = deserializeSequenceModel(serializeSequenceModel({ ...model, transitions }, { note: 'x' }), 'm.bin');
    expect(back.transitions!.settings).toEqual({ alpha: 1, mu: 0.04, gamma: 0.5 });
    expect(Array.from(back.transitions!.boosts)).toEqual(Array.from(transitions.boosts));
    expect(Array.from(back.transitions!.offsets)).toEqual(Array.from(transitions.offsets));
    expect(back.meta).toEqual({ note: 'x', config: model.config });
    expect(deserializeSequenceModel(serializeSequenceModel(model)).transitions).toBeUndefined();
    const broken = { ...transitions, items: Int32Array.from(transitions.items, (i) => (i === 2 ? 9 : i)) };
    expect(() => deserializeSequenceModel(serializeSequenceModel({ ...model, transitions: broken }), 'b.bin')).toThrow(/b.bin: transition item 9 at \d+ outside 0…4/);
  });
});
