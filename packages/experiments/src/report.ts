// Readouts as markdown (tables a reviewer reads top-down: decision, split, metrics, looks) and a
// hand-written SVG forest plot of relative differences with their confidence intervals.
import type { ExperimentReadout, MetricReadout } from './analyze';
import type { InterleavingReadout } from './interleave';

function percent(value: number, digits = 2): string {
  return Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${(100 * value).toFixed(digits)} %` : '–';
}
function number(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(2) : value.toFixed(digits);
}
function pValue(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return value < 1e-4 ? value.toExponential(1) : value.toFixed(4);
}
function interval([low, high]: readonly [number, number], format: (value: number) => string): string {
  return `[${format(low)}, ${format(high)}]`;
}

const VERDICT_TEXT: Record<MetricReadout['verdict'], string> = { better: '**better**', worse: '**worse**', 'not-significant': 'not significant' };

/** How the sequential decision was made, in one sentence. */
export function describeSequentialMethod(readout: ExperimentReadout): string {
  if (readout.sequentialMethod === 'group-sequential') {
    return `group sequential, Lan–DeMets O'Brien–Fleming-type α spending over daily looks (${readout.plan.plannedUsers ? `information fraction = analyzed users / ${readout.plan.plannedUsers} planned` : 'this readout taken as the final look'}); success metrics at α / ${Math.max(1, new Set(readout.metrics.filter((m) => m.role === 'primary' || m.role === 'secondary').map((m) => `${m.metric}/${m.variant}`)).size)} each (Bonferroni)`;
  }
  return 'mSPRT always-valid p-values (normal mixture, τ = 5 % of the control mean), Holm-adjusted across success metrics — valid however often the readout is looked at';
}

export interface ReportOptions {
  /** the command that produced the readout, printed at the end */
  command?: string;
  /** file name of the SVG plot to link (e.g. "home-ranker.svg") */
  plotFile?: string;
}

