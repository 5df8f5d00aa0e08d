// The status strip: readiness, bundle version and API latency of each service, every 5 s.
import { getJson } from './api';
import { h, replace } from './dom';
import type { ServiceStatus } from './types';

export function mountStatus(strip: HTMLElement, intervalMs = 5000): void {
  const refresh = async () => {
    try {
      const { services } = await getJson<{ services: ServiceStatus[] }>('/api/status', AbortSignal.timeout(8000));
      replace(strip, services.map(renderService));
    } catch (error) {
      replace(strip, h('li', { class: 'service down' }, `console server: ${(error as Error).message}`));
    }
  };
  void refresh();
  setInterval(() => void refresh(), intervalMs);
}

function renderService(service: ServiceStatus): HTMLElement {
  const latency = service.p50Ms !== undefined ? `p50 ${service.p50Ms} ms · p95 ${service.p95Ms ?? '?'} ms` : 'no requests yet';
  const title = [`${service.url}`, service.detail, `${service.requests} API requests since start`, service.window === 'recent' ? 'latency over the last 5 s' : 'latency since start'].filter(Boolean).join('\n');
  return h(
    'li',
    { class: service.ready ? 'service up' : 'service down', title, 'data-testid': `status-${service.name}`, 'data-ready': String(service.ready) },
    h('span', { class: 'dot', 'aria-hidden': 'true' }),
    h('strong', {}, service.name),
    h('span', {}, service.ready ? 'ready' : service.detail ?? 'not ready'),
    h('span', { class: 'muted' }, service.bundleVersion ? `bundle ${service.bundleVersion}` : 'no bundle'),
    h('span', { class: 'muted' }, latency),
  );
}
