import { UnsupportedFeatureError } from '../../../../src/errors';
import { createUpstreamClient, type UpstreamClient } from '../../../../src/upstream';
import { createOpenAiChatPolicy, retryRuleFor } from '../../../../src/upstream/stacks';
import { bodyOf, type FakeServer } from './fakes/fake-http-server';
import {
  openAiChatPrompt,
  startOpenAiChatFake,
  tgiRepetitionPenalties,
  type OpenAiChatFakeOptions,
} from './fakes/openai-chat-fake';
import { toyContinue, toyTokens } from './fakes/toy-generator';
import { describePolicyConformance } from './policy-conformance';
import { loadPolicyFixture, replayPolicyFixture } from './policy-fixture';

const MESSAGES = [
  { role: 'system' as const, content: 'Please reason step by step.' },
  { role: 'user' as const, content: 'What is 2 + 3 * 4?' },
];
const OPENAI_ERROR = {
  status: 400,
  body: {
    error: {
      message: "Invalid value for 'temperature': must be between 0 and 2.",
      type: 'invalid_request_error',
      param: 'temperature',
      code: null,
    },
  },
  messageFragment: "Invalid value for 'temperature'",
};
const SAMPLE = { temperature: 0.7, topP: 1, maxTokens: 8192, stop: [] as string[], n: 3, seed: 10 };

