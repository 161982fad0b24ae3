import { percentile } from '../../../src/eval';

describe('percentile', () => {
  it('interpolates between order statistics (type 7, as NumPy)', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([3, 1, 4, 1, 5, 9, 2, 6], 0.5)).toBeCloseTo(3.5, 12);
    expect(percentile([3, 1, 4, 1, 5, 9, 2, 6], 0.95)).toBeCloseTo(7.95, 12);
    expect(
      percentile(
        Array.from({ length: 20 }, (_, i) => i + 1),
        0.95,
      ),
    ).toBeCloseTo(19.05, 12);
  });
  it('handles the ends, one value and no values', () => {
    expect(percentile([5, 1, 3], 0)).toBe(1);
    expect(percentile([5, 1, 3], 1)).toBe(5);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });
  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    percentile(values, 0.5);
    expect(values).toEqual([3, 1, 2]);
  });
});
