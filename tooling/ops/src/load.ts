// Drives one HTTP target with autocannon at a fixed concurrency and summarizes what a user of
// the service would notice: throughput, latency percentiles, errors.
import autocannon from 'autocannon';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

export interface LoadResult {
  connections: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Non-2xx answers plus socket errors and timeouts. */
  errors: number;
  /** Status codes other than 2xx, e.g. { "503": 12 }. */
  nonSuccessStatuses: Record<string, number>;
}

/** Exact percentile of recorded latencies (nearest rank). */
export function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank]!;
}

/** Runs `requests` round-robin against `url` with `connections` concurrent connections for `durationSeconds`. */
export async function runLoad(options: {
  url: string;
  connections: number;
  durationSeconds: number;
  requests: readonly LoadRequest[];
  timeoutSeconds?: number;
  /** sent with every request (e.g. the API key) */
  headers?: Readonly<Record<string, string>>;
}): Promise<LoadResult> {
  if (options.requests.length === 0) throw new Error(`runLoad(${options.url}): no requests to send`);
  let next = 0;
  // Latencies recorded per response (autocannon's histogram has no p95); grows by doubling.
  let latencies = new Float64Array(1 << 14);
  let count = 0;
  const nonSuccessStatuses: Record<string, number> = {};
  let settle: (error: Error | null, result: autocannon.Result) => void = () => {};
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    settle = (error, result) => (error ? reject(error) : resolve(result));
  });
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: options.timeoutSeconds ?? 10,
    requests: [
      {
        setupRequest: (request) => {
          const chosen = options.requests[next++ % options.requests.length]!;
          const headers = { ...request.headers, ...options.headers, ...(chosen.body !== undefined ? { 'content-type': 'application/json' } : {}) };
          return { ...request, method: chosen.method, path: chosen.path, headers, ...(chosen.body !== undefined ? { body: chosen.body } : {}) };
        },
      },
    ],
  }, (error, result) => settle(error, result));
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
    if (statusCode < 200 || statusCode >= 300) nonSuccessStatuses[statusCode] = (nonSuccessStatuses[statusCode] ?? 0) + 1;
  });
  const result = await finished;
  const sorted = latencies.subarray(0, count).sort();
  return {
    connections: options.connections,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / (result.duration || options.durationSeconds),
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    p99Ms: percentile(sorted, 0.99),
    errors: result.non2xx + result.errors + result.timeouts,
    nonSuccessStatuses,
  };
}
