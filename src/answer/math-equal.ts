import { children, countNodes, evaluateMath, freeSymbols, type Complex } from './evaluate-math';
import { evaluateExact, rationalsEqual } from './exact-math';
import { MathSyntaxError, parseMath, type MathNode } from './parse-math';

/** How numbers are compared: Math-Verify's `float_rounding` and `strict` (docs/answers.md). */
export interface MathCompareOptions {
  /** Decimal places both sides are rounded to when one of them is a decimal literal. */
  floatRounding: number;
  /** When false, free variables are matched by position (`x+1` = `y+1`). */
  strict: boolean;
  /**
   * A numeral with a base equals its digits written bare (`52_8` = `52`): in grading, gold first.
   * Not in voting: there it is not transitive (`52_8` = `52` = `52_{16}`, `52_8` ≠ `52_{16}`), and
   * the vote's winner would depend on the order of the samples. Default true.
   */
  digitsMatchBase?: boolean;
}

/**
 * Mathematical equality of two LaTeX scalars with our own evaluator (docs/answers.md, "The
 * evaluator"); false when either side is outside the parsed subset. In order:
 * 1. a side that is a decimal literal (`0.333333`): both sides rounded to `floatRounding` places;
 * 2. both sides rational (`2^{100}`, `\frac{6}{4}`, `5!`): exact comparison;
 * 3. no free variables: complex values within a relative 1e-12;
 * 4. free variables: the values at {@link SAMPLE_COUNT} fixed points agree within a relative
 *    1e-9 (an identity test, `x^2+2x+1` = `(x+1)^2`), on at least 3 points where both are defined.
 *
 * Deterministic and bounded: one evaluation per node per point, on inputs of at most
 * `MAX_MATH_CHARS` characters and {@link MAX_NODES} nodes. No clock is read.
 */
export function mathEqual(left: string, right: string, options: MathCompareOptions): boolean {
  const a = tryParse(left);
  const b = tryParse(right);
  if (a === null || b === null) return false;
  return nodesEqual(a, b, options);
}

export const MAX_NODES = 600;
export const SAMPLE_COUNT = 6;

/** Parses within the bounds, or null. */
export function tryParse(latex: string): MathNode | null {
  try {
    const node = parseMath(latex);
    return countNodes(node) > MAX_NODES ? null : node;
  } catch (error) {
    if (error instanceof MathSyntaxError) return null;
    throw error;
  }
}

export function nodesEqual(a: MathNode, b: MathNode, options: MathCompareOptions): boolean {
  const [left, right] = options.strict ? [a, b] : alignVariables(a, b);
  const literal = decimalLiteral(left) ?? decimalLiteral(right);
  if (literal !== null) return roundedEqual(left, right, options.floatRounding);
  const exactLeft = evaluateExact(left);
  const exactRight = evaluateExact(right);
  if (exactLeft !== null && exactRight !== null) return rationalsEqual(exactLeft, exactRight);
  const ratios = sampleBoth(left, right);
  if (ratios === null) return false;
  // One pair: constants (with variables, sampleBoth gives at least 3 points or none).
  if (ratios.length === 1) {
    const [[x, y]] = ratios as [[Complex, Complex]];
    return constantsClose(x, y, left, right);
  }
  return ratios.every(([x, y]) => closeEnough(x, y));
}

/**
 * The constant c with a = c·b (relations `2x-y+3=0` and `y=2x+3` have differences a = −b), or
 * null when the ratio varies between points or is undefined.
 */
export function constantRatio(a: MathNode, b: MathNode): number | null {
  const pairs = sampleBoth(a, b);
  if (pairs === null) return null;
  const ratios = pairs.map(([x, y]) =>
    x.im === 0 && y.im === 0 && y.re !== 0 ? x.re / y.re : Number.NaN,
  );
  const [first] = ratios;
  if (first === undefined || !Number.isFinite(first) || first === 0) return null;
  return ratios.every((ratio) => Math.abs(ratio - first) <= 1e-9 * Math.abs(first)) ? first : null;
}

