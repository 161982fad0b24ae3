import fc from 'fast-check';
import type { RunningSimulator } from '../../../src/sim';
import { list, num, postJson, QWEN_SYSTEM, startPolicy, text } from './sim-test-helpers';

describe('POST /tokenize and /detokenize', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startPolicy();
  });
  afterAll(() => sim.close());

  it('tokenizes a prompt in the vLLM TokenizeResponse shape', async () => {
    const response = await postJson(`${sim.url}/tokenize`, {
      model: sim.modelId,
      prompt: '<|im_start|>user\nhi',
    });
    expect(response.body).toEqual({
      count: 4,
      max_model_len: 32768,
      tokens: [151644, expect.any(Number), 198, expect.any(Number)],
      token_strs: null,
    });
  });

  it('returns token strings on request', async () => {
    const response = await postJson(`${sim.url}/tokenize`, {
      prompt: 'a b\n',
      return_token_strs: true,
    });
    expect(list(response.body, 'token_strs')).toEqual(['a', 'Ġb', 'Ċ']);
  });

  it('renders messages with the chat template (generation prompt by default, continuation on request)', async () => {
    const messages = [
      { role: 'system', content: QWEN_SYSTEM },
      { role: 'user', content: 'What is 1 + 1?' },
    ];
    const withPrompt = await postJson(`${sim.url}/tokenize`, { messages });
    const rendered = await postJson(`${sim.url}/detokenize`, {
      tokens: list(withPrompt.body, 'tokens'),
    });
    expect(text(rendered.body, 'prompt')).toBe(
      `<|im_start|>system\n${QWEN_SYSTEM}<|im_end|>\n<|im_start|>user\nWhat is 1 + 1?<|im_end|>\n<|im_start|>assistant\n`,
    );
    const continued = await postJson(`${sim.url}/tokenize`, {
      messages: [...messages, { role: 'assistant', content: 'First,\n\n' }],
      add_generation_prompt: false,
      continue_final_message: true,
    });
    const continuedText = await postJson(`${sim.url}/detokenize`, {
      tokens: list(continued.body, 'tokens'),
    });
    expect(text(continuedText.body, 'prompt').endsWith('<|im_start|>assistant\nFirst,\n\n')).toBe(
      true,
    );
    const both = await postJson(`${sim.url}/tokenize`, { messages, continue_final_message: true });
    expect(both.status).toBe(400);
  });

  it('round-trips arbitrary unicode text over HTTP', async () => {
    const samples = fc.sample(fc.string({ unit: 'grapheme', maxLength: 80 }), {
      numRuns: 25,
      seed: 4,
    });
    samples.push('<|im_start|>Привет 😀<|im_end|>\n\n\\boxed{42}');
    for (const sample of samples) {
      const tokenized = await postJson(`${sim.url}/tokenize`, {
        prompt: sample,
        add_special_tokens: false,
      });
      const detokenized = await postJson(`${sim.url}/detokenize`, {
        tokens: list(tokenized.body, 'tokens'),
      });
      expect(text(detokenized.body, 'prompt')).toBe(sample);
      expect(num(tokenized.body, 'count')).toBe(list(tokenized.body, 'tokens').length);
    }
  });

  it('rejects unknown token ids and unknown models', async () => {
    expect((await postJson(`${sim.url}/detokenize`, { tokens: [151_000] })).status).toBe(400);
    expect((await postJson(`${sim.url}/tokenize`, { model: 'other', prompt: 'x' })).status).toBe(
      404,
    );
  });
});
