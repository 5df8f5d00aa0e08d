// The transition prior inside the training softmax, as the loss reads it from shared memory (the
// calling thread and the workers alike): the item level's successor counts and each back-off
// level's same-group counts. The loss leaves each position's own transition out of both.
import type { GroupCounts, TransitionCounts, TransitionGroup, TransitionPriorSettings } from '../transitions';
import { priorNormalisers } from '../transitions';
import type { PriorJob, PriorLevelJob } from './engine';
import type { EngineHost } from './host';

/**
 * Shared-memory regions of the training prior: the item level's counts, the sampled softmax's slot
 * lists, and per back-off level g its group of each item, CSR and totals.
 */
export function priorRegions(counts: TransitionCounts, levels: readonly GroupCounts[], candidateSlots: number): Record<string, number> {
  const { numItems } = counts;
  const regions: Record<string, number> = { priorOffsets: numItems + 1, priorItems: Math.max(1, counts.items.length), priorCounts: Math.max(1, counts.items.length), priorTotals: numItems, priorQ: numItems, slotHead: numItems, slotNext: candidateSlots };
  levels.forEach((level, g) => {
    regions[`level${g}Of`] = numItems;
    regions[`level${g}Offsets`] = level.offsets.length;
    regions[`level${g}Items`] = Math.max(1, level.items.length);
    regions[`level${g}Counts`] = Math.max(1, level.items.length);
    regions[`level${g}Totals`] = Math.max(1, level.totals.length);
  });
  return regions;
}

/** Copies the training counts (and each back-off level's) into the shared memory the loss reads (workers included). */
export function loadPrior(host: EngineHost, counts: TransitionCounts, settings: TransitionPriorSettings, groups: readonly TransitionGroup[] = [], levelCounts: readonly GroupCounts[] = []): PriorJob {
  const { f32, i32 } = host.runtime;
  const extra = host.extra;
  const { numItems } = counts;
  const { totals, q } = priorNormalisers(counts, settings.gamma);
  i32.set(counts.offsets, extra.priorOffsets!);
  i32.set(counts.items, extra.priorItems!);
  f32.set(counts.counts, extra.priorCounts!);
  f32.set(totals, extra.priorTotals!);
  f32.set(q, extra.priorQ!);
  i32.fill(-1, extra.slotHead!, extra.slotHead! + numItems);
  const levels: PriorLevelJob[] = [];
  (settings.groups ?? []).forEach((level, g) => {
    if (level.alpha <= 0) return;
    const group = groups[g]!;
    const gc = levelCounts[g]!;
    const at = (name: string) => extra[`level${g}${name}`]!;
    // a group past the counted ones (no same-group transition) has no successors: −1 like none
    i32.set(Int32Array.from(group.of, (G) => (G + 1 < gc.offsets.length ? G : -1)), at('Of'));
    i32.set(gc.offsets, at('Offsets'));
    i32.set(gc.items, at('Items'));
    f32.set(gc.counts, at('Counts'));
    f32.set(gc.totals, at('Totals'));
    levels.push({ alpha: level.alpha, mu: level.mu, of: at('Of'), offsets: at('Offsets'), items: at('Items'), counts: at('Counts'), totals: at('Totals') });
  });
  return {
    alpha: settings.alpha,
    mu: settings.mu,
    offsets: extra.priorOffsets!,
    items: extra.priorItems!,
    counts: extra.priorCounts!,
    totals: extra.priorTotals!,
    q: extra.priorQ!,
    slotHead: extra.slotHead!,
    slotNext: extra.slotNext!,
    levels,
  };
}

