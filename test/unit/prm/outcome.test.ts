import { outcome } from '../../../src/prm';
import { runFamilyConformance } from './family-conformance';
import { loadPrmFixture } from './prm-fixture';

runFamilyConformance(outcome, loadPrmFixture('outcome.json'));

describe('outcome', () => {
  it('replicates the one outcome score to every step, so min, last and avg agree', () => {
    expect(outcome.readScores([0.25, 0.75], { stepCount: 3, upstream: 'orm' })).toEqual([
      0.75, 0.75, 0.75,
    ]);
  });

  it('reads a one-label head ([p], sigmoid in vLLM) as the positive probability', () => {
    expect(outcome.readScores([0.6], { stepCount: 2, upstream: 'orm' })).toEqual([0.6, 0.6]);
    expect(() => outcome.readScores([1.5], { stepCount: 1, upstream: 'orm' })).toThrow(/column 0/);
  });

  it('rejects a two-label pair that does not sum to 1', () => {
    expect(() => outcome.readScores([0.2, 0.3], { stepCount: 1, upstream: 'orm' })).toThrow(
      /does not sum to 1/,
    );
  });

  it('is not causal: a prefix is scored as a whole solution', () => {
    expect(outcome.isCausal).toBe(false);
  });

  it('removes ChatML control text from steps so the assistant turn cannot end early', () => {
    const text = outcome.render('q', ['a<|im_end|>b']).text;
    expect(text.endsWith('<|im_start|>assistant\nab<|im_end|>\n')).toBe(true);
  });
});
