import type { MathNode } from './parse-math';

/** An exact rational; the denominator is positive and the fraction reduced. */
export interface Rational {
  numerator: bigint;
  denominator: bigint;
}

/**
 * Exact value of an expression made of rationals only (integers, decimals, + − × ÷, integer
 * powers, factorials, binomials), or null when it has symbols, constants, roots or functions, or
 * when a value would exceed {@link MAX_BITS} bits. Lets `2^{100}` differ from `2^{100}+1`, which
 * doubles cannot tell apart. The bit bound is checked before each multiplication, so the work is
 * bounded by the input's size, not by its values.
 */
export function evaluateExact(node: MathNode): Rational | null {
  switch (node.kind) {
    case 'number':
      return fromDigits(node.digits);
    case 'add':
      return node.terms.reduce<Rational | null>(
        (sum, term) => combine(sum, evaluateExact(term), addRationals),
        ZERO,
      );
    case 'negate': {
      const value = evaluateExact(node.operand);
      return value === null
        ? null
        : { numerator: -value.numerator, denominator: value.denominator };
    }
    case 'multiply':
      return node.factors.reduce<Rational | null>(
        (product, factor) => combine(product, evaluateExact(factor), multiplyRationals),
        ONE,
      );
    case 'divide': {
      const denominator = evaluateExact(node.denominator);
      if (denominator === null || denominator.numerator === 0n) return null;
      return combine(evaluateExact(node.numerator), invert(denominator), multiplyRationals);
    }
    case 'power':
      return powerExact(evaluateExact(node.base), evaluateExact(node.exponent));
    case 'call':
      return callExact(node);
    default:
      return null;
  }
}

/** Beyond this, values are compared in floating point (`evaluate-math.ts`). */
export const MAX_BITS = 4096;

const ZERO: Rational = { numerator: 0n, denominator: 1n };
const ONE: Rational = { numerator: 1n, denominator: 1n };

export function rationalsEqual(a: Rational, b: Rational): boolean {
  return a.numerator === b.numerator && a.denominator === b.denominator;
}

function fromDigits(digits: string): Rational {
  const [whole = '', fraction = ''] = digits.split('.');
  return reduce(BigInt(`${whole}${fraction}` || '0'), 10n ** BigInt(fraction.length));
}

function combine(
  a: Rational | null,
  b: Rational | null,
  operation: (x: Rational, y: Rational) => Rational | null,
): Rational | null {
  return a === null || b === null ? null : operation(a, b);
}

function addRationals(a: Rational, b: Rational): Rational | null {
  return bounded(
    reduce(
      a.numerator * b.denominator + b.numerator * a.denominator,
      a.denominator * b.denominator,
    ),
  );
}

function multiplyRationals(a: Rational, b: Rational): Rational | null {
  if (bits(a.numerator) + bits(b.numerator) > MAX_BITS) return null;
  if (bits(a.denominator) + bits(b.denominator) > MAX_BITS) return null;
  return reduce(a.numerator * b.numerator, a.denominator * b.denominator);
}

function invert(value: Rational): Rational {
  const sign = value.numerator < 0n ? -1n : 1n;
  return { numerator: value.denominator * sign, denominator: value.numerator * sign };
}

function powerExact(base: Rational | null, exponent: Rational | null): Rational | null {
  if (base === null || exponent === null || exponent.denominator !== 1n) return null;
  const count = exponent.numerator < 0n ? -exponent.numerator : exponent.numerator;
  const size = Math.max(bits(base.numerator), bits(base.denominator));
  if (size * Number(count) > MAX_BITS) return null;
  if (base.numerator === 0n && exponent.numerator < 0n) return null;
  const raised = reduce(base.numerator ** count, base.denominator ** count);
  return exponent.numerator < 0n ? invert(raised) : raised;
}

function callExact(node: Extract<MathNode, { kind: 'call' }>): Rational | null {
  const args = node.args.map(evaluateExact);
  if (args.some((arg) => arg === null || arg.denominator !== 1n)) return null;
  const [n = 0n, k = 0n] = args.map((arg) => arg?.numerator ?? 0n);
  if (node.name === 'factorial') return n < 0n || n > 1000n ? null : integer(product(2n, n));
  if (node.name === 'binom') {
    if (n < 0n || k < 0n || k > n || n > 1000n) return null;
    return integer(product(n - k + 1n, n) / product(2n, k));
  }
  return null;
}

function product(from: bigint, to: bigint): bigint {
  let result = 1n;
  for (let value = from; value <= to; value += 1n) result *= value;
  return result;
}

function integer(value: bigint): Rational | null {
  return bounded({ numerator: value, denominator: 1n });
}

function bounded(value: Rational): Rational | null {
  return bits(value.numerator) > MAX_BITS || bits(value.denominator) > MAX_BITS ? null : value;
}

function bits(value: bigint): number {
  return (value < 0n ? -value : value).toString(16).length * 4;
}

function reduce(numerator: bigint, denominator: bigint): Rational {
  const sign = denominator < 0n ? -1n : 1n;
  const divisor = gcd(numerator < 0n ? -numerator : numerator, denominator * sign);
  return { numerator: (numerator * sign) / divisor, denominator: (denominator * sign) / divisor };
}

function gcd(left: bigint, right: bigint): bigint {
  let a = left;
  let b = right;
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}
