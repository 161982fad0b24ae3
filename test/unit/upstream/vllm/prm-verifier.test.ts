import { getPrmFamily, type PrmFamily } from '../../../../src/prm';
import { takeUpstreamCallsFrom } from '../../../../src/util';
import { startSimulator, type RunningSimulator } from '../../../../src/sim';
import {
  createPrmBatcher,
  createPrmCache,
  createPrmVerifier,
  createUpstreamClient,
  type UpstreamClient,
} from '../../../../src/upstream';
import { PATHS_PER_TURN } from '../../../../src/upstream/vllm/prm-verifier';
import { createFakeUpstreamClient } from '../fake-upstream-client';

const MODEL = 'sim-qwen2.5-math-prm-7b';
const QUESTION = 'What is 17 * 23 - 5?';
const PATH_A = ['17 * 23 = 391.', '391 - 5 = 386.', 'The answer is \\boxed{386}.'];
const PATH_B = ['17 * 23 = 381.', '381 - 5 = 376.', 'The answer is \\boxed{376}.'];

describe('createPrmVerifier over the simulated PRM', () => {
  let sim: RunningSimulator;
  let client: UpstreamClient;
  beforeAll(async () => {
    sim = await startSimulator({
      role: 'prm',
      seed: 4321,
      model: {
        servedName: MODEL,
        paramsB: 7,
        family: 'qwen2.5-math-prm',
        quality: 0.85,
        maxModelLen: 4096,
      },
    });
    client = createUpstreamClient({
      name: 'prm',
      baseUrl: sim.url,
      timeoutMs: 5000,
      maxConnections: 4,
      retries: 0,
    });
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });
  beforeEach(() => sim.resetStats());

  const pooling = (): number => sim.stats().requestsByRoute['POST /pooling'] ?? 0;

  it('answers a path scored before from the cache: no upstream call, saved tokens reported', async () => {
    const verifier = createPrmVerifier({
      client,
      servedName: MODEL,
      family: getPrmFamily('qwen2.5-math-prm'),
      maxInputTokens: 4096,
      cache: createPrmCache(100),
    });
    const first = await verifier.score(QUESTION, [PATH_A, PATH_B]);
    expect(first.calls).toBe(1);
    expect(first.cachedTokens).toBe(0);
    const again = await verifier.score(QUESTION, [PATH_B, PATH_A]);
    expect(again).toMatchObject({ calls: 0, promptTokens: 0 });
    expect(again.scores).toEqual([first.scores[1], first.scores[0]]);
    expect(again.cachedTokens).toBe(first.promptTokens);
    // An extended path is sent in full (the PRM needs the whole prefix); the known one is not.
    const extended = await verifier.score(QUESTION, [PATH_A, [...PATH_A, 'Check: 386 + 5 = 391.']]);
    expect(extended.calls).toBe(1);
    expect(extended.scores[1]?.slice(0, 3)).toEqual(first.scores[0]);
    expect(pooling()).toBe(2);
  });

  it('keys the cache by question: the same steps under another question are sent', async () => {
    const verifier = createPrmVerifier({
      client,
      servedName: MODEL,
      family: getPrmFamily('qwen2.5-math-prm'),
      maxInputTokens: 4096,
      cache: createPrmCache(100),
    });
    await verifier.score(QUESTION, [PATH_A]);
    const other = await verifier.score('What is 17 * 23 + 5?', [PATH_A]);
    expect(other.calls).toBe(1);
  });

  it('makes its own batcher from the config knobs (window > 0), and none at window 0', async () => {
    const family = getPrmFamily('qwen2.5-math-prm');
    const batched = createPrmVerifier({
      client,
      servedName: MODEL,
      family,
      maxInputTokens: 4096,
      cache: null,
      batch: { windowMs: 5, maxPaths: 64 },
    });
    await Promise.all([
      batched.score(QUESTION, [PATH_A]),
      batched.score('What is 2 + 2?', [PATH_B]),
    ]);
    expect(pooling()).toBe(1);
    sim.resetStats();
    const off = createPrmVerifier({
      client,
      servedName: MODEL,
      family,
      maxInputTokens: 4096,
      cache: null,
      batch: { windowMs: 0, maxPaths: 64 },
    });
    await Promise.all([off.score(QUESTION, [PATH_A]), off.score('What is 2 + 2?', [PATH_B])]);
    expect(pooling()).toBe(2);
  });

  it('with a batcher, concurrent requests share one /pooling call and each sees exactly one call', async () => {
    const family = getPrmFamily('qwen2.5-math-prm');
    const batcher = createPrmBatcher({ client, windowMs: 5, maxInputs: 64 });
    const batched = createPrmVerifier({
      client,
      servedName: MODEL,
      family,
      maxInputTokens: 4096,
      cache: null,
      batcher,
    });
    const plain = createPrmVerifier({
      client,
      servedName: MODEL,
      family,
      maxInputTokens: 4096,
      cache: null,
    });
    const [one, two] = await Promise.all([
      batched.score(QUESTION, [PATH_A]),
      batched.score('What is 2 + 2?', [PATH_B, PATH_A]),
    ]);
    expect(pooling()).toBe(1);
    expect(one.calls).toBe(1);
    expect(two.calls).toBe(1);
    // Same scores as unbatched calls.
    expect(one.scores).toEqual((await plain.score(QUESTION, [PATH_A])).scores);
    expect(two.scores).toEqual((await plain.score('What is 2 + 2?', [PATH_B, PATH_A])).scores);
    expect(one.promptTokens + two.promptTokens).toBeGreaterThan(0);
  });
});

