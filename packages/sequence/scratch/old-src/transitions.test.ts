import { describe, expect, it } from 'vitest';
import { initializeModel, resolveModelConfig } from './model';
import { deserializeSequenceModel, serializeSequenceModel } from './serialize';
import { DEFAULT_GROUP_SUCCESSORS, addTransitionPrior, buildTransitionPrior, checkTransitionGroups, chooseTransitionPrior, countTransitions, ndcgAt10, transitionPriorActive } from './transitions';

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

  it('backs off to the last item\'s group: same-group successors of any group member, merged with the item\'s own', () => {
    // groups: {0, 1} = 0, {2, 3} = 1, item 4 none
    const group = { name: 'artist', of: Int32Array.of(0, 0, 1, 1, -1) };
    const counts = countTransitions(histories, 5);
    const settings = { alpha: 2, mu: 0.5, gamma: 1, groups: [{ name: 'artist', alpha: 3, mu: 0.1 }] };
    const prior = buildTransitionPrior(counts, settings, [group]);
    const mean = [1, 4, 3, 2, 0].reduce((sum, n) => sum + n + 1, 0) / 5;
    const q = (j: number) => ([1, 4, 3, 2, 0][j]! + 1) / mean;
    // group 0's same-group transitions: 0 → 1 (once); group 1's: 2 → 3? none (2 → 1, 3 → 1 leave the group)
    const scores = new Float32Array(5);
    addTransitionPrior(prior, 0, scores); // item 0: own successor 1 (1 of 1) + group 0 → 1 (1 of 1)
    expect(scores[1]).toBeCloseTo(2 * Math.log1p(1 / 2 / (0.5 * q(1))) + 3 * Math.log1p(1 / 2 / (0.1 * q(1))), 5);
    scores.fill(0);
    addTransitionPrior(prior, 1, scores); // item 1 never led to 1 itself, but its group did: the back-off alone
    expect(scores[1]).toBeCloseTo(3 * Math.log1p(1 / 2 / (0.1 * q(1))), 5);
    expect(scores[2]).toBeCloseTo(2 * Math.log1p(3 / 5 / (0.5 * q(2))), 5); // own successor, other group: no back-off
    expect(scores[0]).toBe(0);
    expect(Array.from(prior.items.subarray(prior.offsets[1]!, prior.offsets[2]!))).toEqual([1, 2, 3]); // merged, ascending
    expect(prior.settings).toEqual(settings);
    // the level off = the item-level prior; the item level off = the back-off alone (still active)
    const itemOnly = buildTransitionPrior(counts, { ...settings, groups: [{ name: 'artist', alpha: 0, mu: 0.1 }] }, [group]);
    expect(Array.from(itemOnly.boosts)).toEqual(Array.from(buildTransitionPrior(counts, { alpha: 2, mu: 0.5, gamma: 1 }).boosts));
    expect(transitionPriorActive({ alpha: 0, mu: 1, gamma: 0, groups: [{ name: 'artist', alpha: 1, mu: 0.1 }] })).toBe(true);
    expect(transitionPriorActive({ alpha: 0, mu: 1, gamma: 0, groups: [{ name: 'artist', alpha: 0, mu: 0.1 }] })).toBe(false);
    // settings and groups must name the same levels; bad groups are refused with the reason
    expect(() => buildTransitionPrior(counts, settings, [])).toThrow('settings name the back-off levels [artist] but the groups given are []');
    expect(() => buildTransitionPrior(counts, { ...settings, groups: [{ name: 'artist', alpha: 1, mu: 0 }] }, [group])).toThrow('groups[0] (artist) mu: expected a finite number > 0, got 0');
    expect(() => checkTransitionGroups([{ name: 'album', of: new Int32Array(4) }], 5)).toThrow('transition group "album": expected one group per item (5), got 4');
    expect(() => checkTransitionGroups([{ name: 'album', of: Int32Array.of(0, 0, -2, 1, 1) }], 5)).toThrow('item 2 has group -2, expected ≥ 0 or −1 (none)');
    expect(() => checkTransitionGroups([group, group], 5)).toThrow('the name "artist" is given twice');
  });

  it('chooses the back-off levels on validation: each grid point\'s figure equals NDCG@10 over the full blended rows', () => {
    // 60 items in 10 groups of 6; a row walks inside one group in a random order, so "another item of the group"
    // is the signal and most (last, target) pairs are rare; the model's logits are noise
    const numItems = 60;
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const items: number[] = [];
    const offsets = [0];
    for (let r = 0; r < 120; r++) {
      const g = r % 10;
      const order = [0, 1, 2, 3, 4, 5].sort(() => random() - 0.5);
      for (const k of order.slice(0, 4)) items.push(g * 6 + k);
      offsets.push(items.length);
    }
    const counts = countTransitions({ items: Int32Array.from(items), offsets: Int32Array.from(offsets) }, numItems);
    const group = { name: 'artist', of: Int32Array.from({ length: numItems }, (_, i) => Math.floor(i / 6)) };
    const rows = 40;
    const last = Int32Array.from({ length: rows }, (_, q) => (q * 13) % numItems);
    const targets = Int32Array.from(last, (i) => Math.floor(i / 6) * 6 + ((i % 6) + 1 + (i % 4)) % 6);
    const history = (q: number) => [last[q]!];
    const logits = Float32Array.from({ length: rows * numItems }, (_, x) => Math.sin(x * 1.7) * 2);
    const score = (first: number, count: number, out: Float32Array) => out.set(logits.subarray(first * numItems, (first + count) * numItems));
    const grid = { alpha: [1], mu: [0.04], gamma: [0, 1] };
    const groupGrid = { alpha: [0.5, 3], mu: [0.01, 0.2] };
    const plain = chooseTransitionPrior(counts, { last, targets, history, score }, grid);
    const chosen = chooseTransitionPrior(counts, { last, targets, history, score }, grid, [group], groupGrid);
    expect(chosen.settings.groups![0]!.alpha).toBeGreaterThan(0);
    expect(chosen.ndcg10).toBeGreaterThan(plain.ndcg10);
    expect(chosen.baseline).toBeCloseTo(plain.baseline, 9);
    // 1 baseline + 2 item points, then two rounds of (the level off + 2 α × 2 μ, then the 2 item points again)
    expect(chosen.tried).toHaveLength(1 + 2 + 2 * (1 + 4 + 2));
    const excluded = new Uint8Array(numItems);
    for (const point of chosen.tried) {
      const { ndcg10, ...settings } = point;
      const prior = buildTransitionPrior(counts, settings, [group]);
      let sum = 0;
      for (let q = 0; q < rows; q++) {
        const row = logits.slice(q * numItems, (q + 1) * numItems);
        addTransitionPrior(prior, last[q]!, row);
        excluded[last[q]!] = 1;
        sum += ndcgAt10(row, targets[q]!, excluded);
        excluded[last[q]!] = 0;
      }
      expect(ndcg10).toBeCloseTo(sum / rows, 6);
    }
  });

  it('keeps each group\'s top maxSuccessors (default 300) same-group successors by count: a big group does not grow the prior with its square', () => {
    // one group of 500 items, a walk through all of them (each pair once), and items 0…49 followed twice more
    const numItems = 500;
    const walk = Array.from({ length: numItems }, (_, i) => i);
    const extra = Array.from({ length: 50 }, (_, i) => [numItems - 1, i]).flat();
    const items = Int32Array.from([...walk, ...extra, ...extra]);
    const histories = { items, offsets: Int32Array.from([0, numItems, ...Array.from({ length: 100 }, (_, r) => numItems + 2 * (r + 1))]) };
    const counts = countTransitions(histories, numItems);
    const group = { name: 'artist', of: new Int32Array(numItems) };
    const settings = { alpha: 0, mu: 0.1, gamma: 0, groups: [{ name: 'artist', alpha: 1, mu: 0.1 }] };
    const perItem = (prior: ReturnType<typeof buildTransitionPrior>, i: number) => Array.from(prior.items.subarray(prior.offsets[i]!, prior.offsets[i + 1]!));
    const capped = buildTransitionPrior(counts, settings, [group]);
    expect(DEFAULT_GROUP_SUCCESSORS).toBe(300);
    for (let i = 0; i < numItems; i++) expect(perItem(capped, i).length).toBe(300);
    // the most frequent successors (1…49 three times, 0 twice) are among those kept; ascending order holds
    const kept = perItem(capped, 7);
    expect(kept.slice(0, 50)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    const small = buildTransitionPrior(counts, settings, [{ ...group, maxSuccessors: 10 }]);
    expect(perItem(small, 3)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]); // 1…49 follow three times, 0 twice (the walk starts at it)
    // the kept boosts are those of the uncapped prior (the group total stays the normaliser)
    const uncapped = buildTransitionPrior(counts, settings, [{ ...group, maxSuccessors: numItems }]);
    expect(perItem(uncapped, 3).length).toBe(numItems);
    const boostOf = (prior: ReturnType<typeof buildTransitionPrior>, i: number, j: number) => prior.boosts[prior.offsets[i]! + perItem(prior, i).indexOf(j)];
    for (const j of perItem(small, 3)) expect(boostOf(small, 3, j)).toBe(boostOf(uncapped, 3, j));
    expect(() => buildTransitionPrior(counts, settings, [{ ...group, maxSuccessors: 0 }])).toThrow('transition group "artist": maxSuccessors must be a positive integer, got 0');
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
    const grouped = buildTransitionPrior(countTransitions(histories, 5), { alpha: 1, mu: 0.04, gamma: 0.5, groups: [{ name: 'album', alpha: 2, mu: 0.01 }] }, [{ name: 'album', of: Int32Array.of(0, 0, 1, 1, 1) }]);
    const groupedBack = deserializeSequenceModel(serializeSequenceModel({ ...model, transitions: grouped }), 'g.bin').transitions!;
    expect(groupedBack.settings).toEqual(grouped.settings);
    expect(Array.from(groupedBack.items)).toEqual(Array.from(grouped.items));
    const badLevel = { ...grouped, settings: { ...grouped.settings, groups: [{ name: 'album', alpha: -1, mu: 0.01 }] } };
    expect(() => deserializeSequenceModel(serializeSequenceModel({ ...model, transitions: badLevel }), 'l.bin')).toThrow('l.bin: transition prior groups[0] (album) alpha: expected a finite number ≥ 0, got -1');
    const broken = { ...transitions, items: Int32Array.from(transitions.items, (i) => (i === 2 ? 9 : i)) };
    expect(() => deserializeSequenceModel(serializeSequenceModel({ ...model, transitions: broken }), 'b.bin')).toThrow(/b.bin: transition item 9 at \d+ outside 0…4/);
  });
});
