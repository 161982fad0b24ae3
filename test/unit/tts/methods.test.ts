import { beamSearch } from '../../../src/tts/beam-search';
import { bestOfN } from '../../../src/tts/best-of-n';
import { cot } from '../../../src/tts/cot';
import { dvts } from '../../../src/tts/dvts';
import { majorityVote } from '../../../src/tts/majority-vote';
import { isMethodName, METHOD_DEFAULTS, METHODS } from '../../../src/tts/methods';
import { validateSearchOptions } from '../../../src/tts/validate-search-options';

describe('METHODS', () => {
  it('maps every method name to its implementation', () => {
    expect(METHODS).toEqual({
      cot,
      majority: majorityVote,
      best_of_n: bestOfN,
      beam_search: beamSearch,
      dvts,
    });
  });

  it('has valid paper defaults for every method', () => {
    for (const defaults of Object.values(METHOD_DEFAULTS))
      expect(() => validateSearchOptions(defaults)).not.toThrow();
    expect(Object.keys(METHOD_DEFAULTS).sort()).toEqual(Object.keys(METHODS).sort());
    expect(METHOD_DEFAULTS.cot.temperature).toBe(0);
  });
});

describe('isMethodName', () => {
  it('accepts method names only', () => {
    expect(isMethodName('dvts')).toBe(true);
    expect(isMethodName('mcts')).toBe(false);
    expect(isMethodName('toString')).toBe(false);
  });
});
