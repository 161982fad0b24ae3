import { InvalidUpstreamResponseError, UpstreamError } from '../../../../src/errors';
import { createUpstreamClient, type UpstreamClient } from '../../../../src/upstream';
import { createFastchatPrmVerifier } from '../../../../src/upstream/stacks';
import { bodyOf, startFakeServer, type FakeServer } from './fakes/fake-http-server';
import { startFastchatFake, type FastchatFakeOptions } from './fakes/fastchat-fake';
import { isAbortLike } from './policy-conformance';
import { loadFastchatErrorFixture, loadRewardFixture, REWARD_FIXTURES } from './policy-fixture';

describe('createFastchatPrmVerifier', () => {
  describe.each(REWARD_FIXTURES)('fixture %s', (file) => {
    it('sends the paper’s input_str in ONE call and reads one score per step, in order', async () => {
      const fixture = loadRewardFixture(file);
      const fake = await startFakeServer(() => ({ body: fixture.response }));
      const client = createUpstreamClient({
        name: 'prm',
        baseUrl: fake.url,
        timeoutMs: 5000,
        maxConnections: 2,
        retries: 0,
      });
      const result = await createFastchatPrmVerifier({ client, family: fixture.family }).score(
        fixture.question,
        fixture.paths,
      );
      expect(result.scores).toEqual(fixture.expected.scores);
      expect(result.calls).toBe(1);
      expect(fake.requests).toHaveLength(1);
      expect(fake.requests[0]?.path).toBe('/worker_reward_inference');
      expect(bodyOf(fake.requests[0]!)).toEqual({ input_str: fixture.input_str });
      await client.close();
      await fake.close();
    });
  });

  describe('against the worker fake', () => {
    let fake: FakeServer;
    let client: UpstreamClient;
    const start = async (options: FastchatFakeOptions = {}): Promise<void> => {
      fake = await startFastchatFake(options);
      client = createUpstreamClient({
        name: 'prm',
        baseUrl: fake.url,
        timeoutMs: 5000,
        maxConnections: 2,
        retries: 0,
      });
    };
    afterEach(async () => {
      await client.close();
      await fake.close();
    });

    it('scores every step of every path, skipping empty paths, and estimates the PRM tokens', async () => {
      await start();
      const verifier = createFastchatPrmVerifier({ client, family: 'math-shepherd' });
      const result = await verifier.score('Q', [['a', 'b', 'c'], [], ['d']]);
      expect(result.scores).toEqual([[0.9, 0.8, 0.7], [], [0.89]]);
      expect(bodyOf(fake.requests[0]!).input_str).toEqual(['Q a ки\nb ки\nc ки\n', 'Q d ки\n']);
      expect(result).toMatchObject({
        cachedTokens: 0,
        truncatedPaths: [],
        calls: 1,
        promptTokens: Math.ceil(('Q a ки\nb ки\nc ки\n'.length + 'Q d ки\n'.length) / 4),
      });
    });

    it('makes no call when every path is empty', async () => {
      await start();
      const result = await createFastchatPrmVerifier({ client, family: 'math-shepherd' }).score(
        'Q',
        [[], []],
      );
      expect(result).toEqual({
        scores: [[], []],
        promptTokens: 0,
        cachedTokens: 0,
        truncatedPaths: [],
        calls: 0,
      });
      expect(fake.requests).toHaveLength(0);
    });

    it.each(['math-shepherd', 'qwen2.5-math-prm', 'rlhflow'] as const)(
      'rejects a score count that differs from the step count (%s), never padding with 0',
      async (family) => {
        await start({ dropLastReward: true });
        const error: unknown = await createFastchatPrmVerifier({ client, family })
          .score('Q', [['a', 'b']])
          .catch((reason: unknown) => reason);
        expect(error).toBeInstanceOf(InvalidUpstreamResponseError);
        expect((error as Error).message).toContain(
          'path 0 has 2 steps but the PRM returned 1 scores',
        );
      },
    );

    it('rejects a reward list per input count that differs from the paths sent', async () => {
      await start();
      fake.override({ kind: 'reply', reply: { body: { reward: [[0.5]] } } });
      await expect(
        createFastchatPrmVerifier({ client, family: 'math-shepherd' }).score('Q', [['a'], ['b']]),
      ).rejects.toThrow(/sent 2 inputs, got 1 reward lists/);
    });

    it('rejects scores that are not probabilities', async () => {
      await start();
      fake.override({ kind: 'reply', reply: { body: { reward: [[1.7]] } } });
      await expect(
        createFastchatPrmVerifier({ client, family: 'math-shepherd' }).score('Q', [['a']]),
      ).rejects.toBeInstanceOf(InvalidUpstreamResponseError);
    });

    it('accepts a bare number for a one-step path', async () => {
      await start();
      fake.override({ kind: 'reply', reply: { body: { reward: [0.25] } } });
      await expect(
        createFastchatPrmVerifier({ client, family: 'math-shepherd' }).score('Q', [['a']]),
      ).resolves.toMatchObject({ scores: [[0.25]] });
    });

    it('rejects a body without "reward"', async () => {
      await start();
      fake.override({ kind: 'reply', reply: { body: { input: ['x'], value: [[0.3]] } } });
      await expect(
        createFastchatPrmVerifier({ client, family: 'math-shepherd' }).score('Q', [['a']]),
      ).rejects.toBeInstanceOf(InvalidUpstreamResponseError);
    });

    it('turns the worker’s {"text", "error_code"} answer into an UpstreamError', async () => {
      await start();
      const oom = loadFastchatErrorFixture();
      fake.override({ kind: 'reply', reply: { body: oom.response } });
      await expect(
        createFastchatPrmVerifier({ client, family: 'math-shepherd' }).score('Q', [['a']]),
      ).rejects.toBeInstanceOf(UpstreamError);
    });

    it('rejects with an abort error and cancels the request when the signal fires', async () => {
      await start();
      fake.override({ kind: 'hang' });
      const controller = new AbortController();
      const pending = createFastchatPrmVerifier({ client, family: 'math-shepherd' }).score(
        'Q',
        [['a']],
        controller.signal,
      );
      await fake.waitForRequests(1);
      controller.abort();
      expect(isAbortLike(await pending.catch((reason: unknown) => reason))).toBe(true);
      await fake.waitForCancelled(1);
    });
  });
});
