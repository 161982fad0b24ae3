import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { request as undiciRequest } from 'undici';
import { startServer, type RunningServer } from '../../src/main';
import { DEFAULT_CONFIG, startTestServer } from './start-test-server';

const MODEL = 'qwen2.5-1.5b-instruct';
const messages = [{ role: 'user', content: 'What is 3 + 4?' }];

function expectOpenAiError(body: { error?: Record<string, unknown> }): void {
  expect(Object.keys(body.error ?? {}).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof body.error?.message).toBe('string');
}

describe('errors are OpenAI-shaped with the right status', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ TTS_PROXY__SERVER__BODY_LIMIT_BYTES: '20000' });
  });
  afterAll(async () => {
    await server.close();
  });

  const post = (body: unknown) =>
    request(server.url)
      .post('/v1/chat/completions')
      .send(body as object);

  it('400 names the bad field', async () => {
    const response = await post({ model: MODEL, messages: [] });
    expect(response.status).toBe(400);
    expect(response.body.error.param).toBe('messages');
    expect(response.body.error.type).toBe('invalid_request_error');
    expectOpenAiError(response.body);
  });

  it('400 on invalid JSON, without a stack trace', async () => {
    const response = await request(server.url)
      .post('/v1/chat/completions')
      .set('content-type', 'application/json')
      .send('{"model":');
    expect(response.status).toBe(400);
    expectOpenAiError(response.body);
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.js:\d+/);
  });

  it('400 naming the content type when the body is not sent as JSON (curl -d without -H)', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
      const response = await request(server.url)
        .post('/v1/chat/completions')
        .set('content-type', type)
        .send(JSON.stringify({ model: MODEL, messages }));
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('invalid_content_type');
      expect(response.body.error.message).toContain('Content-Type: application/json');
      expectOpenAiError(response.body);
    }
  });

  it('reads a body sent without a Content-Type as JSON, as vLLM does', async () => {
    const answer = await undiciRequest(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: MODEL, messages }),
    });
    expect(answer.statusCode).toBe(200);
    expect(((await answer.body.json()) as { object: string }).object).toBe('chat.completion');
    // An empty type and a `+json` type read as JSON there too (FastAPI's rule).
    for (const type of ['', 'application/vnd.api+json']) {
      const typed = await undiciRequest(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: JSON.stringify({ model: MODEL, messages }),
      });
      expect([type, typed.statusCode]).toEqual([type, 200]);
      await typed.body.dump();
    }
  });

  it('400 for stream_options on a request that does not stream, as OpenAI and vLLM answer', async () => {
    for (const extra of [{}, { tts_budget: 4 }]) {
      const response = await post({
        model: MODEL,
        messages,
        stream_options: { include_usage: true },
        ...extra,
      });
      expect(response.status).toBe(400);
      expect(response.body.error.param).toBe('stream_options');
      expectOpenAiError(response.body);
    }
  });

  it('405 for another method on the chat route', async () => {
    const response = await request(server.url).get('/v1/chat/completions');
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect(response.body.error.code).toBe('method_not_allowed');
    expectOpenAiError(response.body);
  });

  it('413 when the body is too large', async () => {
    const response = await post({
      model: MODEL,
      messages: [{ role: 'user', content: 'x'.repeat(30000) }],
    });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('request_too_large');
  });

  it('400 for a budget above the maximum, naming tts_budget', async () => {
    const response = await post({ model: MODEL, messages, tts_budget: 100000 });
    expect(response.status).toBe(400);
    expect(response.body.error.param).toBe('tts_budget');
  });

  it('400 for an invalid strategy in a header', async () => {
    const response = await post({ model: MODEL, messages }).set('x-tts-strategy', 'magic');
    expect(response.status).toBe(400);
    expect(response.body.error.param).toBe('x-tts-strategy');
  });

  it('400 for an unknown sub-field of tts_budget', async () => {
    const response = await post({ model: MODEL, messages, tts_budget: { n: 4, beams: 2 } });
    expect(response.status).toBe(400);
    expect(response.body.error.param).toBe('tts_budget.beams');
  });

  it('400 when beam search budget is not a multiple of m', async () => {
    const response = await post({
      model: MODEL,
      messages,
      tts_budget: { n: 6, m: 4, strategy: 'beam_search' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.param).toBe('tts_budget');
  });

  it('404 for an unknown route', async () => {
    const response = await request(server.url).get('/v1/nothing-here');
    // Passed through to the upstream, which answers 404 in its own words; still JSON.
    expect(response.status).toBe(404);
  });

  it('does not advertise x-powered-by and returns a request id', async () => {
    const response = await request(server.url).get('/v1/models');
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
  });
});

