/**
 * The /v1 passthrough speaks the client's model name both ways (issue 12): the client asks under
 * the name `/v1/models` lists, the simulated upstream serves another (`sim-…`) and refuses
 * anything else, and every answer — JSON and each streamed event — names the client's model.
 */
import OpenAI from 'openai';
import request from 'supertest';
import { request as undiciRequest } from 'undici';
import type { RunningServer } from '../../src/main';
import { startTestServer } from './start-test-server';

const MODEL = 'qwen2.5-1.5b-instruct';

describe('/v1 passthrough model name', () => {
  let server: RunningServer;
  let client: OpenAI;
  let servedName: string;

  beforeAll(async () => {
    server = await startTestServer();
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const models = await request(server.url).get('/v1/models');
    servedName = (models.body as { data: { id: string; upstream_model: string }[] }).data.find(
      (model) => model.id === MODEL,
    )?.upstream_model as string;
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves the client name to a simulator that knows only its served name', () => {
    expect(servedName).toEqual(expect.any(String));
    expect(servedName).not.toBe(MODEL);
  });

  it('answers a JSON completion under the name the client sent', async () => {
    const completion = await client.completions.create({
      model: MODEL,
      prompt: 'Count: 1, 2,',
      max_tokens: 8,
      seed: 5,
    });
    expect(completion.object).toBe('text_completion');
    expect(completion.model).toBe(MODEL);
    expect(completion.choices[0]?.text.length).toBeGreaterThan(0);
  });

  it('names the client model in every streamed event', async () => {
    const stream = await client.completions.create({
      model: MODEL,
      prompt: 'Count: 1, 2,',
      max_tokens: 8,
      seed: 5,
      stream: true,
    });
    const models: string[] = [];
    let text = '';
    for await (const chunk of stream) {
      models.push(chunk.model);
      text += chunk.choices[0]?.text ?? '';
    }
    expect(models.length).toBeGreaterThan(1);
    expect(new Set(models)).toEqual(new Set([MODEL]));
    expect(text.length).toBeGreaterThan(0);
  });

  it('leaves the served name as is when the client asks by it', async () => {
    const completion = await client.completions.create({
      model: servedName,
      prompt: 'Count: 1, 2,',
      max_tokens: 4,
    });
    expect(completion.model).toBe(servedName);
  });

  it('keeps an upstream refusal OpenAI-shaped', async () => {
    const answer = await request(server.url)
      .post('/v1/completions')
      .send({ model: 'no-such-model', prompt: 'x', max_tokens: 4 });
    expect(answer.status).toBe(404);
    const error = (answer.body as { error: Record<string, unknown> }).error;
    expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(error.message).toEqual(expect.stringContaining('no-such-model'));
  });

  // vLLM's FastAPI reads a body with no Content-Type as JSON, so it needs the name translated too.
  it('translates the name of a JSON body sent without a Content-Type', async () => {
    const answer = await undiciRequest(`${server.url}/v1/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: MODEL, prompt: 'Count: 1, 2,', max_tokens: 4 }),
    });
    const body = (await answer.body.json()) as { model: string };
    expect(answer.statusCode).toBe(200);
    expect(body.model).toBe(MODEL);
  });

  // FastAPI leaves a text/plain body unparsed and vLLM refuses it: a 400, not "no such model".
  it('lets the upstream refuse a JSON body sent as text/plain with a 400', async () => {
    const answer = await undiciRequest(`${server.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify({ model: MODEL, prompt: 'Count: 1, 2,', max_tokens: 4 }),
    });
    const body = (await answer.body.json()) as { error: { message: string } };
    expect(answer.statusCode).toBe(400);
    expect(body.error.message).toMatch(/valid dictionary or object/);
  });
});
