import { readArgument } from './match-brace';
import { matchBracket, splitTopLevel } from './split-top-level';

/**
 * Relations in answers (`x = 5`, `y = 2x + 3`, `-2 \leq x \leq 7`, `a = b = 6`), read the way
 * Math-Verify's parser and grader treat them (docs/answers.md, "Relations"):
 * - `\approx`: `x \approx 3.14` is 3.14 (a symbol on the left); `\sqrt2 \approx 1.41` and
 *   `x = \sqrt2 \approx 1.41` keep what precedes the approximation;
 * - an equation whose left side is built from symbols alone (`x`, `k_1`, `ab`, `f(x)`, `(p,q)`,
 *   `A:B`, `a+b`, `\frac{NO}{BO}`, `|AB|`) is an assignment; a chain of them keeps its first left
 *   side and last right side;
 * - an inequality in one variable (`0 < f(x) < 1`, `x \geq 3`) can be read as an interval.
 */
export type RelationOperator = '=' | '<' | '>' | '\\leq' | '\\geq' | '\\neq';

export interface Relation {
  /** Normalized LaTeX of each side, left to right; one more than `operators`. */
  sides: string[];
  operators: RelationOperator[];
}

const OPERATORS = ['\\approx', '\\leq', '\\geq', '\\neq', '=', '<', '>'] as const;
type Token = (typeof OPERATORS)[number];

/**
 * Splits a normalized answer at its top-level relation operators, applies the `\approx` rule,
 * and returns the relation, or null when there is none (or only a side is left).
 */
export function parseRelation(text: string): Relation | null {
  let { sides, operators } = splitAtOperators(text);
  for (
    let index = operators.indexOf('\\approx');
    index >= 0;
    index = operators.indexOf('\\approx')
  ) {
    if (index === 0 && isSymbolOnly(sides[0] ?? '')) {
      sides = sides.slice(1);
      operators = operators.slice(1);
    } else {
      sides = sides.slice(0, index + 1);
      operators = operators.slice(0, index);
    }
  }
  if (operators.length === 0 || sides.some((side) => side === '')) return null;
  return { sides, operators: operators as RelationOperator[] };
}

/** What `\approx` left of a relation-free answer (`\pi \approx 3.14` → `\pi`), else the text. */
export function withoutApproximation(text: string): string {
  const { sides, operators } = splitAtOperators(text);
  if (!operators.includes('\\approx') || operators.some((operator) => operator !== '\\approx')) {
    return text;
  }
  const [first = text, second = text] = sides;
  return isSymbolOnly(first) ? (sides[sides.length - 1] ?? second) : first;
}

export function isEquation(relation: Relation): boolean {
  return relation.operators.every((operator) => operator === '=');
}

/**
 * `x = 5`, `f(x) = x+1`, `a = b + 1 = 6`, `\frac{NO}{BO} = 2`: an equation chain whose first side
 * is built from symbols alone ({@link isSymbolExpression}).
 */
export function isAssignment(relation: Relation): boolean {
  return isEquation(relation) && isSymbolExpression(relation.sides[0] ?? '');
}

/**
 * Math-Verify's test for an assignment's left side (grader.py `is_assignment_relation` calls
 * latex2sympy2_extended's `is_expr_of_only_symbols`, latex2sympy2.py at 02999f5): every leaf of
 * the expression is a symbol. So sums, products, quotients, absolute values and function calls
 * of symbols count (`a+b`, `AB \cdot CD`, `\frac{NO}{BO}`, `|AB|`), and anything with a number in
 * sympy's tree does not: `2x`, `-x`, `a-b` (a −1 factor), `x^2`, `\sqrt{x}`, `\frac{a}{2}`.
 * Read on the LaTeX text: products written side by side only as runs of names (`ab`, `f(x)`).
 */
export function isSymbolExpression(side: string, depth = 0): boolean {
  const text = side.replace(/\s+/g, '');
  if (text === '' || depth > MAX_SYMBOL_DEPTH) return false;
  if (isSymbolOnly(text)) return true;
  const all = (parts: string[]): boolean =>
    parts.length > 1 && parts.every((part) => isSymbolExpression(part, depth + 1));
  for (const separator of ['+', '\\cdot', '\\times']) {
    const parts = splitTopLevel(text, separator);
    if (parts.length > 1) return all(parts);
  }
  const absolute = /^\|(.+)\|$/.exec(text);
  if (absolute !== null && !absolute[1]?.includes('|')) {
    return isSymbolExpression(absolute[1] ?? '', depth + 1);
  }
  if (text.startsWith('(') && matchBracket(text, 0) === text.length - 1) {
    return isSymbolExpression(text.slice(1, -1), depth + 1);
  }
  if (text.startsWith('\\frac')) {
    const numerator = readArgument(text, '\\frac'.length);
    const denominator = numerator === null ? null : readArgument(text, numerator.end);
    if (numerator !== null && denominator !== null && denominator.end === text.length) {
      return all([numerator.value, denominator.value]);
    }
  }
  return false;
}