describe('API keys', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({
      TTS_PROXY__SERVER__API_KEY_ENVS: '[PROXY_TEST_KEY]',
      PROXY_TEST_KEY: 'sk-test-secret-123',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('401 without a key', async () => {
    const response = await request(server.url)
      .post('/v1/chat/completions')
      .send({ model: MODEL, messages });
    expect(response.status).toBe(401);
    expect(response.body.error.type).toBe('authentication_error');
  });

  it('401 with a wrong key, and the key is never echoed', async () => {
    const response = await request(server.url)
      .post('/v1/chat/completions')
      .set('authorization', 'Bearer sk-wrong-key-999')
      .send({ model: MODEL, messages });
    expect(response.status).toBe(401);
    expect(JSON.stringify(response.body)).not.toContain('sk-wrong-key-999');
  });

  it('401 before 405: a caller without a key learns nothing about the chat route, as elsewhere under /v1', async () => {
    const unauthenticated = await request(server.url).get('/v1/chat/completions');
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body.error.type).toBe('authentication_error');
    expect((await request(server.url).get('/v1/embeddings')).status).toBe(401);
    const keyed = await request(server.url)
      .get('/v1/chat/completions')
      .set('authorization', 'Bearer sk-test-secret-123');
    expect(keyed.status).toBe(405);
    expect(keyed.headers.allow).toBe('POST');
  });

  it('200 with the right key; /health needs none', async () => {
    const ok = await request(server.url)
      .post('/v1/chat/completions')
      .set('authorization', 'Bearer sk-test-secret-123')
      .send({ model: MODEL, messages, max_tokens: 50 });
    expect(ok.status).toBe(200);
    const health = await request(server.url).get('/health');
    expect(health.status).toBe(200);
  });
});

