/**
 * /metrics counts every request by route and status (src/server/count-requests.ts): a TTS answer
 * and a plain chat with their model and strategy, a chat the proxy refused before any route ran,
 * the /v1 passthrough, /v1/models and a 404. Driven by the `openai` SDK and plain fetch against
 * the real server.
 */
import OpenAI from 'openai';
import type { RunningServer } from '../../src/main';
import { startTestServer } from './start-test-server';

const MODEL = 'qwen2.5-1.5b-instruct';

/** The value of one sample line of the exposition text, or undefined. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('request metrics', () => {
  let server: RunningServer;
  let client: OpenAI;

  beforeAll(async () => {
    server = await startTestServer();
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('starts with no upstream call counted as failed: start-up probes are not calls', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).not.toMatch(/^tts_proxy_upstream_calls_total\{[^}]*outcome="error"/m);
  });

  it('counts answered, refused, passthrough and unknown requests with bounded labels', async () => {
    const question = { role: 'user' as const, content: 'What is 6 * 7?' };
    await client.chat.completions.create({ model: MODEL, messages: [question], max_tokens: 20 });
    await client.chat.completions.create({
      model: MODEL,
      messages: [question],
      // @ts-expect-error -- the proxy's own field
      tts_budget: { n: 4, strategy: 'best_of_n' },
    });
    await expect(
      client.chat.completions.create({ model: MODEL, messages: [], max_tokens: 5 }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const invalidJson = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":',
    });
    expect(invalidJson.status).toBe(400);
    await client.completions.create({ model: MODEL, prompt: '2 + 2 =', max_tokens: 4 });
    await client.models.list();
    expect((await fetch(`${server.url}/v1/not-a-route?token=abc`)).status).toBe(404);

    const text = await (await fetch(`${server.url}/metrics`)).text();
    const requests = (labels: string): number | undefined =>
      sample(text, 'tts_proxy_requests_total', labels);
    expect(
      requests(`route="chat_completions",model="${MODEL}",strategy="passthrough",status="200"`),
    ).toBe(1);
    expect(
      requests(`route="chat_completions",model="${MODEL}",strategy="best_of_n",status="200"`),
    ).toBe(1);
    // Refused before the route knew the model: empty model and strategy, never the client's text.
    expect(requests('route="chat_completions",model="",strategy="",status="400"')).toBe(2);
    expect(requests('route="completions",model="",strategy="passthrough",status="200"')).toBe(1);
    expect(requests('route="models",model="",strategy="",status="200"')).toBe(1);
    expect(requests('route="unknown",model="",strategy="",status="404"')).toBe(1);
    expect(
      sample(
        text,
        'tts_proxy_request_duration_seconds_count',
        'route="completions",strategy="passthrough"',
      ),
    ).toBe(1);
    // No raw path, query or client-chosen text reaches a label.
    expect(text).not.toContain('not-a-route');
    expect(text).not.toContain('token=abc');
  });
});