/** Values of both sides at the shared sample points where both are finite; null if fewer than 3. */
function sampleBoth(a: MathNode, b: MathNode): [Complex, Complex][] | null {
  const names = [...new Set([...freeSymbols(a), ...freeSymbols(b)])].sort();
  if (names.length === 0) {
    const x = evaluateMath(a, new Map());
    const y = evaluateMath(b, new Map());
    // `\infty` equals `\infty`, but an overflow (`2^{2^{30}}`) equals nothing.
    const areInfinite = isInfinite(x) && isInfinite(y) && hasInfinity(a) && hasInfinity(b);
    if (areInfinite && x.re === y.re && x.im === 0 && y.im === 0) return [[real(1), real(1)]];
    return isFinite(x) && isFinite(y) ? [[x, y]] : null;
  }
  const pairs: [Complex, Complex][] = [];
  for (let point = 0; point < SAMPLE_COUNT; point += 1) {
    const values = new Map(names.map((name, index) => [name, samplePoint(point, index)]));
    const x = evaluateMath(a, values);
    const y = evaluateMath(b, values);
    if (isFinite(x) && isFinite(y)) pairs.push([x, y]);
  }
  return pairs.length >= 3 ? pairs : null;
}

/** Irrational-looking values away from 0, ±1 and small integers, where answers have poles. */
const SAMPLE_BASES = [
  0.6180339887, 1.4142135624, -0.7320508076, 2.2360679775, -1.3247179572, 0.3819660113,
];

function samplePoint(point: number, variableIndex: number): number {
  const base = SAMPLE_BASES[(point + 2 * variableIndex) % SAMPLE_BASES.length] ?? 0.5;
  return base + 0.1173 * variableIndex;
}

/**
 * Two constants within a relative 1e-12 of the larger. Relative, not with a floor of 1: with one,
 * every pair of small constants agreed (`e^{-25}` = `e^{-26}`, `\frac{\pi}{10^{10}}` = 0), which
 * Math-Verify tells apart (Math-Verify parity review, session 24). But a sum whose terms cancel
 * (`577-408\sqrt2` = 0.0029) loses the digits its terms had: its relative error grows by its
 * condition (largest term over the sum), and what it feeds keeps that relative error, so a near
 * miss (within the old window, 1e-9 of the larger or of 1) is allowed 1e-12 of each side times
 * that side's worst condition: `(\sqrt2-1)^8` = `577-408\sqrt2`, while a sum that cancels nothing
 * (`\frac{1}{e^{25}+1}`) allows no more. Both below 1e-14: zero left by rounding (`\sin\pi` = 0).
 */
function constantsClose(x: Complex, y: Complex, a: MathNode, b: MathNode): boolean {
  const sizeX = Math.hypot(x.re, x.im);
  const sizeY = Math.hypot(y.re, y.im);
  const larger = Math.max(sizeX, sizeY);
  const difference = Math.hypot(x.re - y.re, x.im - y.im);
  if (difference <= 1e-12 * larger) return true;
  if (difference > 1e-9 * Math.max(1, larger)) return false;
  if (sizeX < ROUNDING_ZERO && sizeY < ROUNDING_ZERO) return true;
  const allowed = 1e-12 * (sizeX * worstCondition(a) + sizeY * worstCondition(b));
  return difference <= allowed;
}

/** Below this both constants are zero left by rounding (`\sin\pi` evaluates to 1.2e-16). */
const ROUNDING_ZERO = 1e-14;

/** No sum's condition counts past this (a sum that cancels to exactly 0 has none). */
const MAX_CONDITION = 1e15;

/**
 * The largest condition of a sum in `node`: its largest term's magnitude over its own (1 when it
 * cancels nothing, and without sums). What a sum feeds keeps its relative error, so the worst one
 * bounds the whole expression's.
 */
