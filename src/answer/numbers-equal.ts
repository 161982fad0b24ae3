import type { ParsedNumber } from './parse-number';

/** Math-Verify's default `float_rounding`: decimal places kept when a side is a decimal. */
export const DEFAULT_FLOAT_ROUNDING = 6;

/**
 * Equality of two parsed numbers. Exact when both are exact (integers, fractions, decimals with
 * no fractional digits): `11111111100` ≠ `11111111101`. When either side is a decimal with a
 * fractional part, which may be a rounded value, both are rounded to `floatRounding` decimal
 * places first, as Math-Verify does (grader.py `sympy_numeric_eq`): `\frac13` = `0.333333` but
 * ≠ `0.333`. The rounding is exact (BigInt), half away from zero.
 */
export function numbersEqual(
  left: ParsedNumber,
  right: ParsedNumber,
  floatRounding = DEFAULT_FLOAT_ROUNDING,
): boolean {
  if (left.numerator * right.denominator === right.numerator * left.denominator) return true;
  if (!left.isApproximate && !right.isApproximate) return false;
  return roundExact(left, floatRounding) === roundExact(right, floatRounding);
}

function roundExact(value: ParsedNumber, places: number): bigint {
  const scaled = value.numerator * 10n ** BigInt(Math.max(0, Math.min(places, 100)));
  const magnitude = scaled < 0n ? -scaled : scaled;
  const rounded = (2n * magnitude + value.denominator) / (2n * value.denominator);
  return scaled < 0n ? -rounded : rounded;
}
