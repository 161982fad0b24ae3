import { cot, COT_DEFAULTS } from '../../../src/tts/cot';
import { continuation, runMethod, TOY_PROBLEM, toyAnswer } from './fakes';
import { describeMethodConformance } from './method-conformance';

describe('cot', () => {
  describeMethodConformance({
    method: cot,
    maxComplete: () => 1,
    usesVerifier: false,
    isStepWise: false,
  });

  it('sends one call for the whole solution at the given sampling (R1-distill: 0.6 / 0.95), without stop strings, and never calls the verifier', async () => {
    const { result, policy, verifier } = await runMethod(cot, {
      options: { n: 16, temperature: 0.6, topP: 0.95, seed: 3 },
    });
    expect(policy.calls).toEqual([
      expect.objectContaining({
        prefixes: [''],
        params: { temperature: 0.6, topP: 0.95, maxTokens: 8192, stop: [], n: 1, seed: 3 },
      }),
    ]);
    expect(verifier.calls).toHaveLength(0);
    expect(result.candidates).toHaveLength(1);
    const [candidate] = result.candidates;
    expect(candidate?.finish).toBe('answer');
    expect(candidate?.stepScores).toBeNull();
    expect(candidate?.steps).toHaveLength(TOY_PROBLEM.stepCount);
    expect(candidate?.text.split('\n\n')).toEqual(candidate?.steps);
    expect(result.usage).toMatchObject({ policyCalls: 1, prmCalls: 0, rounds: 1, generations: 1 });
  });

  it('at the paper temperature 0 it is greedy: every seed gives the same solution', async () => {
    const answers = await Promise.all(
      [1, 2, 3].map(
        async (randomSeed) =>
          (await runMethod(cot, { randomSeed, options: { temperature: 0, topP: 1 } })).result
            .candidates[0]?.text,
      ),
    );
    expect(new Set(answers).size).toBe(1);
    expect(toyAnswer(answers[0] ?? '')).not.toBeNull();
  });

  it('marks a solution cut by maxTotalTokens as length', async () => {
    const { result, policy } = await runMethod(cot, { options: { maxTotalTokens: 50 } });
    expect(policy.calls[0]?.params.maxTokens).toBe(50);
    expect(result.candidates[0]?.finish).toBe('length');
  });

  it('labels a solution without \\boxed that ended by EOS as eos', async () => {
    const { result } = await runMethod(cot, {
      script: () => continuation('first\n\nsecond', 'eos'),
    });
    expect(result.candidates[0]).toMatchObject({ finish: 'eos', steps: ['first', 'second'] });
  });

  it('rethrows a policy failure: there is nothing to degrade to', async () => {
    const failure = new Error('upstream down');
    await expect(runMethod(cot, { policyHooks: { failOn: () => failure } })).rejects.toBe(failure);
  });

  it('has greedy paper defaults', () => {
    expect(COT_DEFAULTS).toMatchObject({ temperature: 0, maxTotalTokens: 8192, n: 1 });
  });
});