describe('createPrmVerifier gives the event loop turns on a large batch', () => {
  /** A Qwen2.5-Math-PRM verifier over `client` (its family and cache replaceable). */
  function qwenVerifier(
    client: UpstreamClient,
    cache: ReturnType<typeof createPrmCache> = createPrmCache(100),
    family: PrmFamily = getPrmFamily('qwen2.5-math-prm'),
  ): ReturnType<typeof createPrmVerifier> {
    return createPrmVerifier({ client, servedName: MODEL, family, maxInputTokens: 4096, cache });
  }

  const twoStepPaths = (count: number): string[][] =>
    Array.from({ length: count }, (_, i) => [`Step ${i}.`, `\\boxed{${i}}`]);

  /**
   * What happens, in order, while `score` runs over `paths` two-step paths: `turn` (a turn of the
   * event loop), `hash` (a cache lookup, right after a path's key is hashed), `render`, `send`
   * (the /pooling call), `done` (score resolved); repeats of one step are written once.
   */
  async function eventsDuringScore(
    paths: number,
    options: { cache: boolean; scoredBefore?: number } = { cache: true },
  ): Promise<{ events: string[]; scores: number[][] }> {
    const events: string[] = [];
    const note = (event: string): void => {
      if (event === 'turn' || events[events.length - 1] !== event) events.push(event);
    };
    const client = createFakeUpstreamClient('http://prm.test', 'prm');
    // vLLM's /pooling answer for Qwen2.5-Math-PRM's STEP pooling on <extra_0>: `data[i].data` holds
    // one [p_negative, p_positive] pair per step (vllm/entrypoints/pooling/*/protocol.py; see
    // docs/upstream-apis.md#pooling-and-prm-readouts).
    client.handler = (call) => {
      note('send');
      return {
        object: 'list',
        data: (call.body as { input: string[] }).input.map((_, index) => ({
          index,
          object: 'pooling',
          data: [
            [0.2, 0.8],
            [0.4, 0.6],
          ],
        })),
        usage: { prompt_tokens: 10 * paths, total_tokens: 10 * paths },
      };
    };
    const qwen = getPrmFamily('qwen2.5-math-prm');
    const family: PrmFamily = {
      ...qwen,
      render: (question, steps) => {
        note('render');
        return qwen.render(question, steps);
      },
    };
    const cache = options.cache ? createPrmCache(100) : null;
    const verifier = qwenVerifier(client, cache, family);
    const many = twoStepPaths(paths);
    if (options.scoredBefore) await verifier.score(QUESTION, many.slice(0, options.scoredBefore));
    events.length = 0;
    if (cache !== null) {
      const lookUp = cache.get.bind(cache);
      jest.spyOn(cache, 'get').mockImplementation((key: string) => {
        note('hash');
        return lookUp(key);
      });
    }
    let isScoring = true;
    const tick = (): void => {
      if (!isScoring) return;
      note('turn');
      setImmediate(tick);
    };
    setImmediate(tick);
    const { scores } = await verifier.score(QUESTION, many);
    isScoring = false;
    note('done');
    return { events, scores };
  }

  it('takes a turn before hashing, rendering and sending many paths, and after reading their scores', async () => {
    const many = await eventsDuringScore(PATHS_PER_TURN + 1);
    expect(many.events).toEqual(['turn', 'hash', 'turn', 'render', 'turn', 'send', 'turn', 'done']);
    expect(many.scores).toEqual(Array.from({ length: PATHS_PER_TURN + 1 }, () => [0.8, 0.6]));
    expect((await eventsDuringScore(PATHS_PER_TURN)).events).toEqual([
      'hash',
      'render',
      'send',
      'done',
    ]);
  });

  it('counts what it will send: no turn to hash without a cache, none to render few uncached paths', async () => {
    expect((await eventsDuringScore(PATHS_PER_TURN + 1, { cache: false })).events).toEqual([
      'turn',
      'render',
      'turn',
      'send',
      'turn',
      'done',
    ]);
    const mostlyCached = await eventsDuringScore(PATHS_PER_TURN + 1, {
      cache: true,
      scoredBefore: 2,
    });
    expect(mostlyCached.events).toEqual(['turn', 'hash', 'render', 'send', 'done']);
  });

  it('stops at a turn when the request was aborted meanwhile: nothing sent, no call counted', async () => {
    const client = createFakeUpstreamClient('http://prm.test', 'prm');
    const controller = new AbortController();
    const scoring = qwenVerifier(client).score(
      QUESTION,
      twoStepPaths(PATHS_PER_TURN + 1),
      controller.signal,
    );
    controller.abort();
    const error = await scoring.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(takeUpstreamCallsFrom(error, {}) ?? 0).toBe(0);
    expect(client.calls).toEqual([]);
  });
});
