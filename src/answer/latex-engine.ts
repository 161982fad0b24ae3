import type { ComputeEngine, Expression } from '@cortex-js/compute-engine';
import type * as EngineModule from '@cortex-js/compute-engine';
import { RELATIVE_TOLERANCE } from './numbers-equal';

/** Options of {@link latexEquals}. */
export interface LatexEqualsOptions {
  /** Wall-clock budget for parsing and comparing both sides, enforced by the engine. */
  timeoutMs: number;
}

/**
 * Mathematical equality of two LaTeX scalars through @cortex-js/compute-engine 0.140.0, the
 * only LaTeX CAS that runs on Node 20 and handles the answer grammar (research toolchain.md §8).
 * This file is the only one that touches the engine.
 *
 * True when the canonical forms match, when the values are equal (engine tolerance ~1e-10), when
 * a side written with decimals matches the other within `RELATIVE_TOLERANCE`, or when the
 * engine proves an identity in the free variables (`x^2+2x+1` = `(x+1)^2`). Everything that
 * fails, throws or runs out of time is `false`: callers have already tried string equality.
 */
export function latexEquals(left: string, right: string, options: LatexEqualsOptions): boolean {
  if (left.length > MAX_LATEX_CHARS || right.length > MAX_LATEX_CHARS) return false;
  const engine = getEngine();
  try {
    // withTimeLimit arms the engine's own deadline checks; it cannot interrupt BigInt
    // arithmetic, hence the size guard in isBounded below.
    return engine.withTimeLimit(options.timeoutMs, () => compare(engine, left, right));
  } catch {
    return false;
  }
}

/** Answers longer than this skip the engine: no real answer is, and parsing cost grows with it. */
export const MAX_LATEX_CHARS = 300;

let sharedEngine: ComputeEngine | undefined;

// Loaded on first use: requiring the engine costs ~0.3 s and creating it ~0.2 s, which callers
// that only extract answers should not pay. One instance serves the whole process.
function getEngine(): ComputeEngine {
  if (sharedEngine === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (above)
    const engineModule = require('@cortex-js/compute-engine') as typeof EngineModule;
    sharedEngine = new engineModule.ComputeEngine();
  }
  return sharedEngine;
}

function compare(engine: ComputeEngine, left: string, right: string): boolean {
  const a = engine.parse(left);
  const b = engine.parse(right);
  if (!a.isValid || !b.isValid) return false;
  if (a.isSame(b)) return true;
  if (!isBounded(a.json) || !isBounded(b.json)) return false;
  if (a.isEqual(b) === true) return true;
  // isEqual compares big integers through doubles and says 2^{100} ≠ 2·2^{99}; exact evaluation
  // followed by a structural comparison does not.
  if (a.evaluate().isSame(b.evaluate())) return true;
  if ((hasDecimal(left) || hasDecimal(right)) && approximatelyEqual(a, b)) return true;
  return a.isIdenticallyEqual(b) === true;
}

function hasDecimal(latex: string): boolean {
  return /\d\.\d/.test(latex);
}

function approximatelyEqual(a: Expression, b: Expression): boolean {
  const x = a.N();
  const y = b.N();
  const parts = [x.re, x.im, y.re, y.im];
  if (!parts.every(Number.isFinite)) return false;
  const distance = Math.hypot(x.re - y.re, x.im - y.im);
  return distance <= RELATIVE_TOLERANCE * Math.max(Math.hypot(x.re, x.im), Math.hypot(y.re, y.im));
}

const MAX_NODES = 2000;
/** Largest literal exponent, and largest argument of the functions in {@link GROWING}. */
const MAX_EXPONENT = 1000;
const GROWING = new Set(['Factorial', 'Factorial2', 'Binomial']);

/**
 * Rejects expressions whose exact evaluation could explode: `2^{2^{30}}+1` made the engine
 * spend 21 s in BigInt arithmetic before throwing, out of reach of its deadline. The parser
 * folds nested powers (`(10^{300})^{1000}`), so checking literal exponents and factorial
 * arguments, plus the size of the tree, bounds the integers the engine can build.
 */
function isBounded(json: unknown): boolean {
  let nodes = 0;
  const stack: unknown[] = [json];
  while (stack.length > 0) {
    const node = stack.pop();
    nodes += 1;
    if (nodes > MAX_NODES) return false;
    const literal = numericLiteral(node);
    if (literal !== null && !Number.isFinite(literal)) return false;
    if (!Array.isArray(node)) continue;
    const [head, ...operands] = node as unknown[];
    if (head === 'Power' || head === 'Root' || GROWING.has(String(head))) {
      const size = numericLiteral(head === 'Power' || head === 'Root' ? operands[1] : operands[0]);
      if (size !== null && !(Math.abs(size) <= MAX_EXPONENT)) return false;
    }
    stack.push(...operands);
  }
  return true;
}

/** A MathJSON number (`3`, or `{ num: '1e400' }` for big ones), or null. */
function numericLiteral(node: unknown): number | null {
  if (typeof node === 'number') return node;
  if (typeof node === 'object' && node !== null && 'num' in node) {
    const { num } = node;
    return typeof num === 'string' ? Number.parseFloat(num) : null;
  }
  return null;
}
