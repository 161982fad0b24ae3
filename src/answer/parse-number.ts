/**
 * An exact rational read from a plain numeric answer. `isApproximate` marks decimals with a
 * fractional part (`0.333`, `1.5e3`): graders read those as possibly rounded, so they are compared
 * with a tolerance (see `numbersEqual`), while integers and fractions are compared exactly.
 */
export interface ParsedNumber {
  numerator: bigint;
  /** Always positive; the fraction is reduced. */
  denominator: bigint;
  isApproximate: boolean;
}

/**
 * Parses a normalized answer that is a plain number: an integer (leading zeros allowed, as in
 * AIME's `033`), a decimal (`.5`, `1.25`), scientific notation (`1.5e3`, `1.5\times10^{3}`,
 * `2\cdot10^{-4}`), a fraction of such numbers (`\frac{3}{4}`, `-3/4`, `\frac{-1.5}{2}`) or a
 * mixed number (`1\frac{4}{5}` = 9/5) or a repeating decimal (`0.\overline{3}` = 1/3). Returns null for anything else, including anything longer
 * than {@link MAX_NUMBER_CHARS} or with an exponent beyond ±{@link MAX_EXPONENT} (bounded BigInt
 * work per answer).
 */
export function parseNumber(text: string): ParsedNumber | null {
  if (text.length > MAX_NUMBER_CHARS) return null;
  const negative = text.startsWith('-');
  const body = negative || text.startsWith('+') ? text.slice(1) : text;
  const parsed = parseUnsigned(body);
  if (parsed === null) return null;
  return negative ? { ...parsed, numerator: -parsed.numerator } : parsed;
}

/** The reduced fraction as `p/q`, or `p` for integers: a canonical key for exact values. */
export function formatNumber(value: ParsedNumber): string {
  return value.denominator === 1n
    ? value.numerator.toString()
    : `${value.numerator.toString()}/${value.denominator.toString()}`;
}

/** The value as a double; ±Infinity or NaN only for values beyond double range. */
export function toDouble(value: ParsedNumber): number {
  const direct = Number(value.numerator) / Number(value.denominator);
  if (Number.isFinite(direct)) return direct;
  // Both parts overflowed: scale them down together by the same power of ten.
  const digits = Math.max(value.numerator.toString().length, value.denominator.toString().length);
  const scale = 10n ** BigInt(Math.max(0, digits - 300));
  return Number(value.numerator / scale) / Number(value.denominator / scale);
}

const MAX_NUMBER_CHARS = 200;
const MAX_EXPONENT = 400;

const DECIMAL = String.raw`(?:\d+(?:\.\d*)?|\.\d+)`;
const SCIENTIFIC = new RegExp(
  String.raw`^(${DECIMAL})(?:e([+-]?\d+)|\\(?:times|cdot)10\^(?:\{([+-]?\d+)\}|(\d)))?$`,
  'i',
);
const FRACTION = /^\\frac\{([^{}]+)\}\{([^{}]+)\}$/;
const MIXED = /^(\d+)\\frac\{(\d+)\}\{(\d+)\}$/;
const REPEATING = /^(\d*)\.(\d*)\\overline\{(\d{1,20})\}$/;

/** `0.1\overline{6}` = 1/6: the repeated digits over as many nines, shifted. Exact. */
function parseRepeating(match: RegExpExecArray): ParsedNumber {
  const [, whole = '', fixed = '', repeated = ''] = match;
  const shift = 10n ** BigInt(fixed.length);
  const nines = 10n ** BigInt(repeated.length) - 1n;
  const prefix = BigInt(`${whole}${fixed}` || '0');
  return reduce(prefix * nines + BigInt(repeated), shift * nines, false);
}

function parseUnsigned(text: string): ParsedNumber | null {
  const repeating = REPEATING.exec(text);
  if (repeating !== null) return parseRepeating(repeating);
  const mixed = MIXED.exec(text);
  if (mixed !== null) {
    const whole = BigInt(mixed[1] ?? '0');
    const numerator = BigInt(mixed[2] ?? '0');
    const denominator = BigInt(mixed[3] ?? '1');
    if (denominator === 0n) return null;
    return reduce(whole * denominator + numerator, denominator, false);
  }
  const fraction = FRACTION.exec(text) ?? /^([^/]+)\/([^/]+)$/.exec(text);
  if (fraction !== null) {
    const top = parseNumber(fraction[1] ?? '');
    const bottom = parseNumber(fraction[2] ?? '');
    if (top === null || bottom === null || bottom.numerator === 0n) return null;
    const sign = bottom.numerator < 0n ? -1n : 1n;
    return reduce(
      top.numerator * bottom.denominator * sign,
      top.denominator * bottom.numerator * sign,
      top.isApproximate || bottom.isApproximate,
    );
  }
  return parseScientific(text);
}

function parseScientific(text: string): ParsedNumber | null {
  const match = SCIENTIFIC.exec(text);
  if (match === null) return null;
  const [whole = '', fractionDigits = ''] = (match[1] ?? '').split('.');
  const exponent = Number(match[2] ?? match[3] ?? match[4] ?? '0');
  if (Math.abs(exponent) > MAX_EXPONENT) return null;
  let numerator = BigInt(`${whole}${fractionDigits}` || '0');
  let denominator = 10n ** BigInt(fractionDigits.length);
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator *= 10n ** BigInt(-exponent);
  return reduce(numerator, denominator, /[1-9]/.test(fractionDigits));
}

function reduce(numerator: bigint, denominator: bigint, isApproximate: boolean): ParsedNumber {
  const divisor = gcd(numerator < 0n ? -numerator : numerator, denominator);
  return divisor > 1n
    ? { numerator: numerator / divisor, denominator: denominator / divisor, isApproximate }
    : { numerator, denominator, isApproximate };
}

function gcd(left: bigint, right: bigint): bigint {
  let a = left;
  let b = right;
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}
