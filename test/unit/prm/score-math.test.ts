import { checkProbability, sigmoid, twoWayProbability } from '../../../src/prm/score-math';

describe('sigmoid', () => {
  it('is 0.5 at 0 and stays finite far out', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
  });
});

describe('twoWayProbability', () => {
  it('equals the softmax over the two labels', () => {
    expect(twoWayProbability(Math.log(0.3), Math.log(0.1))).toBeCloseTo(0.75, 12);
  });
});

describe('checkProbability', () => {
  it('clamps bf16 rounding slack and rejects the rest', () => {
    expect(checkProbability(1 + 1e-7, 'prm', 'x')).toBe(1);
    expect(() => checkProbability(1.01, 'prm', 'x')).toThrow(/not a probability/);
    expect(() => checkProbability(Number.NaN, 'prm', 'x')).toThrow(/not a probability/);
  });
});
