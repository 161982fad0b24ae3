import { UpstreamError } from '../../../../src/errors';
import { createUpstreamClient, type UpstreamClient } from '../../../../src/upstream';
import { createFastchatPrmVerifier, retryRuleFor } from '../../../../src/upstream/stacks';
import type { FakeServer } from './fakes/fake-http-server';
import { startFastchatFake, type FastchatFakeOptions } from './fakes/fastchat-fake';

const failure = (status: number, body: string): UpstreamError =>
  new UpstreamError(`answered ${status}`, { upstream: 'u', status, body });
const LLAMA_N_500 = JSON.stringify({
  error: { code: 500, message: 'Only one completion choice is allowed', type: 'server_error' },
});
const OTHER_500 = '{"error":{"code":500,"message":"CUDA error","type":"server_error"}}';

describe('retryRuleFor', () => {
  it('openai-chat: not llama-server’s 500 for n ≠ 1 (a request fault), any other 500 yes', () => {
    const rule = retryRuleFor('openai-chat');
    expect(rule(failure(500, LLAMA_N_500))).toBe(false);
    expect(rule(failure(500, OTHER_500))).toBe(true);
    expect(rule(failure(503, ''))).toBe(true);
  });

  it('fastchat: no 500 (each leaks a worker permit), other transient failures yes', () => {
    const rule = retryRuleFor('fastchat');
    expect(rule(failure(500, 'Internal Server Error'))).toBe(false);
    expect(rule(failure(503, ''))).toBe(true);
    expect(rule(failure(400, ''))).toBe(false);
  });

  it('the other stacks keep the common rule', () => {
    for (const kind of ['vllm', 'sglang', 'llama-cpp', 'tgi'] as const)
      expect(retryRuleFor(kind)(failure(500, LLAMA_N_500))).toBe(true);
  });
});

describe('a FastChat reward worker behind the fastchat retry rule', () => {
  let fake: FakeServer;
  let client: UpstreamClient;
  afterEach(async () => {
    await client.close();
    await fake.close();
  });

  it('is asked once per failing score(), so two failures leave it permits to answer the third', async () => {
    const options: FastchatFakeOptions = { rewardRaises: true, limitWorkerConcurrency: 5 };
    fake = await startFastchatFake(options);
    client = createUpstreamClient({
      name: 'prm',
      baseUrl: fake.url,
      timeoutMs: 2000,
      maxConnections: 2,
      // The config default, and the rule the app gives a `kind: fastchat` upstream.
      retries: 2,
      shouldRetry: retryRuleFor('fastchat'),
    });
    const verifier = createFastchatPrmVerifier({ client, family: 'math-shepherd' });
    const paths = [['Step 1: a. ки\n']];
    for (let call = 0; call < 2; call++)
      await expect(verifier.score('q', paths)).rejects.toMatchObject({ status: 500 });
    // Without the rule: 3 attempts per call, 6 permits leaked of 5, and the next call hangs.
    expect(fake.requests).toHaveLength(2);
    options.rewardRaises = false;
    await expect(verifier.score('q', paths)).resolves.toMatchObject({ calls: 1 });
  });
});
