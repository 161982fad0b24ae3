/**
 * The regularised incomplete beta function I_x(a, b), the CDF of Beta(a, b) at x, for the
 * Beta-posterior stopping rule. Evaluated with its continued fraction (Abramowitz & Stegun
 * 26.5.8) by the modified Lentz method, on the side of the symmetry I_x(a,b) = 1 - I_{1-x}(b,a)
 * where the fraction converges fast; log-gamma by the Lanczos approximation (g = 7, 9 terms).
 */

const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (relative error around 1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Γ(x) Γ(1 - x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS_COEFFICIENTS[0] ?? 1;
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++)
    sum += (LANCZOS_COEFFICIENTS[i] ?? 0) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const TINY = 1e-300;
const EPSILON = 1e-15;
const MAX_TERMS = 10_000;

/**
 * 1 / (1 + d1 / (1 + d2 / (1 + ...))) for I_x(a, b) = x^a (1-x)^b / (a B(a,b)) * fraction, with
 * d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m)) and d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
 */
function betaFraction(x: number, a: number, b: number): number {
  // Modified Lentz: f = C_j * D_j products, with tiny values guarding zero denominators.
  const guard = (value: number): number => (Math.abs(value) < TINY ? TINY : value);
  let c = 1;
  let d = 1 / guard(1 - ((a + b) * x) / (a + 1));
  let fraction = d;
  for (let m = 1; m <= MAX_TERMS; m++) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 / guard(1 + even * d);
    c = guard(1 + even / c);
    fraction *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 / guard(1 + odd * d);
    c = guard(1 + odd / c);
    const step = d * c;
    fraction *= step;
    if (Math.abs(step - 1) < EPSILON) break;
  }
  return fraction;
}

/**
 * I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b).
 *
 * @param x in [0, 1]
 * @param a > 0
 * @param b > 0
 * @throws RangeError for arguments outside those ranges.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0) || !(x >= 0 && x <= 1)) {
    throw new RangeError(
      `regularizedIncompleteBeta(${x}, ${a}, ${b}): need 0 ≤ x ≤ 1, a > 0, b > 0`,
    );
  }
  if (x === 0) return 0;
  if (x === 1) return 1;
  const logFront =
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(logFront);
  // The fraction converges quickly for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2))
    return Math.min(1, Math.max(0, (front * betaFraction(x, a, b)) / a));
  return Math.min(1, Math.max(0, 1 - (front * betaFraction(1 - x, b, a)) / b));
}
