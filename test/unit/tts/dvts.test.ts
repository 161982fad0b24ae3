import { beamShape } from '../../../src/tts/beam-shape';
import { dvts, DVTS_DEFAULTS } from '../../../src/tts/dvts';
import { isCompleteCandidate } from '../../../src/tts/is-complete-candidate';
import { continuation as c, runMethod, tableScorer, tableScript } from './fakes';
import { describeMethodConformance } from './method-conformance';

const open = (text: string, tokens = 10) => c(`${text}\n\n`, 'stop-sequence', tokens);

/** Two subtrees (N=4, M=2) where global beam search would keep A and B, but DVTS keeps A and C. */
const TWO_SUBTREES = {
  script: tableScript({
    '': [open('A'), open('B'), open('C'), open('D')],
    'A\n\n': [c('A1 \\boxed{1}', 'eos'), open('A2')],
    'C\n\n': [open('C1'), open('C2')],
    'A\n\nA2\n\n': [c('x \\boxed{2}', 'eos'), c('y \\boxed{3}', 'eos')],
    'C\n\nC1\n\n': [c('z \\boxed{4}', 'eos'), c('w', 'eos')],
  }),
  scorer: tableScorer({
    A: 0.95,
    B: 0.9,
    C: 0.3,
    D: 0.2,
    'A1 \\boxed{1}': 0.4,
    A2: 0.9,
    C1: 0.7,
    C2: 0.6,
    'x \\boxed{2}': 0.5,
    'y \\boxed{3}': 0.8,
    'z \\boxed{4}': 0.3,
    w: 0.35,
  }),
};

