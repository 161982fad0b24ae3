import { generateProblems, type RunningSimulator } from '../../../src/sim';
import {
  at,
  keysAt,
  list,
  num,
  postJson,
  qwenPrompt,
  sseData,
  startPolicy,
  text,
  valuesAt,
} from './sim-test-helpers';

const [problem] = generateProblems({ seed: 9, count: 1 });
const question = problem?.problem ?? '';
const prompt = qwenPrompt(question);

describe('POST /v1/completions', () => {
  let sim: RunningSimulator;
  let url: string;

  beforeAll(async () => {
    sim = await startPolicy();
    url = `${sim.url}/v1/completions`;
  });
  afterAll(() => sim.close());

  async function tokenCount(value: string, addSpecialTokens = false): Promise<number> {
    const response = await postJson(`${sim.url}/tokenize`, {
      prompt: value,
      add_special_tokens: addSpecialTokens,
    });
    return num(response.body, 'count');
  }

  it('answers in the vLLM CompletionResponse shape', async () => {
    const response = await postJson(url, {
      model: sim.modelId,
      prompt,
      max_tokens: 50,
      temperature: 0,
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^cmpl-/),
      object: 'text_completion',
      created: expect.any(Number),
      model: sim.modelId,
      choices: [
        {
          index: 0,
          text: expect.any(String),
          logprobs: null,
          finish_reason: 'length',
          stop_reason: null,
          token_ids: null,
          prompt_logprobs: null,
          prompt_token_ids: null,
        },
      ],
      usage: {
        prompt_tokens: expect.any(Number),
        completion_tokens: 50,
        total_tokens: expect.any(Number),
        prompt_tokens_details: null,
      },
      system_fingerprint: null,
      kv_transfer_params: null,
    });
  });

  it('defaults max_tokens to 16, like vLLM', async () => {
    const response = await postJson(url, { prompt, temperature: 0 });
    expect(text(response.body, 'choices', 0, 'finish_reason')).toBe('length');
    expect(num(response.body, 'usage', 'completion_tokens')).toBe(16);
    expect(await tokenCount(text(response.body, 'choices', 0, 'text'))).toBe(16);
  });

  it('orders choices prompt-major (index = prompt_idx * n + j) and counts each prompt once', async () => {
    const second = qwenPrompt(generateProblems({ seed: 10, count: 1 })[0]?.problem ?? '');
    const response = await postJson(url, {
      prompt: [prompt, second],
      n: 3,
      max_tokens: 20,
      temperature: 0.8,
      seed: 1,
    });
    const choices = list(response.body, 'choices');
    expect(choices.map((_, index) => num(response.body, 'choices', index, 'index'))).toEqual([
      0, 1, 2, 3, 4, 5,
    ]);
    const promptTokens = (await tokenCount(prompt, true)) + (await tokenCount(second, true));
    expect(num(response.body, 'usage', 'prompt_tokens')).toBe(promptTokens);
    expect(num(response.body, 'usage', 'completion_tokens')).toBe(6 * 20);
    expect(num(response.body, 'usage', 'total_tokens')).toBe(promptTokens + 120);
  });

  it('ends a full solution at EOS: finish_reason "stop", stop_reason null, no trailing separator', async () => {
    const response = await postJson(url, { prompt, max_tokens: 4000, temperature: 0 });
    const solution = text(response.body, 'choices', 0, 'text');
    expect(text(response.body, 'choices', 0, 'finish_reason')).toBe('stop');
    expect(at(response.body, 'choices', 0, 'stop_reason')).toBeNull();
    expect(solution).toMatch(/\\boxed\{-?\d+\}/);
    expect(solution.endsWith('\n')).toBe(false);
    expect(num(response.body, 'usage', 'completion_tokens')).toBe(await tokenCount(solution));
  });

  it('stops at a stop string: stop_reason is the string, cut from the text unless included', async () => {
    const excluded = await postJson(url, {
      prompt,
      max_tokens: 1000,
      temperature: 0,
      stop: ['\n\n'],
    });
    const included = await postJson(url, {
      prompt,
      max_tokens: 1000,
      temperature: 0,
      stop: '\n\n',
      include_stop_str_in_output: true,
    });
    const step = text(excluded.body, 'choices', 0, 'text');
    expect(text(excluded.body, 'choices', 0, 'finish_reason')).toBe('stop');
    expect(text(excluded.body, 'choices', 0, 'stop_reason')).toBe('\n\n');
    expect(step.includes('\n\n')).toBe(false);
    expect(text(included.body, 'choices', 0, 'text')).toBe(`${step}\n\n`);
    expect(text(included.body, 'choices', 0, 'stop_reason')).toBe('\n\n');
    // The cut separator is still a generated token, as in vLLM.
    expect(num(excluded.body, 'usage', 'completion_tokens')).toBe(await tokenCount(`${step}\n\n`));
    expect(num(included.body, 'usage', 'completion_tokens')).toBe(await tokenCount(`${step}\n\n`));
  });

  it('continues a partial solution step by step and ends with the same text as one greedy call', async () => {
    const whole = text(
      (await postJson(url, { prompt, max_tokens: 4000, temperature: 0 })).body,
      'choices',
      0,
      'text',
    );
    let partial = '';
    for (let round = 0; round < 12; round++) {
      const response = await postJson(url, {
        prompt: prompt + partial,
        max_tokens: 500,
        temperature: 0,
        stop: ['\n\n'],
        include_stop_str_in_output: true,
        add_special_tokens: false,
      });
      partial += text(response.body, 'choices', 0, 'text');
      if (at(response.body, 'choices', 0, 'stop_reason') === null) break;
    }
    expect(partial).toBe(whole);
  });

  it('emits "\\n\\n" first when the prefix ends with a finished step but no separator', async () => {
    const firstStep = text(
      (await postJson(url, { prompt, max_tokens: 500, temperature: 0, stop: ['\n\n'] })).body,
      'choices',
      0,
      'text',
    );
    const response = await postJson(url, {
      prompt: prompt + firstStep,
      max_tokens: 500,
      temperature: 0,
      stop: ['\n\n'],
    });
    expect(text(response.body, 'choices', 0, 'text')).toBe('');
    expect(text(response.body, 'choices', 0, 'stop_reason')).toBe('\n\n');
    expect(num(response.body, 'usage', 'completion_tokens')).toBe(1);
  });

  it('is deterministic at temperature 0 and reproducible with a seed; n children use seed + j', async () => {
    const greedy = await postJson(url, {
      prompt: [prompt, prompt],
      max_tokens: 300,
      temperature: 0,
    });
    const greedyTexts = list(greedy.body, 'choices').map((_, index) =>
      text(greedy.body, 'choices', index, 'text'),
    );
    expect(greedyTexts).toHaveLength(2);
    expect(new Set(greedyTexts).size).toBe(1);

    const body = { prompt, n: 4, max_tokens: 400, temperature: 0.9, seed: 123 };
    const first = await postJson(url, body);
    const again = await postJson(url, body);
    expect(list(again.body, 'choices')).toEqual(list(first.body, 'choices'));
    const shifted = await postJson(url, { ...body, n: 1, seed: 125 });
    expect(text(shifted.body, 'choices', 0, 'text')).toBe(text(first.body, 'choices', 2, 'text'));
    // A seed of -1 is no seed (vllm/sampling_params.py `__post_init__`): each request draws anew.
    const unseeded = { prompt, n: 2, max_tokens: 400, temperature: 0.9, seed: -1 };
    const draws = [await postJson(url, unseeded), await postJson(url, unseeded)];
    expect(list(draws[1]?.body, 'choices')).not.toEqual(list(draws[0]?.body, 'choices'));
  });

  it('makes sampled siblings diverse at high temperature', async () => {
    const response = await postJson(url, {
      prompt,
      n: 16,
      max_tokens: 2000,
      temperature: 1,
      seed: 5,
      stop: ['\n\n'],
    });
    const texts = list(response.body, 'choices').map((_, index) =>
      text(response.body, 'choices', index, 'text'),
    );
    expect(new Set(texts).size).toBeGreaterThan(4);
  });

  it('accepts token-id prompts and echoes the prompt when asked', async () => {
    const ids = list(
      (await postJson(`${sim.url}/tokenize`, { prompt, add_special_tokens: false })).body,
      'tokens',
    );
    const byIds = await postJson(url, { prompt: ids, max_tokens: 10, temperature: 0 });
    const byText = await postJson(url, { prompt, max_tokens: 10, temperature: 0, echo: true });
    expect(text(byText.body, 'choices', 0, 'text')).toBe(
      prompt + text(byIds.body, 'choices', 0, 'text'),
    );
  });

  it('returns completion logprobs and prompt logprobs in vLLM format', async () => {
    const response = await postJson(url, {
      prompt: 'Compute 2 + 2.',
      max_tokens: 5,
      temperature: 0,
      logprobs: 3,
      prompt_logprobs: 2,
    });
    const logprobs = at(response.body, 'choices', 0, 'logprobs');
    expect(list(logprobs, 'tokens')).toHaveLength(5);
    expect(list(logprobs, 'token_logprobs')).toHaveLength(5);
    expect(list(logprobs, 'text_offset')[0]).toBe(0);
    expect(keysAt(logprobs, 'top_logprobs', 0).length).toBeGreaterThanOrEqual(3);
    const promptLogprobs = list(response.body, 'choices', 0, 'prompt_logprobs');
    expect(promptLogprobs[0]).toBeNull();
    const [firstEntry] = valuesAt(promptLogprobs, 1);
    expect(firstEntry).toEqual({
      logprob: expect.any(Number),
      rank: expect.any(Number),
      decoded_token: expect.any(String),
    });
  });

  it('streams text_completion chunks, a usage chunk and [DONE]', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        prompt,
        max_tokens: 12,
        temperature: 0.7,
        seed: 5,
        n: 2,
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = sseData(await response.text());
    expect(events[events.length - 1]).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event) as unknown);
    const usage = chunks[chunks.length - 1];
    expect(usage).toMatchObject({
      object: 'text_completion',
      choices: [],
      usage: { completion_tokens: 24 },
    });
    const byChoice = [0, 1].map((index) =>
      chunks.slice(0, -1).filter((chunk) => num(chunk, 'choices', 0, 'index') === index),
    );
    for (const chunksOfChoice of byChoice) {
      expect(chunksOfChoice.length).toBeGreaterThan(3);
      expect(at(chunksOfChoice[chunksOfChoice.length - 1], 'choices', 0, 'finish_reason')).toBe(
        'length',
      );
    }
    const streamed = byChoice[0]?.map((chunk) => text(chunk, 'choices', 0, 'text')).join('');
    const plain = await postJson(url, { prompt, max_tokens: 12, temperature: 0.7, seed: 5 });
    expect(streamed).toBe(text(plain.body, 'choices', 0, 'text'));
  });

  describe('return_token_ids (vLLM 0.10.2, completion/serving.py @030ea52e)', () => {
    it('returns each prompt’s ids and each choice’s generated ids', async () => {
      const response = await postJson(url, {
        prompt: [prompt, 'Hello'],
        max_tokens: 8,
        temperature: 0,
        return_token_ids: true,
      });
      const tokenized = await postJson(`${sim.url}/tokenize`, { prompt: 'Hello' });
      expect(at(response.body, 'choices', 1, 'prompt_token_ids')).toEqual(
        at(tokenized.body, 'tokens'),
      );
      const generated = list(response.body, 'choices', 0, 'token_ids');
      expect(generated.length + list(response.body, 'choices', 1, 'token_ids').length).toBe(
        num(response.body, 'usage', 'completion_tokens'),
      );
      const decoded = await postJson(`${sim.url}/detokenize`, { tokens: generated });
      expect(text(decoded.body, 'prompt')).toBe(text(response.body, 'choices', 0, 'text'));
    });

    it('with echo, drops the echoed prompt text: the ids stand for it', async () => {
      const response = await postJson(url, {
        prompt,
        max_tokens: 4,
        temperature: 0,
        echo: true,
        return_token_ids: true,
      });
      const plain = await postJson(url, { prompt, max_tokens: 4, temperature: 0 });
      expect(text(response.body, 'choices', 0, 'text')).toBe(
        text(plain.body, 'choices', 0, 'text'),
      );
    });

    it('streamed: the prompt ids in each choice’s first chunk only, token_ids as deltas', async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          prompt,
          max_tokens: 6,
          temperature: 0,
          stream: true,
          return_token_ids: true,
        }),
      });
      const chunks = sseData(await response.text())
        .slice(0, -1)
        .map((event) => JSON.parse(event) as unknown);
      const plain = await postJson(url, {
        prompt,
        max_tokens: 6,
        temperature: 0,
        return_token_ids: true,
      });
      expect(chunks.map((chunk) => at(chunk, 'choices', 0, 'prompt_token_ids') !== null)).toEqual(
        chunks.map((_chunk, i) => i === 0),
      );
      expect(at(chunks[0], 'choices', 0, 'prompt_token_ids')).toEqual(
        at(plain.body, 'choices', 0, 'prompt_token_ids'),
      );
      expect(chunks.flatMap((chunk) => list(chunk, 'choices', 0, 'token_ids'))).toEqual(
        at(plain.body, 'choices', 0, 'token_ids'),
      );
    });

    it('a 0.10.1 server has neither field and ignores the request field', async () => {
      const old = await startPolicy({ vllmVersion: '0.10.1' });
      try {
        const response = await postJson(`${old.url}/v1/completions`, {
          prompt,
          max_tokens: 4,
          temperature: 0,
          return_token_ids: true,
        });
        expect(response.status).toBe(200);
        expect(keysAt(response.body, 'choices', 0)).not.toContain('prompt_token_ids');
        expect(keysAt(response.body, 'choices', 0)).not.toContain('token_ids');
        const version = await fetch(`${old.url}/version`);
        expect(await version.json()).toEqual({ version: '0.10.1+sim' });
      } finally {
        await old.close();
      }
    });
  });

  it.each([
    [
      { prompt, stream_options: { include_usage: true } },
      'Stream options can only be defined when `stream=True`.',
    ],
    [{ prompt, logprobs: -1 }, '`logprobs` must be a positive value.'],
    [
      { prompt, prompt_logprobs: 1, stream: true },
      '`prompt_logprobs` are not available when `stream=True`.',
    ],
    [{ prompt, best_of: 2 }, 'vLLM V1 does not yet support best_of.'],
    [{ prompt, temperature: -1 }, 'temperature must be non-negative, got -1.'],
    // vllm/sampling_params.py `_verify_args`, `_verify_greedy_sampling` @00388f65.
    [{ prompt, temperature: 2.5 }, 'temperature must be in [0, 2], got 2.5.'],
    [{ prompt, temperature: 0, n: 2 }, 'n must be 1 when using greedy sampling, got 2.'],
    [{ prompt, stop: ['\n\n', ''] }, 'stop cannot contain an empty string.'],
    // completion/protocol.py `validate_prompt_list_length` @002032ee (VLLM_MAX_COMPLETION_PROMPTS).
    [
      { prompt: Array<string>(1025).fill('x'), max_tokens: 1 },
      'prompt list length 1025 exceeds the maximum allowed count of 1024. To increase this limit, set the VLLM_MAX_COMPLETION_PROMPTS environment variable.',
    ],
    [
      { prompt, logprobs: 21 },
      'Requested sample logprobs of 21, which is greater than max allowed: 20',
    ],
  ])('rejects invalid requests with a vLLM 400 (%#)', async (body, message) => {
    const response = await postJson(url, body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: { message, type: 'BadRequestError', param: null, code: 400 },
    });
  });

  it('reports schema violations as 400 validation errors', async () => {
    const response = await postJson(url, { prompt: 42 });
    expect(response.status).toBe(400);
    expect(text(response.body, 'error', 'message')).toMatch(/validation error/);
  });

  it('answers 404 NotFoundError for an unknown model', async () => {
    const response = await postJson(url, { model: 'gpt-4o', prompt });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      error: {
        message: 'The model `gpt-4o` does not exist.',
        type: 'NotFoundError',
        param: null,
        code: 404,
      },
    });
  });

  it('rejects prompts beyond the context window with the vLLM wording', async () => {
    const small = await startPolicy({
      model: { servedName: 'sim-small', paramsB: 1.5, family: 'qwen2.5', maxModelLen: 64 },
    });
    try {
      const response = await postJson(`${small.url}/v1/completions`, { prompt, max_tokens: 10 });
      expect(response.status).toBe(400);
      expect(text(response.body, 'error', 'message')).toMatch(
        /^This model's maximum context length is 64 tokens\. However, you requested \d+ tokens/,
      );
    } finally {
      await small.close();
    }
  });
});