export function formatReadoutMarkdown(readout: ExperimentReadout, options: ReportOptions = {}): string {
  const lines: string[] = [];
  lines.push(`# Experiment readout: ${readout.experiment}`, '');
  const verdict = readout.decision.verdict.toUpperCase();
  lines.push(`**Decision: ${verdict}** — ${readout.decision.reasons.join('; ')}.`, '');
  lines.push(
    `Period ${readout.period.start.slice(0, 16).replace('T', ' ')} → ${readout.period.end.slice(0, 16).replace('T', ' ')} UTC (${readout.period.days.toFixed(1)} days) · ` +
      `metrics over the ${readout.plan.windowDays} days after each user's first exposure (users whose window is complete)${readout.surface ? `, events from ${readout.surface} only` : ''} · ` +
      `CUPED covariate: the same metric in the ${readout.preDays} days before first exposure · α = ${readout.plan.alpha} · control: \`${readout.control}\``,
    '',
  );
  lines.push(`Sequential testing: ${describeSequentialMethod(readout)}.`, '');

  lines.push('## Allocation and sample-ratio check', '');
  lines.push('| variant | users enrolled | users analyzed | expected share | observed share |', '| --- | ---: | ---: | ---: | ---: |');
  const total = readout.variants.reduce((sum, variant) => sum + variant.users, 0);
  for (const variant of readout.variants) {
    lines.push(`| \`${variant.key}\` | ${variant.users} | ${variant.analyzed} | ${(100 * variant.expectedShare).toFixed(1)} % | ${total > 0 ? ((100 * variant.users) / total).toFixed(2) : '–'} % |`);
  }
  lines.push('');
  const srm = readout.srm;
  lines.push(
    `SRM check: χ² = ${srm.chiSquare.toFixed(2)} (df ${srm.degreesOfFreedom}), p = ${pValue(srm.pValue)} — ${srm.mismatch ? `**MISMATCH** (below ${srm.threshold}): the readout is blocked` : `OK (blocks below ${srm.threshold})`}.` +
      (readout.crossovers > 0 ? ` ${readout.crossovers} users were logged in more than one variant and are excluded.` : ''),
    '',
  );
  if (readout.status !== 'ok') {
    lines.push(`> **${readout.status === 'blocked-srm' ? 'Readout blocked' : 'Not enough data'}:** ${readout.message}`, '');
    if (options.command) lines.push(`Command: \`${options.command}\``, '');
    return `${lines.join('\n')}\n`;
  }

  lines.push('## Metrics', '');
  lines.push(
    '| metric | role | variant | control | treatment | Δ [95 % CI] | Δ % [95 % CI] | p (fixed horizon) | p Holm | CUPED Δ % [95 % CI] | CUPED variance reduction | sequential | verdict |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
  );
  for (const metric of readout.metrics) {
    const raw = metric.raw;
    const cuped = metric.cuped;
    const sequential =
      metric.sequential.method === 'group-sequential'
        ? metric.sequential.crossedAt
          ? `crossed ${metric.sequential.crossedAt.slice(0, 10)}`
          : metric.role === 'monitor'
            ? '–'
            : 'not crossed'
        : `always-valid p ${pValue(metric.sequential.msprtPValue)}`;
    lines.push(
      `| ${metric.label} | ${metric.role} | \`${metric.variant}\` | ${number(raw.control)} | ${number(raw.treatment)} | ${number(raw.difference)} ${interval(raw.interval, (v) => number(v))} | ${percent(raw.relative)} ${interval(raw.relativeInterval, (v) => percent(v))} | ${pValue(raw.pValue)} | ${pValue(metric.adjustedPValue)} | ${cuped ? `${percent(cuped.relative)} ${interval(cuped.relativeInterval, (v) => percent(v))}` : '–'} | ${cuped ? `${(100 * cuped.varianceReduction).toFixed(1)} %` : '–'} | ${sequential} | ${VERDICT_TEXT[metric.verdict]} |`,
    );
  }
  lines.push('');
  lines.push(
    'Counts and minutes: Welch t-test on per-user values. Rates: ratio of per-user sums with delta-method variance. ' +
      'CUPED: θ·(pre-period value − its mean) subtracted per user (ratio metrics linearized first). ' +
      `Verdicts use the ${readout.sequentialMethod === 'group-sequential' ? 'group-sequential boundaries' : 'always-valid p-values'} on the ${readout.metrics.some((m) => m.decisionEstimate === 'cuped') ? 'CUPED' : 'raw'} estimate; "p (fixed horizon)" is valid only for a single, pre-planned look.`,
    '',
  );

  const guardrails = readout.metrics.filter((metric) => metric.guardrail);
  if (guardrails.length > 0) {
    lines.push('## Guardrails', '', '| metric | variant | margin | one-sided bound on the harmful side | result |', '| --- | --- | ---: | ---: | --- |');
    for (const metric of guardrails) {
      const guardrail = metric.guardrail!;
      lines.push(`| ${metric.label} | \`${metric.variant}\` | ${guardrail.margin > 0 ? `${(100 * guardrail.margin).toFixed(1)} %` : 'not worse'} | ${percent(guardrail.bound)} | ${guardrail.passed ? 'passed' : '**failed**'} |`);
    }
    lines.push('');
  }

  for (const metric of readout.metrics.filter((m) => m.role === 'primary')) {
    lines.push(`## Sequential looks: ${metric.label} (\`${metric.variant}\`)`, '');
    lines.push('| look | users | Δ | z | boundary |z| ≥ | always-valid p (mSPRT) |', '| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const look of metric.sequential.looks) {
      lines.push(`| ${look.at.slice(0, 16).replace('T', ' ')} | ${look.users} | ${number(look.estimate)} | ${look.z.toFixed(2)} | ${look.boundary === undefined ? '–' : Number.isFinite(look.boundary) ? `${look.boundary.toFixed(2)}${look.crossed ? ' (crossed)' : ''}` : '∞'} | ${pValue(look.msprtPValue)} |`);
    }
    lines.push('');
  }
  if (options.plotFile) lines.push(`![relative differences with 95 % confidence intervals](${options.plotFile})`, '');
  if (options.command) lines.push(`Command: \`${options.command}\``, '');
  return `${lines.join('\n')}\n`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A forest plot: one row per metric × treatment, relative difference and 95 % CI (CUPED when available). */
export function renderReadoutSvg(readout: ExperimentReadout, options: { width?: number } = {}): string {
  const rows = readout.metrics.map((metric) => {
    const chosen = metric.cuped ?? metric.raw;
    return { label: `${metric.label}${readout.variants.length > 2 ? ` · ${metric.variant}` : ''}${metric.cuped ? ' (CUPED)' : ''}`, role: metric.role, value: chosen.relative, low: chosen.relativeInterval[0], high: chosen.relativeInterval[1], verdict: metric.verdict };
  });
  const width = options.width ?? 760;
  const labelWidth = 260;
  const rowHeight = 30;
  const top = 48;
  const height = top + Math.max(1, rows.length) * rowHeight + 40;
  const finite = rows.flatMap((row) => [row.low, row.high, row.value]).filter(Number.isFinite);
  const extent = Math.max(0.01, ...finite.map(Math.abs)) * 1.15;
  const plotLeft = labelWidth + 20;
  const plotRight = width - 30;
  const x = (value: number) => plotLeft + ((value + extent) / (2 * extent)) * (plotRight - plotLeft);
  const colour = { better: '#1a7f37', worse: '#cf222e', 'not-significant': '#57606a' } as const;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="13">`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(readout.experiment)}: relative difference vs ${escapeXml(readout.control)} (95 % CI)</text>`);
  if (readout.status !== 'ok') {
    parts.push(`<text x="${width / 2}" y="${top + 20}" text-anchor="middle" fill="#cf222e">${escapeXml(readout.status === 'blocked-srm' ? 'Readout blocked: sample ratio mismatch' : 'Not enough data yet')}</text>`);
  }
  const axisY = top + rows.length * rowHeight + 4;
  parts.push(`<line x1="${x(0)}" y1="${top - 6}" x2="${x(0)}" y2="${axisY}" stroke="#8c959f" stroke-dasharray="4 3"/>`);
  for (const tick of [-extent, -extent / 2, 0, extent / 2, extent]) {
    parts.push(`<line x1="${x(tick)}" y1="${axisY}" x2="${x(tick)}" y2="${axisY + 5}" stroke="#57606a"/>`);
    parts.push(`<text x="${x(tick)}" y="${axisY + 19}" text-anchor="middle" fill="#57606a">${escapeXml(percent(tick, 1))}</text>`);
  }
  rows.forEach((row, i) => {
    const y = top + i * rowHeight + rowHeight / 2;
    parts.push(`<text x="${labelWidth}" y="${y + 4}" text-anchor="end"${row.role === 'primary' ? ' font-weight="600"' : ''}>${escapeXml(row.label)}</text>`);
    if (!Number.isFinite(row.value)) return;
    const c = colour[row.verdict];
    const low = Number.isFinite(row.low) ? x(Math.max(-extent, row.low)) : plotLeft;
    const high = Number.isFinite(row.high) ? x(Math.min(extent, row.high)) : plotRight;
    parts.push(`<line x1="${low}" y1="${y}" x2="${high}" y2="${y}" stroke="${c}" stroke-width="2"/>`);
    parts.push(`<line x1="${low}" y1="${y - 5}" x2="${low}" y2="${y + 5}" stroke="${c}" stroke-width="2"/>`);
    parts.push(`<line x1="${high}" y1="${y - 5}" x2="${high}" y2="${y + 5}" stroke="${c}" stroke-width="2"/>`);
    parts.push(`<circle cx="${x(row.value)}" cy="${y}" r="4.5" fill="${c}"><title>${escapeXml(`${row.label}: ${percent(row.value)} [${percent(row.low)}, ${percent(row.high)}]`)}</title></circle>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** JSON-safe readout (Infinity → null) for files and APIs. */
export function readoutToJson(readout: ExperimentReadout | InterleavingReadout): string {
  return `${JSON.stringify(readout, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}

export function formatInterleavingMarkdown(readout: InterleavingReadout, options: ReportOptions = {}): string {
  const lines = [
    `# Interleaving readout: ${readout.experiment}`,
    '',
    `Team A = \`${readout.teams.A}\`, team B = \`${readout.teams.B}\` (team-draft interleaving; plays, completions and saves credit the team whose item it was).`,
    '',
    '| users | A wins | B wins | ties | credit A | credit B | Δ_AB | A preferred by [95 % CI] | sign test p | result |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    `| ${readout.users} | ${readout.winsA} | ${readout.winsB} | ${readout.ties} | ${readout.creditA} | ${readout.creditB} | ${readout.deltaAB.toFixed(4)} | ${(100 * readout.preferenceA).toFixed(1)} % [${(100 * readout.preferenceInterval[0]).toFixed(1)}, ${(100 * readout.preferenceInterval[1]).toFixed(1)}] | ${pValue(readout.pValue)} | ${readout.winner ? `**${readout.winner === 'A' ? readout.teams.A : readout.teams.B} preferred**` : 'no significant preference'} |`,
    '',
  ];
  if (options.command) lines.push(`Command: \`${options.command}\``, '');
  return `${lines.join('\n')}\n`;
}
