import { InvalidUpstreamResponseError } from '../../../../src/errors';
import { createUpstreamClient, type UpstreamClient } from '../../../../src/upstream';
import { createLlamaCppPolicy } from '../../../../src/upstream/stacks';
import { bodyOf, type FakeServer } from './fakes/fake-http-server';
import { startLlamaCppFake } from './fakes/llama-cpp-fake';
import { describePolicyConformance } from './policy-conformance';
import { loadPolicyFixture, replayPolicyFixture } from './policy-fixture';

const RENDERED = '<|im_start|>user\nWhat is 2 + 3 * 4?<|im_end|>\n<|im_start|>assistant\n';
const LLAMA_CPP_ERROR = {
  status: 400,
  body: {
    error: {
      code: 400,
      message: 'the request exceeds the available context size',
      type: 'exceed_context_size_error',
    },
  },
  messageFragment: 'exceeds the available context size',
};

describe('createLlamaCppPolicy', () => {
  describePolicyConformance({
    startFake: () => startLlamaCppFake(),
    createPolicy: (client) =>
      createLlamaCppPolicy({ client, renderedPrompt: RENDERED, maxConcurrency: 4 }),
    promptOf: (prefix) => RENDERED + prefix,
    // One request per sample, each with seed + sample.
    sampleOf: (j, seed) => seed + j,
    isStepWise: true,
    hasExactContinuationTokens: true,
    errorReply: LLAMA_CPP_ERROR,
  });

  describe('with an older server (stopped_* booleans instead of stop_type)', () => {
    describePolicyConformance({
      startFake: () => startLlamaCppFake({ legacy: true }),
      createPolicy: (client) =>
        createLlamaCppPolicy({ client, renderedPrompt: RENDERED, maxConcurrency: 2 }),
      promptOf: (prefix) => RENDERED + prefix,
      sampleOf: (j, seed) => seed + j,
      isStepWise: true,
      hasExactContinuationTokens: true,
      errorReply: LLAMA_CPP_ERROR,
    });
  });

  describe('requests', () => {
    let fake: FakeServer;
    let client: UpstreamClient;
    beforeEach(async () => {
      fake = await startLlamaCppFake();
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

    it('fans P prefixes × n samples out as P·n /completion requests with per-sample seeds and the paper’s sampler, every other sampler off', async () => {
      const policy = createLlamaCppPolicy({ client, renderedPrompt: RENDERED, maxConcurrency: 3 });
      const result = await policy.generate(['', 'Step 1: a.\n\n'], {
        temperature: 0.7,
        topP: 1,
        maxTokens: 2048,
        stop: ['\n\n'],
        n: 3,
        seed: 40,
      });
      expect(result.outputs.map((row) => row.length)).toEqual([3, 3]);
      expect(fake.requests).toHaveLength(6);
      const bodies = fake.requests.map(bodyOf);
      expect(bodies.map((body) => [body.prompt, body.seed]).sort()).toEqual(
        [RENDERED, RENDERED + 'Step 1: a.\n\n']
          .flatMap((prompt) => [40, 41, 42].map((seed) => [prompt, seed]))
          .sort(),
      );
      for (const body of bodies) {
        expect(body).toMatchObject({
          n_predict: 2048,
          temperature: 0.7,
          top_p: 1,
          top_k: 0,
          min_p: 0,
          typical_p: 1,
          dynatemp_range: 0,
          dry_multiplier: 0,
          xtc_probability: 0,
          top_n_sigma: -1,
          mirostat: 0,
          stop: ['\n\n'],
          cache_prompt: true,
          stream: false,
        });
      }
    });

    it('knows the matched word from the only stop string when stopping_word is empty', async () => {
      fake.override({
        kind: 'reply',
        reply: {
          body: {
            content: 'Step 1: a.',
            stop_type: 'word',
            stopping_word: '',
            tokens_predicted: 4,
            tokens_evaluated: 9,
          },
        },
      });
      const result = await createLlamaCppPolicy({
        client,
        renderedPrompt: RENDERED,
        maxConcurrency: 1,
      }).generate([''], { temperature: 0, topP: 1, maxTokens: 64, stop: ['\n\n'], n: 1 });
      expect(result.outputs[0]?.[0]).toEqual({
        text: 'Step 1: a.\n\n',
        finish: 'stop-sequence',
        completionTokens: 4,
      });
    });

    it('refuses a word stop it cannot attribute among several stop strings', async () => {
      fake.override({
        kind: 'reply',
        reply: {
          body: {
            content: 'Step 1: a.',
            stop_type: 'word',
            stopping_word: '',
            tokens_predicted: 4,
            tokens_evaluated: 9,
          },
        },
      });
      await expect(
        createLlamaCppPolicy({ client, renderedPrompt: RENDERED, maxConcurrency: 1 }).generate(
          [''],
          { temperature: 0, topP: 1, maxTokens: 64, stop: ['\n\n', '</s>'], n: 1 },
        ),
      ).rejects.toBeInstanceOf(InvalidUpstreamResponseError);
    });

    it('stops the other samples once one request fails', async () => {
      fake.override({ kind: 'reply', reply: { status: 400, body: LLAMA_CPP_ERROR.body } });
      const policy = createLlamaCppPolicy({ client, renderedPrompt: RENDERED, maxConcurrency: 1 });
      await expect(
        policy.generate([''], {
          temperature: 0.7,
          topP: 1,
          maxTokens: 64,
          stop: ['\n\n'],
          n: 5,
          seed: 1,
        }),
      ).rejects.toMatchObject({ status: 400 });
      expect(fake.requests).toHaveLength(1);
    });
  });

  describe.each(['llama-cpp/completion-stop-word.json', 'llama-cpp/completion-legacy-eos.json'])(
    'fixture %s',
    (file) => {
      it('sends the documented request and maps the documented answer', async () => {
        const fixture = loadPolicyFixture(file);
        const { result, requests } = await replayPolicyFixture(fixture, (client) =>
          createLlamaCppPolicy({
            client,
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
