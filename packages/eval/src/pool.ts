// Several evaluations of the same models on different splits of one dataset (e.g. validation
// splits carved with different seeds) as one result. One split of a small dataset is noisy (47
// TidyTuesday playlists; a Last.fm validation split that disagreed with its test split), so a
// decision should rest on several. A row evaluated in several splits (a user of user-holdout)
// contributes the mean of its values once, so the bootstrap resamples distinct rows, not copies.
import { bootstrapMean } from './bootstrap';
import type { BootstrapOptions } from './bootstrap';
import type { ExperimentResult, MetricSummary, ModelEvaluation } from './evaluate';

export interface PoolOptions {
  /** one label per result, e.g. "seed 8" (shown in the protocol and the per-split table) */
  labels: string[];
  bootstrap?: BootstrapOptions;
}

/** The results' per-row values averaged per row id and re-bootstrapped; catalog-level figures (coverage) and times are averaged / summed. */
export function poolExperimentResults(results: ExperimentResult[], options: PoolOptions): ExperimentResult {
  const first = results[0];
  if (!first) throw new RangeError('poolExperimentResults: no results to pool');
  if (options.labels.length !== results.length) throw new RangeError(`poolExperimentResults: ${results.length} results but ${options.labels.length} labels`);
  results.forEach((result, r) => {
    const names = result.models.map((m) => m.model).join(' | ');
    const expected = first.models.map((m) => m.model).join(' | ');
    if (names !== expected) throw new RangeError(`poolExperimentResults: result ${options.labels[r]} has models "${names}", expected "${expected}" (the same models in the same order)`);
    if (!result.evaluatedRowIds || result.evaluatedRowIds.length !== result.evaluatedRows) {
      throw new RangeError(`poolExperimentResults: result ${options.labels[r]} has no row ids for its ${result.evaluatedRows} evaluated rows (results of runExperiment carry them)`);
    }
  });
  // distinct row ids in first-seen order; each pooled value is the mean of that row's values
  const slotOf = new Map<number, number>();
  const slots = results.map((result) => Int32Array.from(result.evaluatedRowIds!, (row) => {
    let slot = slotOf.get(row);
    if (slot === undefined) slotOf.set(row, (slot = slotOf.size));
    return slot;
  }));
  const rows = slotOf.size;
  const seen = new Float64Array(rows);
  for (const perSplit of slots) for (const slot of perSplit) seen[slot]!++;
  const models: ModelEvaluation[] = first.models.map((model, m) => {
    const perRow: Record<string, Float64Array> = {};
    for (const name of Object.keys(model.perRow)) {
      const pooled = new Float64Array(rows);
      results.forEach((result, r) => {
        const values = result.models[m]!.perRow[name];
        if (!values) throw new RangeError(`poolExperimentResults: result ${options.labels[r]} lacks ${name} for ${model.model}`);
        values.forEach((value, i) => (pooled[slots[r]![i]!]! += value));
      });
      for (let slot = 0; slot < rows; slot++) pooled[slot]! /= seen[slot]!;
      perRow[name] = pooled;
    }
    const metrics: MetricSummary[] = model.metrics.map((summary, position) => {
      if (summary.perUser) return { name: summary.name, perUser: true, ...bootstrapMean(perRow[summary.name]!, { ...options.bootstrap, seed: (options.bootstrap?.seed ?? 1234) + position }) };
      const mean = results.reduce((sum, result) => sum + (result.models[m]!.metrics.find((s) => s.name === summary.name)?.mean ?? 0), 0) / results.length;
      return { name: summary.name, perUser: false, mean, lower: mean, upper: mean, confidence: 1 };
    });
    const sum = (pick: (evaluation: ModelEvaluation) => number) => results.reduce((total, result) => total + pick(result.models[m]!), 0);
    // each split's own fit has its own notes (trees kept, blend): label them, never show the first split's as the pool's
    const notes = results.map((result) => result.models[m]!.notes);
    const pooledNotes = notes.every((note) => note === notes[0]) ? notes[0] : notes.map((note, r) => `${options.labels[r]}: ${note ?? '–'}`).join('; ');
    return { model: model.model, notes: pooledNotes, fitSeconds: sum((e) => e.fitSeconds), recommendSeconds: sum((e) => e.recommendSeconds), evaluatedRows: rows, metrics, perRow };
  });
  const average = (pick: (result: ExperimentResult) => number) => results.reduce((total, result) => total + pick(result), 0) / results.length;
  return {
    ...first,
    protocol:
      `${results.length} splits pooled (${options.labels.join(', ')}; ${results.reduce((total, result) => total + result.evaluatedRows, 0)} evaluations of ${rows} distinct rows, ` +
      `each row's metrics averaged over the splits it is in, bootstrap over distinct rows; the intervals hold each split's fitted models fixed, so a refit's variation is not in them — read the per-split table) — ${first.protocol}`,
    trainInteractions: Math.round(average((result) => result.trainInteractions)),
    evaluatedRows: rows,
    evaluatedRowIds: Int32Array.from(slotOf.keys()),
    heldOutPopularity: average((result) => result.heldOutPopularity),
    models,
  };
}

/** Markdown: each model's `metrics` on every split, their mean and spread (max − min), and with `reference` each split's difference to it. */
export function formatSplitTable(results: ExperimentResult[], labels: string[], metrics: string[], reference?: string, digits = 4): string {
  const first = results[0];
  if (!first) return '';
  const value = (result: ExperimentResult, model: number, name: string) => result.models[model]!.metrics.find((s) => s.name === name)?.mean ?? Number.NaN;
  const referenceIndex = reference === undefined ? -1 : first.models.findIndex((m) => m.model === reference || m.model.startsWith(reference));
  const lines = [
    `| Model | Metric | ${labels.join(' | ')} | mean | spread (max − min) |${referenceIndex >= 0 ? ` mean difference to ${first.models[referenceIndex]!.model} (min, max) |` : ''}`,
    `| --- | --- | ${labels.map(() => '---:').join(' | ')} | ---: | ---: |${referenceIndex >= 0 ? ' --- |' : ''}`,
  ];
  first.models.forEach((model, m) => {
    for (const name of metrics) {
      const values = results.map((result) => value(result, m, name));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      let cells = `| ${model.model} | ${name} | ${values.map((v) => v.toFixed(digits)).join(' | ')} | ${mean.toFixed(digits)} | ${(Math.max(...values) - Math.min(...values)).toFixed(digits)} |`;
      if (referenceIndex >= 0) {
        const differences = results.map((result) => value(result, m, name) - value(result, referenceIndex, name));
        const meanDifference = differences.reduce((a, b) => a + b, 0) / differences.length;
        cells += m === referenceIndex ? ' – |' : ` ${signed(meanDifference, digits)} (${signed(Math.min(...differences), digits)}, ${signed(Math.max(...differences), digits)}) |`;
      }
      lines.push(cells);
    }
  });
  return `${lines.join('\n')}\n`;
}

function signed(value: number, digits: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}
