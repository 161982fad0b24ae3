import { levelLabel, passAtOneBin, passAtOneLabel } from '../../../src/eval';

describe('passAtOneBin', () => {
  it("uses the paper's absolute Pass@1 thresholds", () => {
    expect(passAtOneBin(1)).toBe('easy');
    expect(passAtOneBin(0.5)).toBe('easy');
    expect(passAtOneBin(0.4999)).toBe('medium');
    expect(passAtOneBin(0.1)).toBe('medium');
    expect(passAtOneBin(0.0999)).toBe('hard');
    expect(passAtOneBin(0)).toBe('hard');
    expect(passAtOneLabel('medium')).toBe('medium (Pass@1 10-50%)');
  });

  it('rejects values outside [0, 1]', () => {
    expect(() => passAtOneBin(1.2)).toThrow(RangeError);
    expect(() => passAtOneBin(Number.NaN)).toThrow(RangeError);
  });

  it('labels MATH levels', () => {
    expect(levelLabel(3)).toBe('Level 3');
  });
});
