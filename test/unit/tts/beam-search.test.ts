import { beamSearch, BEAM_SEARCH_DEFAULTS } from '../../../src/tts/beam-search';
import { beamShape } from '../../../src/tts/beam-shape';
import { isCompleteCandidate } from '../../../src/tts/is-complete-candidate';
import { splitSteps } from '../../../src/tts/steps';
import { continuation as c, runMethod, tableScorer, tableScript, toyScorer } from './fakes';
import { describeMethodConformance } from './method-conformance';

const open = (text: string, tokens = 10) => c(`${text}\n\n`, 'stop-sequence', tokens);

describe('beamSearch', () => {
  describeMethodConformance({
    method: beamSearch,
    maxComplete: (options) => beamShape(options).count,
    usesVerifier: true,
    isStepWise: true,
  });

  it('samples N first steps, then keeps N/M beams and expands each by M', async () => {
    const { policy, verifier } = await runMethod(beamSearch, {
      options: { n: 16, m: 4, maxDepth: 4 },
      problem: { id: 'long', stepCount: 10, pCorrect: 0.7, answer: 1 },
    });
    expect(policy.rounds.map((call) => [call.prefixes.length, call.params.n])).toEqual([
      [1, 16],
      [4, 4],
      [4, 4],
      [4, 4],
    ]);
    expect(policy.rounds.every((call) => call.params.stop.join() === '\n\n')).toBe(true);
    expect(policy.rounds[0]?.prefixes).toEqual(['']);
    // Each round's beams are the top N/M of the previous round's children by PRM-last.
    verifier.calls.slice(0, -1).forEach((call, round) => {
      const ranked = call.paths
        .map((path, order) => ({ path, order, value: toyScorer(path, path.length - 1) }))
        .sort((a, b) => b.value - a.value || a.order - b.order)
        .slice(0, 4)
        .map(({ path }) => path);
      expect(policy.rounds[round + 1]?.prefixes.map(splitSteps)).toEqual(ranked);
    });
    expect(verifier.calls.map((call) => call.paths.length)).toEqual([16, 16, 16, 16]);
  });

  it('drops steps truncated by the per-step cap and duplicate siblings before scoring', async () => {
    const { verifier, policy, result } = await runMethod(beamSearch, {
      options: { n: 4, m: 2, maxTokensPerStep: 100 },
      script: tableScript({
        '': [open('A'), open('A'), c('B cut', 'length', 100), open('C')],
        'A\n\n': [c('A2 \\boxed{1}', 'eos'), c('A3 \\boxed{2}', 'eos')],
        'C\n\n': [c('C2 \\boxed{3}', 'eos'), c('C2 \\boxed{3}', 'eos')],
      }),
      scorer: tableScorer({
        A: 0.9,
        C: 0.8,
        'A2 \\boxed{1}': 0.7,
        'A3 \\boxed{2}': 0.6,
        'C2 \\boxed{3}': 0.95,
      }),
    });
    expect(verifier.calls[0]?.paths).toEqual([['A'], ['C']]);
    expect(policy.rounds[1]?.prefixes).toEqual(['A\n\n', 'C\n\n']);
    expect(verifier.calls[1]?.paths).toEqual([
      ['A', 'A2 \\boxed{1}'],
      ['A', 'A3 \\boxed{2}'],
      ['C', 'C2 \\boxed{3}'],
    ]);
    expect(
      result.candidates.map((candidate) => [
        candidate.text,
        candidate.finish,
        candidate.stepScores,
      ]),
    ).toEqual([
      ['C\n\nC2 \\boxed{3}', 'answer', [0.8, 0.95]],
      ['A\n\nA2 \\boxed{1}', 'answer', [0.9, 0.7]],
    ]);
  });

  it('stops as soon as N/M paths are finished and never spends more (search-and-learn #42)', async () => {
    const first = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const { policy, result } = await runMethod(beamSearch, {
      options: { n: 8, m: 2 },
      script: tableScript({
        '': first.map((step) => open(step)),
        'a\n\n': [c('a1 \\boxed{1}', 'stop-sequence'), open('a2')],
        'b\n\n': [c('b1 \\boxed{1}', 'eos'), open('b2')],
        'c\n\n': [open('c1'), open('c2')],
        'd\n\n': [open('d1'), open('d2')],
        'a\n\na2\n\n': [c('x \\boxed{1}', 'eos'), c('y \\boxed{1}', 'eos')],
        'c\n\nc1\n\n': [c('z \\boxed{1}', 'eos'), c('w \\boxed{1}', 'eos')],
      }),
      scorer: tableScorer({
        a: 0.9,
        b: 0.8,
        c: 0.7,
        d: 0.6,
        e: 0.1,
        f: 0.1,
        g: 0.1,
        h: 0.1,
        'a1 \\boxed{1}': 0.99,
        'b1 \\boxed{1}': 0.98,
        a2: 0.97,
        c1: 0.96,
        'x \\boxed{1}': 0.9,
        'z \\boxed{1}': 0.8,
      }),
    });
    expect(policy.rounds.map((call) => call.prefixes)).toEqual([
      [''],
      ['a\n\n', 'b\n\n', 'c\n\n', 'd\n\n'],
      ['a\n\na2\n\n', 'c\n\nc1\n\n'],
    ]);
    expect(result.usage).toMatchObject({
      rounds: 3,
      // One call in round 1, then one per beam: 1 + 4 + 2.
      policyCalls: 7,
      prmCalls: 3,
      generations: 8 + 8 + 4,
    });
    // Round 3 needed only 2 more finished paths: the top 2 of its 4 children.
    expect(result.candidates.map((candidate) => candidate.text)).toEqual([
      'a\n\na1 \\boxed{1}',
      'b\n\nb1 \\boxed{1}',
      'a\n\na2\n\nx \\boxed{1}',
      'c\n\nc1\n\nz \\boxed{1}',
    ]);
    expect(result.candidates.map((candidate) => candidate.finish)).toEqual([
      'answer',
      'answer',
      'answer',
      'answer',
    ]);
  });

  it('stops at maxDepth and returns the open beams as depth, never as complete', async () => {
    const { policy, result } = await runMethod(beamSearch, {
      options: { n: 8, m: 2, maxDepth: 3 },
      problem: { id: 'deep', stepCount: 10, pCorrect: 0.8, answer: 1 },
    });
    expect(policy.rounds).toHaveLength(3);
    expect(result.candidates).toHaveLength(4);
    for (const candidate of result.candidates) {
      expect(candidate.finish).toBe('depth');
      expect(candidate.steps).toHaveLength(3);
      expect(candidate.stepScores).toHaveLength(3);
      expect(isCompleteCandidate(candidate)).toBe(false);
    }
  });

  it('finishes paths that reach the whole-solution cap as length, lowering the step cap to the remaining budget', async () => {
    const { policy, result } = await runMethod(beamSearch, {
      options: { n: 4, m: 2, maxTotalTokens: 100 },
      problem: { id: 'long', stepCount: 10, pCorrect: 0.9, answer: 1 },
      world: { tokensPerStep: 30 },
    });
    expect(policy.rounds.map((call) => call.params.maxTokens)).toEqual([100, 70, 40, 10]);
    expect(result.candidates).toHaveLength(2);
    for (const candidate of result.candidates) {
      expect(candidate).toMatchObject({ finish: 'length', completionTokens: 100 });
      expect(candidate.stepScores).toHaveLength(4);
    }
  });

  it('finishes a complete step that spends the budget exactly as length', async () => {
    const { policy, result } = await runMethod(beamSearch, {
      options: { n: 4, m: 2, maxTotalTokens: 100 },
      problem: { id: 'long', stepCount: 10, pCorrect: 0.9, answer: 1 },
      world: { tokensPerStep: 25 },
    });
    expect(policy.rounds).toHaveLength(4);
    expect(
      result.candidates.map((candidate) => [candidate.finish, candidate.steps.length]),
    ).toEqual([
      ['length', 4],
      ['length', 4],
    ]);
  });

  it('labels the run samples-dropped when every path dies of truncated steps', async () => {
    const { verifier, result } = await runMethod(beamSearch, {
      options: { n: 4, m: 2, maxTokensPerStep: 40 },
      world: { tokensPerStep: 50 },
    });
    expect(verifier.calls).toHaveLength(0);
    expect(result.candidates).toEqual([]);
    expect(result.warnings.map((warning) => warning.code)).toEqual(['samples-dropped']);
  });

  it('finishes a path whose model stops right after a step with that path and its existing scores', async () => {
    const { verifier, result } = await runMethod(beamSearch, {
      options: { n: 2, m: 2 },
      script: tableScript({ '': [open('A'), c('\n\n', 'stop-sequence')], 'A\n\n': [c('', 'eos')] }),
      scorer: tableScorer({ A: 0.6 }),
    });
    expect(verifier.calls.map((call) => call.paths)).toEqual([[['A']]]);
    expect(result.candidates).toEqual([
      { text: 'A\n\n', steps: ['A'], stepScores: [0.6], finish: 'eos', completionTokens: 20 },
    ]);
  });

  it('ranks by searchAggregation', async () => {
    const script = tableScript({
      '': [open('low'), open('high')],
      'low\n\n': [c('L \\boxed{1}', 'eos')],
      'high\n\n': [c('H \\boxed{2}', 'eos')],
    });
    const scorer = tableScorer({ low: 0.1, high: 0.9, 'L \\boxed{1}': 0.8, 'H \\boxed{2}': 0.5 });
    const byLast = await runMethod(beamSearch, { options: { n: 2, m: 2 }, script, scorer });
    const byMin = await runMethod(beamSearch, {
      options: { n: 2, m: 2, searchAggregation: 'min' },
      script,
      scorer,
    });
    expect(byLast.policy.rounds[1]?.prefixes).toEqual(['high\n\n']);
    expect(byMin.policy.rounds[1]?.prefixes).toEqual(['high\n\n']);
    expect(byLast.result.candidates[0]?.text).toBe('high\n\nH \\boxed{2}');
  });

  it("caps each beam's step by its own budget: a beam near its budget never cuts another's step", async () => {
    const { policy, result } = await runMethod(beamSearch, {
      options: { n: 4, m: 2, maxTokensPerStep: 100, maxTotalTokens: 200 },
      script: tableScript({
        '': [open('A', 10), open('B', 180), open('A', 10), open('B', 180)],
        // 60 tokens: more than B's 20 left, well within A's own cap.
        'A\n\n': [c('A2 \\boxed{1}', 'eos', 60), c('A3 \\boxed{1}', 'eos', 60)],
        'B\n\n': [c('B2', 'length', 20), c('B3', 'length', 20)],
      }),
      scorer: tableScorer({ A: 0.9, B: 0.8, 'A2 \\boxed{1}': 0.9, 'A3 \\boxed{1}': 0.8, B2: 0.5 }),
    });
    expect(policy.rounds[1]).toMatchObject({ prefixes: ['A\n\n', 'B\n\n'], maxTokens: [100, 20] });
    // Before, one call capped both at 20, and A's 60-token steps could not have been sampled.
    expect(result.candidates.map((candidate) => [candidate.text, candidate.finish])).toEqual([
      ['A\n\nA2 \\boxed{1}', 'answer'],
      ['A\n\nA3 \\boxed{1}', 'answer'],
    ]);
  });

  describe('degradation', () => {
    it('finishes N/M of the round-1 children unguided, unscored, when the verifier fails', async () => {
      const { policy, verifier, result } = await runMethod(beamSearch, {
        options: { n: 8, m: 2 },
        verifierOptions: { failOn: () => new Error('prm down') },
      });
      expect(policy.rounds).toHaveLength(2);
      const fallback = policy.rounds[1];
      expect(fallback?.params).toMatchObject({ n: 1, stop: [], maxTokens: 8192 - 20 });
      // With a single parent, round-robin is sample order: the first N/M children.
      expect(fallback?.prefixes).toEqual(
        verifier.calls[0]?.paths.slice(0, 4).map((path) => `${path.join('\n\n')}\n\n`),
      );
      expect(result.candidates).toHaveLength(4);
      for (const candidate of result.candidates) {
        expect(candidate.stepScores).toBeNull();
        expect(candidate.finish).toBe('answer');
      }
      expect(result.warnings).toEqual([
        { code: 'verifier-unavailable', message: expect.stringContaining('prm down') },
      ]);
      expect(result.usage).toMatchObject({
        rounds: 2,
        // The unguided finish continues each of the 4 paths in a call of its own.
        policyCalls: 1 + 4,
        prmCalls: 1,
        generations: 8 + 4,
      });
    });

    it('keeps earlier finished paths with their scores and picks fallback children across parents', async () => {
      const { policy, result } = await runMethod(beamSearch, {
        options: { n: 6, m: 2 },
        script: tableScript({
          '': [c('done \\boxed{1}', 'eos'), open('p'), open('q'), open('r'), open('s'), open('t')],
          'p\n\n': [open('p1'), open('p2')],
          'q\n\n': [open('q1'), open('q2')],
          'p\n\np1\n\n': [c('end \\boxed{5}', 'eos')],
          'q\n\nq1\n\n': [c('end \\boxed{6}', 'eos')],
        }),
        scorer: tableScorer({ 'done \\boxed{1}': 0.99, p: 0.9, q: 0.8 }),
        verifierOptions: { failOn: (index) => (index === 1 ? new Error('prm down') : undefined) },
      });
      expect(policy.rounds[2]?.prefixes).toEqual(['p\n\np1\n\n', 'q\n\nq1\n\n']);
      expect(result.candidates.map((candidate) => [candidate.text, candidate.stepScores])).toEqual([
        ['done \\boxed{1}', [0.99]],
        ['p\n\np1\n\nend \\boxed{5}', null],
        ['q\n\nq1\n\nend \\boxed{6}', null],
      ]);
    });

    it('returns unfinished paths when the unguided finish also fails', async () => {
      const { result } = await runMethod(beamSearch, {
        options: { n: 4, m: 2 },
        verifierOptions: { failOn: () => new Error('prm down') },
        policyHooks: { failOn: (index) => (index === 1 ? new Error('policy down') : undefined) },
      });
      expect(result.candidates).toHaveLength(2);
      expect(
        result.candidates.every(
          (candidate) => candidate.finish === 'unfinished' && candidate.stepScores === null,
        ),
      ).toBe(true);
      expect(result.warnings.map((warning) => warning.code)).toEqual([
        'verifier-unavailable',
        'policy-failed',
      ]);
    });

    it('returns what exists when the policy fails after round 1', async () => {
      const { result } = await runMethod(beamSearch, {
        options: { n: 8, m: 2 },
        problem: { id: 'long', stepCount: 10, pCorrect: 0.8, answer: 1 },
        // Calls: round 1 (one), round 2 (one per beam: 1-4), round 3 starts at 5.
        policyHooks: { failOn: (index) => (index === 5 ? new Error('policy down') : undefined) },
      });
      expect(result.candidates).toHaveLength(4);
      for (const candidate of result.candidates) {
        expect(candidate.finish).toBe('unfinished');
        expect(candidate.stepScores).toHaveLength(2);
      }
      expect(result.warnings).toEqual([
        { code: 'policy-failed', message: expect.stringContaining('policy down') },
      ]);
    });

    it('rethrows when the very first policy call fails', async () => {
      const failure = new Error('policy down');
      await expect(runMethod(beamSearch, { policyHooks: { failOn: () => failure } })).rejects.toBe(
        failure,
      );
    });

    it('samples N/M whole solutions in one call when there is no verifier', async () => {
      const { policy, result } = await runMethod(beamSearch, {
        options: { n: 16, m: 4 },
        hasNoVerifier: true,
      });
      expect(policy.rounds).toHaveLength(1);
      expect(policy.rounds[0]?.params).toMatchObject({ n: 4, stop: [], maxTokens: 8192 });
      expect(result.candidates).toHaveLength(4);
      expect(result.warnings.map((warning) => warning.code)).toEqual(['verifier-unavailable']);
    });
  });

  it('emits round-start, samples-generated and round-end for every round', async () => {
    const { events, result } = await runMethod(beamSearch, { options: { n: 4, m: 2 } });
    const types = events.map((event) => event.type);
    expect(types.filter((type) => type === 'round-end')).toHaveLength(result.usage.rounds);
    expect(types.slice(0, 3)).toEqual(['round-start', 'samples-generated', 'round-end']);
    const last = events[events.length - 1];
    expect(last).toMatchObject({ type: 'round-end', finishedPaths: 2, activePaths: 0 });
  });

  it('uses the paper defaults', () => {
    expect(BEAM_SEARCH_DEFAULTS).toMatchObject({
      temperature: 0.7,
      topP: 1,
      maxTokensPerStep: 2048,
      maxTotalTokens: 8192,
      maxDepth: 40,
      m: 4,
      searchAggregation: 'last',
    });
  });
});
