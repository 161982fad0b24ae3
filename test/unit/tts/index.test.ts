import * as tts from '../../../src/tts';
import type { Candidate, Policy, SearchMethod, Verifier } from '../../../src/tts';

describe('tts module surface', () => {
  it('exports the methods, their table and the helpers the pipeline uses', () => {
    const methods: SearchMethod[] = [
      tts.cot,
      tts.majorityVote,
      tts.bestOfN,
      tts.beamSearch,
      tts.dvts,
    ];
    expect(methods.every((method) => typeof method === 'function')).toBe(true);
    expect(Object.keys(tts.METHODS).sort()).toEqual([
      'beam_search',
      'best_of_n',
      'cot',
      'dvts',
      'majority',
    ]);
    for (const name of [
      'selectAnswer',
      'isCompleteCandidate',
      'aggregateScores',
      'splitSteps',
      'stepOf',
      'containsAnswer',
      'isMethodName',
      'beamShape',
      'validateSearchOptions',
    ] as const) {
      expect(typeof tts[name]).toBe('function');
    }
  });

  it('re-exports the contract types', () => {
    const candidate: Candidate = {
      text: '',
      steps: [],
      stepScores: null,
      finish: 'eos',
      completionTokens: 0,
    };
    const contracts: [Policy | null, Verifier | null] = [null, null];
    expect(tts.isCompleteCandidate(candidate)).toBe(true);
    expect(contracts).toEqual([null, null]);
  });
});
