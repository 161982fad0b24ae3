/**
 * The /v1 passthrough bounds the wait for the upstream's answer headers (`timeoutMs`): an
 * upstream that takes the request and never answers gets a 504 in OpenAI's shape, is asked once
 * (a timeout is not retried: the work may be running), and its connection is closed. And no
 * request waits where that bound does not reach: the forwarder's connection pool has no limit of
 * its own (admission bounds the requests), so none sits in its queue unanswered.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdmission } from '../../src/server/admission';
import { createPassthrough } from '../../src/server/passthrough/create-passthrough';
import { bodyLimits } from '../../src/server/read-json-body';
import { withRetry } from '../../src/upstream/transport/retry';
import { send } from './support/raw-http';

interface Pair {
  url: string;
  close(): Promise<void>;
}

/** A real upstream (`onRequest`) behind a real passthrough, both on ephemeral loopback ports. */
async function startPair(
  onRequest: http.RequestListener,
  options: { timeoutMs: number; maxConcurrent: number },
): Promise<Pair> {
  const upstream = http.createServer(onRequest);
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const passthrough = createPassthrough({
    upstream: {
      url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      timeoutMs: options.timeoutMs,
      retries: 2,
    },
    routes: ['POST /v1/completions'],
    admission: createAdmission({
      maxConcurrent: options.maxConcurrent,
      maxQueued: 4,
      queueTimeoutMs: 1000,
    }),
    body: bodyLimits({ limitBytes: 64 * 1024 }),
    retry: (call, retryOptions) => withRetry(call, { ...retryOptions, baseMs: 1, maxMs: 5 }),
  });
  const proxy = http.createServer((request, response) => {
    passthrough.handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    async close() {
      proxy.closeAllConnections();
      upstream.closeAllConnections();
      await Promise.all([
        new Promise((resolve) => proxy.close(resolve)),
        new Promise((resolve) => upstream.close(resolve)),
      ]);
    },
  };
}

const completion = (): Promise<{ status: number; body: string }> =>
  send(pair.url, {
    path: '/v1/completions',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', prompt: 'x', max_tokens: 4 }),
  });

let pair: Pair;

describe('a /v1 passthrough upstream that never answers', () => {
  let requests = 0;
  let closed = 0;
  beforeAll(async () => {
    pair = await startPair(
      (request, response) => {
        requests += 1;
        request.resume();
        response.once('close', () => (closed += 1));
      },
      { timeoutMs: 300, maxConcurrent: 4 },
    );
  });
  afterAll(() => pair.close());

  it('answers 504 upstream_timeout after the wait, asks once and closes the connection', async () => {
    const answer = await completion();
    expect(answer.status).toBe(504);
    expect(JSON.parse(answer.body)).toEqual({
      error: {
        message: 'The model server did not answer in time.',
        type: 'server_error',
        param: null,
        code: 'upstream_timeout',
      },
    });
    expect(requests).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(1);
  });
});

describe('more admitted /v1 requests at once than the old 256-connection pool', () => {
  // The upstream answers nobody until all of them have arrived: a request held back in a
  // connection queue would keep every one of them waiting until the timeout (504s).
  const count = 300;
  const waiting: http.ServerResponse[] = [];
  beforeAll(async () => {
    pair = await startPair(
      (request, response) => {
        request.resume();
        waiting.push(response);
        if (waiting.length < count) return;
        for (const held of waiting) {
          held.setHeader('content-type', 'application/json');
          held.end(JSON.stringify({ object: 'text_completion', model: 'm', choices: [] }));
        }
      },
      { timeoutMs: 20_000, maxConcurrent: count },
    );
  });
  afterAll(() => pair.close());

  it('reaches the upstream all at once, and every one is answered', async () => {
    const answers = await Promise.all(Array.from({ length: count }, completion));
    expect(answers.map((answer) => answer.status)).toEqual(Array(count).fill(200));
    expect(waiting).toHaveLength(count);
  }, 15_000);
});