describe('API keys with per-key limits', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({
      TTS_PROXY__SERVER__API_KEYS:
        '[{name: trial, key_env: TRIAL_KEY, max_budget: 4, requests_per_minute: 3}, {name: team, key_env: TEAM_KEY}]',
      TRIAL_KEY: 'sk-trial-111',
      TEAM_KEY: 'sk-team-222',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses a budget above the key maximum (400 naming tts_budget) and rate-limits the key with 429 + Retry-After', async () => {
    const trial = (body: Record<string, unknown>) =>
      request(server.url)
        .post('/v1/chat/completions')
        .set('authorization', 'Bearer sk-trial-111')
        .send({ model: MODEL, messages, max_tokens: 50, ...body });
    const over = await trial({ tts_budget: 8 });
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({
      type: 'invalid_request_error',
      param: 'tts_budget',
      code: 'budget_above_key_limit',
    });
    const within = await trial({ tts_budget: 4, tts_strategy: 'majority' });
    expect(within.status).toBe(200);
    expect(within.body.tts.budget_spent).toBeLessThanOrEqual(4);
    // Three per minute: the 400 and the 200 used two; one more passes, the next is refused.
    expect((await trial({})).status).toBe(200);
    const limited = await trial({});
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({
      type: 'requests',
      code: 'rate_limit_exceeded',
      param: null,
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(limited.body)).not.toContain('sk-trial-111');
    // Another key is unaffected, and has no budget limit beyond the server's.
    const team = await request(server.url)
      .post('/v1/chat/completions')
      .set('authorization', 'Bearer sk-team-222')
      .send({ model: MODEL, messages, max_tokens: 50, tts_budget: 8, tts_strategy: 'majority' });
    expect(team.status).toBe(200);
    const stranger = await request(server.url)
      .post('/v1/chat/completions')
      .set('authorization', 'Bearer sk-nobody')
      .send({ model: MODEL, messages });
    expect(stranger.status).toBe(401);
    // Per key name (never the key): three admitted and one refused for trial, one for team.
    const metrics = (await request(server.url).get('/metrics')).text;
    expect(metrics).toContain('tts_proxy_api_key_requests_total{key="trial",outcome="admitted"} 3');
    expect(metrics).toContain(
      'tts_proxy_api_key_requests_total{key="trial",outcome="rate_limited"} 1',
    );
    expect(metrics).toContain('tts_proxy_api_key_requests_total{key="team",outcome="admitted"} 1');
    expect(metrics).toContain(
      'tts_proxy_api_key_requests_total{key="(none)",outcome="unauthenticated"} 1',
    );
    expect(metrics).not.toMatch(/sk-(trial|team|nobody)/);
  });

  it('checks the key once on every spelling of the chat route', async () => {
    const teamAdmitted = async (): Promise<number> => {
      const metrics = (await request(server.url).get('/metrics')).text;
      const match = /tts_proxy_api_key_requests_total\{key="team",outcome="admitted"\} (\d+)/.exec(
        metrics,
      );
      return Number(match?.[1] ?? 0);
    };
    const before = await teamAdmitted();
    for (const path of ['/v1/chat/completions/', '/v1/chat/completions?trace=1']) {
      const team = await request(server.url)
        .post(path)
        .set('authorization', 'Bearer sk-team-222')
        .send({ model: MODEL, messages, max_tokens: 50 });
      expect(team.status).toBe(200);
      const stranger = await request(server.url).post(path).send({ model: MODEL, messages });
      expect(stranger.status).toBe(401);
    }
    expect(await teamAdmitted()).toBe(before + 2);
  });

  it('names server.port when the port is taken, and leaves nothing running', async () => {
    const taken = Number(new URL(server.url).port);
    await expect(
      startServer({
        configPath: DEFAULT_CONFIG,
        env: {},
        logger: pino({ level: 'silent' }),
        port: taken,
        host: '127.0.0.1',
      }),
    ).rejects.toThrow(/server\.port.*already in use/);
  });

  it('names server.host when the host cannot be listened on, with no stack trace', async () => {
    await expect(
      startServer({
        configPath: DEFAULT_CONFIG,
        env: {},
        logger: pino({ level: 'silent' }),
        port: 0,
        host: '999.1.1.1',
      }),
    ).rejects.toThrow(/server\.host.*cannot listen on 999\.1\.1\.1/);
  });

  it("fails to start when a limited key's env var is missing, naming the field", async () => {
    await expect(
      startTestServer({ TTS_PROXY__SERVER__API_KEYS: '[{name: x, key_env: NOT_SET_ANYWHERE}]' }),
    ).rejects.toThrow(/server\.api_keys\.0\.key_env/);
  });

  it('refuses a key listed twice (the first match would win and escape the limits)', async () => {
    await expect(
      startTestServer({
        TTS_PROXY__SERVER__API_KEY_ENVS: '[K1]',
        TTS_PROXY__SERVER__API_KEYS: '[{name: limited, key_env: K2, requests_per_minute: 1}]',
        K1: 'same-key',
        K2: 'same-key',
      }),
    ).rejects.toThrow(/server\.api_keys\.0\.key_env.*already accepted/);
  });
});

describe('an unreachable upstream', () => {
  const lines: string[] = [];
  let server: RunningServer;
  let closedPort: number;
  beforeAll(async () => {
    // A port that was just free: connecting to it is refused.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    server = await startServer({
      configPath: DEFAULT_CONFIG,
      env: {
        TTS_PROXY__UPSTREAMS__POLICY__URL: `http://127.0.0.1:${closedPort}`,
        TTS_PROXY__UPSTREAMS__POLICY__RETRIES: '0',
      },
      logger: pino({ level: 'info' }, sink),
      port: 0,
      host: '127.0.0.1',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each([
    ['a TTS request', { tts_budget: 4 }],
    ['a plain request', {}],
  ])(
    '%s gets 503 upstream_unavailable with Retry-After, and the log names the upstream and the cause',
    async (_name, extra) => {
      const response = await request(server.url)
        .post('/v1/chat/completions')
        .send({ model: MODEL, messages, ...extra });
      expect([response.status, response.body.error?.code, response.headers['retry-after']]).toEqual(
        [503, 'upstream_unavailable', '1'],
      );
      expectOpenAiError(response.body);
      const reqId = response.headers['x-request-id'];
      const logged = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((entry) => entry.reqId === reqId && entry.level === 40);
      expect(logged).toMatchObject({ upstream: 'policy', status: 503 });
      expect(String(logged?.cause)).toMatch(/unreachable/);
    },
  );

  it('is not ready (/health 503) while no policy answers, even with the PRM up', async () => {
    const health = await request(server.url).get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'down',
      upstreams: { policy: { status: 'down' }, prm: { status: 'ok' } },
    });
  });
});
