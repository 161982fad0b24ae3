import { createUpstreamClient } from '../../../../src/upstream';
import { createSglangPolicy } from '../../../../src/upstream/stacks';
import { bodyOf } from './fakes/fake-http-server';
import { startSglangFake } from './fakes/sglang-fake';
import { toyContinue, toyTokens } from './fakes/toy-generator';
import { describePolicyConformance } from './policy-conformance';
import { loadPolicyFixture, replayPolicyFixture } from './policy-fixture';

const RENDERED = '<|im_start|>user\nWhat is 2 + 3 * 4?<|im_end|>\n<|im_start|>assistant\n';
const SGLANG_NATIVE_ERROR = {
  status: 400,
  body: {
    error: {
      // tokenizer_manager.py `_validate_one_request` (sgl-project/sglang), verbatim.
      message: "The input (9000 tokens) is longer than the model's context length (8192 tokens).",
    },
  },
  messageFragment: "is longer than the model's context length",
};
const SGLANG_OPENAI_ERROR = {
  status: 400,
  body: {
    object: 'error',
    message: 'max_tokens must be at least 0, got -1.',
    type: 'BadRequestError',
    param: null,
    code: 400,
  },
  messageFragment: 'max_tokens must be at least 0',
};

describe('createSglangPolicy', () => {
  describe('native /generate (default route)', () => {
    describePolicyConformance({
      startFake: startSglangFake,
      createPolicy: (client) =>
        createSglangPolicy({ client, servedName: 'qwen', renderedPrompt: RENDERED }),
      promptOf: (prefix) => RENDERED + prefix,
      // Sample j of every prefix carries sampling_seed = seed + j (the fake samples by seed).
      sampleOf: (j, seed) => seed + j,
      isStepWise: true,
      hasExactContinuationTokens: true,
      errorReply: SGLANG_NATIVE_ERROR,
    });
  });

  describe('OpenAI /v1/completions route', () => {
    describePolicyConformance({
      startFake: startSglangFake,
      createPolicy: (client) =>
        createSglangPolicy({
          client,
          servedName: 'qwen',
          renderedPrompt: RENDERED,
          route: 'completions',
        }),
      promptOf: (prefix) => RENDERED + prefix,
      sampleOf: (j, seed) => seed + j,
      isStepWise: true,
      hasExactContinuationTokens: false,
      errorReply: SGLANG_OPENAI_ERROR,
    });
  });

  it('sends every prefix and sample in ONE /generate call, one entry per sample with seed + j, stop strings kept and top-k off', async () => {
    const fake = await startSglangFake();
    const client = createUpstreamClient({
      name: 'policy',
      baseUrl: fake.url,
      timeoutMs: 5000,
      maxConnections: 2,
      retries: 0,
    });
    const policy = createSglangPolicy({ client, servedName: 'qwen', renderedPrompt: RENDERED });
    const result = await policy.generate(['', 'Step 1: a.\n\n'], {
      temperature: 0.7,
      topP: 1,
      maxTokens: 2048,
      stop: ['\n\n'],
      n: 4,
      seed: 1,
    });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.path).toBe('/generate');
    const shared = {
      n: 1,
      max_new_tokens: 2048,
      temperature: 0.7,
      top_p: 1,
      top_k: -1,
      min_p: 0,
      repetition_penalty: 1,
      presence_penalty: 0,
      frequency_penalty: 0,
      stop: ['\n\n'],
      no_stop_trim: true,
      skip_special_tokens: true,
    };
    expect(bodyOf(fake.requests[0]!)).toEqual({
      // Prompt-major: prefix i's samples are entries i·n … i·n + n − 1.
      text: [
        ...Array<string>(4).fill(RENDERED),
        ...Array<string>(4).fill(RENDERED + 'Step 1: a.\n\n'),
      ],
      sampling_params: [1, 2, 3, 4, 1, 2, 3, 4].map((seed) => ({ ...shared, sampling_seed: seed })),
    });
    // Four different samples per prefix, not four copies of one.
    for (const row of result.outputs) expect(new Set(row.map((c) => c.text)).size).toBe(4);
    await client.close();
    await fake.close();
  });

  it('the fake models SGLang’s own n: one seed for every copy, so the copies are identical', async () => {
    // What the adapter sent before (review 22 H3): one dict, n = 4, one sampling_seed.
    const fake = await startSglangFake();
    const response = await fetch(`${fake.url}/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        text: [RENDERED],
        sampling_params: { n: 4, max_new_tokens: 64, temperature: 0.7, sampling_seed: 1 },
      }),
    });
    const outputs = (await response.json()) as { text: string }[];
    expect(outputs).toHaveLength(4);
    expect(new Set(outputs.map((output) => output.text)).size).toBe(1);
    await fake.close();
  });

  it('the fake refuses sampling values SGLang’s SamplingParams.verify refuses; greedy and pinned ones pass', async () => {
    const fake = await startSglangFake();
    const post = async (params: Record<string, unknown>): Promise<[number, string]> => {
      const response = await fetch(`${fake.url}/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: RENDERED, sampling_params: { max_new_tokens: 8, ...params } }),
      });
      const body = (await response.json()) as { error?: { message?: string } };
      return [response.status, body.error?.message ?? ''];
    };
    expect(await post({ top_k: 0 })).toEqual([
      400,
      'top_k must be -1 (disable) or at least 1, got 0.',
    ]);
    expect((await post({ top_p: 0 }))[1]).toBe('top_p must be in (0, 1], got 0.');
    expect((await post({ repetition_penalty: 0 }))[0]).toBe(400);
    expect((await post({ presence_penalty: 2.5 }))[0]).toBe(400);
    expect((await post({ min_p: 1.5 }))[0]).toBe(400);
    expect((await post({ temperature: -1 }))[0]).toBe(400);
    // Temperature 0 is greedy (top_k 1 by __post_init__), so top_k 0 sent beside it passes.
    expect((await post({ temperature: 0, top_k: 0 }))[0]).toBe(200);
    expect((await post({ top_k: -1, min_p: 0, repetition_penalty: 1, top_p: 1 }))[0]).toBe(200);
    await fake.close();
  });

  it('/v1/completions: one request per sample j with seed + j (the route has one seed per request), regrouped prompt-major', async () => {
    const fake = await startSglangFake();
    const client = createUpstreamClient({
      name: 'policy',
      baseUrl: fake.url,
      timeoutMs: 5000,
      maxConnections: 4,
      retries: 0,
    });
    const policy = createSglangPolicy({
      client,
      servedName: 'qwen',
      renderedPrompt: RENDERED,
      route: 'completions',
    });
    const prefixes = ['', 'Step 1: part 1 of sample 0.\n\n'];
    const params = { temperature: 0.7, topP: 1, maxTokens: 1000, stop: ['\n\n'], n: 3, seed: 10 };
    const result = await policy.generate(prefixes, params);
    const sent = fake.requests.map((request) => bodyOf(request));
    expect(sent.map((body) => [body.n, body.seed])).toEqual(
      expect.arrayContaining([
        [1, 10],
        [1, 11],
        [1, 12],
      ]),
    );
    expect(sent).toHaveLength(3);
    for (const body of sent) expect(body.prompt).toEqual(prefixes.map((p) => RENDERED + p));
    expect(result.outputs.map((row) => row.map((c) => c.text))).toEqual(
      prefixes.map((prefix) =>
        [10, 11, 12].map((seed) => toyContinue(RENDERED + prefix, seed, 1000, ['\n\n']).text),
      ),
    );
    // Prompts once (as from one call), completions summed over the three calls.
    expect(result.promptTokens).toBe(prefixes.reduce((sum, p) => sum + toyTokens(RENDERED + p), 0));
    const wanted = prefixes.flatMap((prefix) =>
      [10, 11, 12].map((seed) => toyContinue(RENDERED + prefix, seed, 1000, ['\n\n'])),
    );
    expect(result.completionTokens).toBe(wanted.reduce((sum, o) => sum + o.completionTokens, 0));
    // Without a seed there is nothing to vary: one request with SGLang's own n.
    const before = fake.requests.length;
    const { seed: _seed, ...unseeded } = params;
    await policy.generate(prefixes, unseeded);
    expect(fake.requests.slice(before).map((request) => bodyOf(request).n)).toEqual([3]);
    await client.close();
    await fake.close();
  });

  it('re-appends a stop string a server trimmed despite no_stop_trim, exactly once', async () => {
    const fake = await startSglangFake();
    const client = createUpstreamClient({
      name: 'policy',
      baseUrl: fake.url,
      timeoutMs: 5000,
      maxConnections: 2,
      retries: 0,
    });
    fake.override({
      kind: 'reply',
      reply: {
        body: {
          text: 'Step 1: a.',
          meta_info: {
            finish_reason: { type: 'stop', matched: '\n\n' },
            prompt_tokens: 9,
            completion_tokens: 4,
          },
        },
      },
    });
    const result = await createSglangPolicy({
      client,
      servedName: 'qwen',
      renderedPrompt: RENDERED,
    }).generate([''], { temperature: 0, topP: 1, maxTokens: 64, stop: ['\n\n'], n: 1 });
    expect(result.outputs).toEqual([
      [{ text: 'Step 1: a.\n\n', finish: 'stop-sequence', completionTokens: 4 }],
    ]);
    await client.close();
    await fake.close();
  });

  it('rejects a /generate answer with fewer outputs than prefixes × n', async () => {
    const fake = await startSglangFake();
    const client = createUpstreamClient({
      name: 'policy',
      baseUrl: fake.url,
      timeoutMs: 5000,
      maxConnections: 2,
      retries: 0,
    });
    fake.override({
      kind: 'reply',
      reply: {
        body: [
          {
            text: 'x',
            meta_info: {
              finish_reason: { type: 'length', length: 1 },
              prompt_tokens: 1,
              completion_tokens: 1,
            },
          },
        ],
      },
    });
    await expect(
      createSglangPolicy({ client, servedName: 'qwen', renderedPrompt: RENDERED }).generate([''], {
        temperature: 0.7,
        topP: 1,
        maxTokens: 1,
        stop: [],
        n: 2,
      }),
    ).rejects.toThrow(/expected 2 continuations, got 1/);
    await client.close();
    await fake.close();
  });

  describe.each([
    'sglang/generate-length.json',
    'sglang/generate-stop-string-and-token.json',
    'sglang/completions-matched-stop.json',
  ])('fixture %s', (file) => {
    it('sends the documented request and maps the documented answer', async () => {
      const fixture = loadPolicyFixture(file);
      const route = file.includes('completions') ? 'completions' : 'generate';
      const { result, requests } = await replayPolicyFixture(fixture, (client) =>
        createSglangPolicy({
          client,
          servedName: 'qwen',
          renderedPrompt: fixture.renderedPrompt ?? '',
          route,
        }),
      );
      expect(result).toEqual(fixture.expected);
      expect(bodyOf(requests[0]!)).toMatchObject(fixture.request ?? {});
    });
  });
});