const MAX_SYMBOL_DEPTH = 4;

/** The last right-hand side: `x = 2+2 = 4` → `4`. */
export function lastSide(relation: Relation): string {
  return relation.sides[relation.sides.length - 1] ?? '';
}

/** An assignment chain cut to its first left side and last right side. */
export function truncateAssignment(relation: Relation): Relation {
  if (relation.sides.length <= 2) return relation;
  return { sides: [relation.sides[0] ?? '', lastSide(relation)], operators: ['='] };
}

export const INVERSE: Record<RelationOperator, RelationOperator> = {
  '=': '=',
  '\\neq': '\\neq',
  '<': '>',
  '>': '<',
  '\\leq': '\\geq',
  '\\geq': '\\leq',
};

/**
 * An inequality chain read smallest first (`3 > x > 1` as `1 < x < 3`), with whether each step is
 * strict; null when its operators do not all point one way (or one is `=` or `\\neq`).
 */
export function ascendingChain(
  relation: Relation,
): { ordered: string[]; strict: boolean[] } | null {
  const { sides, operators } = relation;
  const ascending = operators.every((operator) => operator === '<' || operator === '\\leq');
  const descending = operators.every((operator) => operator === '>' || operator === '\\geq');
  if (!ascending && !descending) return null;
  return {
    ordered: ascending ? sides : [...sides].reverse(),
    strict: (ascending ? operators : [...operators].reverse()).map(
      (operator) => operator === '<' || operator === '>',
    ),
  };
}

/** The interval of a one-variable inequality: `[lower, upper]` with its brackets, or null. */
export function relationAsInterval(
  relation: Relation,
): { open: string; close: string; lower: string; upper: string } | null {
  const chain = ascendingChain(relation);
  if (chain === null) return null;
  const { ordered, strict } = chain;
  if (ordered.length === 3) {
    const [lower = '', variable = '', upper = ''] = ordered;
    if (!isSymbolOnly(variable) || isSymbolOnly(lower) || isSymbolOnly(upper)) return null;
    return {
      open: strict[0] === true ? '(' : '[',
      close: strict[1] === true ? ')' : ']',
      lower,
      upper,
    };
  }
  if (ordered.length !== 2) return null;
  const [left = '', right = ''] = ordered;
  const isStrict = strict[0] === true;
  if (isSymbolOnly(left) && !isSymbolOnly(right)) {
    return { open: '(', close: isStrict ? ')' : ']', lower: '-\\infty', upper: right };
  }
  if (isSymbolOnly(right) && !isSymbolOnly(left)) {
    return { open: isStrict ? '(' : '[', close: ')', lower: left, upper: '\\infty' };
  }
  return null;
}

const NAME = String.raw`(?:[a-zA-Z]|\\(?!infty|pi\b)[a-zA-Z]+)(?:_(?:\{[^{}]*\}|[a-zA-Z0-9]))?'*`;
const NAMES = String.raw`${NAME}(?:\s*:?\s*${NAME})*`;
const SYMBOL_ONLY = new RegExp(
  String.raw`^(?:${NAMES}(?:\(${NAMES}(?:,${NAMES})*\))?|\(${NAMES}(?:,${NAMES})+\))$`,
);

/** Only symbols: `x`, `k_1`, `\theta`, `ab`, `f(x)`, `(p,q)`, `A:B` (not numbers, `\pi`, `\infty`). */
export function isSymbolOnly(side: string): boolean {
  return SYMBOL_ONLY.test(side.replace(/\s+/g, ''));
}

function splitAtOperators(text: string): { sides: string[]; operators: Token[] } {
  const sides: string[] = [];
  const operators: Token[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] ?? '';
    if (char === '\\') {
      const next = text[index + 1];
      const word = /^\\[a-zA-Z]+/.exec(text.slice(index))?.[0];
      const operator = OPERATORS.find((candidate) => candidate === word);
      if (depth === 0 && operator !== undefined) {
        sides.push(text.slice(start, index).trim());
        operators.push(operator);
        index += operator.length - 1;
        start = index + 1;
        continue;
      }
      if (next === '{') depth += 1;
      if (next === '}') depth = Math.max(0, depth - 1);
      index += word === undefined ? 1 : word.length - 1;
      continue;
    }
    if ('([{'.includes(char)) depth += 1;
    else if (')]}'.includes(char)) depth = Math.max(0, depth - 1);
    else if (depth === 0 && (char === '=' || char === '<' || char === '>')) {
      sides.push(text.slice(start, index).trim());
      operators.push(char);
      start = index + 1;
    }
  }
  sides.push(text.slice(start).trim());
  return { sides, operators };
}
