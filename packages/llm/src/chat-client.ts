// OpenAI-compatible chat-completions client (OpenAI, vLLM, llama.cpp server, Ollama, LM Studio):
// POST {baseUrl}/chat/completions. Every attempt has a timeout; 429 (honouring Retry-After),
// 408, 5xx and network errors are retried with exponential backoff; other statuses are not.
import { silentLogger, type Logger } from '@mixtape/base';
import type { ChatMessage } from './prompts/index';

export type ResponseFormat =
  | { type: 'json_schema'; name: string; schema: Readonly<Record<string, unknown>>; strict?: boolean }
  | { type: 'json_object' }
  | { type: 'text' };

export interface ChatRequest {
  messages: readonly ChatMessage[];
  responseFormat?: ResponseFormat;
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
}

export interface ChatCompletion {
  content: string;
  finishReason: string | null;
  usage?: { promptTokens: number; completionTokens: number };
  /** HTTP attempts this completion took (1 = no retry) */
  attempts: number;
}

export interface ChatClient {
  readonly model: string;
  complete(request: ChatRequest): Promise<ChatCompletion>;
}

export type ChatErrorCode = 'TIMEOUT' | 'ABORTED' | 'HTTP_ERROR' | 'NETWORK_ERROR' | 'BAD_RESPONSE' | 'REFUSED';

/** A failed chat call: `retryable` says whether the cause was transient; `attempts` how many were made. */
export class ChatError extends Error {
  override readonly name = 'ChatError';
  readonly status?: number;
  /** from a Retry-After header */
  readonly retryAfterMs?: number;
  constructor(
    message: string,
    readonly code: ChatErrorCode,
    readonly retryable: boolean,
    readonly attempts: number,
    details: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

export interface OpenAiCompatibleClientOptions {
  /** e.g. "https://api.openai.com/v1", "http://127.0.0.1:8000/v1" (vLLM), "http://localhost:11434/v1" (Ollama) */
  baseUrl: string;
  model: string;
  /** sent as "Authorization: Bearer …"; local servers usually need none */
  apiKey?: string;
  /** per attempt; default 20 s */
  timeoutMs?: number;
  /** retries after the first attempt, on retryable errors only; default 2 */
  maxRetries?: number;
  /** first backoff delay, doubled each retry with ±20 % jitter; default 500 ms */
  retryBaseDelayMs?: number;
  /** a Retry-After or backoff longer than this is not waited for; default 30 s */
  maxRetryDelayMs?: number;
  /** retry after a per-attempt timeout too (default false: a hung server costs one timeout, not three) */
  retryOnTimeout?: boolean;
  /** extra headers, e.g. OpenAI-Organization */
  headers?: Record<string, string>;
  logger?: Logger;
  /** injectable for tests and proxies */
  fetch?: typeof fetch;
  /** injectable wait, for tests that record backoff delays */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** jitter source in [0, 1); default Math.random */
  random?: () => number;
}

const RETRYABLE_STATUSES = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

export function createOpenAiCompatibleClient(options: OpenAiCompatibleClientOptions): ChatClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl)) {
    throw new TypeError(`baseUrl must be an http(s) URL such as "http://127.0.0.1:8000/v1", got ${JSON.stringify(options.baseUrl)}`);
  }
  if (!options.model) throw new TypeError('model must be a non-empty model name');
  const endpoint = `${baseUrl}/chat/completions`;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxRetries = options.maxRetries ?? 2;
  const baseDelayMs = options.retryBaseDelayMs ?? 500;
  const maxDelayMs = options.maxRetryDelayMs ?? 30_000;
  const logger = options.logger ?? silentLogger;
  const fetchImpl = options.fetch ?? fetch;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;

  async function attempt(request: ChatRequest, attemptNumber: number): Promise<ChatCompletion> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const body: Record<string, unknown> = { model: options.model, messages: request.messages, stream: false };
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
    const format = request.responseFormat;
    if (format?.type === 'json_schema') {
      body.response_format = { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, strict: format.strict ?? true } };
    } else if (format?.type === 'json_object') {
      body.response_format = { type: 'json_object' };
    }
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(endpoint, { method: 'POST', headers, body: JSON.stringify(body), signal });
      text = await response.text();
    } catch (error) {
      if (request.signal?.aborted) throw new ChatError('chat request aborted by the caller', 'ABORTED', false, attemptNumber, { cause: error });
      if (timeout.aborted) {
        throw new ChatError(`no response from ${endpoint} within ${timeoutMs} ms`, 'TIMEOUT', options.retryOnTimeout ?? false, attemptNumber, { cause: error });
      }
      const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      throw new ChatError(`cannot reach ${endpoint}: ${reason}`, 'NETWORK_ERROR', true, attemptNumber, { cause: error });
    }

    if (!response.ok) {
      throw new ChatError(
        `${endpoint} answered ${response.status}: ${summarizeErrorBody(text)}`,
        'HTTP_ERROR',
        RETRYABLE_STATUSES.has(response.status),
        attemptNumber,
        { status: response.status, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) },
      );
    }

    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new ChatError(`${endpoint} answered 200 with a body that is not JSON: ${text.slice(0, 120)}`, 'BAD_RESPONSE', false, attemptNumber, { status: 200, cause });
    }
    return readCompletion(parsed, endpoint, attemptNumber);
  }

  return {
    model: options.model,
    async complete(request) {
      for (let attemptNumber = 1; ; attemptNumber += 1) {
        try {
          return await attempt(request, attemptNumber);
        } catch (error) {
          if (!(error instanceof ChatError) || !error.retryable || attemptNumber > maxRetries) throw error;
          const retryAfterMs = error.retryAfterMs;
          const backoffMs = baseDelayMs * 2 ** (attemptNumber - 1) * (0.8 + 0.4 * random());
          const delayMs = Math.round(retryAfterMs ?? backoffMs);
          if (delayMs > maxDelayMs) {
            logger.warn({ endpoint, delayMs, maxDelayMs }, 'chat retry delay exceeds the limit; giving up');
            throw error;
          }
          logger.warn({ endpoint, attempt: attemptNumber, status: error.status, code: error.code, delayMs }, 'chat call failed; retrying');
          try {
            await sleep(delayMs, request.signal);
          } catch (cause) {
            throw new ChatError('chat request aborted by the caller', 'ABORTED', false, attemptNumber, { cause });
          }
        }
      }
    },
  };
}

