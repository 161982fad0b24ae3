import { PINNED_SAMPLING } from '../../../../src/prompt';
import { startSimulator, type RunningSimulator } from '../../../../src/sim';
import {
  createUpstreamClient,
  createVllmPolicy,
  prepareChatPrompt,
  type UpstreamClient,
} from '../../../../src/upstream';

const MODEL = 'sim-qwen2.5-1.5b-instruct';
const MESSAGES = [{ role: 'user' as const, content: 'What is 17 * 23 - 5?' }];

// The simulator fills omitted fields from a Qwen2.5-Instruct-like generation_config.json, as vLLM
// does by default (--generation-config auto): what the proxy sends must leave nothing to fill.
describe('sampling is pinned on every policy request (vLLM applies generation_config to omitted fields)', () => {
  let sim: RunningSimulator;
  let client: UpstreamClient;
  beforeAll(async () => {
    sim = await startSimulator({
      role: 'policy',
      seed: 1234,
      model: { servedName: MODEL, paramsB: 1.5, family: 'qwen2.5' },
    });
    client = createUpstreamClient({
      name: 'policy',
      baseUrl: sim.url,
      timeoutMs: 5000,
      maxConnections: 4,
      retries: 0,
    });
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  it('the double changes what runs when a request omits the fields (the drift being guarded against)', async () => {
    await client.postJson('/v1/completions', {
      model: MODEL,
      prompt: 'Q: 1+1?\n',
      temperature: 0.7,
      top_p: 1,
      max_tokens: 8,
    });
    const ran = sim.stats().lastSampling;
    expect(ran?.topK).not.toBe(-1);
    expect(ran?.repetitionPenalty).not.toBe(1);
  });

  it.each(['completions', 'chat-continue'] as const)(
    'the %s step API sends the preset in full, so the double runs exactly it',
    async (mode) => {
      const prompt = await prepareChatPrompt(client, MODEL, MESSAGES);
      const policy =
        mode === 'completions'
          ? createVllmPolicy({ client, servedName: MODEL, prompt, mode })
          : createVllmPolicy({ client, servedName: MODEL, messages: MESSAGES, mode });
      await policy.generate([''], {
        temperature: 0.7,
        topP: 1,
        maxTokens: 256,
        stop: ['\n\n'],
        n: 2,
        seed: 4,
      });
      expect(sim.stats().lastSampling).toEqual({
        temperature: 0.7,
        topP: 1,
        topK: PINNED_SAMPLING.topK,
        minP: PINNED_SAMPLING.minP,
        repetitionPenalty: PINNED_SAMPLING.repetitionPenalty,
        presencePenalty: PINNED_SAMPLING.presencePenalty,
        frequencyPenalty: PINNED_SAMPLING.frequencyPenalty,
      });
    },
  );
});
