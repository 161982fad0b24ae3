import { recordUpstreams } from '../../../src/pipeline/recording-upstreams';
import type {
  GenerateResult,
  Policy,
  SamplingParams,
  ScoreResult,
  Verifier,
} from '../../../src/tts';
import { addUpstreamCallsTo } from '../../../src/util';

const PARAMS: SamplingParams = { temperature: 0.7, topP: 1, maxTokens: 64, stop: ['\n\n'], n: 2 };

/** A policy that answers each call with the next scripted result, recording nothing itself. */
function scriptedPolicy(results: GenerateResult[]): Policy {
  let call = 0;
  return { generate: async () => results[call++] as GenerateResult };
}

function scriptedVerifier(score: (steps: readonly string[]) => number[], calls = 1): Verifier {
  return {
    score: async (_question, paths): Promise<ScoreResult> => ({
      scores: paths.map(score),
      promptTokens: 10 * paths.length,
      cachedTokens: 0,
      truncatedPaths: [],
      calls,
    }),
  };
}

describe('recordUpstreams', () => {
  it('returns complete solutions (EOS or a boxed last step) in call order, deduplicated, with their scores', async () => {
    const recorder = recordUpstreams(
      scriptedPolicy([
        {
          outputs: [
            [
              { text: 'Step 1.\n\n', finish: 'stop-sequence', completionTokens: 3 },
              { text: 'So \\boxed{4}.', finish: 'stop-sequence', completionTokens: 4 },
            ],
          ],
          promptTokens: 20,
          completionTokens: 7,
        },
        {
          outputs: [
            [
              { text: 'The answer is \\boxed{5}.', finish: 'eos', completionTokens: 6 },
              { text: 'I give up', finish: 'eos', completionTokens: 3 },
            ],
            [
              { text: 'again', finish: 'length', completionTokens: 8 },
              { text: 'So \\boxed{4}.', finish: 'eos', completionTokens: 4 },
            ],
          ],
          promptTokens: 40,
          completionTokens: 21,
        },
      ]),
      scriptedVerifier((steps) => steps.map((_step, i) => 0.5 + i / 10)),
    );
    await recorder.policy.generate([''], PARAMS);
    const prefixes = ['Step 1.\n\n', ''];
    await recorder.policy.generate(prefixes, PARAMS);
    // The caller reusing its array must not change what was recorded.
    prefixes[0] = 'changed';
    await recorder.verifier?.score('q', [['Step 1.', 'The answer is \\boxed{5}.']]);

    const candidates = recorder.completeCandidates();
    expect(candidates.map((c) => [c.text, c.finish, c.stepScores])).toEqual([
      ['So \\boxed{4}.', 'answer', null],
      ['Step 1.\n\nThe answer is \\boxed{5}.', 'answer', [0.5, 0.6]],
      ['Step 1.\n\nI give up', 'eos', null],
    ]);
    expect(recorder.usage()).toEqual({
      policyCalls: 2,
      prmCalls: 1,
      policyPromptTokens: 60,
      policyCompletionTokens: 28,
      prmPromptTokens: 10,
      generations: 6,
    });
  });

  it('counts every upstream call a score made (its /tokenize calls too), and one for a score that failed', async () => {
    const policy = scriptedPolicy([]);
    const recorder = recordUpstreams(
      policy,
      scriptedVerifier((steps) => steps.map(() => 0.5), 4),
    );
    await recorder.verifier?.score('q', [['a'], ['b'], ['c']]);
    const failing = recordUpstreams(policy, {
      score: () => Promise.reject(new Error('down')),
    });
    await expect(failing.verifier?.score('q', [['a']])).rejects.toThrow('down');
    expect([recorder.usage().prmCalls, failing.usage().prmCalls]).toEqual([4, 1]);
  });

  it('counts the calls failed scores made when their error carries them: concurrent failures with one shared error add up, and a layer around the recorder counts them too', async () => {
    const policy = scriptedPolicy([]);
    const shared = new Error('aborted');
    const callsPerScore = [3, 0, 1];
    let next = 0;
    const failing: Verifier = {
      score: () => {
        addUpstreamCallsTo(shared, callsPerScore[next++] ?? 0);
        return Promise.reject(shared);
      },
    };
    const inner = recordUpstreams(policy, failing);
    const outer = recordUpstreams(policy, inner.verifier);
    await Promise.all(
      callsPerScore.map(() => expect(outer.verifier?.score('q', [['a']])).rejects.toBe(shared)),
    );
    expect([inner.usage().prmCalls, outer.usage().prmCalls]).toEqual([4, 4]);
  });

  it("tells whether the last call's continuations were all cut by their token cap", async () => {
    const cut = { text: 'Step 2 runs lo', finish: 'length' as const, completionTokens: 9 };
    const step = { text: 'Step 1.\n\n', finish: 'stop-sequence' as const, completionTokens: 3 };
    const recorder = recordUpstreams(
      scriptedPolicy([
        { outputs: [[step, cut]], promptTokens: 5, completionTokens: 12 },
        { outputs: [[cut], [cut]], promptTokens: 5, completionTokens: 18 },
      ]),
      null,
    );
    expect(recorder.isLastCallCut()).toBe(false);
    await recorder.policy.generate([''], PARAMS);
    expect(recorder.isLastCallCut()).toBe(false);
    await recorder.policy.generate(['Step 1.\n\n', 'Step 1.\n\n'], { ...PARAMS, n: 1 });
    expect(recorder.isLastCallCut()).toBe(true);
  });

  it('passes every result through unchanged and has no verifier without one', async () => {
    const result: GenerateResult = {
      outputs: [[{ text: 'x', finish: 'length', completionTokens: 1 }]],
      promptTokens: 1,
      completionTokens: 1,
    };
    const recorder = recordUpstreams(scriptedPolicy([result]), null);
    expect(await recorder.policy.generate([''], { ...PARAMS, n: 1 })).toBe(result);
    expect(recorder.verifier).toBeNull();
    expect(recorder.completeCandidates()).toEqual([]);
  });
});
