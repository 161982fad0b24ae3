import { ConfigError, UnsupportedFeatureError } from '../../../../src/errors';
import type { ModelInfo, PolicyMessage } from '../../../../src/pipeline';
import { renderLlama3Chat, renderQwenChat } from '../../../../src/prompt';
import type { Verifier } from '../../../../src/tts';
import { createUpstreamClient, type UpstreamClient } from '../../../../src/upstream';
import {
  createStackModelBackend,
  type StackModelBackendOptions,
} from '../../../../src/upstream/stacks';
import { bodyOf, startFakeServer, type FakeServer } from './fakes/fake-http-server';
import { startFastchatFake } from './fakes/fastchat-fake';
import { startLlamaCppFake } from './fakes/llama-cpp-fake';
import { startSglangFake } from './fakes/sglang-fake';
import { startTgiFake } from './fakes/tgi-fake';
import { toyChatTemplate, toyTokens } from './fakes/toy-generator';
import { testModelInfo } from '../../model-info-fixture';

const INFO: ModelInfo = testModelInfo({
  name: 'policy-model',
  servedName: 'served-policy',
  paramsB: 7,
  isSimulated: false,
});
const CLIENT_MESSAGES: PolicyMessage[] = [{ role: 'user', content: 'What is 2 + 3 * 4?' }];
const SYSTEM = { role: 'system' as const, content: 'Please reason step by step.' };
const buildMessages = (messages: readonly PolicyMessage[]): PolicyMessage[] => [
  SYSTEM,
  ...messages,
];
const STEP = { temperature: 0.7, topP: 1, maxTokens: 64, stop: ['\n\n'], n: 1, seed: 0 };

