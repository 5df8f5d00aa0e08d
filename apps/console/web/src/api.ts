// Calls through the console server's /api/<service>/ proxy; errors carry the service's message.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: signal ?? AbortSignal.timeout(30_000),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', `Cannot reach the console server (${(error as Error).message})`);
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(response.status, 'NOT_JSON', `${method} ${path} answered ${response.status} with non-JSON: ${text.slice(0, 120)}`);
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string; details?: { issues?: { path: string; message: string }[] } } })?.error;
    const issues = error?.details?.issues?.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, [error?.message ?? `${method} ${path} failed with ${response.status}`, issues].filter(Boolean).join(' — '));
  }
  return json as T;
}

export const getJson = <T>(path: string, signal?: AbortSignal) => call<T>('GET', path, undefined, signal);
export const postJson = <T>(path: string, body: unknown, signal?: AbortSignal) => call<T>('POST', path, body, signal);

/** `?a=1&b=x` from the defined, non-empty entries. */
export function query(parameters: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(parameters)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
