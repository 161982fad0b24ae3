/**
 * Requests still running at the shutdown's drain deadline (user review: a cut non-streamed client
 * read a connection reset, a cut stream just stopped — the OpenAI SDK threw `TypeError:
 * terminated` — and the access log called the server's cut a client disconnect). Real sockets:
 * the real app behind the shutdown as start-server.ts composes them, in front of the simulator
 * (searches) or of an upstream this file runs (relayed streams).
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import OpenAI from 'openai';
import pino from 'pino';
import { createShutdownControl, type DrainReport } from '../../src/server/shutdown';
import { startSimulator } from '../../src/sim';
import type { RunningSimulator } from '../../src/sim/sim-options';
import { send } from './support/raw-http';
import { createPlainChatApp } from './support/plain-chat-app';

const CLIENT = 'qwen2.5-1.5b-instruct';
const SERVED = 'Qwen/Qwen2.5-1.5B-Instruct';
/** The simulator's served name (it names itself a simulator). */
const SIM_SERVED = 'sim-qwen2.5-1.5b-instruct';
const QUESTION = 'What is 12 + 30?';
/** Every request below runs for seconds: each is still running at this deadline. */
const DRAIN_MS = 200;
const SHUTTING_DOWN = {
  message: 'The server is shutting down; retry on another instance.',
  type: 'server_error',
  param: null,
  code: 'shutting_down',
};

type LogLine = Record<string, unknown> & { msg: string };

interface Proxy {
  url: string;
  lines: LogLine[];
  drain(): Promise<DrainReport>;
  /** What the drain leaves: the app's upstream connections. */
  close(): Promise<void>;
}

async function startProxy(upstreamUrl: string, servedName = SERVED): Promise<Proxy> {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as LogLine);
      callback();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const { app, client } = createPlainChatApp({
    upstreamUrl,
    clientName: CLIENT,
    servedName,
    retries: 0,
    logger,
    withPassthrough: true,
  });
  const shutdown = createShutdownControl(logger);
  const server = http.createServer(app.serverOptions, shutdown.wrap(app.handleRequest));
  shutdown.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lines,
    drain: () => shutdown.drain(DRAIN_MS),
    async close() {
      app.closePassthrough();
      await client.close();
    },
  };
}

/** Polls `condition` every 10 ms for at most 5 s (what it waits for takes milliseconds). */
async function until(condition: () => boolean): Promise<boolean> {
  for (let waited = 0; waited < 5000 && !condition(); waited += 10)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return condition();
}

/**
 * At warn and above, the drain's line for the cut and the access line, and nothing else (no
 * unexpected error, no upstream break); and no line calling the cut the client's leaving.
 */
function expectCutLogged(lines: readonly LogLine[], path: string, status: number): void {
  expect(lines.filter((line) => Number(line.level) >= 40)).toEqual([
    expect.objectContaining({
      msg: 'request cut by shutdown: still running at the drain deadline',
      method: 'POST',
      url: path,
    }),
    expect.objectContaining({ msg: 'request completed', url: path, status, cutByShutdown: true }),
  ]);
  expect(lines.map((line) => line.msg)).not.toContain('client disconnected; request aborted');
}

describe('a search still running at the drain deadline', () => {
  let sim: RunningSimulator;
  let proxy: Proxy;
  beforeEach(async () => {
    // 100 ms a token: each sampling call of the search takes seconds.
    sim = await startSimulator({
      role: 'policy',
      seed: 1,
      model: { servedName: SIM_SERVED, paramsB: 1.5, family: 'qwen2.5' },
      latency: { decodeMsPerToken: 100 },
    });
    proxy = await startProxy(sim.url, SIM_SERVED);
  });
  afterEach(async () => {
    await proxy.close();
    await sim.close();
  });

  const search = { model: CLIENT, messages: [{ role: 'user' as const, content: QUESTION }] };
  const tts = { tts_strategy: 'majority', tts_budget: 4 };

  it('answers a non-streamed request 503 shutting_down and cancels its upstream calls', async () => {
    const answer = send(proxy.url, {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...search, ...tts }),
    });
    expect(await until(() => sim.stats().inFlight > 0)).toBe(true);
    const report = await proxy.drain();
    const { status, headers, body } = await answer;
    expect({ status, connection: headers.connection, retryAfter: headers['retry-after'] }).toEqual({
      status: 503,
      connection: 'close',
      retryAfter: '1',
    });
    expect(JSON.parse(body)).toEqual({ error: SHUTTING_DOWN });
    expect(report).toMatchObject({ drained: 0, cut: 1 });
    // Cancelled by the cut itself: the app's upstream connections are still open here.
    expect(await until(() => sim.stats().inFlight === 0)).toBe(true);
    expect(sim.stats().aborted).toBeGreaterThan(0);
    expectCutLogged(proxy.lines, '/v1/chat/completions', 503);
    // The search's abort reached the error handler as the cut's doing, quietly.
    expect(proxy.lines).toContainEqual(
      expect.objectContaining({ msg: 'work of a request cut by shutdown stopped' }),
    );
  });

  it('ends a streamed answer with an error event the OpenAI SDK raises as an APIError', async () => {
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const stream = await client.chat.completions.create({ ...search, ...tts, stream: true });
    const read = (async (): Promise<unknown> => {
      try {
        for await (const part of stream) void part;
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(await until(() => sim.stats().inFlight > 0)).toBe(true);
    const report = await proxy.drain();
    const error = await read;
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({
      message: SHUTTING_DOWN.message,
      code: 'shutting_down',
      type: 'server_error',
    });
    expect(report).toMatchObject({ drained: 0, cut: 1 });
    expect(await until(() => sim.stats().inFlight === 0)).toBe(true);
    expect(sim.stats().aborted).toBeGreaterThan(0);
    // The status its client read: the stream's.
    expectCutLogged(proxy.lines, '/v1/chat/completions', 200);
  });
});

/** An upstream that streams one event and then holds the stream open, or streams without end. */
function startStreamingUpstream(mode: 'hold' | 'firehose'): Promise<{
  server: http.Server;
  url: string;
  stream: { isWaiting: boolean; written: number; closedEarly: boolean };
}> {
  const stream = { isWaiting: false, written: 0, closedEarly: false };
  const event = Buffer.from(
    `data: {"id":"c1","object":"chat.completion.chunk","model":"${SERVED}","choices":[{"index":0,"delta":{"content":"${'x'.repeat(mode === 'hold' ? 10 : 900)}"}}]}\n\n`,
  );
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.once('close', () => {
        if (!response.writableFinished) stream.closedEarly = true;
      });
      if (mode === 'hold') {
        response.write(event);
        return;
      }
      const pump = (): void => {
        stream.isWaiting = false;
        for (;;) {
          stream.written += event.length;
          if (!response.write(event)) break;
        }
        stream.isWaiting = true;
        response.once('drain', pump);
      };
      pump();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        stream,
      }),
    ),
  );
}

