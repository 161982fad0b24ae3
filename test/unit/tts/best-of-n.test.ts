import { bestOfN, BEST_OF_N_DEFAULTS } from '../../../src/tts/best-of-n';
import { isAbortError } from '../../../src/util';
import { continuation, runMethod, toyScorer } from './fakes';
import { describeMethodConformance } from './method-conformance';

describe('bestOfN', () => {
  describeMethodConformance({
    method: bestOfN,
    maxComplete: (options) => options.n,
    usesVerifier: true,
    isStepWise: false,
  });

  it('makes one policy call with n = N and one verifier call over every sample split into steps', async () => {
    const { result, policy, verifier } = await runMethod(bestOfN, { options: { n: 16 } });
    expect(policy.calls).toHaveLength(1);
    expect(policy.calls[0]).toMatchObject({
      prefixes: [''],
      params: { n: 16, stop: [], maxTokens: 8192, temperature: 0.7 },
    });
    expect(verifier.calls).toHaveLength(1);
    expect(verifier.calls[0]?.question).toBe('toy question');
    expect(verifier.calls[0]?.paths).toEqual(result.candidates.map((candidate) => candidate.steps));
    for (const candidate of result.candidates) {
      expect(candidate.stepScores).toEqual(
        candidate.steps.map((_, j) => toyScorer(candidate.steps, j)),
      );
    }
    expect(result.usage).toMatchObject({ policyCalls: 1, prmCalls: 1, rounds: 1, generations: 16 });
    expect(result.warnings).toEqual([]);
  });

  it('gives empty samples empty scores (aggregate -1) without sending them to the verifier', async () => {
    const { result, verifier } = await runMethod(bestOfN, {
      options: { n: 3 },
      script: ({ sampleIndex }) =>
        continuation(sampleIndex === 1 ? '\n\n' : 'x\n\n\\boxed{1}', 'eos'),
    });
    expect(verifier.calls[0]?.paths).toEqual([
      ['x', '\\boxed{1}'],
      ['x', '\\boxed{1}'],
    ]);
    expect(result.candidates[1]?.stepScores).toEqual([]);
  });

  it('does not call the verifier when every sample is empty', async () => {
    const { result, verifier } = await runMethod(bestOfN, {
      options: { n: 2 },
      script: () => continuation('', 'eos'),
    });
    expect(verifier.calls).toHaveLength(0);
    expect(result.candidates.map((candidate) => candidate.stepScores)).toEqual([[], []]);
  });

  it('returns the samples unscored with a warning when the verifier fails', async () => {
    const { result, verifier, policy } = await runMethod(bestOfN, {
      options: { n: 4 },
      verifierOptions: { failOn: () => new Error('prm down') },
    });
    expect(verifier.calls).toHaveLength(1);
    expect(policy.calls).toHaveLength(1);
    expect(result.candidates).toHaveLength(4);
    expect(result.candidates.every((candidate) => candidate.stepScores === null)).toBe(true);
    expect(result.warnings).toEqual([
      { code: 'verifier-unavailable', message: expect.stringContaining('prm down') },
    ]);
    expect(result.usage.prmCalls).toBe(1);
  });

  it('treats a verifier answer of the wrong shape as a failure, never as scores', async () => {
    const { result } = await runMethod(bestOfN, {
      options: { n: 2 },
      verifierOptions: { tamper: (scores) => scores.map((path) => path.slice(1)) },
    });
    expect(result.candidates.every((candidate) => candidate.stepScores === null)).toBe(true);
    expect(result.warnings.map((warning) => warning.code)).toEqual(['verifier-unavailable']);
  });

  it('returns unscored samples with a warning when there is no verifier', async () => {
    const { result, verifier } = await runMethod(bestOfN, {
      options: { n: 4 },
      hasNoVerifier: true,
    });
    expect(verifier.calls).toHaveLength(0);
    expect(result.candidates).toHaveLength(4);
    expect(result.candidates.every((candidate) => candidate.stepScores === null)).toBe(true);
    expect(result.warnings.map((warning) => warning.code)).toEqual(['verifier-unavailable']);
  });

  it('reports PRM input truncation as a warning and keeps the scores', async () => {
    const { result } = await runMethod(bestOfN, {
      options: { n: 2 },
      verifierOptions: { truncatedPaths: [1] },
    });
    expect(result.warnings.map((warning) => warning.code)).toEqual(['prm-input-truncated']);
    expect(result.candidates.every((candidate) => candidate.stepScores !== null)).toBe(true);
  });

  it('rethrows an abort raised by the verifier instead of degrading', async () => {
    const controller = new AbortController();
    const error: unknown = await runMethod(bestOfN, {
      signal: controller.signal,
      verifierOptions: { onCall: () => controller.abort() },
    }).catch((caught: unknown) => caught);
    expect(isAbortError(error)).toBe(true);
  });

  it('rethrows a policy failure', async () => {
    const failure = new Error('boom');
    await expect(runMethod(bestOfN, { policyHooks: { failOn: () => failure } })).rejects.toBe(
      failure,
    );
  });

  it('uses the paper defaults (T=0.7, 8192 tokens)', () => {
    expect(BEST_OF_N_DEFAULTS).toMatchObject({ temperature: 0.7, topP: 1, maxTotalTokens: 8192 });
  });
});
