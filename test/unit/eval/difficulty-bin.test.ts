import { difficultyBin, levelLabel } from '../../../src/eval';

describe('difficultyBin', () => {
  it('puts difficulties in five equal-width bins, 1.0 in the last', () => {
    expect(difficultyBin(0)).toBe('0.0-0.2');
    expect(difficultyBin(0.1999)).toBe('0.0-0.2');
    expect(difficultyBin(0.2)).toBe('0.2-0.4');
    expect(difficultyBin(0.85)).toBe('0.8-1.0');
    expect(difficultyBin(1)).toBe('0.8-1.0');
  });
  it('rejects values outside [0, 1]', () => {
    expect(() => difficultyBin(1.2)).toThrow(RangeError);
    expect(() => difficultyBin(Number.NaN)).toThrow(RangeError);
  });
});

describe('levelLabel', () => {
  it('names MATH levels', () => {
    expect(levelLabel(3)).toBe('Level 3');
  });
});
