/**
 * JSON answers of the /v1 passthrough from an upstream that breaks them (issue 12: the model name
 * is swapped back in every answer, so the relay must not trust the body it swaps in): a cut or
 * broken body, a body shorter than it declared, a huge body of known or unknown length. A
 * checkable body that is broken answers 502 in OpenAI's shape; a huge one streams through with
 * the name swapped; the process keeps serving.
 */
import http from 'node:http';
import { CHECKED_JSON_LIMIT } from '../../src/server/passthrough/relay-json-answer';
import { startCompletionsPassthrough } from './support/completions-passthrough';
import { send } from './support/raw-http';

const CLIENT = 'qwen2.5-1.5b-instruct';
const SERVED = 'Qwen/Qwen2.5-1.5B-Instruct';

/** A completion body of about `size` bytes with the served model name. */
function bigAnswer(size: number): string {
  const head = `{"id":"cmpl-1","object":"text_completion","model":"${SERVED}","choices":[{"index":0,"text":"`;
  const tail = '"}]}';
  return head + 'x'.repeat(Math.max(0, size - head.length - tail.length)) + tail;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
const hangEntered = deferred();
const hangClosed = deferred();

const ANSWERS: Record<string, (response: http.ServerResponse) => void> = {
  cut: (response) => {
    const body = '{"id":"cmpl-1","object":"text_completion","choices":[{"index":0,"te';
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    response.end(body);
  },
  short: (response) => {
    // Declares more than it sends, then drops the connection.
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
    response.write(`{"model":"${SERVED}","choices":[`);
    setTimeout(() => response.socket?.destroy(), 20);
  },
  'huge-known': (response) => {
    const body = bigAnswer(CHECKED_JSON_LIMIT + 1024);
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  },
  'huge-chunked': (response) => {
    // No content-length; the served name straddles two writes.
    response.writeHead(200, { 'content-type': 'application/json' });
    const body = bigAnswer(3 * 1024 * 1024);
    const cut = body.indexOf(SERVED) + 5;
    response.write(body.slice(0, cut));
    setTimeout(() => response.end(body.slice(cut)), 5);
  },
  // Never answers; the test watches the upstream connection close when the client leaves.
  hang: (response) => {
    response.once('close', () => hangClosed.resolve());
    hangEntered.resolve();
  },
  ok: (response) => {
    const body = `{"id":"cmpl-1","object":"text_completion","model":"${SERVED}","choices":[]}`;
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    response.end(body);
  },
};

describe('broken and huge JSON answers through the passthrough', () => {
  let upstream: http.Server;
  let proxy: http.Server;
  let url: string;
  const seenModels: string[] = [];
  beforeAll(async () => {
    upstream = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          model: string;
          prompt: string;
        };
        seenModels.push(body.model);
        (ANSWERS[body.prompt] ?? ANSWERS.ok)?.(response);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    ({ server: proxy, url } = await startCompletionsPassthrough(upstream, {
      slots: 8,
      limitBytes: 1024 * 1024,
      retry: (call) => call(),
      servedNames: new Map([[CLIENT, SERVED]]),
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

  const ask = (prompt: string) =>
    send(url, {
      path: '/v1/completions',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: CLIENT, prompt, max_tokens: 4 }),
    });

  it.each(['cut', 'short'])('answers a %s JSON body with a 502 in OpenAI shape', async (prompt) => {
    const answer = await ask(prompt);
    expect(answer.status).toBe(502);
    const { error } = JSON.parse(answer.body) as { error: Record<string, unknown> };
    expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(error).toMatchObject({
      type: 'server_error',
      param: null,
      code: 'invalid_upstream_response',
    });
  });

  it.each(['huge-known', 'huge-chunked'])(
    'streams a %s body through with the client name',
    async (prompt) => {
      const answer = await ask(prompt);
      expect(answer.status).toBe(200);
      const body = JSON.parse(answer.body) as { model: string; choices: { text: string }[] };
      expect(body.model).toBe(CLIENT);
      expect(body.choices[0]?.text.length).toBeGreaterThan(1024 * 1024);
    },
  );

  it('sends the served name upstream and keeps serving after all of that', async () => {
    const answer = await ask('ok');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ model: CLIENT });
    expect(new Set(seenModels)).toEqual(new Set([SERVED]));
  });

  it('cancels the upstream request when the client leaves before the answer', async () => {
    const target = new URL(url);
    const client = http.request({
      host: target.hostname,
      port: target.port,
      method: 'POST',
      path: '/v1/completions',
      headers: { 'content-type': 'application/json' },
      agent: false,
    });
    client.on('error', () => undefined);
    client.end(JSON.stringify({ model: CLIENT, prompt: 'hang', max_tokens: 4 }));
    await hangEntered.promise;
    client.destroy();
    await hangClosed.promise;
    // Still serving.
    expect((await ask('ok')).status).toBe(200);
  });
});
