import OpenAI from 'openai';
import request from 'supertest';
import type { RunningServer } from '../../src/main';
import { startTestServer } from './start-test-server';

const MODEL = 'qwen2.5-1.5b-instruct';

// The default config serves the simulated policy with max_model_len 4096 (vLLM's 400 above it).
describe('context length: every request the proxy sends fits the policy (max_model_len 4096)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(['cot', 'majority', 'best_of_n', 'beam_search', 'dvts', 'auto'])(
    '%s answers 200 although its cap (8192 per solution) exceeds the context',
    async (strategy) => {
      const response = await request(server.url)
        .post('/v1/chat/completions')
        .send({
          model: MODEL,
          messages: [{ role: 'user', content: 'What is 17 * 23 - 5?' }],
          tts_budget: { n: 8, strategy },
        });
      expect(response.status).toBe(200);
      expect(response.body.choices[0].message.content).toMatch(/\\boxed/);
    },
  );

  it('a conversation that leaves no room for an answer is a 400 naming the limit', async () => {
    const response = await request(server.url)
      .post('/v1/chat/completions')
      .send({
        model: MODEL,
        messages: [{ role: 'user', content: 'seven plus seven '.repeat(2000) }],
        tts_budget: { n: 4, strategy: 'best_of_n' },
      });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('context_length_exceeded');
    expect(response.body.error.param).toBe('messages');
    expect(response.body.error.message).toMatch(/context of 4096 tokens \(max_model_len\)/);
  });

  it('a streamed TTS request too long for the context gets the 400 before any event, as a plain stream does', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const tooLong = 'seven plus seven '.repeat(2000);
    // The proxy's extension field rides along as an extra property (no excess-property check).
    const body = {
      model: MODEL,
      messages: [{ role: 'user' as const, content: tooLong }],
      stream: true as const,
      tts_budget: { n: 4, strategy: 'beam_search' },
    };
    const attempt = client.chat.completions.create(body);
    // The SDK's class for a 400, with OpenAI's code: what agents branch on to trim history.
    await expect(attempt).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(attempt).rejects.toMatchObject({ status: 400, code: 'context_length_exceeded' });
  });

  it('a search whose every path runs out of the room left is a 400 too, not "upstream failed"', async () => {
    // ~3,970 prompt tokens in the simulator's tokenizer: room for the answer's first tokens, not
    // for a step (the paper's beam search drops a truncated step), so no path survives round 1.
    const words = Array.from({ length: 1010 }, (_, i) => `word${i}`).join(' ');
    const response = await request(server.url)
      .post('/v1/chat/completions')
      .send({
        model: MODEL,
        messages: [{ role: 'user', content: `Compute the sum. ${words}` }],
        tts_budget: { n: 8, strategy: 'beam_search' },
      });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      param: 'messages',
    });
    expect(response.body.error.message).toMatch(/leaves \d+ tokens of model/);
  });
});
