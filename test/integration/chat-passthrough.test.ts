import OpenAI from 'openai';
import request from 'supertest';
import type { RunningServer } from '../../src/main';
import { startTestServer } from './start-test-server';

const MODEL = 'qwen2.5-1.5b-instruct';
const QUESTION = 'What is the value of 17 * 23 - 5?';

describe('plain chat completions (no TTS) through the proxy', () => {
  let server: RunningServer;
  let client: OpenAI;

  beforeAll(async () => {
    // A little decode latency so a stream visibly spreads over time.
    server = await startTestServer({
      TTS_PROXY__UPSTREAMS__POLICY__SIM__LATENCY__DECODE_MS_PER_TOKEN: '1',
    });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers a plain completion with the client-facing model name', async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: QUESTION }],
      max_tokens: 400,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe(MODEL);
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('serves the route the same on the fast listener path and through Express (other spellings)', async () => {
    const body = {
      model: MODEL,
      messages: [{ role: 'user', content: QUESTION }],
      max_tokens: 50,
      seed: 3,
    };
    // Exact path: the request listener's own path; trailing slash and query: Express's router.
    const answers = await Promise.all(
      ['/v1/chat/completions', '/v1/chat/completions/', '/v1/chat/completions?trace=1'].map(
        (path) => request(server.url).post(path).send(body),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ object: 'chat.completion', model: MODEL });
      expect(answer.headers['x-request-id']).toEqual(expect.any(String));
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(
      new Set(
        answers.map(
          (answer) =>
            (answer.body as { choices: { message: { content: string } }[] }).choices[0]?.message
              .content,
        ),
      ).size,
    ).toBe(1);
    const bad = await Promise.all(
      ['/v1/chat/completions', '/v1/chat/completions/'].map((path) =>
        request(server.url).post(path).send({ model: MODEL, messages: 'nope' }),
      ),
    );
    for (const answer of bad) {
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ type: 'invalid_request_error', param: 'messages' });
    }
  });

  it('streams chunks incrementally, ends with usage when asked and [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: QUESTION }],
      max_tokens: 300,
      stream: true,
      stream_options: { include_usage: true },
    });
    const arrivals: number[] = [];
    let text = '';
    let usageChunks = 0;
    for await (const part of stream) {
      arrivals.push(performance.now());
      expect(part.model).toBe(MODEL);
      text += part.choices[0]?.delta.content ?? '';
      if (part.usage) usageChunks++;
    }
    expect(arrivals.length).toBeGreaterThan(3);
    expect(usageChunks).toBe(1);
    expect(text.length).toBeGreaterThan(0);
    // Not one blob: the first chunk arrived well before the last.
    expect((arrivals[arrivals.length - 1] as number) - (arrivals[0] as number)).toBeGreaterThan(20);
  });

  it('accepts an extra body field (tts_budget) through the SDK and reports the search', async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: QUESTION }],
      // @ts-expect-error tts_budget is a proxy extension the SDK does not know
      tts_budget: 4,
    });
    const tts = (completion as unknown as { tts: { method: string; budget_spent: number } }).tts;
    expect(tts.budget_spent).toBeGreaterThanOrEqual(4);
    expect(completion.choices[0]?.message.content).toMatch(/\\boxed\{/);
  });

  it('maps an unknown model to a 404 OpenAI error the SDK understands', async () => {
    await expect(
      client.chat.completions.create({
        model: 'no-such-model',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toMatchObject({
      status: 404,
      error: { type: 'invalid_request_error', param: 'model', code: 'model_not_found' },
    });
  });

  it('lists configured models, labelled as simulated', async () => {
    const models = await client.models.list();
    const entry = models.data.find((m) => m.id === MODEL) as unknown as
      { simulated: boolean; owned_by: string } | undefined;
    expect(entry?.simulated).toBe(true);
    expect(entry?.owned_by).toMatch(/simulated/);
  });

  it('passes other /v1 routes through to the policy upstream', async () => {
    const response = await request(server.url)
      .post('/v1/completions')
      .send({ model: 'sim-qwen2.5-1.5b-instruct', prompt: 'Compute 2+2.', max_tokens: 5 });
    expect(response.status).toBe(200);
    expect(response.body.object).toBe('text_completion');
  });

  it('reports upstream health and Prometheus metrics', async () => {
    const health = await request(server.url).get('/health');
    expect(health.status).toBe(200);
    expect(health.body.upstreams.policy).toMatchObject({ status: 'ok', simulated: true });
    const metrics = await request(server.url).get('/metrics');
    expect(metrics.text).toContain('tts_proxy_requests_total');
    expect(metrics.text).toContain('tts_proxy_upstream_calls_total');
  });
});
