// Reports: markdown tables (metric ± 95% CI half-width per model, fit time, protocol line),
// a paired comparison against a reference model, and a small hand-written SVG bar chart.
import { pairedBootstrapDifference } from './bootstrap';
import type { BootstrapOptions } from './bootstrap';
import type { ExperimentResult, MetricSummary, ModelEvaluation } from './evaluate';

function metric(model: ModelEvaluation, name: string): MetricSummary | undefined {
  return model.metrics.find((m) => m.name === name);
}

function formatMetric(summary: MetricSummary | undefined, digits: number): string {
  if (!summary) return '–';
  if (!summary.perUser) return summary.mean.toFixed(digits);
  const halfWidth = Math.max(summary.upper - summary.mean, summary.mean - summary.lower);
  return `${summary.mean.toFixed(digits)} ± ${halfWidth.toFixed(digits)}`;
}

function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

export interface ComparisonOptions {
  /** Model name (or unique prefix) to compare every other model against. */
  reference: string;
  metrics: string[];
  bootstrap?: BootstrapOptions;
}

export interface Comparison {
  model: string;
  reference: string;
  metric: string;
  /** mean(model) / mean(reference) − 1; NaN when the reference scored 0 (no lift is defined) */
  relativeLift: number;
  /** paired bootstrap of the per-user difference */
  difference: { mean: number; lower: number; upper: number; probabilityAbove0: number };
  /** the two models' own 95% intervals do not overlap */
  intervalsSeparate: boolean;
}

function findModel(result: ExperimentResult, name: string): ModelEvaluation | undefined {
  // a prefix of the display name, any case: "ease" finds "EASE (λ=50)"
  const prefix = name.toLowerCase();
  return result.models.find((m) => m.model === name) ?? result.models.find((m) => m.model.startsWith(name)) ?? result.models.find((m) => m.model.toLowerCase().startsWith(prefix));
}

/** Paired comparisons of every model against a reference on the same users. */
export function compareModels(result: ExperimentResult, options: ComparisonOptions): Comparison[] {
  const reference = findModel(result, options.reference);
  if (!reference) return [];
  const out: Comparison[] = [];
  for (const model of result.models) {
    if (model === reference) continue;
    for (const name of options.metrics) {
      const a = model.perRow[name];
      const b = reference.perRow[name];
      const ma = metric(model, name);
      const mb = metric(reference, name);
      if (!a || !b || !ma || !mb) continue;
      const difference = pairedBootstrapDifference(a, b, options.bootstrap);
      out.push({
        model: model.model,
        reference: reference.model,
        metric: name,
        // a lift over a reference that scored 0 is undefined (it printed "+0.0%" beside a real difference)
        relativeLift: mb.mean === 0 ? Number.NaN : ma.mean / mb.mean - 1,
        difference,
        intervalsSeparate: ma.lower > mb.upper || ma.upper < mb.lower,
      });
    }
  }
  return out;
}

export interface MarkdownReportOptions {
  /** Title line (default derived from task and dataset). */
  title?: string;
  /** The command that produced the result, printed verbatim. */
  command?: string;
  /** Reference model(s) for the comparison section (e.g. "item-knn", or "ease,transition" for one table each). */
  compareAgainst?: string;
  digits?: number;
}

/** Below this many evaluated rows the report says its intervals mean nothing. */
const FEW_ROWS = 30;

