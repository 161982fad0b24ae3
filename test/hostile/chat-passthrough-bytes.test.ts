/**
 * The plain chat passthrough forwards bytes both ways (issue 18): the client's body goes upstream
 * as it was written with only the model value swapped, and the answer comes back as the upstream
 * wrote it with only the model swapped back. Against a fake vLLM that records what it received
 * and answers per the user's message: big integers and spacing survive both ways, a cut answer is
 * a 502 in OpenAI's shape, an upstream 4xx stays a 4xx in OpenAI's shape, streams still relay.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TtsProxyApp } from '../../src/server/create-app';
import type { UpstreamClient } from '../../src/upstream';
import { createPlainChatApp } from './support/plain-chat-app';
import { errorOf, isOpenAiError, send } from './support/raw-http';

const CLIENT = 'qwen2.5-1.5b-instruct';
const SERVED = 'Qwen/Qwen2.5-1.5B-Instruct';

/** An answer with spacing `JSON.stringify` would drop and an integer beyond 2^53. */
const SPACED_ANSWER = `{ "id" : "chatcmpl-1", "object":"chat.completion",\n  "model" : "${SERVED}", "system_fingerprint": 12345678901234567890123,\n  "choices":[{"index":0,"message":{"role":"assistant","content":"Hi \\u00e9 \\"model\\":\\"x\\""},"finish_reason":"stop"}], "usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5} }`;

const ANSWERS: Record<string, (response: http.ServerResponse) => void> = {
  spaced: (response) => {
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(SPACED_ANSWER),
    });
    response.end(SPACED_ANSWER);
  },
  cut: (response) => {
    const body = `{"id":"chatcmpl-1","model":"${SERVED}","choices":[{"index":0,"mess`;
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    response.end(body);
  },
  rejected: (response) => {
    // vLLM's error shape: ErrorResponse/ErrorInfo in vllm/entrypoints/openai/protocol.py @0052bed3
    // (0.10.1+, PR #22099), as in test/fixtures/upstream/vllm/pooling-probe-errors.json.
    const body = JSON.stringify({
      error: {
        message: "This model's maximum context length is 4096 tokens.",
        type: 'BadRequestError',
        param: null,
        code: 400,
      },
    });
    response.writeHead(400, { 'content-type': 'application/json', 'content-length': body.length });
    response.end(body);
  },
  stream: (response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const text of ['Hel', 'lo'])
      response.write(
        `data: {"id":"c1","object":"chat.completion.chunk","model":"${SERVED}","choices":[{"index":0,"delta":{"content":"${text}"}}]}\n\n`,
      );
    response.end('data: [DONE]\n\n');
  },
  /** Two events, then a clean end without `[DONE]` (vLLM always ends with one: serving_chat.py). */
  nodone: (response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const text of ['a', 'b'])
      response.write(
        `data: {"id":"c1","object":"chat.completion.chunk","model":"${SERVED}","choices":[{"index":0,"delta":{"content":"${text}"}}]}\n\n`,
      );
    response.end();
  },
  /** A whole stream, then the start of an event after `[DONE]`, then the end. */
  trailing: (response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(
      `data: {"id":"c1","object":"chat.completion.chunk","model":"${SERVED}","choices":[{"index":0,"delta":{"content":"a"}}]}\n\n`,
    );
    response.end('data: [DONE]\n\ndata: {"partial":');
  },
  /** Whole events after `[DONE]` (and `[DONE]` inside a JSON string before it). */
  afterdone: (response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(
      `data: {"id":"c1","object":"chat.completion.chunk","model":"${SERVED}","choices":[{"index":0,"delta":{"content":"data: [DONE]"}}]}\n\n`,
    );
    response.end(
      `data: [DONE]\n\ndata: {"id":"c2","object":"chat.completion.chunk","model":"${SERVED}","choices":[]}\n\n`,
    );
  },
  /** A flat (pre-0.10.1) error event whose message holds U+2028, legal raw in a JSON string. */
  separator: (response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write('data: {"object":"error","message":"line\u2028sep","type":"X","code":500}\n\n');
    response.end('data: [DONE]\n\n');
  },
  /** The same flat error event with CRLF line ends. */
  crlf: (response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write('data: {"object":"error","message":"bad","type":"X","code":500}\r\n\r\n');
    response.end('data: [DONE]\r\n\r\n');
  },
  /** One `data:` line that never ends: 24 MiB without a newline, in 1 MiB writes. */
  endless: (response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write('data: {"x":"');
    const piece = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    const more = (): void => {
      while (sent < 24 && !response.destroyed) {
        sent += 1;
        if (!response.write(piece)) {
          response.once('drain', more);
          return;
        }
      }
      if (!response.destroyed) response.end('"}\n\n');
    };
    response.on('error', () => undefined);
    more();
  },
};

