import { mcnemarExactP } from '../../../src/eval';

describe('mcnemarExactP', () => {
  it('is 2 · 0.5^n when one arm wins every discordant pair', () => {
    expect(mcnemarExactP(6, 0)).toBeCloseTo(0.03125, 12);
    expect(mcnemarExactP(0, 11)).toBeCloseTo(0.0009765625, 12);
  });
  it('sums the binomial tail: 3 wins vs 1 loss gives 2 · 5/16', () => {
    expect(mcnemarExactP(3, 1)).toBeCloseTo(0.625, 12);
    expect(mcnemarExactP(30, 12)).toBeCloseTo(0.0079159, 6);
  });
  it('is 1 for balanced or absent discordant pairs, and for a single one', () => {
    expect(mcnemarExactP(5, 5)).toBe(1);
    expect(mcnemarExactP(0, 0)).toBe(1);
    expect(mcnemarExactP(1, 0)).toBe(1);
  });
  it('stays accurate for a thousand pairs (log-space sum)', () => {
    expect(mcnemarExactP(600, 400) / 2.7284641560660184e-10).toBeCloseTo(1, 6);
  });
  it('is symmetric', () => {
    expect(mcnemarExactP(9, 4)).toBe(mcnemarExactP(4, 9));
  });
  it('rejects negative or fractional counts', () => {
    expect(() => mcnemarExactP(-1, 2)).toThrow(RangeError);
    expect(() => mcnemarExactP(1.5, 2)).toThrow(RangeError);
  });
});