function readCompletion(body: unknown, endpoint: string, attempts: number): ChatCompletion {
  const choice = (body as { choices?: unknown[] } | null)?.choices?.[0] as
    | { message?: { content?: unknown; refusal?: unknown }; finish_reason?: unknown }
    | undefined;
  const message = choice?.message;
  if (typeof message?.refusal === 'string' && message.refusal.length > 0) {
    throw new ChatError(`the model refused: ${message.refusal.slice(0, 200)}`, 'REFUSED', false, attempts, { status: 200 });
  }
  if (typeof message?.content !== 'string') {
    throw new ChatError(`${endpoint} answered without choices[0].message.content`, 'BAD_RESPONSE', false, attempts, { status: 200 });
  }
  const usage = (body as { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } }).usage;
  return {
    content: message.content,
    finishReason: typeof choice?.finish_reason === 'string' ? choice.finish_reason : null,
    ...(typeof usage?.prompt_tokens === 'number' && typeof usage.completion_tokens === 'number'
      ? { usage: { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens } }
      : {}),
    attempts,
  };
}

/** Retry-After is delta-seconds or an HTTP date; returns milliseconds, or undefined if absent/invalid. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function summarizeErrorBody(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string };
    const message = typeof parsed.error === 'string' ? parsed.error : parsed.error?.message;
    if (typeof message === 'string') return message.slice(0, 300);
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 300) || '(empty body)';
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