describe('dvts', () => {
  describeMethodConformance({
    method: dvts,
    maxComplete: (options) => beamShape(options).count,
    usesVerifier: true,
    isStepWise: true,
  });

  it('deals round 1 out to N/M subtrees and keeps the best child of each, independently', async () => {
    const { policy, verifier, result } = await runMethod(dvts, {
      options: { n: 4, m: 2 },
      ...TWO_SUBTREES,
    });
    expect(policy.rounds.map((call) => [call.prefixes, call.params.n])).toEqual([
      [[''], 4],
      [['A\n\n', 'C\n\n'], 2],
      [['A\n\nA2\n\n', 'C\n\nC1\n\n'], 2],
    ]);
    expect(verifier.calls.map((call) => call.paths.length)).toEqual([4, 4, 4]);
    expect(result.candidates.map((candidate) => [candidate.text, candidate.finish])).toEqual([
      ['A\n\nA2\n\ny \\boxed{3}', 'answer'],
      ['C\n\nC1\n\nw', 'eos'],
    ]);
    // One call in round 1, then one per live subtree: 1 + 2 + 2.
    expect(result.usage).toMatchObject({ rounds: 3, policyCalls: 5, prmCalls: 3, generations: 12 });
  });

  it('keeps one subtree per N/M and expands each live leaf by M', async () => {
    const { policy, result } = await runMethod(dvts, {
      options: { n: 16, m: 4, maxDepth: 3 },
      problem: { id: 'long', stepCount: 10, pCorrect: 0.7, answer: 1 },
    });
    expect(policy.rounds.map((call) => [call.prefixes.length, call.params.n])).toEqual([
      [1, 16],
      [4, 4],
      [4, 4],
    ]);
    expect(result.candidates).toHaveLength(4);
  });

  it('never returns unfinished paths as complete (search-and-learn #57)', async () => {
    const { result } = await runMethod(dvts, {
      options: { n: 8, m: 2, maxDepth: 3 },
      problem: { id: 'deep', stepCount: 10, pCorrect: 0.8, answer: 1 },
    });
    expect(result.candidates).toHaveLength(4);
    for (const candidate of result.candidates) {
      expect(candidate.finish).toBe('depth');
      expect(isCompleteCandidate(candidate)).toBe(false);
      expect(candidate.steps).toHaveLength(3);
    }
  });

  it('stops expanding a finished subtree while the others go on, and returns complete candidates first', async () => {
    const { policy, result } = await runMethod(dvts, {
      options: { n: 4, m: 2, maxDepth: 2 },
      script: tableScript({
        '': [c('fast \\boxed{1}', 'eos'), open('slow'), open('P'), open('Q')],
        'P\n\n': [open('P1'), open('P2')],
      }),
      scorer: tableScorer({ 'fast \\boxed{1}': 0.9, slow: 0.1, P: 0.8, Q: 0.1 }),
    });
    expect(policy.rounds.map((call) => call.prefixes)).toEqual([[''], ['P\n\n']]);
    expect(result.candidates.map((candidate) => [candidate.text, candidate.finish])).toEqual([
      ['fast \\boxed{1}', 'answer'],
      ['P\n\nP1\n\n', 'depth'],
    ]);
  });

  it('lets a subtree whose children are all dropped die without stopping the others', async () => {
    const { result, verifier } = await runMethod(dvts, {
      options: { n: 4, m: 2, maxTokensPerStep: 100 },
      script: tableScript({
        '': [open('A'), open('B'), open('C'), open('D')],
        'A\n\n': [c('cut', 'length', 100), c('cut too', 'length', 100)],
        'C\n\n': [c('C1 \\boxed{4}', 'eos'), c('C1 \\boxed{4}', 'eos')],
      }),
      scorer: tableScorer({ A: 0.9, C: 0.9 }),
    });
    expect(verifier.calls[1]?.paths).toEqual([['C', 'C1 \\boxed{4}']]);
    expect(result.candidates.map((candidate) => [candidate.text, candidate.finish])).toEqual([
      ['C\n\nC1 \\boxed{4}', 'answer'],
      ['A\n\n', 'unfinished'],
    ]);
    expect(result.warnings.map((warning) => warning.code)).toEqual(['samples-dropped']);
  });

  it('asks round 1 for (N/M)·M first steps, never more than N', async () => {
    const { policy } = await runMethod(dvts, { options: { n: 6, m: 4 } });
    expect(policy.rounds[0]?.params.n).toBe(4);
    expect(
      policy.rounds.slice(1).every((call) => call.prefixes.length === 1 && call.params.n === 4),
    ).toBe(true);
  });

  describe('degradation', () => {
    it('finishes each live subtree’s first child unguided when the verifier fails', async () => {
      const { policy, result } = await runMethod(dvts, {
        options: { n: 4, m: 2 },
        ...TWO_SUBTREES,
        script: tableScript({
          '': [open('A'), open('B'), open('C'), open('D')],
          'A\n\n': [c('A1 \\boxed{1}', 'eos'), open('A2')],
          'C\n\n': [open('C1'), open('C2')],
          'C\n\nC1\n\n': [c('end \\boxed{9}', 'eos')],
        }),
        verifierOptions: { failOn: (index) => (index === 1 ? new Error('prm down') : undefined) },
      });
      expect(policy.rounds[2]).toMatchObject({
        prefixes: ['C\n\nC1\n\n'],
        params: { n: 1, stop: [] },
      });
      expect(
        result.candidates.map((candidate) => [
          candidate.text,
          candidate.finish,
          candidate.stepScores,
        ]),
      ).toEqual([
        ['A\n\nA1 \\boxed{1}', 'answer', null],
        ['C\n\nC1\n\nend \\boxed{9}', 'answer', null],
      ]);
      expect(result.warnings.map((warning) => warning.code)).toEqual(['verifier-unavailable']);
    });

    it('returns the live leaves as unfinished when the policy fails after round 1', async () => {
      const { result } = await runMethod(dvts, {
        options: { n: 4, m: 2 },
        ...TWO_SUBTREES,
        // Calls: round 1 (one), round 2 (one per subtree: 1, 2), round 3 starts at 3.
        policyHooks: { failOn: (index) => (index === 3 ? new Error('policy down') : undefined) },
      });
      expect(result.candidates.map((candidate) => [candidate.text, candidate.finish])).toEqual([
        ['A\n\nA2\n\n', 'unfinished'],
        ['C\n\nC1\n\n', 'unfinished'],
      ]);
      expect(result.warnings.map((warning) => warning.code)).toEqual(['policy-failed']);
    });

    it('rethrows when the very first policy call fails', async () => {
      const failure = new Error('policy down');
      await expect(runMethod(dvts, { policyHooks: { failOn: () => failure } })).rejects.toBe(
        failure,
      );
    });

    it('samples N/M whole solutions in one call when there is no verifier', async () => {
      const { policy, result } = await runMethod(dvts, {
        options: { n: 8, m: 2 },
        hasNoVerifier: true,
      });
      expect(policy.rounds).toHaveLength(1);
      expect(policy.rounds[0]?.params).toMatchObject({ n: 4, stop: [] });
      expect(result.candidates).toHaveLength(4);
      expect(result.warnings.map((warning) => warning.code)).toEqual(['verifier-unavailable']);
    });
  });

  it('uses the paper defaults', () => {
    expect(DVTS_DEFAULTS).toMatchObject({
      temperature: 0.7,
      maxTokensPerStep: 2048,
      maxDepth: 40,
      m: 4,
    });
  });
});
