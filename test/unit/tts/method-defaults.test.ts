import { PAPER_DEFAULTS } from '../../../src/tts/method-defaults';

describe('PAPER_DEFAULTS', () => {
  it('holds the paper’s run.sh settings', () => {
    expect(PAPER_DEFAULTS).toEqual({
      n: 16,
      m: 4,
      temperature: 0.7,
      topP: 1,
      maxTokensPerStep: 2048,
      maxTotalTokens: 8192,
      maxDepth: 40,
      searchAggregation: 'last',
    });
    expect(Object.isFrozen(PAPER_DEFAULTS)).toBe(true);
  });
});