/** The full markdown report: protocol, accuracy table, beyond-accuracy table, comparison. */
export function formatMarkdownReport(result: ExperimentResult, options: MarkdownReportOptions = {}): string {
  const digits = options.digits ?? 4;
  const ks = result.ks;
  const maxK = ks[ks.length - 1]!;
  const minK = ks[0]!;
  const parts: string[] = [];
  parts.push(`## ${options.title ?? `${result.task} on ${result.dataset}`}`);
  parts.push('');
  parts.push(`**Protocol:** ${result.protocol}.`);
  parts.push('');
  const evaluated = result.evaluatedRows;
  parts.push(
    `Data: ${result.trainRows} rows, ${result.catalogItems} items, ${result.trainInteractions} training interactions; ` +
      `${evaluated} evaluated row${evaluated === 1 ? '' : 's'}. Values are means over evaluated rows ± the half-width of a 95% bootstrap interval over rows.` +
      // a bootstrap over one row (a log of one heavy listener) prints ± 0.0000: say what that is worth
      (evaluated < FEW_ROWS ? ` **Only ${evaluated} evaluated row${evaluated === 1 ? '' : 's'}: too few for the intervals (or the paired comparison) to mean anything — ${evaluated === 1 ? 'one row gives ± 0 by construction' : 'they are far too narrow'}; do not compare models on this.**` : ''),
  );
  if (options.command) {
    parts.push('');
    parts.push('```sh');
    parts.push(options.command);
    parts.push('```');
  }
  parts.push('');
  const accuracyColumns = [...ks.flatMap((k) => [`Recall@${k}`, `NDCG@${k}`]), `MRR@${maxK}`, ...ks.flatMap((k) => [`HitRate@${k}`, `MAP@${k}`])];
  parts.push(
    table(
      ['Model', ...accuracyColumns, 'Fit (s)', 'Recommend (s)'],
      result.models.map((m) => [
        m.model,
        ...accuracyColumns.map((name) => formatMetric(metric(m, name), digits)),
        m.fitSeconds.toFixed(1),
        m.recommendSeconds.toFixed(1),
      ]),
    ),
  );
  if (result.models.some((m) => m.notes)) {
    parts.push('');
    for (const m of result.models) if (m.notes) parts.push(`- ${m.model}: ${m.notes}.`);
  }
  const sampledColumns = ks.flatMap((k) => [`HitRate@${k} (sampled)`, `NDCG@${k} (sampled)`]).filter((name) => result.models.some((m) => metric(m, name)));
  if (sampledColumns.length > 0) {
    parts.push('');
    parts.push(
      `Sampled metrics (each row's test items ranked against ${result.sampledNegatives ?? '?'} negatives drawn uniformly from items the row never had — ` +
        `the protocol of the SASRec paper's tables, for comparison with papers only; sampling inflates them, the full-catalog figures above are the ones that count):`,
    );
    parts.push('');
    parts.push(
      table(
        ['Model', ...sampledColumns],
        result.models.map((m) => [m.model, ...sampledColumns.map((name) => formatMetric(metric(m, name), digits))]),
      ),
    );
  }
  parts.push('');
  const beyondColumns = [...new Set([`Coverage@${minK}`, `Coverage@${maxK}`])].concat([`Novelty@${minK}`, `Popularity@${minK}`]);
  if (result.models.some((m) => metric(m, `ILD-artist@${minK}`))) beyondColumns.push(`ILD-artist@${minK}`);
  if (result.models.some((m) => metric(m, `ILD-vectors@${minK}`))) beyondColumns.push(`ILD-vectors@${minK}`);
  parts.push(
    `Beyond accuracy — Coverage: share of the catalog in any top-K list; Novelty: mean self-information −log2 p(item) ` +
      `(bits); Popularity: mean share of training users who have a recommended item ` +
      `(held-out items average ${result.heldOutPopularity.toFixed(digits)}); ILD: mean pairwise dissimilarity within a list.`,
  );
  parts.push('');
  parts.push(
    table(
      ['Model', ...beyondColumns],
      result.models.map((m) => [m.model, ...beyondColumns.map((name) => formatMetric(metric(m, name), digits))]),
    ),
  );
  // "ease,transition": one paired table per reference (a whole name that matches a model is one reference)
  const references = !options.compareAgainst ? [] : findModel(result, options.compareAgainst) ? [options.compareAgainst] : options.compareAgainst.split(',').map((name) => name.trim());
  for (const reference of references) {
    const comparisons = compareModels(result, { reference, metrics: [`Recall@${minK}`, `NDCG@${minK}`] });
    if (comparisons.length > 0) {
      parts.push('');
      parts.push(`Against **${comparisons[0]!.reference}** (paired bootstrap over the same rows, 95%):`);
      parts.push('');
      parts.push(
        table(
          ['Model', 'Metric', 'Relative lift', 'Difference [95% CI]', 'P(better)', 'Own CIs separate'],
          comparisons.map((c) => [
            c.model,
            c.metric,
            Number.isFinite(c.relativeLift) ? `${c.relativeLift >= 0 ? '+' : ''}${(c.relativeLift * 100).toFixed(1)}%` : 'n/a (reference is 0)',
            `${c.difference.mean.toFixed(digits)} [${c.difference.lower.toFixed(digits)}, ${c.difference.upper.toFixed(digits)}]`,
            c.difference.probabilityAbove0.toFixed(3),
            c.intervalsSeparate ? 'yes' : 'no',
          ]),
        ),
      );
    }
  }
  parts.push('');
  return parts.join('\n');
}

