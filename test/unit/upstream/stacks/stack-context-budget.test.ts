import type { ModelInfo, PolicyMessage } from '../../../../src/pipeline';
import { METHODS, PAPER_DEFAULTS, type MethodName } from '../../../../src/tts';
import { createSeededRandom } from '../../../../src/util';
import { createUpstreamClient, type UpstreamClient } from '../../../../src/upstream';
import { createStackModelBackend, type PolicyStackKind } from '../../../../src/upstream/stacks';
import { createFakeVerifier } from '../../tts/fakes';
import type { FakeServer } from './fakes/fake-http-server';
import { startLlamaCppFake } from './fakes/llama-cpp-fake';
import { startSglangFake } from './fakes/sglang-fake';
import { startTgiFake } from './fakes/tgi-fake';
import { testModelInfo } from '../../model-info-fixture';

const CONTEXT = 4096;
const INFO: ModelInfo = testModelInfo({
  name: 'policy-model',
  servedName: 'served-policy',
  paramsB: 7,
  isSimulated: false,
});
const MESSAGES: PolicyMessage[] = [
  { role: 'system', content: 'Please reason step by step.' },
  { role: 'user', content: 'What is 2 + 3 * 4?' },
];
const METHOD_NAMES: MethodName[] = ['cot', 'majority', 'best_of_n', 'beam_search', 'dvts'];

// Each fake enforces its server's context rule (SGLang: 400 when input + max_new_tokens reaches
// the context; TGI: 422 above --max-total-tokens; llama.cpp: the per-slot context) and reports
// its context (SGLang /v1/models, TGI /info, llama.cpp /props), which the backend must learn: no
// config max_model_len here. The paper's caps (8192 per solution) exceed all of them.
const STACKS: {
  stack: PolicyStackKind;
  start: () => Promise<FakeServer>;
  maxModelLen?: number;
}[] = [
  { stack: 'sglang', start: () => startSglangFake({ contextLength: CONTEXT }) },
  { stack: 'tgi', start: () => startTgiFake({ includesStop: true, maxTotalTokens: CONTEXT }) },
  { stack: 'llama-cpp', start: () => startLlamaCppFake({ nCtxSlot: CONTEXT }) },
];

describe.each(STACKS)(
  '$stack at a context of 4096: every method fits',
  ({ stack, start, maxModelLen }) => {
    let fake: FakeServer;
    let client: UpstreamClient;
    beforeAll(async () => {
      fake = await start();
      client = createUpstreamClient({
        name: 'policy',
        baseUrl: fake.url,
        timeoutMs: 5000,
        maxConnections: 8,
        retries: 0,
      });
    });
    afterAll(async () => {
      await client.close();
      await fake.close();
    });

    it.each(METHOD_NAMES)('%s runs without a context-length rejection', async (method) => {
      const backend = createStackModelBackend({
        stack,
        info: INFO,
        client,
        chatTemplate: 'qwen',
        buildMessages: (messages) => [...messages],
        verifier: null,
        maxConcurrency: 4,
        configPath: 'models.0',
        ...(maxModelLen !== undefined ? { maxModelLen } : {}),
      });
      const { policy } = await backend.createPolicy(MESSAGES);
      const result = await METHODS[method](
        { ...PAPER_DEFAULTS, n: 4, m: 2, seed: 7 },
        {
          policy,
          verifier: createFakeVerifier(() => 0.5),
          question: 'What is 2 + 3 * 4?',
          random: createSeededRandom(7),
        },
      );
      expect(result.usage.policyCalls).toBeGreaterThan(0);
      expect(result.warnings.filter((w) => w.code === 'policy-failed')).toEqual([]);
    });
  },
);