function worstCondition(node: MathNode): number {
  let worst = 1;
  const visit = (current: MathNode): void => {
    if (current.kind === 'add') {
      let largest = 0;
      for (const term of current.terms) {
        const value = evaluateMath(term, new Map());
        if (isFinite(value)) largest = Math.max(largest, Math.hypot(value.re, value.im));
      }
      const sum = evaluateMath(current, new Map());
      const size = isFinite(sum) ? Math.hypot(sum.re, sum.im) : 0;
      worst = Math.max(worst, size > 0 ? Math.min(MAX_CONDITION, largest / size) : MAX_CONDITION);
    }
    for (const child of children(current)) visit(child);
  };
  visit(node);
  return worst;
}

/** Values at a sample point: relative 1e-9 of the larger, never finer than 1e-9 absolute. */
function closeEnough(x: Complex, y: Complex): boolean {
  const scale = Math.max(1, Math.hypot(x.re, x.im), Math.hypot(y.re, y.im));
  return Math.hypot(x.re - y.re, x.im - y.im) <= 1e-9 * scale;
}

function roundedEqual(a: MathNode, b: MathNode, places: number): boolean {
  if (freeSymbols(a).length > 0 || freeSymbols(b).length > 0) return false;
  const x = evaluateMath(a, new Map());
  const y = evaluateMath(b, new Map());
  if (!isFinite(x) || !isFinite(y) || Math.abs(x.im) > 1e-12 || Math.abs(y.im) > 1e-12)
    return false;
  return roundTo(x.re, places) === roundTo(y.re, places);
}

function roundTo(value: number, places: number): number {
  const factor = 10 ** places;
  // Nudge by a relative epsilon so that 0.1235 (stored as 0.12349999…) rounds like its digits.
  return Math.round(value * factor * (1 + Math.sign(value) * 1e-13)) / factor;
}

/** A bare decimal number such as `0.333333` or `-4.12`, or null. */
function decimalLiteral(node: MathNode): number | null {
  if (node.kind === 'number') return node.isDecimal ? node.value : null;
  if (node.kind === 'negate' && node.operand.kind === 'number' && node.operand.isDecimal) {
    return -node.operand.value;
  }
  return null;
}

/** Non-strict mode: rename the right side's variables to the left side's, in sorted order. */
function alignVariables(a: MathNode, b: MathNode): [MathNode, MathNode] {
  const leftNames = freeSymbols(a);
  const rightNames = freeSymbols(b);
  if (leftNames.length !== rightNames.length) return [a, b];
  const renames = new Map(rightNames.map((name, index) => [name, leftNames[index] ?? name]));
  return [a, renameSymbols(b, renames)];
}

function renameSymbols(node: MathNode, renames: ReadonlyMap<string, string>): MathNode {
  const rename = (child: MathNode): MathNode => renameSymbols(child, renames);
  switch (node.kind) {
    case 'symbol':
      return { kind: 'symbol', name: renames.get(node.name) ?? node.name };
    case 'add':
      return { kind: 'add', terms: node.terms.map(rename) };
    case 'negate':
      return { kind: 'negate', operand: rename(node.operand) };
    case 'multiply':
      return { kind: 'multiply', factors: node.factors.map(rename) };
    case 'divide':
      return {
        kind: 'divide',
        numerator: rename(node.numerator),
        denominator: rename(node.denominator),
      };
    case 'power':
      return { kind: 'power', base: rename(node.base), exponent: rename(node.exponent) };
    case 'call':
      return { kind: 'call', name: node.name, args: node.args.map(rename) };
    default:
      return node;
  }
}

function hasInfinity(node: MathNode): boolean {
  return JSON.stringify(node).includes('"infinity"');
}

function real(value: number): Complex {
  return { re: value, im: 0 };
}

function isFinite(value: Complex): boolean {
  return Number.isFinite(value.re) && Number.isFinite(value.im);
}

function isInfinite(value: Complex): boolean {
  return !Number.isNaN(value.re) && !Number.isFinite(value.re);
}