describe('plain chat passthrough on bytes', () => {
  let upstream: http.Server;
  let proxy: http.Server;
  let app: TtsProxyApp;
  let client: UpstreamClient;
  let url: string;
  const received: string[] = [];
  beforeAll(async () => {
    upstream = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        received.push(text);
        const cue = /"content"\s*:\s*"(\w+)"/.exec(text)?.[1] ?? 'spaced';
        (ANSWERS[cue] ?? ANSWERS.spaced)?.(response);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    ({ app, client } = createPlainChatApp({
      upstreamUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      clientName: CLIENT,
      servedName: SERVED,
      retries: 1,
    }));
    proxy = http.createServer(app.handleRequest);
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    upstream.closeAllConnections();
    await client.close();
    await Promise.all([
      new Promise((resolve) => proxy.close(resolve)),
      new Promise((resolve) => upstream.close(resolve)),
    ]);
  });

  const chat = (body: string) =>
    send(url, {
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json' },
      body,
    });

  it('sends the client bytes upstream with only the model swapped', async () => {
    const body = `{ "model" : "${CLIENT}",\n  "messages": [ {"role":"user", "content":"spaced"} ],  "metadata": {"big": 12345678901234567890123, "x": 1.50} }`;
    received.length = 0;
    const answer = await chat(body);
    expect(answer.status).toBe(200);
    expect(received).toEqual([body.replace(`"${CLIENT}"`, JSON.stringify(SERVED))]);
  });

  it('relays the answer bytes with only the model swapped back', async () => {
    const answer = await chat(
      JSON.stringify({ model: CLIENT, messages: [{ role: 'user', content: 'spaced' }] }),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['x-tts-strategy']).toBe('passthrough');
    expect(answer.body).toBe(SPACED_ANSWER.replace(`"${SERVED}"`, JSON.stringify(CLIENT)));
    // The `"model":"x"` inside the message text is content, not the answer's model.
    expect((JSON.parse(answer.body) as { model: string }).model).toBe(CLIENT);
  });

  it('answers a cut upstream body with a 502 in OpenAI shape', async () => {
    received.length = 0;
    const answer = await chat(
      JSON.stringify({ model: CLIENT, messages: [{ role: 'user', content: 'cut' }] }),
    );
    expect(answer.status).toBe(502);
    expect(isOpenAiError(answer.body)).toBe(true);
    // A cut answer is a transient fault: tried again once (retries: 1), like an unparseable one.
    expect(received).toHaveLength(2);
  });

  it('keeps an upstream 4xx a 4xx in OpenAI shape', async () => {
    const answer = await chat(
      JSON.stringify({ model: CLIENT, messages: [{ role: 'user', content: 'rejected' }] }),
    );
    expect(answer.status).toBe(400);
    expect(isOpenAiError(answer.body)).toBe(true);
    expect(errorOf(answer.body).message).toContain('maximum context length');
  });

  it('relays a stream with the client model in every event', async () => {
    const answer = await chat(
      JSON.stringify({
        model: CLIENT,
        stream: true,
        messages: [{ role: 'user', content: 'stream' }],
      }),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toContain('text/event-stream');
    const events = answer.body
      .split('\n\n')
      .filter((event) => event.startsWith('data: {'))
      .map((event) => JSON.parse(event.slice(6)) as { model: string });
    expect(events.map((event) => event.model)).toEqual([CLIENT, CLIENT]);
    expect(answer.body.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('sends the parsed body when the request carries our own fields', async () => {
    received.length = 0;
    const answer = await chat(
      `{"model":"${CLIENT}","tts_return_candidates":false,"messages":[{"role":"user","content":"spaced"}],"metadata":{"big":12345678901234567890123}}`,
    );
    expect(answer.status).toBe(200);
    const sent = JSON.parse(received[0] ?? '{}') as Record<string, unknown>;
    expect(sent.model).toBe(SERVED);
    expect(sent).not.toHaveProperty('tts_return_candidates');
  });

  it('never forwards bytes that are not the UTF-8 that was parsed', async () => {
    received.length = 0;
    const head = Buffer.from(`{"model":"${CLIENT}","messages":[{"role":"user","content":"spaced`);
    const answer = await send(url, {
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat([head, Buffer.from([0xff]), Buffer.from('"}]}')]),
    });
    expect(answer.status).toBe(200);
    expect(Buffer.from(received[0] ?? '').includes(0xff)).toBe(false);
    expect(received[0]).toContain('\ufffd');
  });

  const streamOf = (cue: string) =>
    chat(
      JSON.stringify({ model: CLIENT, stream: true, messages: [{ role: 'user', content: cue }] }),
    );
  const payloadsOf = (body: string) =>
    body
      .split('\n\n')
      .filter((event) => event.startsWith('data: '))
      .map((event) => event.slice(6));

  it('ends a vLLM stream that stops without [DONE] with an error event and [DONE], as the /v1 relay does', async () => {
    const answer = await streamOf('nodone');
    const payloads = payloadsOf(answer.body);
    expect(payloads).toHaveLength(4);
    expect(errorOf(payloads[2] ?? '{}').code).toBe('upstream_stream_broken');
    expect(payloads[3]).toBe('[DONE]');
  });

  it('drops whole events after [DONE], and reads [DONE] inside a string as content', async () => {
    const answer = await streamOf('afterdone');
    const payloads = payloadsOf(answer.body);
    expect(payloads).toHaveLength(2);
    expect(payloads[0]).toContain('"content":"data: [DONE]"');
    expect(payloads[1]).toBe('[DONE]');
    expect(answer.body).not.toContain('"c2"');
  });

  it('ends quietly after [DONE]: bytes trailing it are dropped, not reported', async () => {
    const answer = await streamOf('trailing');
    expect(answer.body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(payloadsOf(answer.body)).toHaveLength(2);
  });

  it('wraps a flat error event whose text holds U+2028, so SDKs throw', async () => {
    const payloads = payloadsOf((await streamOf('separator')).body);
    expect(isOpenAiError(payloads[0] ?? '')).toBe(true);
    expect(errorOf(payloads[0] ?? '{}').message).toBe('line\u2028sep');
    expect(payloads[1]).toBe('[DONE]');
  });

  it('wraps a flat error event on a CRLF stream too', async () => {
    const answer = await streamOf('crlf');
    const payloads = answer.body
      .split('\r\n\r\n')
      .filter((event) => event.startsWith('data: '))
      .map((event) => event.slice(6));
    expect(isOpenAiError(payloads[0] ?? '')).toBe(true);
    expect(errorOf(payloads[0] ?? '{}').message).toBe('bad');
  });

  it('breaks a stream whose line outgrows the bound, without holding it all or stalling', async () => {
    const started = performance.now();
    const answer = await streamOf('endless');
    const payloads = payloadsOf(answer.body);
    expect(errorOf(payloads.at(-2) ?? '{}')).toMatchObject({
      code: 'upstream_stream_broken',
      message: expect.stringMatching(/larger than the proxy holds/),
    });
    expect(payloads.at(-1)).toBe('[DONE]');
    // Nothing of the unfinished line reached the client.
    expect(answer.body.length).toBeLessThan(1024);
    // Linear in what arrived (a join per read made this seconds): a generous bound for CI.
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
