import { InvalidRequestError } from '../../../src/errors';
import { validateSearchOptions } from '../../../src/tts/validate-search-options';
import { testOptions } from './fakes';

describe('validateSearchOptions', () => {
  it('accepts the paper settings', () => {
    expect(() => validateSearchOptions(testOptions({ seed: 7 }))).not.toThrow();
    expect(() => validateSearchOptions(testOptions({ temperature: 0 }))).not.toThrow();
  });

  it.each([
    ['n', { n: 0 }],
    ['m', { m: 1.5 }],
    ['maxTokensPerStep', { maxTokensPerStep: 0 }],
    ['maxTotalTokens', { maxTotalTokens: Number.NaN }],
    ['maxDepth', { maxDepth: -1 }],
    ['temperature', { temperature: -0.1 }],
    ['topP', { topP: 0 }],
    ['seed', { seed: 1.5 }],
  ])('rejects a bad %s with an InvalidRequestError naming it', (param, overrides) => {
    let caught: unknown;
    try {
      validateSearchOptions(testOptions(overrides));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidRequestError);
    expect((caught as InvalidRequestError).param).toBe(param);
  });
});