/** Plain-JSON form of a result (per-row arrays dropped) for --json output. */
export function resultToJson(result: ExperimentResult): unknown {
  const { evaluatedRowIds: _rowIds, ...rest } = result;
  return {
    ...rest,
    models: result.models.map((m) => ({
      model: m.model,
      notes: m.notes,
      fitSeconds: m.fitSeconds,
      recommendSeconds: m.recommendSeconds,
      evaluatedRows: m.evaluatedRows,
      metrics: Object.fromEntries(m.metrics.map((s) => [s.name, { mean: s.mean, lower: s.lower, upper: s.upper }])),
    })),
  };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export interface SvgChartOptions {
  /** Metrics shown as groups (default Recall@K and NDCG@K for every K). */
  metrics?: string[];
  title?: string;
  width?: number;
  height?: number;
}

/** Grouped bar chart: one group per metric, one bar per model, 95% CI whiskers. */
export function renderSvgChart(result: ExperimentResult, options: SvgChartOptions = {}): string {
  const metrics = options.metrics ?? result.ks.flatMap((k) => [`Recall@${k}`, `NDCG@${k}`]);
  const width = options.width ?? 760;
  // One legend line per model: names (blend specs especially) are long.
  const height = options.height ?? 300 + 18 * result.models.length;
  const margin = { top: 40, right: 20, bottom: 44 + 18 * result.models.length, left: 56 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  let maxValue = 0;
  for (const m of result.models) for (const name of metrics) maxValue = Math.max(maxValue, metric(m, name)?.upper ?? 0);
  // A "nice" axis maximum: 1, 2 or 5 × 10^n, stepped in fifths.
  const magnitude = 10 ** Math.floor(Math.log10(maxValue || 1));
  const axisMax = ([1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((v) => v >= maxValue) ?? 10 * magnitude) || 1;
  const y = (v: number): number => margin.top + plotHeight * (1 - v / axisMax);
  const groupWidth = plotWidth / Math.max(1, metrics.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, result.models.length);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(options.title ?? `${result.task} on ${result.dataset}`)}</text>`);
  for (let t = 0; t <= 5; t++) {
    const value = (axisMax * t) / 5;
    const yy = y(value).toFixed(1);
    out.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${yy}" y2="${yy}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${margin.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${Number(value.toPrecision(3))}</text>`);
  }
  metrics.forEach((name, g) => {
    const groupX = margin.left + g * groupWidth + groupWidth * 0.1;
    result.models.forEach((m, i) => {
      const summary = metric(m, name);
      if (!summary) return;
      const x = groupX + i * barWidth;
      const top = y(summary.mean);
      out.push(
        `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barWidth * 0.9).toFixed(1)}" height="${(margin.top + plotHeight - top).toFixed(1)}" fill="${PALETTE[i % PALETTE.length]}"><title>${escapeXml(`${m.model} ${name}: ${summary.mean.toFixed(4)} [${summary.lower.toFixed(4)}, ${summary.upper.toFixed(4)}]`)}</title></rect>`,
      );
      if (summary.perUser) {
        const cx = (x + barWidth * 0.45).toFixed(1);
        out.push(`<line x1="${cx}" x2="${cx}" y1="${y(summary.lower).toFixed(1)}" y2="${y(summary.upper).toFixed(1)}" stroke="#222"/>`);
      }
    });
    out.push(`<text x="${(margin.left + g * groupWidth + groupWidth / 2).toFixed(1)}" y="${margin.top + plotHeight + 16}" text-anchor="middle">${escapeXml(name)}</text>`);
  });
  out.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight}" stroke="#444"/>`);
  result.models.forEach((m, i) => {
    const lx = margin.left;
    const ly = margin.top + plotHeight + 38 + i * 18;
    out.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>`);
    out.push(`<text x="${lx + 18}" y="${ly}">${escapeXml(`${m.model} (fit ${m.fitSeconds.toFixed(1)} s)`)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
