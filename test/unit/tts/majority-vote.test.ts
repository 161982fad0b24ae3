import { majorityVote, MAJORITY_VOTE_DEFAULTS } from '../../../src/tts/majority-vote';
import { continuation, runMethod } from './fakes';
import { describeMethodConformance } from './method-conformance';

describe('majorityVote', () => {
  describeMethodConformance({
    method: majorityVote,
    maxComplete: (options) => options.n,
    usesVerifier: false,
    isStepWise: false,
  });

  it('draws N full samples in one policy call and never calls the verifier', async () => {
    const { result, policy, verifier, events } = await runMethod(majorityVote, {
      options: { n: 8, seed: 9 },
    });
    expect(policy.calls).toHaveLength(1);
    expect(policy.calls[0]).toMatchObject({
      prefixes: [''],
      params: { temperature: 0.7, topP: 1, maxTokens: 8192, stop: [], n: 8, seed: 9 },
    });
    expect(verifier.calls).toHaveLength(0);
    expect(result.candidates).toHaveLength(8);
    expect(result.candidates.every((candidate) => candidate.stepScores === null)).toBe(true);
    expect(result.usage).toMatchObject({ policyCalls: 1, prmCalls: 0, rounds: 1, generations: 8 });
    expect(events.map((event) => event.type)).toEqual([
      'round-start',
      'samples-generated',
      'round-end',
    ]);
  });

  it('labels each sample: answer (boxed, EOS), eos (no box), length (truncated)', async () => {
    const texts = [
      continuation('a\n\nso \\boxed{1}', 'eos'),
      continuation('a\n\nno box', 'eos'),
      continuation('a\n\n\\boxed{2', 'length'),
    ];
    const { result } = await runMethod(majorityVote, {
      options: { n: 3 },
      script: ({ sampleIndex }) => texts[sampleIndex] ?? continuation('', 'eos'),
    });
    expect(result.candidates.map((candidate) => candidate.finish)).toEqual([
      'answer',
      'eos',
      'length',
    ]);
  });

  it('derives a different seed per run from deps.random when no seed is given', async () => {
    const first = await runMethod(majorityVote, { randomSeed: 1 });
    const second = await runMethod(majorityVote, { randomSeed: 2 });
    expect(first.policy.calls[0]?.params.seed).not.toBe(second.policy.calls[0]?.params.seed);
    expect(Number.isInteger(first.policy.calls[0]?.params.seed)).toBe(true);
  });

  it('rethrows a policy failure', async () => {
    const failure = new Error('boom');
    await expect(runMethod(majorityVote, { policyHooks: { failOn: () => failure } })).rejects.toBe(
      failure,
    );
  });

  it('uses the paper sampling defaults', () => {
    expect(MAJORITY_VOTE_DEFAULTS).toMatchObject({
      temperature: 0.7,
      topP: 1,
      maxTotalTokens: 8192,
    });
  });
});
