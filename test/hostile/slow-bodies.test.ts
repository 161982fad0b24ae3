/**
 * Clients that trickle their bodies must not lock anyone out (issue 13: a few dozen such clients
 * held every admission slot, all others got 429). Bodies are read before a request takes a slot,
 * so 40 slow bodies against 8 slots leave ordinary requests untouched; the slow ones end with 408.
 */
import http from 'node:http';
import net from 'node:net';
import type { RunningServer } from '../../src/main';
import { startTestServer } from '../integration/start-test-server';
import { isOpenAiError, send, type RawAnswer } from './support/raw-http';

const SLOTS = 8;
const SLOW_CLIENTS = 40;
const ORDINARY = 32;

/** Declares a body of `declared` bytes and sends one byte every `everyMs` (never: 0). */
function trickle(url: string, declared = 1000, everyMs = 400): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const request = http.request({
      host: target.hostname,
      port: target.port,
      method: 'POST',
      path: '/v1/chat/completions',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': declared },
    });
    const timer = everyMs > 0 ? setInterval(() => request.write('{'), everyMs) : undefined;
    request.on('response', (response) => {
      clearInterval(timer);
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    request.on('error', () => {
      clearInterval(timer);
      resolve({ status: 0, headers: {}, body: '' });
    });
    request.flushHeaders();
  });
}

describe('slow bodies', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({
      TTS_PROXY__SERVER__MAX_CONCURRENT_REQUESTS: String(SLOTS),
      TTS_PROXY__SERVER__MAX_QUEUED_REQUESTS: '64',
      TTS_PROXY__SERVER__BODY_TIMEOUT_MS: '4000',
      TTS_PROXY__SERVER__BODY_IDLE_TIMEOUT_MS: '2000',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it(`serves ordinary requests while ${SLOW_CLIENTS} clients trickle bodies into ${SLOTS} slots`, async () => {
    const slow = Array.from({ length: SLOW_CLIENTS }, () => trickle(server.url));
    // Let every slow client connect and start its body before the ordinary traffic.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const body = JSON.stringify({
      model: 'qwen2.5-1.5b-instruct',
      messages: [{ role: 'user', content: 'What is 2 + 3?' }],
      tts_strategy: 'best_of_n',
      tts_budget: 4,
    });
    const ordinary = await Promise.all(
      Array.from({ length: ORDINARY }, () =>
        send(server.url, {
          path: '/v1/chat/completions',
          headers: { 'content-type': 'application/json' },
          body,
        }),
      ),
    );
    expect(ordinary.map((answer) => answer.status)).toEqual(Array(ORDINARY).fill(200));
    const cut = await Promise.all(slow);
    // Each slow client is refused when its body deadline passes, with an OpenAI-shaped 408.
    expect(cut.map((answer) => [answer.status, isOpenAiError(answer.body)])).toEqual(
      Array(SLOW_CLIENTS).fill([408, true]),
    );
  }, 30_000);
});

describe('declared lengths', () => {
  const BUDGET = 100_000;
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({
      TTS_PROXY__SERVER__MAX_BUFFERED_BODY_BYTES: String(BUDGET),
      TTS_PROXY__SERVER__BODY_TIMEOUT_MS: '4000',
      TTS_PROXY__SERVER__BODY_IDLE_TIMEOUT_MS: '2000',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('do not hold the body budget: clients that declare large bodies and send nothing lock no one out', async () => {
    // 20 clients declaring half the byte budget each: reserved up front, two of them held it all
    // and every other body was refused (429); counted as bytes arrive, they hold nothing.
    const silent = Array.from({ length: 20 }, () => trickle(server.url, BUDGET / 2, 0));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ordinary = await Promise.all(
      Array.from({ length: 8 }, () =>
        send(server.url, {
          path: '/v1/chat/completions',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'qwen2.5-1.5b-instruct',
            messages: [{ role: 'user', content: 'What is 2 + 3?' }],
          }),
        }),
      ),
    );
    expect(ordinary.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    const cut = await Promise.all(silent);
    expect(cut.map((answer) => answer.status)).toEqual(Array(20).fill(408));
  }, 30_000);
});

describe('bodies held while their requests run', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({
      TTS_PROXY__SERVER__MAX_BUFFERED_BODY_BYTES: '150000',
      // Each policy call takes 300 ms, so the searches below are all running at once.
      TTS_PROXY__UPSTREAMS__POLICY__SIM__LATENCY__PER_CALL_MS: '300',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('count against the byte bound until answered: the parsed bodies of queued and running requests are bounded', async () => {
    // Each body ~20 KB (a long `user` field; the question stays short for the model's context),
    // ~60 KB once its parse is counted: two fit in 150,000 bytes, the rest are refused while
    // those two run.
    const body = JSON.stringify({
      model: 'qwen2.5-1.5b-instruct',
      messages: [{ role: 'user', content: 'What is 2 + 3?' }],
      user: 'u'.repeat(20_000),
      tts_budget: 4,
    });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        send(server.url, {
          path: '/v1/chat/completions',
          headers: { 'content-type': 'application/json' },
          body,
        }),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 200, 429, 429, 429, 429]);
    expect(answers.filter((a) => a.status === 429).every((a) => isOpenAiError(a.body))).toBe(true);
    // Answered, their bytes are given back: the next request is served.
    const after = await send(server.url, {
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(after.status).toBe(200);
    // A pipelined pair on a connection the client resets: the second response never gets the
    // socket, and node emits no 'close' on it; its bytes must still come back (a review's repro).
    for (let i = 0; i < 3; i++) await pipelinedPairThenReset(server.url, body);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const afterReset = await Promise.all(
      [0, 1].map(() =>
        send(server.url, {
          path: '/v1/chat/completions',
          headers: { 'content-type': 'application/json' },
          body,
        }),
      ),
    );
    expect(afterReset.map((answer) => answer.status)).toEqual([200, 200]);
  }, 30_000);
});

/** A small TTS request and `body` pipelined on one connection, which is reset 100 ms later. */
function pipelinedPairThenReset(url: string, body: string): Promise<void> {
  const target = new URL(url);
  const small = JSON.stringify({
    model: 'qwen2.5-1.5b-instruct',
    messages: [{ role: 'user', content: 'What is 2 + 3?' }],
    tts_budget: 4,
  });
  const request = (payload: string): string =>
    `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n` +
    `content-length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`;
  return new Promise((resolve) => {
    const socket = net.connect(Number(target.port), target.hostname, () => {
      socket.write(request(small) + request(body));
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 100);
    });
    socket.on('error', () => undefined);
  });
}
