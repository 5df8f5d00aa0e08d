// A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions protocol, for tests of
// anything that calls a model (this package, the playlists service). Replies are scripted per
// request: content, HTTP errors with headers, hangs (for timeouts) and dropped connections.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Lexicon } from '@mixtape/language';
import { planFromPrompt } from '../offline-planner';
import { parsePlanOutput } from '../plan';
import { refinePlan } from '../refine';

export type FakeChatReply =
  /** a 200 chat.completion whose message content is this text */
  | { kind: 'content'; content: string; delayMs?: number; finishReason?: string }
  /** a 200 chat.completion with a refusal instead of content */
  | { kind: 'refusal'; refusal: string }
  /** an error status with an OpenAI-style error body */
  | { kind: 'error'; status: number; message?: string; headers?: Record<string, string> }
  /** never answers (until the client gives up or the server closes) */
  | { kind: 'hang' }
  /** destroys the connection without a response: a network error for the client */
  | { kind: 'disconnect' };

export interface ChatCompletionBody {
  model?: unknown;
  messages?: { role: string; content: string }[];
  response_format?: { type: string; json_schema?: { name: string; schema: Record<string, unknown>; strict?: boolean } };
  temperature?: unknown;
  max_tokens?: unknown;
  [key: string]: unknown;
}

export interface RecordedChatRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: ChatCompletionBody;
}

export type FakeChatResponder = (request: RecordedChatRequest, index: number) => FakeChatReply | Promise<FakeChatReply>;

export interface FakeChatServerOptions {
  /** replies used in order, one per chat request; when exhausted, `respond` answers */
  replies?: FakeChatReply[];
  /** default responder (default: a 500 saying the script ran out) */
  respond?: FakeChatResponder;
  /** when set, requests without "Authorization: Bearer <apiKey>" get 401 */
  apiKey?: string;
}

export interface FakeChatServer {
  /** ".../v1": pass as the client's baseUrl */
  readonly baseUrl: string;
  /** every chat request received, in order */
  readonly requests: RecordedChatRequest[];
  /** appends scripted replies */
  enqueue(...replies: FakeChatReply[]): void;
  close(): Promise<void>;
}

export const replyWithContent = (content: string): FakeChatReply => ({ kind: 'content', content });
export const replyWithJson = (value: unknown): FakeChatReply => ({ kind: 'content', content: JSON.stringify(value) });
export const replyWithError = (status: number, options: { retryAfterSeconds?: number; message?: string } = {}): FakeChatReply => ({
  kind: 'error',
  status,
  ...(options.message !== undefined ? { message: options.message } : {}),
  ...(options.retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(options.retryAfterSeconds) } } : {}),
});
export const replyHang = (): FakeChatReply => ({ kind: 'hang' });
export const replyDisconnect = (): FakeChatReply => ({ kind: 'disconnect' });

/** Starts the server on an ephemeral port of 127.0.0.1. */
export async function startFakeChatServer(options: FakeChatServerOptions = {}): Promise<FakeChatServer> {
  const queue: FakeChatReply[] = [...(options.replies ?? [])];
  const requests: RecordedChatRequest[] = [];
  const respond: FakeChatResponder =
    options.respond ?? (() => ({ kind: 'error', status: 500, message: 'fake chat server: no scripted reply left' }));
  let completionCounter = 0;

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const path = (request.url ?? '/').split('?')[0] ?? '/';
        const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
          response.writeHead(status, { 'content-type': 'application/json', ...headers });
          response.end(JSON.stringify(body));
        };
        if (request.method === 'GET' && path.endsWith('/models')) {
          send(200, { object: 'list', data: [{ id: 'fake-model', object: 'model', owned_by: 'mixtape' }] });
          return;
        }
        if (request.method !== 'POST' || !path.endsWith('/chat/completions')) {
          send(404, { error: { message: `no route ${request.method} ${path}`, type: 'invalid_request_error' } });
          return;
        }
        let body: ChatCompletionBody;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatCompletionBody;
        } catch {
          send(400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
          return;
        }
        if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
          send(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
          return;
        }
        if (typeof body.model !== 'string' || !Array.isArray(body.messages) || body.messages.length === 0) {
          send(400, { error: { message: "'model' and a non-empty 'messages' array are required", type: 'invalid_request_error' } });
          return;
        }
        const recorded: RecordedChatRequest = { method: request.method, path, headers: request.headers, body };
        requests.push(recorded);
        const reply = queue.shift() ?? (await respond(recorded, requests.length - 1));
        switch (reply.kind) {
          case 'hang':
            return;
          case 'disconnect':
            request.socket.destroy();
            return;
          case 'error':
            send(reply.status, { error: { message: reply.message ?? `fake error ${reply.status}`, type: 'server_error' } }, reply.headers);
            return;
          case 'refusal':
          case 'content': {
            if (reply.kind === 'content' && reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
            completionCounter += 1;
            send(200, {
              id: `chatcmpl-fake-${completionCounter}`,
              object: 'chat.completion',
              created: Math.floor(Date.now() / 1000),
              model: body.model,
              choices: [
                {
                  index: 0,
                  message:
                    reply.kind === 'content'
                      ? { role: 'assistant', content: reply.content, refusal: null }
                      : { role: 'assistant', content: null, refusal: reply.refusal },
                  finish_reason: reply.kind === 'content' ? (reply.finishReason ?? 'stop') : 'stop',
                },
              ],
              usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
            });
            return;
          }
        }
      })().catch((error: unknown) => {
        if (!response.headersSent) {
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: { message: `fake chat server failed: ${String(error)}` } }));
        }
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue(...replies) {
      queue.push(...replies);
    },
    close() {
      return new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

/** The listener's text from the last <request> block of a chat request (after any examples), decoded. */
export function extractRequestText(request: RecordedChatRequest): string | undefined {
  const messages = request.body.messages ?? [];
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const content = messages[index]?.content ?? '';
    // the last block: examples (in-context preferences) come before the request itself
    const match = [...content.matchAll(/<request>\s*([\s\S]*?)\s*<\/request>/g)].at(-1);
    if (match?.[1]) {
      try {
        return JSON.parse(match[1]) as string;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * A responder that behaves like a well-behaved model: it answers each plan request with the
 * offline planner's plan for the request text, and each refine request (one carrying a
 * <plan>) with the offline refinement of that plan. Lets service tests run the LLM path end to end.
 */
export function createOfflinePlanResponder(lexicon: Lexicon): FakeChatResponder {
  return (request) => {
    const text = extractRequestText(request) ?? '';
    const lastUser = [...(request.body.messages ?? [])].reverse().find((message) => message.role === 'user')?.content ?? '';
    const previous = /<plan>\s*([\s\S]*?)\s*<\/plan>/.exec(lastUser)?.[1];
    if (previous) {
      const parsed = parsePlanOutput(previous);
      if (parsed.ok) return { kind: 'content', content: JSON.stringify(refinePlan(parsed.plan, text, lexicon).plan) };
    }
    return { kind: 'content', content: JSON.stringify(planFromPrompt(lexicon, text).plan) };
  };
}
