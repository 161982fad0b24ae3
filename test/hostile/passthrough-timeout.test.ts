/**
 * The /v1 passthrough bounds the wait for the upstream's answer headers (`timeoutMs`): an
 * upstream that takes the request and never answers gets a 504 in OpenAI's shape, is asked once
 * (a timeout is not retried: the work may be running), and its connection is closed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdmission } from '../../src/server/admission';
import { createPassthrough } from '../../src/server/passthrough/create-passthrough';
import { bodyLimits } from '../../src/server/read-json-body';
import { withRetry } from '../../src/upstream/transport/retry';
import { send } from './support/raw-http';

describe('a /v1 passthrough upstream that never answers', () => {
  let upstream: http.Server;
  let proxy: http.Server;
  let url: string;
  let requests = 0;
  let closed = 0;
  beforeAll(async () => {
    upstream = http.createServer((request, response) => {
      requests += 1;
      request.resume();
      response.once('close', () => (closed += 1));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const passthrough = createPassthrough({
      upstream: {
        url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
        timeoutMs: 300,
        retries: 2,
      },
      routes: ['POST /v1/completions'],
      admission: createAdmission({ maxConcurrent: 4, maxQueued: 4, queueTimeoutMs: 1000 }),
      body: bodyLimits({ limitBytes: 64 * 1024 }),
      retry: (call, options) => withRetry(call, { ...options, baseMs: 1, maxMs: 5 }),
    });
    proxy = http.createServer((request, response) => {
      passthrough.handle(request, response).catch(() => response.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    upstream.closeAllConnections();
    await Promise.all([
      new Promise((resolve) => proxy.close(resolve)),
      new Promise((resolve) => upstream.close(resolve)),
    ]);
  });

  it('answers 504 upstream_timeout after the wait, asks once and closes the connection', async () => {
    const answer = await send(url, {
      path: '/v1/completions',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', prompt: 'x', max_tokens: 4 }),
    });
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
