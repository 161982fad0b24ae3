import OpenAI from 'openai';
import { generateProblems, startSimulator, type RunningSimulator } from '../../../src/sim';
import {
  at,
  list,
  num,
  postJson,
  QWEN_SYSTEM,
  sseData,
  startPolicy,
  text,
} from './sim-test-helpers';

const question = generateProblems({ seed: 21, count: 1 })[0]?.problem ?? '';
const messages = [
  { role: 'system' as const, content: QWEN_SYSTEM },
  { role: 'user' as const, content: question },
];

describe('POST /v1/chat/completions', () => {
  let sim: RunningSimulator;
  let client: OpenAI;
  let url: string;

  beforeAll(async () => {
    sim = await startPolicy();
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
    url = `${sim.url}/v1/chat/completions`;
  });
  afterAll(() => sim.close());

  it('answers through the official SDK with a chat.completion and vLLM extras', async () => {
    const completion = await client.chat.completions.create({
      model: sim.modelId,
      messages,
      temperature: 0,
      max_completion_tokens: 4000,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe(sim.modelId);
    const [choice] = completion.choices;
    expect(choice?.message.role).toBe('assistant');
    expect(choice?.message.content).toMatch(/\\boxed\{-?\d+\}/);
    expect(choice?.finish_reason).toBe('stop');
    expect(at(choice, 'stop_reason')).toBeNull();
    const tokenized = await postJson(`${sim.url}/tokenize`, {
      messages,
      add_generation_prompt: true,
    });
    expect(completion.usage?.prompt_tokens).toBe(num(tokenized.body, 'count'));
    const completionCount = await postJson(`${sim.url}/tokenize`, {
      prompt: choice?.message.content ?? '',
      add_special_tokens: false,
    });
    expect(completion.usage?.completion_tokens).toBe(num(completionCount.body, 'count'));
  });

  it('streams through the official SDK: incremental content, finish chunk and usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: sim.modelId,
      messages,
      temperature: 0,
      max_completion_tokens: 60,
      stream: true,
      stream_options: { include_usage: true },
    });
    const contents: string[] = [];
    let finish: string | null = null;
    let usageTokens = 0;
    for await (const chunk of stream) {
      const [choice] = chunk.choices;
      if (choice?.delta.content) contents.push(choice.delta.content);
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usageTokens = chunk.usage.completion_tokens;
    }
    expect(contents.length).toBeGreaterThan(10);
    expect(finish).toBe('length');
    expect(usageTokens).toBe(60);
    const plain = await client.chat.completions.create({
      model: sim.modelId,
      messages,
      temperature: 0,
      max_completion_tokens: 60,
    });
    expect(contents.join('')).toBe(plain.choices[0]?.message.content);
  });

  it('sends SSE exactly like vLLM: role chunk per choice, content, finish with stop_reason, usage, [DONE]', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        messages,
        n: 2,
        max_tokens: 5,
        temperature: 0.7,
        seed: 3,
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    const events = sseData(await response.text());
    expect(events[events.length - 1]).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event) as unknown);
    const roleChunks = chunks.filter(
      (chunk) =>
        list(chunk, 'choices').length > 0 &&
        at(chunk, 'choices', 0, 'delta', 'role') === 'assistant',
    );
    expect(roleChunks.map((chunk) => num(chunk, 'choices', 0, 'index'))).toEqual([0, 1]);
    expect(at(roleChunks[0], 'choices', 0)).toEqual({
      index: 0,
      delta: { role: 'assistant', content: '' },
      logprobs: null,
      finish_reason: null,
    });
    const finals = chunks.filter(
      (chunk) =>
        list(chunk, 'choices').length > 0 && at(chunk, 'choices', 0, 'finish_reason') !== null,
    );
    expect(finals).toHaveLength(2);
    expect(at(finals[0], 'choices', 0)).toMatchObject({
      finish_reason: 'length',
      stop_reason: null,
    });
    const usage = chunks[chunks.length - 1];
    expect(usage).toEqual({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion.chunk',
      created: expect.any(Number),
      model: sim.modelId,
      choices: [],
      usage: {
        prompt_tokens: expect.any(Number),
        completion_tokens: 10,
        total_tokens: expect.any(Number),
      },
    });
    const ids = new Set(chunks.map((chunk) => text(chunk, 'id')));
    expect(ids.size).toBe(1);
  });

  it('continues the final assistant message with continue_final_message', async () => {
    const first = await postJson(url, {
      messages,
      temperature: 0,
      max_tokens: 500,
      stop: ['\n\n'],
      include_stop_str_in_output: true,
    });
    const step1 = text(first.body, 'choices', 0, 'message', 'content');
    expect(step1.endsWith('\n\n')).toBe(true);
    const next = await postJson(url, {
      messages: [...messages, { role: 'assistant', content: step1 }],
      add_generation_prompt: false,
      continue_final_message: true,
      temperature: 0,
      max_tokens: 500,
      stop: ['\n\n'],
      include_stop_str_in_output: true,
    });
    const step2 = text(next.body, 'choices', 0, 'message', 'content');
    const whole = await postJson(url, { messages, temperature: 0, max_tokens: 4000 });
    expect(text(whole.body, 'choices', 0, 'message', 'content').startsWith(step1 + step2)).toBe(
      true,
    );
  });

  it('rejects continue_final_message together with add_generation_prompt', async () => {
    const response = await postJson(url, {
      messages: [...messages, { role: 'assistant', content: 'First,' }],
      continue_final_message: true,
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: {
        message: 'Cannot set both `continue_final_message` and `add_generation_prompt` to True.',
        type: 'BadRequestError',
        param: null,
        code: 400,
      },
    });
  });

  it('rejects top_logprobs without logprobs and stream_options without stream', async () => {
    const topOnly = await postJson(url, { messages, top_logprobs: 2 });
    expect(text(topOnly.body, 'error', 'message')).toBe(
      'when using `top_logprobs`, `logprobs` must be set to true.',
    );
    const options = await postJson(url, { messages, stream_options: { include_usage: true } });
    expect(options.status).toBe(400);
  });

  it('returns chat-format logprobs', async () => {
    const response = await postJson(url, {
      messages,
      max_tokens: 4,
      temperature: 0,
      logprobs: true,
      top_logprobs: 2,
    });
    const content = list(response.body, 'choices', 0, 'logprobs', 'content');
    expect(content).toHaveLength(4);
    expect(at(content, 0)).toEqual({
      token: expect.any(String),
      logprob: expect.any(Number),
      bytes: expect.any(Array),
      top_logprobs: [
        expect.objectContaining({ token: expect.any(String) }),
        expect.objectContaining({ logprob: expect.any(Number) }),
      ],
    });
  });

  it('maps errors to SDK exceptions (404 NotFoundError)', async () => {
    await expect(client.chat.completions.create({ model: 'nope', messages })).rejects.toMatchObject(
      { status: 404 },
    );
  });

  it('loses the trailing "\\n\\n" of a continued Llama-3 message, as the real template does', async () => {
    const llama = await startSimulator({
      role: 'policy',
      seed: 1,
      model: { servedName: 'meta-llama/Llama-3.1-8B-Instruct', paramsB: 8, family: 'llama-3' },
    });
    try {
      const chatUrl = `${llama.url}/v1/chat/completions`;
      const first = await postJson(chatUrl, {
        messages: [{ role: 'user', content: question }],
        temperature: 0,
        max_tokens: 500,
        stop: ['\n\n'],
        include_stop_str_in_output: true,
      });
      const step1 = text(first.body, 'choices', 0, 'message', 'content');
      expect(step1).toMatch(/^## Step 1: /);
      const next = await postJson(chatUrl, {
        messages: [
          { role: 'user', content: question },
          { role: 'assistant', content: step1 },
        ],
        add_generation_prompt: false,
        continue_final_message: true,
        temperature: 0,
        max_tokens: 500,
        stop: ['\n\n'],
      });
      expect(text(next.body, 'choices', 0, 'message', 'content')).toBe('');
      expect(text(next.body, 'choices', 0, 'stop_reason')).toBe('\n\n');
    } finally {
      await llama.close();
    }
  });
});
