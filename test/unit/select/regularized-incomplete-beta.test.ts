import fc from 'fast-check';
import { logGamma, regularizedIncompleteBeta } from '../../../src/select';

/** P(Binomial(n, p) ≥ k), exactly: I_p(k, n - k + 1) equals it. */
function binomialTail(n: number, k: number, p: number): number {
  let total = 0;
  let choose = 1;
  for (let j = 0; j <= n; j++) {
    if (j > 0) choose = (choose * (n - j + 1)) / j;
    if (j >= k) total += choose * p ** j * (1 - p) ** (n - j);
  }
  return total;
}

describe('logGamma', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(21)).toBeCloseTo(Math.log(2432902008176640000), 9);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 10);
  });
});

describe('regularizedIncompleteBeta', () => {
  it('has the closed forms I_x(1,1) = x, I_x(a,1) = x^a, I_x(1,b) = 1 - (1-x)^b', () => {
    for (const x of [0.01, 0.3, 0.5, 0.77, 0.99]) {
      expect(regularizedIncompleteBeta(x, 1, 1)).toBeCloseTo(x, 12);
      expect(regularizedIncompleteBeta(x, 7, 1)).toBeCloseTo(x ** 7, 12);
      expect(regularizedIncompleteBeta(x, 1, 5)).toBeCloseTo(1 - (1 - x) ** 5, 12);
    }
  });

  it('is 1/2 at x = 1/2 when a = b', () => {
    for (const a of [0.5, 1, 3, 10.5, 200])
      expect(regularizedIncompleteBeta(0.5, a, a)).toBeCloseTo(0.5, 10);
  });

  it('equals the binomial tail for integer arguments', () => {
    expect(regularizedIncompleteBeta(0.5, 4, 3)).toBeCloseTo(22 / 64, 12);
    for (const [n, k, p] of [
      [10, 3, 0.2],
      [40, 25, 0.55],
      [100, 50, 0.5],
      [7, 7, 0.9],
    ] as const) {
      expect(regularizedIncompleteBeta(p, k, n - k + 1)).toBeCloseTo(binomialTail(n, k, p), 10);
    }
  });

  it('matches a reference value for non-integer arguments: I_0.4(2.5, 3.5)', () => {
    // scipy.special.betainc(2.5, 3.5, 0.4) = 0.4869041915261176 (also a 2e5-point midpoint integral).
    expect(regularizedIncompleteBeta(0.4, 2.5, 3.5)).toBeCloseTo(0.4869041915261176, 12);
  });

  it('is 0 at 0, 1 at 1, and rejects bad arguments', () => {
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
    expect(() => regularizedIncompleteBeta(0.5, 0, 1)).toThrow(RangeError);
    expect(() => regularizedIncompleteBeta(1.5, 1, 1)).toThrow(RangeError);
    expect(() => regularizedIncompleteBeta(Number.NaN, 1, 1)).toThrow(RangeError);
  });

  it('satisfies the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) and stays in [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        fc.double({ min: 0.1, max: 300, noNaN: true }),
        fc.double({ min: 0.1, max: 300, noNaN: true }),
        (x, a, b) => {
          const value = regularizedIncompleteBeta(x, a, b);
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
          expect(value + regularizedIncompleteBeta(1 - x, b, a)).toBeCloseTo(1, 8);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('is non-decreasing in x', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 80 }),
        (x, y, a, b) => {
          const [low, high] = x <= y ? [x, y] : [y, x];
          expect(regularizedIncompleteBeta(low, a, b)).toBeLessThanOrEqual(
            regularizedIncompleteBeta(high, a, b) + 1e-12,
          );
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});
