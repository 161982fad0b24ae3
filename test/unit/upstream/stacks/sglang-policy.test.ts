import { createUpstreamClient } from '../../../../src/upstream';
import { createSglangPolicy } from '../../../../src/upstream/stacks';
import { bodyOf } from './fakes/fake-http-server';
import { startSglangFake } from './fakes/sglang-fake';
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
      // /generate gets no seed from us (SGLang's seed handling is not in our notes): samples are 0..n-1.
      sampleOf: (j) => j,
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

  it('sends every prefix and sample in ONE /generate call, stop strings kept and top-k off', async () => {
    const fake = await startSglangFake();
    const client = createUpstreamClient({
      name: 'policy',
      baseUrl: fake.url,
      timeoutMs: 5000,
      maxConnections: 2,
      retries: 0,
    });
    const policy = createSglangPolicy({ client, servedName: 'qwen', renderedPrompt: RENDERED });
    await policy.generate(['', 'Step 1: a.\n\n'], {
      temperature: 0.7,
      topP: 1,
      maxTokens: 2048,
      stop: ['\n\n'],
      n: 4,
      seed: 1,
    });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.path).toBe('/generate');
    expect(bodyOf(fake.requests[0]!)).toEqual({
      text: [RENDERED, RENDERED + 'Step 1: a.\n\n'],
      sampling_params: {
        n: 4,
        max_new_tokens: 2048,
        temperature: 0.7,
        top_p: 1,
        top_k: -1,
        min_p: 0,
        repetition_penalty: 1,
        presence_penalty: 0,
        frequency_penalty: 0,
        sampling_seed: 1,
        stop: ['\n\n'],
        no_stop_trim: true,
        skip_special_tokens: true,
      },
    });
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
