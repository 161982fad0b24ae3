/**
 * The edge against requests a hostile client sends on purpose (issue 13): paths that name other
 * routes, bodies too large, broken compression, JSON nested thousands deep — each a 4xx with an
 * OpenAI-shaped body, never a 5xx; and what unauthenticated callers may read.
 */
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import type { RunningServer } from '../../src/main';
import { startTestServer } from '../integration/start-test-server';
import { errorOf, isOpenAiError, send, sendRaw } from './support/raw-http';

const KEY = 'sk-hostile-test-key';
const MODEL = 'qwen2.5-1.5b-instruct';
const auth = { authorization: `Bearer ${KEY}` };
const json = { 'content-type': 'application/json', ...auth };

function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

describe('hostile edge', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({
      TTS_PROXY__SERVER__API_KEY_ENVS: '[HOSTILE_KEY]',
      TTS_PROXY__SERVER__METRICS_REQUIRE_KEY: 'true',
      HOSTILE_KEY: KEY,
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("answers in OpenAI's shape what node refuses on its own: no Host, an unknown Expect, CONNECT", async () => {
    const cases: [string, number, string][] = [
      ['GET /v1/models HTTP/1.1\r\n\r\n', 400, 'invalid_http'],
      [
        'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nexpect: 200-ok\r\ncontent-length: 2\r\n\r\n{}',
        417,
        'expectation_failed',
      ],
      [
        'CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\n',
        405,
        'method_not_allowed',
      ],
    ];
    for (const [bytes, status, code] of cases) {
      const answer = await sendRaw(server.url, bytes);
      expect([answer.status, isOpenAiError(answer.body), errorOf(answer.body).code]).toEqual([
        status,
        true,
        code,
      ]);
    }
    // `Expect: 100-continue` with a declared length over the limit: the 413 comes first, with no
    // `100 Continue` inviting the upload, from the app's own body reader (the access log's request
    // id on it), closing the connection the client never sent a body on.
    const declared = await sendRaw(
      server.url,
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY}\r\ncontent-type: application/json\r\nexpect: 100-continue\r\ncontent-length: 50000000\r\n\r\n`,
    );
    expect([declared.status, errorOf(declared.body).code]).toEqual([413, 'request_too_large']);
    expect(declared.headers['x-request-id']).toMatch(/^[\w.:-]+$/);
    expect(declared.headers.connection).toBe('close');
    // A length past 2^53 is a claim over the limit too, not an undeclared body to wait for.
    const huge = await sendRaw(
      server.url,
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY}\r\ncontent-type: application/json\r\nexpect: 100-continue\r\ncontent-length: 9007199254740993\r\n\r\n`,
      3_000,
    );
    expect([huge.status, errorOf(huge.body).code]).toEqual([413, 'request_too_large']);
    // Refused before the body is read (a wrong key, a route that takes no body): the final
    // status comes first, no `100 Continue` invites an upload nobody will read.
    for (const [head, status] of [
      [`POST /v1/chat/completions HTTP/1.1\r\nauthorization: Bearer sk-wrong\r\n`, 401],
      [`POST /v1/nothing-here HTTP/1.1\r\nauthorization: Bearer ${KEY}\r\n`, 404],
    ] as const) {
      const refused = await sendRaw(
        server.url,
        `${head}host: x\r\ncontent-type: application/json\r\nexpect: 100-continue\r\ncontent-length: 20\r\n\r\n`,
      );
      expect([refused.status, isOpenAiError(refused.body), refused.headers.connection]).toEqual([
        status,
        true,
        'close',
      ]);
    }
    // Within the limit the client is told to go on, and the request is served.
    const body = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] });
    const continued = await new Promise<string>((resolve) => {
      const target = new URL(server.url);
      const socket = net.connect(Number(target.port), target.hostname);
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (/HTTP\/1\.1 200[\s\S]*\r\n\r\n[\s\S]*"choices"/.test(text)) socket.destroy();
      });
      socket.on('close', () => resolve(text));
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY}\r\ncontent-type: application/json\r\nexpect: 100-continue\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`,
      );
      setTimeout(() => socket.write(body), 50);
      setTimeout(() => socket.destroy(), 10_000);
    });
    expect(continued.startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200')).toBe(true);
    // HTTP/1.0 needs no Host.
    expect(
      (await sendRaw(server.url, `GET /v1/models HTTP/1.0\r\nauthorization: Bearer ${KEY}\r\n\r\n`))
        .status,
    ).toBe(200);
  });

  it('refuses dot segments and encoded separators with 400 before anything is forwarded', async () => {
    const paths = [
      '/v1/../health',
      '/v1/%2e%2e/metrics',
      '/v1/%2E%2E/metrics',
      '/v1/completions/../../health',
      '/v1/./completions',
      '/v1/completions%2f..%2f..%2fhealth',
      '/v1//completions',
    ];
    const before = server.simulators.policy?.stats().requestsByRoute ?? {};
    for (const path of paths) {
      const answer = await send(server.url, { path, headers: json, body: '{}' });
      expect([path, answer.status, isOpenAiError(answer.body)]).toEqual([path, 400, true]);
    }
    expect(server.simulators.policy?.stats().requestsByRoute).toEqual(before);
  });

  it('forwards only the allow-listed /v1 routes', async () => {
    const tokenize = await send(server.url, { path: '/v1/tokenize', headers: json, body: '{}' });
    expect([tokenize.status, isOpenAiError(tokenize.body)]).toEqual([404, true]);
    const wrongMethod = await send(server.url, {
      method: 'GET',
      path: '/v1/completions',
      headers: auth,
    });
    expect([wrongMethod.status, isOpenAiError(wrongMethod.body)]).toEqual([405, true]);
    // Our own GET routes answer another method with 405 and the methods they take.
    for (const path of ['/v1/models', '/v1/models/qwen2.5-1.5b-instruct', '/health', '/metrics']) {
      const posted = await send(server.url, { path, headers: json, body: '{}' });
      expect([path, posted.status, posted.headers.allow, isOpenAiError(posted.body)]).toEqual([
        path,
        405,
        'GET, HEAD',
        true,
      ]);
    }
    const ok = await send(server.url, {
      path: '/v1/completions?trace=1',
      headers: json,
      body: JSON.stringify({ model: 'sim-qwen2.5-1.5b-instruct', prompt: '2+2=', max_tokens: 4 }),
    });
    expect(ok.status).toBe(200);
  });

  it('answers 413 to a passthrough body over the limit, without reading 20 MB', async () => {
    const body = Buffer.alloc(20 * 1024 * 1024, 0x20);
    const answer = await send(server.url, { path: '/v1/completions', headers: json, body });
    expect([answer.status, isOpenAiError(answer.body)]).toEqual([413, true]);
  });

  it('answers 400 to a body that claims gzip but is not, on chat and passthrough', async () => {
    for (const path of ['/v1/chat/completions', '/v1/completions']) {
      const answer = await send(server.url, {
        path,
        headers: { ...json, 'content-encoding': 'gzip' },
        body: '{"model":"m"}',
      });
      expect([path, answer.status, errorOf(answer.body).code]).toEqual([
        path,
        400,
        'invalid_encoding',
      ]);
    }
    const good = await send(server.url, {
      path: '/v1/chat/completions',
      headers: { ...json, 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] })),
    });
    expect(good.status).toBe(200);
  });

  it('answers 400 naming the limit to JSON nested 5,000 deep in a forwarded field, streamed or not', async () => {
    const fields = ['tools', 'response_format', 'logit_bias'];
    for (const field of fields) {
      for (const stream of [false, true]) {
        const body = `{"model":"${MODEL}","stream":${stream},"messages":[{"role":"user","content":"Hi"}],"${field}":${nested(5000)}}`;
        const answer = await send(server.url, {
          path: '/v1/chat/completions',
          headers: json,
          body,
        });
        expect([field, stream, answer.status]).toEqual([field, stream, 400]);
        expect(errorOf(answer.body).message).toMatch(/limit of 128 levels/);
      }
    }
    const passthrough = await send(server.url, {
      path: '/v1/completions',
      headers: json,
      body: `{"model":"sim-qwen2.5-1.5b-instruct","prompt":${nested(5000)}}`,
    });
    expect(passthrough.status).toBe(400);
  });

  it('keeps /health minimal and /metrics closed for callers without a key', async () => {
    const open = await send(server.url, { method: 'GET', path: '/health' });
    expect(JSON.parse(open.body)).toEqual({ status: 'ok' });
    const detailed = await send(server.url, { method: 'GET', path: '/health', headers: auth });
    const detail = JSON.parse(detailed.body) as { upstreams: Record<string, { status: string }> };
    expect(detail.upstreams.policy?.status).toBe('ok');
    const metrics = await send(server.url, { method: 'GET', path: '/metrics' });
    expect([metrics.status, isOpenAiError(metrics.body)]).toEqual([401, true]);
    const keyed = await send(server.url, { method: 'GET', path: '/metrics', headers: auth });
    expect(keyed.status).toBe(200);
    // Liveness needs no key, so a pod's probe never fails for want of one.
    const live = await send(server.url, { method: 'GET', path: '/livez' });
    expect([live.status, JSON.parse(live.body)]).toEqual([200, { status: 'alive' }]);
    const posted = await send(server.url, { method: 'POST', path: '/livez', body: '{}' });
    expect(posted.status).toBe(405);
  });
});

describe('the body gate counts what a body costs once decoded and parsed', () => {
  let server: RunningServer;
  beforeAll(async () => {
    // 512 KiB of bodies held at once; each body may be 1 MiB (decoded too).
    server = await startTestServer({
      TTS_PROXY__SERVER__MAX_BUFFERED_BODY_BYTES: String(512 * 1024),
    });
  });
  afterAll(async () => {
    await server.close();
  });

  const chat = (extra: Record<string, unknown>): string =>
    JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], ...extra });

  it('counts a gzip body at its decompressed size: 1 KB that inflates past the bound is refused (429)', async () => {
    const inflating = gzipSync(chat({ user: 'x'.repeat(600_000) }));
    expect(inflating.length).toBeLessThan(4096);
    for (const path of ['/v1/chat/completions', '/v1/completions']) {
      const answer = await send(server.url, {
        path,
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: inflating,
      });
      expect([answer.status, errorOf(answer.body).code]).toEqual([429, 'overloaded']);
    }
    // A small gzip body still goes through.
    const small = await send(server.url, {
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(chat({})),
    });
    expect(small.status).toBe(200);
  });

  it('counts the objects and arrays a body parses to: 300 KB of empty arrays is refused (429)', async () => {
    const arrays = chat({ user: 'u', metadata_x: Array.from({ length: 100_000 }, () => []) });
    expect(Buffer.byteLength(arrays)).toBeLessThan(400_000);
    const answer = await send(server.url, {
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json' },
      body: arrays,
    });
    expect([answer.status, isOpenAiError(answer.body)]).toEqual([429, true]);
  });

  it('counts the copies parsing makes of the text: a 250 KB string is charged ~750 KB (429 under 512 KiB)', async () => {
    const answer = await send(server.url, {
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json' },
      body: chat({ user: 'x'.repeat(250_000) }),
    });
    expect([answer.status, errorOf(answer.body).code]).toEqual([429, 'overloaded']);
    const small = await send(server.url, {
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json' },
      body: chat({ user: 'x'.repeat(100_000) }),
    });
    expect(small.status).toBe(200);
  });

  // A PRM call carries the question once per path: 256 paths of a 2 KB question hold ~1.5 MB.
  it("counts a scored search's copies of the question per path: BoN-256 of a 2 KB question can never fit the bound (400, naming a budget that does), BoN-4 and majority-256 run", async () => {
    const question = `What is 2 + 3? ${'Think it through with care. '.repeat(80)}`;
    expect(question.length).toBeGreaterThan(2000);
    const ask = async (budget: Record<string, unknown>): Promise<[number, unknown]> => {
      const answer = await send(server.url, {
        path: '/v1/chat/completions',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: MODEL,
          messages: [{ role: 'user', content: question }],
          tts_budget: budget,
        }),
      });
      return [answer.status, answer.status === 200 ? null : errorOf(answer.body).code];
    };
    expect(await ask({ n: 256, strategy: 'best_of_n' })).toEqual([400, 'budget_too_large']);
    expect(await ask({ n: 4, strategy: 'best_of_n' })).toEqual([200, null]);
    expect(await ask({ n: 256, strategy: 'majority' })).toEqual([200, null]);
  }, 60_000);
});
