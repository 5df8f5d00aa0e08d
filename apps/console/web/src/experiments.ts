// Experiments: what each service is running (its definitions, allocation as shares of users)
// and the latest readouts with their CI plots.
import { ApiError, getJson } from './api';
import { h, replace } from './dom';
import { allocationRows, metricRows, splitLine } from './experiments-view';
import { showError } from './state';
import type { Readout, ReadoutSummary, ServiceExperiments } from './types';

const SERVICES = ['home', 'search', 'playlists'] as const;

export function mountExperiments(panel: HTMLElement): void {
  const running = h('div', { class: 'experiments-running', 'data-testid': 'experiments-running' });
  const readouts = h('div', { class: 'experiments-readouts', 'data-testid': 'experiments-readouts' });
  const refresh = h('button', { type: 'button', onclick: () => void load() }, 'Refresh');
  replace(panel, h('div', { class: 'toolbar' }, h('h2', {}, 'Experiments'), refresh), h('h3', {}, 'Running'), running, h('h3', {}, 'Latest readouts'), readouts);

  const loadRunning = async () => {
    const sections = await Promise.all(
      SERVICES.map(async (service) => {
        try {
          return renderService(service, await getJson<ServiceExperiments>(`/api/${service}/v1/experiments`, AbortSignal.timeout(8000)));
        } catch (error) {
          const text = error instanceof ApiError && error.status === 404 ? 'does not serve experiments (no /v1/experiments)' : (error as Error).message;
          return h('section', { class: 'experiment-service' }, h('h4', {}, service), h('p', { class: 'muted' }, text));
        }
      }),
    );
    replace(running, sections);
  };

  const loadReadouts = async () => {
    try {
      const list = await getJson<{ configured: boolean; readouts: ReadoutSummary[] }>('/api/experiments/readouts', AbortSignal.timeout(8000));
      if (!list.configured) return replace(readouts, h('p', { class: 'muted' }, 'No readout directory: start the console with CONSOLE_EXPERIMENT_RESULTS set to the --out directory of `mixtape experiment analyze`.'));
      // the newest readout of each experiment
      const latest = new Map<string, ReadoutSummary>();
      for (const summary of list.readouts) if (!latest.has(summary.experiment)) latest.set(summary.experiment, summary);
      if (latest.size === 0) return replace(readouts, h('p', { class: 'muted' }, 'No readouts yet.'));
      const items = await Promise.all([...latest.values()].map(async (summary) => renderReadout(summary, await getJson<Readout>(`/api/experiments/readouts/${encodeURIComponent(summary.name)}`))));
      replace(readouts, items);
    } catch (error) {
      showError(readouts, error);
    }
  };

  const load = async () => {
    replace(running, h('p', { class: 'muted' }, 'Loading…'));
    await Promise.all([loadRunning(), loadReadouts()]);
  };
  window.addEventListener('hashchange', () => {
    if (location.hash === '#experiments') void load();
  });
  if (location.hash === '#experiments') void load();
}

function renderService(service: string, answer: ServiceExperiments): HTMLElement {
  const rows = allocationRows(answer);
  return h(
    'section',
    { class: 'experiment-service', 'data-testid': `experiments-${service}` },
    h('h4', {}, `${service} · definitions ${answer.version} from ${answer.source}${answer.holdout ? ` · global holdout ${answer.holdout.percent} %` : ''}`),
    rows.length === 0
      ? h('p', { class: 'muted' }, 'No experiments on this surface.')
      : h(
          'table',
          { class: 'table' },
          h('thead', {}, h('tr', {}, ['experiment', 'where', 'state', 'traffic', 'variants (share of all users)'].map((title) => h('th', {}, title)))),
          h('tbody', {}, rows.map((row) => h('tr', {}, h('td', {}, h('strong', {}, row.key)), h('td', {}, row.where), h('td', {}, row.state), h('td', {}, row.traffic), h('td', {}, row.variants)))),
        ),
  );
}

function renderReadout(summary: ReadoutSummary, readout: Readout): HTMLElement {
  const verdictClass = readout.decision.verdict === 'ship' ? 'good' : readout.decision.verdict === 'inconclusive' ? 'muted' : 'bad';
  return h(
    'article',
    { class: 'readout', 'data-testid': `readout-${summary.experiment}` },
    h('h4', {}, `${readout.experiment} · ${readout.period.start.slice(0, 10)} → ${readout.period.end.slice(0, 10)} · control ${readout.control}`),
    h('p', {}, h('strong', { class: verdictClass }, readout.decision.verdict.toUpperCase()), ' — ', readout.decision.reasons.join('; ')),
    h('p', { class: 'muted' }, splitLine(readout)),
    readout.status !== 'ok'
      ? h('p', { class: 'error' }, readout.message ?? readout.status)
      : [
          h(
            'table',
            { class: 'table' },
            h('thead', {}, h('tr', {}, ['metric', 'role', 'variant', 'control', 'treatment', 'change [95 % CI]', 'CUPED', 'verdict'].map((title) => h('th', {}, title)))),
            h('tbody', {}, metricRows(readout).map((row) => h('tr', { class: row.role === 'primary' ? 'primary' : '' }, Object.values(row).map((cell) => h('td', {}, cell))))),
          ),
          h('img', { class: 'readout-plot', src: `/api/experiments/readouts/${encodeURIComponent(summary.name)}/plot.svg`, alt: `relative differences of ${readout.experiment} with 95 % confidence intervals` }),
        ],
  );
}
