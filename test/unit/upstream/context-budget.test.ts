import { InvalidRequestError, UpstreamError } from '../../../src/errors';
import { startSimulator, type RunningSimulator } from '../../../src/sim';
import type { Policy, SamplingParams } from '../../../src/tts';
import {
  createUpstreamClient,
  createVllmPolicy,
  prepareChatPrompt,
  type UpstreamClient,
} from '../../../src/upstream';
import { isContextLengthError, withContextBudget } from '../../../src/upstream/context-budget';

const MODEL = 'sim-qwen2.5-1.5b-instruct';
const MESSAGES = [{ role: 'user' as const, content: 'What is 17 * 23 - 5?' }];
// A context the paper's caps (8192 per solution, 2048 per step) do not fit.
const MAX_MODEL_LEN = 512;

describe('withContextBudget against the simulator (vLLM context-length rule)', () => {
  let sim: RunningSimulator;
  let client: UpstreamClient;
  beforeAll(async () => {
    sim = await startSimulator({
      role: 'policy',
      seed: 1234,
      model: { servedName: MODEL, paramsB: 1.5, family: 'qwen2.5', maxModelLen: MAX_MODEL_LEN },
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

  async function budgeted(): Promise<{ policy: Policy; raw: Policy; promptTokens: number }> {
    const prompt = await prepareChatPrompt(client, MODEL, MESSAGES);
    const raw = createVllmPolicy({ client, servedName: MODEL, prompt, mode: 'completions' });
    expect(prompt.maxModelLen).toBe(MAX_MODEL_LEN);
    const policy = withContextBudget(raw, {
      promptTokens: prompt.tokens,
      maxModelLen: prompt.maxModelLen,
      modelName: 'client-name',
      countTokens: async (prefix) => {
        const body = (await client.postJson('/tokenize', {
          model: MODEL,
          prompt: (await prompt.text()) + prefix,
          add_special_tokens: false,
        })) as { count: number };
        return body.count;
      },
    });
    return { policy, raw, promptTokens: prompt.tokens };
  }

  const WHOLE: SamplingParams = {
    temperature: 0.7,
    topP: 1,
    maxTokens: 8192,
    stop: [],
    n: 4,
    seed: 3,
  };

  it('the unclamped request is the 400 the simulator answers (the bug this guards against)', async () => {
    const { raw } = await budgeted();
    const failure = await raw.generate([''], WHOLE).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(isContextLengthError(failure)).toBe(true);
    expect((failure as UpstreamError).message).toMatch(/maximum context length is 512 tokens/);
  });

  it('clamps max_tokens to the context left by the prompt, so whole solutions are generated', async () => {
    const { policy } = await budgeted();
    const result = await policy.generate([''], WHOLE);
    expect(result.outputs[0]).toHaveLength(4);
    expect(result.promptTokens + result.completionTokens / 4).toBeLessThanOrEqual(MAX_MODEL_LEN);
  });

  it('continues a path only while it fits: a prefix past the context comes back empty, as length', async () => {
    const { policy, promptTokens } = await budgeted();
    const step: SamplingParams = {
      temperature: 0.7,
      topP: 1,
      maxTokens: 2048,
      stop: ['\n\n'],
      n: 2,
      seed: 9,
    };
    const first = await policy.generate([''], step);
    const short = `${first.outputs[0]?.[0]?.text ?? ''}`;
    // An unseen prefix far longer than the context (counted exactly by /tokenize).
    const long = 'Step: add the numbers carefully. '.repeat(Math.ceil(MAX_MODEL_LEN / 4));
    const next = await policy.generate([short, long], step);
    expect(next.outputs[0]?.every((c) => c.completionTokens > 0)).toBe(true);
    expect(next.outputs[1]).toEqual([
      { text: '', finish: 'length', completionTokens: 0 },
      { text: '', finish: 'length', completionTokens: 0 },
    ]);
    expect(promptTokens).toBeGreaterThan(0);
  });

  it('refuses a conversation that leaves no room for an answer with a 400 naming the limit', () => {
    const inner: Policy = { generate: () => Promise.reject(new Error('must not be called')) };
    const build = (): Policy =>
      withContextBudget(inner, { promptTokens: 510, maxModelLen: 512, modelName: 'm' });
    expect(build).toThrow(InvalidRequestError);
    expect(build).toThrow(/context of 512 tokens \(max_model_len\)/);
  });

  it('recounts exactly and retries once when the server still rejects the length', async () => {
    let calls = 0;
    const seen: number[] = [];
    const inner: Policy = {
      generate(prefixes, params) {
        calls += 1;
        seen.push(params.maxTokens);
        if (calls === 1)
          return Promise.reject(
            new UpstreamError(
              "upstream 'p' answered 400: This model's maximum context length is 100 tokens.",
              {
                upstream: 'p',
                status: 400,
              },
            ),
          );
        return Promise.resolve({
          outputs: prefixes.map(() => [{ text: 'x', finish: 'eos' as const, completionTokens: 1 }]),
          promptTokens: 0,
          completionTokens: 1,
        });
      },
    };
    const policy = withContextBudget(inner, {
      promptTokens: 10,
      maxModelLen: 100,
      modelName: 'm',
      countTokens: (prefix) => Promise.resolve(10 + prefix.length * 2),
    });
    await policy.generate(['abcd'], { ...WHOLE, n: 1 });
    expect(calls).toBe(2);
    // Unseen prefix: first counted exactly (8 tokens) and the retry counts again.
    expect(seen[1]).toBeLessThanOrEqual(100 - 10 - 8);
  });
});
