import { UpstreamError } from '../../../../src/errors';
import { createUpstreamClient, type UpstreamClient } from '../../../../src/upstream';
import { createFastchatPolicy, fastchatErrorStatus } from '../../../../src/upstream/stacks';
import { throwIfFastchatError } from '../../../../src/upstream/stacks/fastchat-policy';
import { bodyOf, type FakeServer } from './fakes/fake-http-server';
import { startFastchatFake } from './fakes/fastchat-fake';
import { describePolicyConformance } from './policy-conformance';
import { loadFastchatErrorFixture, loadPolicyFixture, replayPolicyFixture } from './policy-fixture';

const RENDERED =
  '<|im_start|>system\nPlease reason step by step.<|im_end|>\n<|im_start|>user\nWhat is 2 + 3 * 4?<|im_end|>\n<|im_start|>assistant\n';
// FastAPI's answer to a body it cannot validate (the worker itself has no 4xx of its own).
const FASTAPI_ERROR = {
  status: 422,
  body: {
    detail: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {} }],
  },
  messageFragment: 'JSON decode error',
};

describe('createFastchatPolicy', () => {
  describePolicyConformance({
    startFake: () => startFastchatFake(),
    createPolicy: (client) =>
      createFastchatPolicy({
        client,
        servedName: 'Qwen2.5-Math-7B-Instruct',
        renderedPrompt: RENDERED,
        maxConcurrency: 4,
      }),
    promptOf: (prefix) => RENDERED + prefix,
    // The worker takes no seed: its samples are simply 0..n-1.
    sampleOf: (j) => j,
    isStepWise: true,
    hasExactContinuationTokens: true,
    errorReply: FASTAPI_ERROR,
  });

  describe('requests', () => {
    let fake: FakeServer;
    let client: UpstreamClient;
    beforeEach(async () => {
      fake = await startFastchatFake();
      client = createUpstreamClient({
        name: 'policy',
        baseUrl: fake.url,
        timeoutMs: 5000,
        maxConnections: 8,
        retries: 0,
      });
    });
    afterEach(async () => {
      await client.close();
      await fake.close();
    });

    it('sends the paper’s fields, with echo off (the worker defaults it on), one request per prefix with native n', async () => {
      const policy = createFastchatPolicy({
        client,
        servedName: 'Qwen2.5-Math-7B-Instruct',
        renderedPrompt: RENDERED,
        maxConcurrency: 2,
      });
      await policy.generate(['', 'Step 1: a.\n\n'], {
        temperature: 0.7,
        topP: 1,
        maxTokens: 2048,
        stop: ['\n\n'],
        n: 4,
        seed: 5,
      });
      expect(fake.requests.map((request) => request.path)).toEqual([
        '/worker_generate',
        '/worker_generate',
      ]);
      expect(
        fake.requests
          .map(bodyOf)
          .map((body) => body.prompt)
          .sort(),
      ).toEqual([RENDERED, RENDERED + 'Step 1: a.\n\n']);
      expect(bodyOf(fake.requests[0]!)).toEqual({
        model: 'Qwen2.5-Math-7B-Instruct',
        prompt: expect.any(String),
        n: 4,
        temperature: 0.7,
        top_p: 1,
        top_k: -1,
        max_new_tokens: 2048,
        stop: ['\n\n'],
        echo: false,
        include_stop_str_in_output: true,
      });
    });

    it('turns a 200 {"text", "error_code"} into a retryable UpstreamError', async () => {
      const fixture = loadFastchatErrorFixture();
      fake.override({ kind: 'reply', reply: { body: fixture.response } });
      const policy = createFastchatPolicy({
        client,
        servedName: 'm',
        renderedPrompt: RENDERED,
        maxConcurrency: 1,
      });
      const error: unknown = await policy
        .generate([''], { temperature: 0.7, topP: 1, maxTokens: 10, stop: [], n: 1 })
        .catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject(fixture.expected);
      expect((error as UpstreamError).message).toContain('CUDA out of memory');
    });

    it('rejects a reply whose text list is shorter than n', async () => {
      fake.override({
        kind: 'reply',
        reply: {
          body: { text: ['a'], output_token_len: [1], finish_reason: 'stop', error_code: 0 },
        },
      });
      const policy = createFastchatPolicy({
        client,
        servedName: 'm',
        renderedPrompt: RENDERED,
        maxConcurrency: 1,
      });
      await expect(
        policy.generate([''], { temperature: 0.7, topP: 1, maxTokens: 10, stop: [], n: 2 }),
      ).rejects.toThrow(/expected 2 continuations, got 1/);
    });
  });

  describe('fastchatErrorStatus', () => {
    it('reads the HTTP status out of FastChat error codes', () => {
      expect([40303, 42903, 50002, 50006, 7].map(fastchatErrorStatus)).toEqual([
        400, 429, 500, 500, 500,
      ]);
    });

    it('turns a 40303 context overflow into a 400 that reads as context_length_exceeded', () => {
      // fastchat/serve/openai_api_server.py @0e6d3e4b:155-177 `check_length`, verbatim wording.
      const body = {
        text: "This model's maximum context length is 4096 tokens. However, your messages resulted in 5000 tokens. Please reduce the length of the messages.",
        error_code: 40303,
      };
      let caught: unknown;
      try {
        throwIfFastchatError(body, 'policy', '/worker_generate');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(UpstreamError);
      expect((caught as UpstreamError).status).toBe(400);
      expect((caught as UpstreamError).isContextLength).toBe(true);
    });
  });

  describe.each(['fastchat/worker-generate-n2.json', 'fastchat/worker-generate-n1.json'])(
    'fixture %s',
    (file) => {
      it('sends the paper’s request and maps the worker’s answer', async () => {
        const fixture = loadPolicyFixture(file);
        const { result, requests } = await replayPolicyFixture(fixture, (client) =>
          createFastchatPolicy({
            client,
            servedName: 'm',
            renderedPrompt: fixture.renderedPrompt ?? '',
            maxConcurrency: 1,
          }),
        );
        expect(result).toEqual(fixture.expected);
        expect(bodyOf(requests[0]!)).toMatchObject(fixture.request ?? {});
      });
    },
  );
});
