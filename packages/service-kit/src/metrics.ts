import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration } from 'prom-client';

export type { Counter, Gauge, Histogram, Registry };

type MetricOptions<Config> = Omit<Config, 'registers'>;

/** A labelled value set to 1; setting new labels drops the old ones (e.g. `bundle_info{version}`). */
export interface InfoMetric<Label extends string> {
  set(labels: Record<Label, string>): void;
}

export interface ServiceMetrics {
  /** The registry `/metrics` serves; one per service, so tests and embedded services never collide. */
  readonly registry: Registry;
  /** `http_request_duration_seconds{method,route,status_code}`, recorded by the request middleware. */
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  /** `http_requests_in_flight`. */
  readonly httpRequestsInFlight: Gauge;
  /** `service_ready` 1 when /readyz would answer 200. */
  readonly ready: Gauge;
  /** `service_startup_hook_duration_seconds{hook}`: how long each startup hook took (bundle load, index build…). */
  readonly startupHookDuration: Gauge<'hook'>;
  gauge<Label extends string = string>(options: MetricOptions<GaugeConfiguration<Label>>): Gauge<Label>;
  counter<Label extends string = string>(options: MetricOptions<CounterConfiguration<Label>>): Counter<Label>;
  histogram<Label extends string = string>(options: MetricOptions<HistogramConfiguration<Label>>): Histogram<Label>;
  info<Label extends string>(options: { name: string; help: string; labelNames: readonly Label[] }): InfoMetric<Label>;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
}

export interface CreateMetricsOptions {
  /** Added to every series as `service="<name>"`. */
  service: string;
  /** Node process metrics (CPU, memory, event-loop lag, GC); default true. */
  collectProcessMetrics?: boolean;
}

/** Latency buckets in seconds: 2.5 ms … 10 s, dense where ANN/ranking requests land. */
const DURATION_BUCKETS = [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(options: CreateMetricsOptions): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.collectProcessMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const gauge = <Label extends string>(config: MetricOptions<GaugeConfiguration<Label>>) =>
    new Gauge<Label>({ ...config, registers });
  const counter = <Label extends string>(config: MetricOptions<CounterConfiguration<Label>>) =>
    new Counter<Label>({ ...config, registers });
  const histogram = <Label extends string>(config: MetricOptions<HistogramConfiguration<Label>>) =>
    new Histogram<Label>({ ...config, registers });

  return {
    registry,
    httpRequestDuration: histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by method, matched route and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: DURATION_BUCKETS,
    }),
    httpRequestsInFlight: gauge({ name: 'http_requests_in_flight', help: 'HTTP requests being handled now.' }),
    ready: gauge({ name: 'service_ready', help: '1 when the service reports ready on /readyz, else 0.' }),
    startupHookDuration: gauge({
      name: 'service_startup_hook_duration_seconds',
      help: 'Duration of each startup hook in seconds.',
      labelNames: ['hook'],
    }),
    gauge,
    counter,
    histogram,
    info<Label extends string>(config: { name: string; help: string; labelNames: readonly Label[] }) {
      const metric = gauge<Label>({ name: config.name, help: config.help, labelNames: config.labelNames });
      return {
        set(labels: Record<Label, string>) {
          metric.reset();
          metric.set(labels as never, 1);
        },
      };
    },
    render: () => registry.metrics(),
  };
}
