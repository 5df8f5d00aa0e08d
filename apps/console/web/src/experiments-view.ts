// Pure formatting for the Experiments page (tested without a DOM).
import type { Readout, ServiceExperiments } from './types';

export function percent(value: number | null | undefined, digits = 1, signed = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${signed && value >= 0 ? '+' : ''}${(100 * value).toFixed(digits)} %`;
}

/** One row per experiment: what runs where, and each variant's share of all users. */
export function allocationRows(service: ServiceExperiments): { key: string; where: string; state: string; traffic: string; variants: string }[] {
  return service.experiments.map((experiment) => ({
    key: experiment.key,
    where: `${experiment.surface.join(', ')}${experiment.layer ? ` · layer ${experiment.layer}` : ''} · buckets ${experiment.allocation.from}–${experiment.allocation.to} %`,
    state: experiment.active ? 'running' : Date.parse(experiment.start) > Date.now() ? `starts ${experiment.start.slice(0, 10)}` : 'stopped',
    traffic: `${experiment.traffic} % of its buckets = ${percent(experiment.share, 2)} of users`,
    variants: experiment.variants.map((variant) => `${variant.key} ${percent(variant.share, 2)}`).join(' · '),
  }));
}

/** The readout's metric table: the decision estimate (CUPED when there is one) and its verdict. */
export function metricRows(readout: Readout): { label: string; role: string; variant: string; control: string; treatment: string; change: string; cuped: string; verdict: string }[] {
  return readout.metrics.map((metric) => {
    const chosen = metric.cuped ?? metric.raw;
    const [low, high] = chosen.relativeInterval;
    return {
      label: metric.label,
      role: metric.role,
      variant: metric.variant,
      control: metric.raw.control.toFixed(3),
      treatment: metric.raw.treatment.toFixed(3),
      change: `${percent(chosen.relative, 2, true)} [${percent(low, 2, true)}, ${percent(high, 2, true)}]`,
      cuped: metric.cuped ? `variance −${percent(metric.cuped.varianceReduction, 0)}` : 'no pre-period',
      verdict: metric.guardrail ? `${metric.verdict.replace('-', ' ')} · guardrail ${metric.guardrail.passed ? 'passed' : 'FAILED'}` : metric.verdict.replace('-', ' '),
    };
  });
}

/** One line on the split: users per variant and the SRM check. */
export function splitLine(readout: Readout): string {
  const users = readout.variants.map((variant) => `${variant.key} ${variant.users} (${variant.analyzed} analyzed, expected ${percent(variant.expectedShare, 0)})`).join(' · ');
  const srm = `SRM χ² ${readout.srm.chiSquare.toFixed(2)}, p ${readout.srm.pValue < 1e-4 ? readout.srm.pValue.toExponential(1) : readout.srm.pValue.toFixed(3)}${readout.srm.mismatch ? ' — MISMATCH, readout blocked' : ''}`;
  return `${users} · ${srm}`;
}
