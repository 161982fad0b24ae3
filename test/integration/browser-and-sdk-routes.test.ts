/**
 * What browsers and SDK helpers ask of the API besides chat: CORS as vLLM serves it by default
 * (any origin: `vllm serve --allowed-origins` defaults to `['*']`, docs.vllm.ai "vllm serve"), preflights
 * answered before the key check, and `GET /v1/models/{model}` (the SDKs' `models.retrieve`).
 */
import OpenAI, { NotFoundError } from 'openai';
import request from 'supertest';
import type { RunningServer } from '../../src/main';
import { startTestServer } from './start-test-server';

const MODEL = 'qwen2.5-1.5b-instruct';
const ORIGIN = 'http://localhost:3000';

describe('browser and SDK routes', () => {
  let server: RunningServer;
  let keyed: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({
      TTS_PROXY__MODELS__0__LISTED_ALIASES: '["beam_search:16", "8"]',
    });
    keyed = await startTestServer({
      TTS_PROXY__SERVER__API_KEY_ENVS: '["BROWSER_TEST_KEY"]',
      BROWSER_TEST_KEY: 'secret-key',
      TTS_PROXY__SERVER__CORS_ALLOWED_ORIGINS: `["${ORIGIN}"]`,
    });
  });
  afterAll(async () => {
    await server.close();
    await keyed.close();
  });

  it('answers a preflight with 204 and the allowed origin, before any key check', async () => {
    const preflight = await request(keyed.url)
      .options('/v1/chat/completions')
      .set('origin', ORIGIN)
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'authorization, content-type');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    expect(preflight.headers['access-control-allow-headers']).toBe('authorization, content-type');
    // Another origin gets no grant.
    const other = await request(keyed.url)
      .options('/v1/chat/completions')
      .set('origin', 'http://evil.example')
      .set('access-control-request-method', 'POST');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('grants any origin by default on chat (fast path), passthrough and models, and exposes x-tts-*', async () => {
    const chat = await request(server.url)
      .post('/v1/chat/completions')
      .set('origin', ORIGIN)
      .send({
        model: MODEL,
        messages: [{ role: 'user', content: 'What is 3 + 4?' }],
        tts_budget: 4,
      });
    expect(chat.status).toBe(200);
    expect(chat.headers['access-control-allow-origin']).toBe('*');
    expect(chat.headers['access-control-expose-headers']).toContain('x-tts-strategy');
    // The SDKs read it to skip retrying a 504 deadline; a browser hides headers not exposed.
    expect(chat.headers['access-control-expose-headers']).toContain('x-should-retry');
    const completions = await request(server.url)
      .post('/v1/completions')
      .set('origin', ORIGIN)
      .send({ model: MODEL, prompt: 'Hello', max_tokens: 4 });
    expect(completions.headers['access-control-allow-origin']).toBe('*');
    const models = await request(server.url).get('/v1/models').set('origin', ORIGIN);
    expect(models.headers['access-control-allow-origin']).toBe('*');
    // A client that sends no Origin (an SDK, curl) gets no CORS headers.
    const plain = await request(server.url).get('/v1/models');
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves models.retrieve, and a 404 model_not_found for an unknown id', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const model = await client.models.retrieve(MODEL);
    expect(model).toMatchObject({ id: MODEL, object: 'model' });
    // The context the upstream states (the default config's simulator: 4096), as vLLM lists it.
    expect(model).toMatchObject({ max_model_len: 4096 });
    const list = await client.models.list();
    expect(list.data[0]).toEqual(model);
    // The listed aliases follow their model, as chat UIs offer only listed ids; each one serves.
    const listed = [`${MODEL}@beam_search:16`, `${MODEL}@8`];
    expect(list.data.slice(1, 3)).toEqual(listed.map((id) => ({ ...model, id })));
    const answer = await client.chat.completions.create({
      model: listed[1] as string,
      messages: [{ role: 'user', content: 'What is 2 + 3?' }],
    });
    expect(answer.model).toBe(listed[1]);
    const missing = client.models.retrieve('no/such-model');
    await expect(missing).rejects.toBeInstanceOf(NotFoundError);
    // A chat alias names its model here too, under the id asked for (the chat route echoes it).
    for (const alias of [`${MODEL}@beam_search:16`, `${MODEL}@8`])
      expect(await client.models.retrieve(alias)).toEqual({ ...model, id: alias });
    // An alias chat refuses (a budget over the server's maximum of 256) is no model here either.
    for (const wrong of [`${MODEL}@warp:16`, 'no/such-model@8', `${MODEL}@999`])
      await expect(client.models.retrieve(wrong)).rejects.toBeInstanceOf(NotFoundError);
    // A path the router cannot percent-decode is the client's 400, never a 500.
    for (const method of ['get', 'head', 'delete'] as const) {
      const malformed = await request(server.url)[method]('/v1/models/%ff');
      expect(malformed.status).toBe(400);
    }
    const malformed = await request(server.url).get('/v1/models/%ff');
    expect((malformed.body as { error: { type: string } }).error.type).toBe(
      'invalid_request_error',
    );
    const raw = await request(server.url).get('/v1/models/no/such-model');
    expect(raw.status).toBe(404);
    expect((raw.body as { error: unknown }).error).toMatchObject({
      code: 'model_not_found',
      param: 'model',
    });
  });
});
