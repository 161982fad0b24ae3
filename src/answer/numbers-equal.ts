import { toDouble, type ParsedNumber } from './parse-number';

/**
 * Relative tolerance for approximate answers: |a − b| ≤ 1e-6 · max(|a|, |b|).
 *
 * Math-Verify rounds both sides to 6 decimal places by default; a relative bound gives the same
 * verdicts for the usual answer sizes (`\frac{1}{12}` = `0.0833333333`, `\frac13` ≠ `0.333`)
 * while staying meaningful for small values (`0.0000672` ≠ `0.0000673`, which rounding to 6
 * places would call equal) and large ones.
 */
export const RELATIVE_TOLERANCE = 1e-6;

/**
 * Equality of two parsed numbers. Exact when both are exact (integers, fractions, decimals with
 * no fractional digits): `11111111100` ≠ `11111111101`. With the relative tolerance above when
 * either side is a decimal with a fractional part, which may be a rounded value.
 */
export function numbersEqual(left: ParsedNumber, right: ParsedNumber): boolean {
  if (left.numerator * right.denominator === right.numerator * left.denominator) return true;
  if (!left.isApproximate && !right.isApproximate) return false;
  return isWithinTolerance(toDouble(left), toDouble(right));
}

/** The tolerance test on plain doubles (also used for values computed by the LaTeX engine). */
export function isWithinTolerance(left: number, right: number): boolean {
  if (!Number.isFinite(left) || !Number.isFinite(right)) return false;
  return Math.abs(left - right) <= RELATIVE_TOLERANCE * Math.max(Math.abs(left), Math.abs(right));
}
