import { ConfigError } from '../../../../src/errors';
import { startSimulator } from '../../../../src/sim';
import { checkPromptRoundTrip, createUpstreamClient } from '../../../../src/upstream';
import { bodyOf, startFakeServer } from '../stacks/fakes/fake-http-server';

function clientOf(url: string): ReturnType<typeof createUpstreamClient> {
  return createUpstreamClient({
    name: 'policy',
    baseUrl: url,
    timeoutMs: 5000,
    maxConnections: 2,
    retries: 0,
  });
}

describe('checkPromptRoundTrip (completions step API)', () => {
  it('passes on a server whose /detokenize keeps the template (the simulator, as vLLM 0.10)', async () => {
    const sim = await startSimulator({
      role: 'policy',
      seed: 3,
      model: { servedName: 'policy', paramsB: 1.5, family: 'qwen2.5' },
    });
    const client = clientOf(sim.url);
    try {
      await expect(
        checkPromptRoundTrip(client, sim.modelId, 'models.0.step_api'),
      ).resolves.toBeUndefined();
      expect(sim.stats().requestsByRoute).toMatchObject({
        'POST /tokenize': 2,
        'POST /detokenize': 1,
      });
    } finally {
      await client.close();
      await sim.close();
    }
  });

  it('refuses a server whose /detokenize drops special tokens, naming the setting to change', async () => {
    // Rendered: <|im_start|>(1) user(2) text(3) <|im_end|>(4); detokenized without the markup.
    const fake = await startFakeServer((request) => {
      const body = bodyOf(request);
      if (request.path === '/detokenize') return { body: { prompt: 'user text' } };
      if (body.messages !== undefined)
        return { body: { tokens: [1, 2, 3, 4], count: 4, max_model_len: 4096 } };
      return { body: { tokens: [2, 3], count: 2, max_model_len: 4096 } };
    });
    const client = clientOf(fake.url);
    try {
      const check = checkPromptRoundTrip(client, 'policy', 'models.0.step_api');
      await expect(check).rejects.toBeInstanceOf(ConfigError);
      await expect(check).rejects.toThrow(/differs at token 0: 1 rendered, 2 after.*chat-continue/);
    } finally {
      await client.close();
      await fake.close();
    }
  });
});