describe('createStackModelBackend', () => {
  let fake: FakeServer;
  let client: UpstreamClient;
  const open = async (started: Promise<FakeServer>): Promise<void> => {
    fake = await started;
    client = createUpstreamClient({
      name: 'policy',
      baseUrl: fake.url,
      timeoutMs: 5000,
      maxConnections: 4,
      retries: 0,
    });
  };
  afterEach(async () => {
    await client.close();
    await fake.close();
  });
  const backend = (
    overrides: Partial<StackModelBackendOptions> & Pick<StackModelBackendOptions, 'stack'>,
  ) =>
    createStackModelBackend({
      info: INFO,
      client,
      chatTemplate: 'qwen',
      buildMessages,
      verifier: null,
      maxConcurrency: 2,
      configPath: 'models.0',
      ...overrides,
    });

  it('llama-cpp: renders with the server’s template once and counts its tokens', async () => {
    await open(startLlamaCppFake());
    const { policy, promptTokens, supportCalls } = await backend({
      stack: 'llama-cpp',
    }).createPolicy(CLIENT_MESSAGES);
    const rendered = toyChatTemplate(buildMessages(CLIENT_MESSAGES));
    expect(promptTokens).toBe(toyTokens(rendered));
    await policy.generate(['', 'Step 1: a.\n\n'], STEP);
    expect(fake.requests.filter((request) => request.path === '/apply-template')).toHaveLength(1);
    // The render's calls are the request's too (tts.policy_prompt_calls).
    expect(supportCalls?.()).toBe(
      fake.requests.filter((request) => ['/apply-template', '/tokenize'].includes(request.path))
        .length,
    );
    expect(
      fake.requests
        .filter((request) => request.path === '/completion')
        .map((request) => bodyOf(request).prompt)
        .sort(),
    ).toEqual([rendered, rendered + 'Step 1: a.\n\n']);
  });

  it('sglang: renders the Qwen template locally and continues it on /generate', async () => {
    await open(startSglangFake());
    const { policy } = await backend({ stack: 'sglang' }).createPolicy(CLIENT_MESSAGES);
    await policy.generate([''], STEP);
    expect(bodyOf(fake.requests.find((r) => r.path === '/generate')!).text).toEqual([
      renderQwenChat(buildMessages(CLIENT_MESSAGES), { addGenerationPrompt: true }),
    ]);
  });

  // review 26 stacks H2: a build from before `sampling_seed` answered every call 500.
  it.each([
    ['a deterministic server', {}, true],
    ['a server without deterministic inference', { deterministic: false }, false],
    ['a build from before sampling_seed', { build: 'before-sampling-seed' as const }, false],
    ['a build from before /get_server_info', { build: 'oldest' as const }, false],
  ])(
    'sglang, %s: per-sample seeds only when its /get_server_info says they are honoured (asked once)',
    async (_name, fakeOptions, seeded) => {
      await open(startSglangFake(fakeOptions));
      const model = backend({ stack: 'sglang' });
      for (let call = 0; call < 2; call++) {
        const { policy } = await model.createPolicy(CLIENT_MESSAGES);
        const result = await policy.generate([''], { ...STEP, n: 2, seed: 5 });
        expect(result.outputs[0]).toHaveLength(2);
      }
      const generated = fake.requests.filter((r) => r.path === '/generate');
      const params = generated.flatMap(
        (r) => bodyOf(r).sampling_params as Record<string, unknown>[],
      );
      expect(params.map((p) => p.sampling_seed)).toEqual(
        seeded ? [5, 6, 5, 6] : [undefined, undefined, undefined, undefined],
      );
      expect(
        fake.requests.filter((r) => ['/get_server_info', '/get_server_args'].includes(r.path)),
      ).toHaveLength('build' in fakeOptions && fakeOptions.build === 'oldest' ? 2 : 1);
    },
  );

  it('tgi: leaves the Llama BOS to the server’s tokenizer', async () => {
    await open(startTgiFake({ includesStop: false }));
    const { policy } = await backend({ stack: 'tgi', chatTemplate: 'llama-3.1' }).createPolicy(
      CLIENT_MESSAGES,
    );
    await policy.generate([''], STEP);
    expect(bodyOf(fake.requests.find((r) => r.path === '/generate')!).inputs).toBe(
      renderLlama3Chat(buildMessages(CLIENT_MESSAGES), {
        addGenerationPrompt: true,
        includeBeginOfText: false,
      }),
    );
  });

  it('fastchat: renders like the paper’s client (BOS included) and has no chat passthrough', async () => {
    await open(startFastchatFake());
    const model = backend({ stack: 'fastchat', chatTemplate: 'llama-3.1' });
    const { policy } = await model.createPolicy(CLIENT_MESSAGES);
    await policy.generate([''], STEP);
    expect(bodyOf(fake.requests.find((r) => r.path === '/worker_generate')!).prompt).toBe(
      renderLlama3Chat(buildMessages(CLIENT_MESSAGES), { addGenerationPrompt: true }),
    );
    await expect(
      model.forwardChat({ model: 'served-policy', messages: CLIENT_MESSAGES }),
    ).rejects.toBeInstanceOf(UnsupportedFeatureError);
  });

  describe.each([
    {
      stack: 'sglang' as const,
      start: () => startSglangFake({ contextLength: 4096, servedName: 'served-policy' }),
      route: '/generate',
      capOf: (body: Record<string, unknown>) =>
        (body.sampling_params as { max_new_tokens: number }[])[0]?.max_new_tokens,
      contextRoute: 'GET /v1/models',
    },
    {
      stack: 'tgi' as const,
      start: () => startTgiFake({ includesStop: true, maxTotalTokens: 4096 }),
      route: '/generate',
      capOf: (body: Record<string, unknown>) =>
        (body.parameters as { max_new_tokens: number }).max_new_tokens,
      contextRoute: 'GET /info',
    },
    {
      stack: 'fastchat' as const,
      start: () => startFastchatFake({ contextLength: 4096 }),
      route: '/worker_generate',
      capOf: (body: Record<string, unknown>) => body.max_new_tokens as number,
      contextRoute: 'POST /model_details',
    },
  ])(
    '$stack: learns the context from $contextRoute',
    ({ stack, start, route, capOf, contextRoute }) => {
      const WHOLE = { temperature: 0.7, topP: 1, maxTokens: 8192, stop: [], n: 2, seed: 7 };
      const capsSent = (): number[] =>
        fake.requests
          .filter((request) => request.path === route)
          .map((request) => capOf(bodyOf(request)) ?? Number.NaN);

      it('and clamps a whole-solution call (the paper’s 8192) to it, asking once', async () => {
        await open(start());
        const model = backend({ stack });
        const first = await model.createPolicy(CLIENT_MESSAGES);
        expect(first.contextRoom).toBeLessThan(4096);
        await first.policy.generate([''], WHOLE);
        const second = await model.createPolicy(CLIENT_MESSAGES);
        await second.policy.generate([''], WHOLE);
        const caps = capsSent();
        expect(caps.length).toBeGreaterThan(0);
        for (const cap of caps) expect(cap).toBeLessThan(4096);
        const [method, path] = contextRoute.split(' ');
        expect(fake.requests.filter((r) => r.method === method && r.path === path)).toHaveLength(1);
      });

      it('and takes the smaller of it and config max_model_len', async () => {
        await open(start());
        const { contextRoom } = await backend({ stack, maxModelLen: 2048 }).createPolicy(
          CLIENT_MESSAGES,
        );
        expect(contextRoom).toBeLessThan(2048);
        const { contextRoom: wider } = await backend({ stack, maxModelLen: 100_000 }).createPolicy(
          CLIENT_MESSAGES,
        );
        expect(wider).toBeLessThan(4096);
        expect(wider).toBeGreaterThan(2048);
      });
    },
  );

  // review 26 stacks M1: bytes bound tokens from above, three to a CJK character: a question that
  // fits was refused, and answers were capped far below the room left.
  it.each([
    ['tgi' as const, () => startTgiFake({ includesStop: true, maxTotalTokens: 4096 }), '/tokenize'],
    ['fastchat' as const, () => startFastchatFake({ contextLength: 4096 }), '/count_token'],
  ])(
    '%s: counts the prompt on the server, so a CJK question longer in bytes than the context fits',
    async (stack, start, countRoute) => {
      await open(start());
      const question = '这是一个关于数学的问题 '.repeat(150);
      const messages = [{ role: 'user' as const, content: question }];
      expect(Buffer.byteLength(question)).toBeGreaterThan(4096);
      const { promptTokens, contextRoom, supportCalls } = await backend({
        stack,
        chatTemplate: 'llama-3.1',
      }).createPolicy(messages);
      const counted = fake.requests.filter((r) => r.path === countRoute);
      expect(counted).toHaveLength(1);
      expect(promptTokens).toBeLessThan(400);
      expect(contextRoom).toBe(4096 - promptTokens);
      expect(supportCalls?.()).toBe(1);
    },
  );

  it('a server that fails to say its context is asked again on the next request; one without the route is not', async () => {
    let infoCalls = 0;
    await open(
      startFakeServer((request) => {
        if (request.path === '/info') {
          infoCalls++;
          return infoCalls === 1
            ? { status: 503, body: { error: 'loading', error_type: 'overloaded' } }
            : { body: { max_input_tokens: 4095, max_total_tokens: 4096 } };
        }
        if (request.path === '/v1/models') return { status: 404, body: { detail: 'Not Found' } };
        return { status: 404, body: {} };
      }),
    );
    const tgi = backend({ stack: 'tgi' });
    expect((await tgi.createPolicy(CLIENT_MESSAGES)).contextRoom).toBeUndefined();
    expect((await tgi.createPolicy(CLIENT_MESSAGES)).contextRoom).toBeLessThan(4096);
    await tgi.createPolicy(CLIENT_MESSAGES);
    expect(infoCalls).toBe(2);
    // An SGLang build without /v1/models: the 404 is an answer (no context), not asked again.
    const sglang = backend({ stack: 'sglang' });
    expect((await sglang.createPolicy(CLIENT_MESSAGES)).contextRoom).toBeUndefined();
    await sglang.createPolicy(CLIENT_MESSAGES);
    expect(fake.requests.filter((r) => r.path === '/v1/models')).toHaveLength(1);
  });

  it('openai-chat: binds the conversation itself and refuses step-wise continuation', async () => {
    await open(
      startFakeServer(() => ({
        body: {
          choices: [{ index: 0, message: { content: 'x' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 5, completion_tokens: 1 },
        },
      })),
    );
    const { policy } = await backend({ stack: 'openai-chat' }).createPolicy(CLIENT_MESSAGES);
    await expect(policy.generate(['Step 1: a.\n\n'], STEP)).rejects.toBeInstanceOf(
      UnsupportedFeatureError,
    );
    await policy.generate([''], { ...STEP, stop: [] });
    expect(bodyOf(fake.requests[0]!).messages).toEqual(buildMessages(CLIENT_MESSAGES));
  });

  it('forwards plain chat requests to /v1/chat/completions', async () => {
    await open(startFakeServer(() => ({ body: { object: 'chat.completion', choices: [] } })));
    const result = await backend({ stack: 'sglang' }).forwardChat({
      model: 'served-policy',
      messages: CLIENT_MESSAGES,
    });
    expect(result).toEqual({
      kind: 'json',
      status: 200,
      body: { object: 'chat.completion', choices: [] },
    });
    expect(fake.requests[0]?.path).toBe('/v1/chat/completions');
  });

  it('hands out the configured verifier', async () => {
    await open(startFakeServer(() => ({ body: {} })));
    const verifier: Verifier = {
      score: () =>
        Promise.resolve({
          scores: [],
          promptTokens: 0,
          cachedTokens: 0,
          truncatedPaths: [],
          calls: 0,
        }),
    };
    expect(backend({ stack: 'tgi', verifier }).createVerifier()).toBe(verifier);
  });

  it('refuses at startup a stack that would need a template the proxy cannot render', async () => {
    await open(startFakeServer(() => ({ body: {} })));
    expect(() => backend({ stack: 'sglang', chatTemplate: 'deepseek-r1' })).toThrow(ConfigError);
    expect(() => backend({ stack: 'llama-cpp', chatTemplate: 'deepseek-r1' })).not.toThrow();
  });
});
