import { getMaxListeners } from 'node:events';
import { InvalidUpstreamResponseError, TtsError } from '../../../src/errors';
import { createSearchRun, describeError } from '../../../src/tts/search-run';
import { addUpstreamCallsTo, isAbortError } from '../../../src/util';
import {
  continuation as c,
  createFakePolicy,
  createFakeVerifier,
  prepareRun,
  testOptions,
} from './fakes';

/** The signal's listener limit; Node 20's `getMaxListeners` throws when it was set to 0 (none). */
function listenerLimit(signal: AbortSignal): number {
  try {
    return getMaxListeners(signal);
  } catch {
    return 0;
  }
}

const PARAMS = { temperature: 0.7, topP: 1, maxTokens: 10, stop: [], n: 2 };

describe('createSearchRun', () => {
  it('gives every sample of a run its own seed (seed + samples before the call), and counts rounds, calls and generations', async () => {
    const run = prepareRun({ options: { seed: 100 } });
    const search = createSearchRun(run.options, run.deps);
    await search.generate([''], PARAMS);
    await search.generate(['a', 'a', 'b'], PARAMS);
    // PARAMS.n = 2: samples 0-1 in round 1; the three prefixes of round 2 start at 2, 4 and 6, so
    // the upstream's seed + j for sample j never repeats, even for identical prefixes.
    expect(run.policy.calls.map((call) => [call.prefixes, call.params.seed])).toEqual([
      [[''], 100],
      [['a'], 102],
      [['a'], 104],
      [['b'], 106],
    ]);
    expect(search.round).toBe(2);
    expect(search.finish([]).usage).toMatchObject({ rounds: 2, policyCalls: 4, generations: 8 });
  });

  it("lets a round's many calls listen on its shared signal without node's leak warning", async () => {
    const signals = new Set<AbortSignal>();
    const policy = {
      generate: async (prefixes: readonly string[], _params: unknown, signal?: AbortSignal) => {
        if (signal) signals.add(signal);
        await new Promise((resolve) => setTimeout(resolve, 1));
        return {
          outputs: [[c(`${prefixes[0] ?? ''}.`, 'eos')]],
          promptTokens: 1,
          completionTokens: 1,
        };
      },
    };
    const run = prepareRun();
    const search = createSearchRun(run.options, { ...run.deps, policy });
    await search.generate(
      Array.from({ length: 64 }, (_, i) => `p${i}`),
      { ...PARAMS, n: 1 },
    );
    // One signal shared by the round's 64 calls (each of which may listen more than once, as the
    // transport and the context budget do): node's default limit of 10 would warn of a leak.
    expect(signals.size).toBe(1);
    for (const signal of signals) expect(listenerLimit(signal)).toBe(0);
  });

  it("gives each prefix its own token cap, and cancels a round's other calls when one fails", async () => {
    const seen: AbortSignal[] = [];
    const failure = new Error('policy down');
    let calls = 0;
    const policy = {
      generate: async (
        prefixes: readonly string[],
        params: { maxTokens: number; n: number },
        signal?: AbortSignal,
      ) => {
        calls += 1;
        if (signal) seen.push(signal);
        if (prefixes[0] === 'bad') throw failure;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return {
          outputs: [[c(`${prefixes[0] ?? ''}:${params.maxTokens}`, 'eos')]],
          promptTokens: 1,
          completionTokens: 1,
        };
      },
    };
    const run = prepareRun();
    const search = createSearchRun(run.options, { ...run.deps, policy });
    const outputs = await search.generate(['x', 'y'], { ...PARAMS, n: 1 }, [30, 7]);
    expect(outputs.map((samples) => samples[0]?.text)).toEqual(['x:30', 'y:7']);
    seen.length = 0;
    await expect(search.generate(['ok', 'bad'], { ...PARAMS, n: 1 })).rejects.toBe(failure);
    expect(calls).toBe(4);
    expect(seen.every((signal) => signal.aborted)).toBe(true);
  });

  it('brings a request seed into the 31-bit range first, so a huge or negative seed keeps samples apart', async () => {
    for (const seed of [2 ** 53 - 1, -5]) {
      const run = prepareRun({ options: { seed } });
      const search = createSearchRun(run.options, run.deps);
      await search.generate(['a', 'b'], PARAMS);
      const [first = -1, second = -1] = run.policy.calls.map((call) => call.params.seed ?? -1);
      expect(first >= 0 && first < 2 ** 31).toBe(true);
      expect((second - first + 2 ** 31) % 2 ** 31).toBe(PARAMS.n);
    }
  });

  it('derives 31-bit integer seeds from deps.random otherwise', async () => {
    const run = prepareRun();
    const search = createSearchRun(run.options, run.deps);
    await search.generate([''], PARAMS);
    const seed = run.policy.calls[0]?.params.seed ?? -1;
    expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31).toBe(true);
  });

  it('rejects a policy result of the wrong shape', async () => {
    const run = prepareRun();
    const policy = {
      generate: async () => ({ outputs: [[c('x', 'eos')]], promptTokens: 1, completionTokens: 1 }),
    };
    const search = createSearchRun(run.options, { ...run.deps, policy });
    await expect(search.generate([''], PARAMS)).rejects.toBeInstanceOf(
      InvalidUpstreamResponseError,
    );
  });

  it('reports a failure that happens after the signal fired as the abort', async () => {
    const controller = new AbortController();
    const policy = createFakePolicy(() => c('x', 'eos'), {
      onCall: () => controller.abort(),
      shouldIgnoreSignal: true,
      failOn: () => new Error('socket closed'),
    });
    const run = prepareRun({ signal: controller.signal });
    const search = createSearchRun(run.options, { ...run.deps, policy });
    const error: unknown = await search.generate([''], PARAMS).catch((caught: unknown) => caught);
    expect(isAbortError(error)).toBe(true);
  });

  it('counts the upstream calls a failed score reports on its error, else one', async () => {
    const run = prepareRun();
    const failing = (calls: number | null) => ({
      score: () => {
        const error = new Error('PRM refused');
        if (calls !== null) addUpstreamCallsTo(error, calls);
        return Promise.reject(error);
      },
    });
    const reported = createSearchRun(run.options, { ...run.deps, verifier: failing(3) });
    await expect(reported.score([['a']])).rejects.toThrow('PRM refused');
    expect(reported.finish([]).usage.prmCalls).toBe(3);
    const silent = createSearchRun(run.options, { ...run.deps, verifier: failing(null) });
    await expect(silent.score([['a']])).rejects.toThrow('PRM refused');
    expect(silent.finish([]).usage.prmCalls).toBe(1);
  });

  it('clamps scores into [0, 1] and rejects non-finite ones or a wrong count', async () => {
    const run = prepareRun();
    const clamp = createSearchRun(run.options, {
      ...run.deps,
      verifier: createFakeVerifier(() => 1.0000001),
    });
    expect(await clamp.score([['a', 'b']])).toEqual([[1, 1]]);

    const nan = createSearchRun(run.options, {
      ...run.deps,
      verifier: createFakeVerifier(() => Number.NaN),
    });
    await expect(nan.score([['a']])).rejects.toBeInstanceOf(InvalidUpstreamResponseError);

    const short = createSearchRun(run.options, {
      ...run.deps,
      verifier: createFakeVerifier(() => 0.5, { tamper: (scores) => scores.slice(1) }),
    });
    await expect(short.score([['a'], ['b']])).rejects.toBeInstanceOf(InvalidUpstreamResponseError);
  });

  it('refuses to call the verifier with an empty batch or path, or without a verifier', async () => {
    const run = prepareRun();
    const search = createSearchRun(run.options, run.deps);
    await expect(search.score([])).rejects.toBeInstanceOf(TtsError);
    await expect(search.score([[]])).rejects.toBeInstanceOf(TtsError);
    expect(run.verifier.calls).toHaveLength(0);
    const none = createSearchRun(testOptions(), { ...run.deps, verifier: null });
    await expect(none.score([['a']])).rejects.toBeInstanceOf(TtsError);
  });

  it('keeps one warning per code and returns copies of usage and warnings', () => {
    const run = prepareRun();
    const search = createSearchRun(run.options, run.deps);
    search.warn('policy-failed', 'first');
    search.warn('policy-failed', 'second');
    const result = search.finish([]);
    expect(result.warnings).toEqual([{ code: 'policy-failed', message: 'first' }]);
    search.warn('aborted', 'later');
    expect(result.warnings).toHaveLength(1);
  });
});

describe('describeError', () => {
  it('names the error without its stack', () => {
    expect(describeError(new TypeError('bad'))).toBe('TypeError: bad');
    expect(describeError('text')).toBe('text');
    // The proxy's own errors by their message alone (no class name reaches clients).
    expect(describeError(new TtsError("upstream 'prm' is unreachable (ECONNREFUSED)"))).toBe(
      "upstream 'prm' is unreachable (ECONNREFUSED)",
    );
  });

  it('masks upstream addresses (warnings reach clients)', () => {
    expect(describeError(new Error('connect ECONNREFUSED 10.0.3.7:8000'))).toBe(
      'Error: connect ECONNREFUSED [upstream]',
    );
    expect(describeError(new Error('fetch http://vllm-policy:8000/v1/completions failed'))).toBe(
      'Error: fetch [upstream] failed',
    );
    expect(describeError(new Error('connect ECONNREFUSED [::1]:8001'))).toBe(
      'Error: connect ECONNREFUSED [upstream]',
    );
    expect(describeError(new Error('the policy failed in round 2'))).toBe(
      'Error: the policy failed in round 2',
    );
  });
});
