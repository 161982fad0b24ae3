/**
 * Streamed passthrough against upstreams that break (issue 13: a broken stream reached the client
 * as a 200 with a broken event and no [DONE]; a 5xx before the first byte was never retried).
 * A broken stream now ends with an OpenAI error event and [DONE]; a 5xx before the first byte is
 * retried.
 */
import http from 'node:http';
import type { RunningServer } from '../../src/main';
import { startCompletionsPassthrough } from './support/completions-passthrough';
import { withRetry } from '../../src/upstream/transport/retry';
import { startTestServer } from '../integration/start-test-server';
import { errorOf, isOpenAiError, send } from './support/raw-http';

const STREAM_BODY = JSON.stringify({
  model: 'sim-qwen2.5-1.5b-instruct',
  prompt: 'Count: 1, 2,',
  max_tokens: 8,
  stream: true,
});

/** The `data:` payloads of an SSE body, in order. */
function events(body: string): string[] {
  return body
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice(6));
}

describe('broken upstream streams through the real server', () => {
  let broken: RunningServer;
  let flaky: RunningServer;
  beforeAll(async () => {
    [broken, flaky] = await Promise.all([
      startTestServer({ TTS_PROXY__UPSTREAMS__POLICY__SIM__FAULTS__MALFORMED_RATE: '1' }),
      startTestServer({
        TTS_PROXY__UPSTREAMS__POLICY__SIM__FAULTS__ERROR_RATE: '0.5',
        TTS_PROXY__UPSTREAMS__POLICY__RETRIES: '3',
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([broken.close(), flaky.close()]);
  });

  it('ends a stream the upstream breaks with an OpenAI error event and [DONE]', async () => {
    const answer = await send(broken.url, {
      path: '/v1/completions',
      headers: { 'content-type': 'application/json' },
      body: STREAM_BODY,
    });
    expect(answer.status).toBe(200);
    const payloads = events(answer.body);
    expect(payloads.at(-1)).toBe('[DONE]');
    expect(isOpenAiError(payloads.at(-2) ?? '')).toBe(true);
    expect(errorOf(payloads.at(-2) ?? '{}').code).toBe('upstream_stream_broken');
  });

  it('retries a 5xx that comes before the first byte', async () => {
    const before = flaky.simulators.policy?.stats().requestsByRoute['POST /v1/completions'] ?? 0;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        send(flaky.url, {
          path: '/v1/completions',
          headers: { 'content-type': 'application/json' },
          body: STREAM_BODY,
        }),
      ),
    );
    const calls =
      (flaky.simulators.policy?.stats().requestsByRoute['POST /v1/completions'] ?? 0) - before;
    // Half the upstream calls fail: retries make the calls outnumber the requests.
    expect(calls).toBeGreaterThan(answers.length);
    // Each answer is a complete stream, or (retries spent) the last upstream status mapped by
    // cause — 503 stays 503, anything else 502 — in OpenAI's shape.
    const verdicts = answers.map((answer) =>
      answer.status === 200
        ? events(answer.body).at(-1) === '[DONE]'
        : [502, 503].includes(answer.status) && isOpenAiError(answer.body),
    );
    expect(verdicts).toEqual(Array(answers.length).fill(true));
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThan(15);
  });
});

describe('a stream whose upstream connection drops mid-way', () => {
  let upstream: http.Server;
  let proxy: http.Server;
  let url: string;
  beforeAll(async () => {
    // Two good events, then the connection is destroyed: no [DONE], no end.
    upstream = http.createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: {"id":"a","object":"text_completion","choices":[{"text":"1"}]}\n\n');
      response.write('data: {"id":"a","object":"text_completion","choices":[{"text":"2"}]}\n\n');
      setTimeout(() => response.socket?.destroy(), 50);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    ({ server: proxy, url } = await startCompletionsPassthrough(upstream, {
      slots: 4,
      limitBytes: 1024 * 1024,
      retry: (call, options) => withRetry(call, options),
    }));
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    upstream.closeAllConnections();
    await Promise.all([
      new Promise((resolve) => proxy.close(resolve)),
      new Promise((resolve) => upstream.close(resolve)),
    ]);
  });

  it('relays the good events, then an OpenAI error event and [DONE]', async () => {
    const answer = await send(url, {
      path: '/v1/completions',
      headers: { 'content-type': 'application/json' },
      body: STREAM_BODY,
    });
    const payloads = events(answer.body);
    expect(payloads).toHaveLength(4);
    expect(payloads[1]).toContain('"text":"2"');
    expect(errorOf(payloads[2] ?? '{}').code).toBe('upstream_stream_broken');
    expect(payloads[3]).toBe('[DONE]');
  });
});