async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('a relayed stream still running at the drain deadline', () => {
  const routes = [
    {
      relay: 'plain chat',
      path: '/v1/chat/completions',
      body: { model: CLIENT, messages: [{ role: 'user', content: 'Write.' }], stream: true },
    },
    {
      relay: '/v1 passthrough',
      path: '/v1/completions',
      body: { model: CLIENT, prompt: 'Write.', stream: true },
    },
  ];

  it.each(routes)(
    '$relay: ends with an error event and [DONE] after what was relayed, and cancels the upstream',
    async ({ path, body }) => {
      const upstream = await startStreamingUpstream('hold');
      const proxy = await startProxy(upstream.url);
      try {
        let received = '';
        const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
          const request = http.request(`${proxy.url}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
          });
          request.on('response', (response) => {
            response.setEncoding('utf8');
            response.on('data', (text: string) => (received += text));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, text: received }));
            response.on('error', reject);
          });
          request.on('error', reject);
          request.end(JSON.stringify(body));
        });
        expect(await until(() => received.includes('xxxxxxxxxx'))).toBe(true);
        const report = await proxy.drain();
        const { status, text } = await answer;
        expect(status).toBe(200);
        // Whole events, each JSON but the last: the relayed one, then the error, then [DONE].
        const events = text
          .split('\n\n')
          .map((event) => event.trim())
          .filter((event) => event.length > 0);
        expect(events.slice(-2)).toEqual([
          `data: ${JSON.stringify({ error: SHUTTING_DOWN })}`,
          'data: [DONE]',
        ]);
        expect(events).toHaveLength(3);
        expect(report).toMatchObject({ drained: 0, cut: 1 });
        expect(await until(() => upstream.stream.closedEarly)).toBe(true);
        expectCutLogged(proxy.lines, path, 200);
      } finally {
        await proxy.close();
        await closeServer(upstream.server);
      }
    },
  );

  it('ends the drain in bounded time when the cut stream’s client reads nothing', async () => {
    const upstream = await startStreamingUpstream('firehose');
    const proxy = await startProxy(upstream.url);
    const socket = net.connect(Number(new URL(proxy.url).port), '127.0.0.1');
    try {
      await new Promise((resolve) => socket.once('connect', resolve));
      // Reads nothing: the relay fills every buffer on the way and holds the upstream back.
      socket.pause();
      const body = JSON.stringify(routes[0]?.body);
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      // Held back: the upstream waits to write, and what it wrote has not grown for 500 ms
      // (every buffer on the way is full, the proxy's own included).
      let last = -1;
      let stillSince = performance.now();
      const isHeldBack = (): boolean => {
        const now = performance.now();
        if (!upstream.stream.isWaiting || upstream.stream.written !== last) stillSince = now;
        last = upstream.stream.written;
        return now - stillSince >= 500;
      };
      expect(await until(isHeldBack)).toBe(true);
      const started = performance.now();
      const report = await proxy.drain();
      const tookMs = performance.now() - started;
      expect(report).toMatchObject({ drained: 0, cut: 1 });
      // The deadline, then the cut's error event waited its short grace (250 ms) in the full
      // socket before the connection was destroyed; nothing more for a client that never reads.
      expect(tookMs).toBeGreaterThanOrEqual(DRAIN_MS + 240);
      expect(tookMs).toBeLessThan(DRAIN_MS + 1500);
      expect(await until(() => upstream.stream.closedEarly)).toBe(true);
      // Never read by its client: aborted, though node calls a destroyed response finished.
      expect(proxy.lines.filter((line) => line.msg === 'request completed')).toEqual([
        expect.objectContaining({ status: 200, cutByShutdown: true, aborted: true }),
      ]);
    } finally {
      socket.destroy();
      await proxy.close();
      await closeServer(upstream.server);
    }
  });
});