describe('createOpenAiChatPolicy', () => {
  describePolicyConformance({
    startFake: () => startOpenAiChatFake(),
    createPolicy: (client) =>
      createOpenAiChatPolicy({ client, servedName: 'gpt', messages: MESSAGES, maxConcurrency: 4 }),
    promptOf: () => openAiChatPrompt(MESSAGES),
    sampleOf: (j, seed) => seed + j,
    isStepWise: false,
    hasExactContinuationTokens: false,
    errorReply: OPENAI_ERROR,
  });

  describe('behaviour', () => {
    let fake: FakeServer;
    let client: UpstreamClient;
    const start = async (options: OpenAiChatFakeOptions = {}, retries = 0): Promise<void> => {
      fake = await startOpenAiChatFake(options);
      client = createUpstreamClient({
        name: 'policy',
        baseUrl: fake.url,
        timeoutMs: 5000,
        maxConnections: 8,
        retries,
        // As the app builds an openai-chat upstream's client (upstream-clients.ts).
        shouldRetry: retryRuleFor('openai-chat'),
      });
    };
    afterEach(async () => {
      await client.close();
      await fake.close();
    });
    const expectedTexts = (count: number): string[] =>
      Array.from(
        { length: count },
        (_, j) =>
          toyContinue(openAiChatPrompt(MESSAGES), SAMPLE.seed + j, SAMPLE.maxTokens, []).text,
      );

    it('refuses to continue a partial answer, naming the reason, without calling the upstream', async () => {
      await start();
      const policy = createOpenAiChatPolicy({
        client,
        servedName: 'gpt',
        messages: MESSAGES,
        maxConcurrency: 2,
      });
      const error: unknown = await policy
        .generate(['Step 1: a.\n\n'], SAMPLE)
        .catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(UnsupportedFeatureError);
      expect(error).toMatchObject({
        param: 'tts_strategy',
        message: expect.stringContaining('cannot continue a partial solution'),
      });
      expect(fake.requests).toHaveLength(0);
    });

    it('refuses step-wise generation (a stop string) even from an empty prefix', async () => {
      await start();
      const policy = createOpenAiChatPolicy({
        client,
        servedName: 'gpt',
        messages: MESSAGES,
        maxConcurrency: 2,
      });
      await expect(policy.generate([''], { ...SAMPLE, stop: ['\n\n'] })).rejects.toBeInstanceOf(
        UnsupportedFeatureError,
      );
      expect(fake.requests).toHaveLength(0);
    });

    it('sends n natively with the conversation and the configured token-cap field', async () => {
      await start();
      const policy = createOpenAiChatPolicy({
        client,
        servedName: 'gpt',
        messages: MESSAGES,
        maxConcurrency: 2,
        maxTokensField: 'max_completion_tokens',
      });
      const result = await policy.generate([''], SAMPLE);
      expect(result.outputs[0]?.map((c) => c.text)).toEqual(expectedTexts(3));
      expect(fake.requests).toHaveLength(1);
      expect(bodyOf(fake.requests[0]!)).toEqual({
        model: 'gpt',
        messages: MESSAGES,
        n: 3,
        temperature: 0.7,
        top_p: 1,
        frequency_penalty: 0,
        max_completion_tokens: 8192,
        seed: 10,
      });
    });

    it('falls back to fanned-out n = 1 requests when the server rejects n, and remembers it', async () => {
      // Older llama-server: 500 server_error. With the default retries, the 500 is not retried.
      await start({ nLimit: 'reject' }, 2);
      const policy = createOpenAiChatPolicy({
        client,
        servedName: 'gpt',
        messages: MESSAGES,
        maxConcurrency: 2,
      });
      const first = await policy.generate([''], SAMPLE);
      expect(first.outputs[0]?.map((c) => c.text)).toEqual(expectedTexts(3));
      // Prompt counted once, as for a native n call.
      expect(first.promptTokens).toBe(toyTokens(openAiChatPrompt(MESSAGES)));
      expect(fake.requests.map((request) => bodyOf(request).n)).toEqual([3, 1, 1, 1]);
      await policy.generate([''], SAMPLE);
      expect(fake.requests.slice(4).map((request) => bodyOf(request).n)).toEqual([1, 1, 1]);
    });

    it('falls back to n = 1 when current llama-server refuses n above its slots (400 n_cmpl)', async () => {
      await start({ nLimit: 'slots', slots: 2 }, 2);
      const policy = createOpenAiChatPolicy({
        client,
        servedName: 'gpt',
        messages: MESSAGES,
        maxConcurrency: 2,
      });
      const result = await policy.generate([''], SAMPLE);
      expect(result.outputs[0]?.map((c) => c.text)).toEqual(expectedTexts(3));
      expect(fake.requests.map((request) => bodyOf(request).n)).toEqual([3, 1, 1, 1]);
    });

    it('fetches the missing samples when the server ignores n', async () => {
      await start({ nLimit: 'ignore' });
      const policy = createOpenAiChatPolicy({
        client,
        servedName: 'gpt',
        messages: MESSAGES,
        maxConcurrency: 2,
      });
      const result = await policy.generate([''], SAMPLE);
      expect(result.outputs[0]?.map((c) => c.text)).toEqual(expectedTexts(3));
      expect(fake.requests.map((request) => [bodyOf(request).n, bodyOf(request).seed])).toEqual([
        [3, 10],
        [1, 11],
        [1, 12],
      ]);
      const tokens = expectedTexts(3).map((text) => toyTokens(text));
      expect(result.completionTokens).toBe(tokens.reduce((a, b) => a + b, 0));
    });

    it("on TGI's Messages API: leaves out top_p 1 after its 422 (its own 1.0 runs), learned once per server, and never sends a penalty TGI turns into repetition 2.0", async () => {
      await start({ tgi: true });
      tgiRepetitionPenalties.length = 0;
      const create = (): ReturnType<typeof createOpenAiChatPolicy> =>
        createOpenAiChatPolicy({
          client,
          servedName: 'tgi',
          messages: MESSAGES,
          maxConcurrency: 2,
        });
      const policy = create();
      const result = await policy.generate([''], SAMPLE);
      expect(result.outputs[0]?.map((c) => c.text)).toEqual(expectedTexts(3));
      // The 422, then the three samples (TGI answers one choice) without top_p.
      expect(fake.requests.map((request) => 'top_p' in bodyOf(request))).toEqual([
        true,
        false,
        false,
        false,
      ]);
      expect(fake.requests.every((request) => !('presence_penalty' in bodyOf(request)))).toBe(true);
      expect(tgiRepetitionPenalties).toEqual([null, null, null]);
      // What ran is the preset: nothing to warn about.
      expect(policy.samplingNotes()).toEqual([]);
      // Another conversation on the same server: no 422 first.
      const before = fake.requests.length;
      await create().generate([''], SAMPLE);
      expect(fake.requests.slice(before).map((request) => 'top_p' in bodyOf(request))).toEqual([
        false,
        false,
        false,
      ]);
    });

    it('never sends n > 1 with nativeN: false', async () => {
      await start();
      const policy = createOpenAiChatPolicy({
        client,
        servedName: 'gpt',
        messages: MESSAGES,
        maxConcurrency: 3,
        nativeN: false,
      });
      await policy.generate([''], SAMPLE);
      expect(fake.requests.map((request) => bodyOf(request).n)).toEqual([1, 1, 1]);
    });

    it('drops the sampling fields a hosted reasoning model refuses, retries, and says so in samplingNotes', async () => {
      await start({ reasoningModel: true });
      const policy = createOpenAiChatPolicy({
        client,
        servedName: 'o4-mini',
        messages: MESSAGES,
        maxConcurrency: 2,
        maxTokensField: 'max_completion_tokens',
      });
      const result = await policy.generate([''], SAMPLE);
      expect(result.outputs[0]).toHaveLength(3);
      const last = bodyOf(fake.requests[fake.requests.length - 1]!);
      expect(last).not.toHaveProperty('temperature');
      expect(last).not.toHaveProperty('top_p');
      expect(last).toMatchObject({ frequency_penalty: 0, n: 3 });
      const notes = policy.samplingNotes();
      expect(notes).toHaveLength(2);
      expect(notes.join('\n')).toMatch(/does not accept top_p/);
      expect(notes.join('\n')).toMatch(/does not accept temperature/);
      // Learned once: the next call sends neither field at the first try.
      const before = fake.requests.length;
      await policy.generate([''], SAMPLE);
      expect(fake.requests.length - before).toBe(1);
    });

    it('does not take an unrelated 400 (a context overflow) for "n unsupported": no fan-out, the error is the answer', async () => {
      await start({ contextLimit: 100 });
      const policy = createOpenAiChatPolicy({
        client,
        servedName: 'gpt',
        messages: MESSAGES,
        maxConcurrency: 3,
      });
      await expect(policy.generate([''], SAMPLE)).rejects.toMatchObject({ status: 400 });
      expect(fake.requests).toHaveLength(1);
    });

    it('does not fall back with nativeN: true', async () => {
      await start({ nLimit: 'reject' });
      const policy = createOpenAiChatPolicy({
        client,
        servedName: 'gpt',
        messages: MESSAGES,
        maxConcurrency: 3,
        nativeN: true,
      });
      await expect(policy.generate([''], SAMPLE)).rejects.toMatchObject({ status: 500 });
    });
  });

  it('maps the OpenAI spec’s example answer (fixture)', async () => {
    const fixture = loadPolicyFixture('openai-chat/chat-completion.json');
    const { result, requests } = await replayPolicyFixture(fixture, (client) =>
      createOpenAiChatPolicy({
        client,
        servedName: 'gpt-5.4',
        messages: [{ role: 'user', content: 'Hello!' }],
        maxConcurrency: 1,
      }),
    );
    expect(result).toEqual(fixture.expected);
    expect(bodyOf(requests[0]!)).toMatchObject(fixture.request ?? {});
  });
});
