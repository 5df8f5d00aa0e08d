// A local HTTP server on 127.0.0.1 speaking just enough of the OpenAI chat-completions protocol
// for these tests: it records each call's Authorization header and answers when told to.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeLlmMode =
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'hang' }
  | { kind: 'garbage'; body: string; contentType?: string };

export interface FakeLlm {
  baseUrl: string;
  /** How the next calls are answered (default: 500). */
  setMode(mode: FakeLlmMode): void;
  /** Authorization headers of every call received. */
  authorizations: string[];
  /** Calls received and not answered yet (held while `hold` is on). */
  pending(): number;
  /** Hold answers until `release()`. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/** Answers every call with `status` (default 500: the service falls back to its offline planner). */
export async function startFakeLlm(options: { status?: number } = {}): Promise<FakeLlm> {
  const authorizations: string[] = [];
  const held: Array<() => void> = [];
  let holding = false;
  let mode: FakeLlmMode = { kind: 'status', status: options.status ?? 500 };
  const answer = (response: ServerResponse) => {
    if (mode.kind === 'hang') return; // never answers; the socket stays open
    if (mode.kind === 'garbage') {
      response.setHeader('content-type', mode.contentType ?? 'application/json');
      response.end(mode.body);
      return;
    }
    response.statusCode = mode.status;
    if (mode.retryAfter) response.setHeader('retry-after', mode.retryAfter);
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ error: { message: 'the fake model is unavailable', type: 'server_error' } }));
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    authorizations.push(String(request.headers.authorization ?? ''));
    request.resume();
    request.on('end', () => (holding ? held.push(() => answer(response)) : answer(response)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    authorizations,
    setMode: (next) => {
      mode = next;
    },
    pending: () => held.length,
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const respond of held.splice(0)) respond();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
