/**
 * A scriptable JSON HTTP server on 127.0.0.1:0 for the stack fakes: records every request, counts
 * requests the client cancelled (connection closed before the answer), and lets a test replace the
 * next answers (an error status with a body, a 200 with any JSON or raw text, or no answer at all).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

/** What a stack handler answers; `body` is sent as JSON unless `raw` is set. */
export interface FakeReply {
  status?: number;
  body?: unknown;
  raw?: string;
  /** Response headers besides content-type. */
  headers?: Record<string, string>;
  /** Never answer (a server stuck, e.g. waiting for a permit that never comes back). */
  hang?: boolean;
}

export type FakeOverride = { kind: 'reply'; reply: FakeReply } | { kind: 'hang' };

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** Requests whose connection closed before an answer was written. */
  cancelled: number;
  /** Replace the answer to the next request (queued, one per request). */
  override(next: FakeOverride): void;
  /** Resolve once at least `count` requests arrived / were cancelled. */
  waitForRequests(count: number): Promise<void>;
  waitForCancelled(count: number): Promise<void>;
  close(): Promise<void>;
}

export type FakeHandler = (request: RecordedRequest) => FakeReply;

export async function startFakeServer(handler: FakeHandler): Promise<FakeServer> {
  const overrides: FakeOverride[] = [];
  const requests: RecordedRequest[] = [];
  const waiters: (() => void)[] = [];
  let cancelled = 0;
  const notify = (): void => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  const waitUntil = (done: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (done()) resolve();
        else waiters.push(check);
      };
      check();
    });

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = text === '' ? null : (JSON.parse(text) as unknown);
      } catch {
        body = text;
      }
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        body,
      };
      requests.push(recorded);
      response.on('close', () => {
        if (!response.writableFinished) {
          cancelled++;
          notify();
        }
      });
      notify();
      const next = overrides.shift();
      if (next?.kind === 'hang') return;
      const reply = next?.kind === 'reply' ? next.reply : handler(recorded);
      if (reply.hang === true) return;
      response.statusCode = reply.status ?? 200;
      response.setHeader('content-type', 'application/json');
      for (const [name, value] of Object.entries(reply.headers ?? {}))
        response.setHeader(name, value);
      response.end(reply.raw ?? JSON.stringify(reply.body ?? null));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get cancelled() {
      return cancelled;
    },
    override: (next) => overrides.push(next),
    waitForRequests: (count) => waitUntil(() => requests.length >= count),
    waitForCancelled: (count) => waitUntil(() => cancelled >= count),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The JSON body of a recorded request as a record (fakes parse only what the docs define). */
export function bodyOf(request: RecordedRequest): Record<string, unknown> {
  return typeof request.body === 'object' && request.body !== null && !Array.isArray(request.body)
    ? (request.body as Record<string, unknown>)
    : {};
}
