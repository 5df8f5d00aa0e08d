// Service status for the console's strip: readiness, bundle version, request latency from /metrics.

/** Cumulative bucket counts of `http_request_duration_seconds`, summed over API routes. */
export interface LatencyHistogram {
  /** upper bounds in seconds, ascending, +Inf last */
  bounds: number[];
  /** cumulative counts per bound */
  counts: number[];
  count: number;
  sum: number;
}

export interface ParsedMetrics {
  latency: LatencyHistogram;
  /** the `version` label of a `*bundle_info` gauge with value 1 */
  bundleVersion?: string;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function labelsOf(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!text) return labels;
  for (const match of text.matchAll(LABEL)) labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return labels;
}

/** Requests that measure the service's work: `/v1/*` routes, not health checks, scrapes or the strip's own /v1/info. */
export function isApiRoute(route: string | undefined): boolean {
  return route !== undefined && route.startsWith('/v1/') && route !== '/v1/info';
}

/**
 * Reads Prometheus text: sums the `http_request_duration_seconds` buckets over every API route,
 * method and status, and finds the bundle version.
 */
export function parseServiceMetrics(text: string, metric = 'http_request_duration_seconds'): ParsedMetrics {
  const buckets = new Map<number, number>();
  let count = 0;
  let sum = 0;
  let bundleVersion: string | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const [, name, labelText, valueText] = match;
    const value = Number(valueText);
    const labels = labelsOf(labelText);
    if (name!.endsWith('bundle_info') && labels.version !== undefined && value === 1) bundleVersion = labels.version;
    if (!name!.startsWith(metric) || !isApiRoute(labels.route)) continue;
    if (name === `${metric}_bucket`) {
      const bound = labels.le === '+Inf' ? Infinity : Number(labels.le);
      buckets.set(bound, (buckets.get(bound) ?? 0) + value);
    } else if (name === `${metric}_count`) count += value;
    else if (name === `${metric}_sum`) sum += value;
  }
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  return { latency: { bounds, counts: bounds.map((bound) => buckets.get(bound)!), count, sum }, ...(bundleVersion !== undefined ? { bundleVersion } : {}) };
}

/** What happened between two scrapes of the same process (counters only grow; a restart resets). */
export function histogramDelta(current: LatencyHistogram, previous: LatencyHistogram | undefined): LatencyHistogram {
  if (!previous || previous.count > current.count || previous.bounds.join() !== current.bounds.join()) return current;
  return {
    bounds: current.bounds,
    counts: current.counts.map((count, i) => count - (previous.counts[i] ?? 0)),
    count: current.count - previous.count,
    sum: current.sum - previous.sum,
  };
}

/**
 * Quantile from cumulative buckets, interpolated linearly inside the bucket (as PromQL's
 * histogram_quantile). Undefined without observations; the last finite bound when it lands in +Inf.
 */
export function histogramQuantile(histogram: LatencyHistogram, quantile: number): number | undefined {
  const total = histogram.counts.at(-1) ?? 0;
  if (total <= 0) return undefined;
  const rank = quantile * total;
  for (let i = 0; i < histogram.bounds.length; i += 1) {
    const count = histogram.counts[i]!;
    if (count < rank) continue;
    const upper = histogram.bounds[i]!;
    const lower = i === 0 ? 0 : histogram.bounds[i - 1]!;
    if (upper === Infinity) return lower;
    const below = i === 0 ? 0 : histogram.counts[i - 1]!;
    const inBucket = count - below;
    return inBucket === 0 ? upper : lower + ((upper - lower) * (rank - below)) / inBucket;
  }
  return undefined;
}

export interface ServiceStatus {
  name: string;
  url: string;
  ready: boolean;
  /** why not ready: the /readyz reason, the HTTP status or the connection error */
  detail?: string;
  bundleVersion?: string;
  version?: string;
  /** API requests seen since the service started */
  requests: number;
  /** p50 / p95 in ms over the requests since the previous status call (or since start on the first) */
  p50Ms?: number;
  p95Ms?: number;
  window: 'recent' | 'since-start';
}

export interface StatusProbeOptions {
  services: Record<string, string>;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

async function fetchText(fetcher: typeof fetch, url: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  const response = await fetcher(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, text: await response.text() };
}

function round(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.round(ms * 100) / 100;
}

/** Polls each service's /readyz, /v1/info and /metrics; remembers the last scrape for recent latency. */
export function createStatusProbe(options: StatusProbeOptions): { check(): Promise<ServiceStatus[]> } {
  const fetcher = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 2000;
  const previous = new Map<string, LatencyHistogram>();

  const checkOne = async (name: string, url: string): Promise<ServiceStatus> => {
    const [ready, info, metrics] = await Promise.allSettled([
      fetchText(fetcher, `${url}/readyz`, timeoutMs),
      fetchText(fetcher, `${url}/v1/info`, timeoutMs),
      fetchText(fetcher, `${url}/metrics`, timeoutMs),
    ]);
    const status: ServiceStatus = { name, url, ready: false, requests: 0, window: 'since-start' };
    if (ready.status === 'rejected') {
      // fetch() wraps the socket error: ECONNREFUSED sits in cause (or cause.errors for several addresses).
      const cause = (ready.reason as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
      const reason = cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (ready.reason as Error).message;
      return { ...status, detail: `unreachable (${reason})` };
    }
    status.ready = ready.value.status === 200;
    if (!status.ready) {
      let reason = `readyz ${ready.value.status}`;
      try {
        const body = JSON.parse(ready.value.text) as { status?: string; reason?: string };
        reason = [body.status, body.reason].filter(Boolean).join(': ') || reason;
      } catch {
        // not JSON: keep the status code
      }
      status.detail = reason;
    }
    if (info.status === 'fulfilled' && info.value.status === 200) {
      try {
        const body = JSON.parse(info.value.text) as { version?: string; bundleVersion?: string; bundle?: { version?: string } };
        status.version = body.version;
        status.bundleVersion = body.bundleVersion ?? body.bundle?.version;
      } catch {
        // /v1/info is optional for the strip
      }
    }
    if (metrics.status === 'fulfilled' && metrics.value.status === 200) {
      const parsed = parseServiceMetrics(metrics.value.text);
      status.bundleVersion ??= parsed.bundleVersion;
      status.requests = parsed.latency.count;
      const last = previous.get(name);
      const recent = last ? histogramDelta(parsed.latency, last) : undefined;
      const useRecent = recent !== undefined && recent !== parsed.latency && recent.count > 0;
      const window = useRecent ? recent : parsed.latency;
      status.window = useRecent ? 'recent' : 'since-start';
      const p50 = histogramQuantile(window, 0.5);
      const p95 = histogramQuantile(window, 0.95);
      if (p50 !== undefined) status.p50Ms = round(p50 * 1000);
      if (p95 !== undefined) status.p95Ms = round(p95 * 1000);
      previous.set(name, parsed.latency);
    }
    return status;
  };

  return {
    check: () => Promise.all(Object.entries(options.services).map(([name, url]) => checkOne(name, url))),
  };
}
