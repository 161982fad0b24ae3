import { latexValue } from './latex-value';
import { parseRelation, withoutApproximation, type Relation } from './parse-relation';
import { matchBracket, splitTopLevel } from './split-top-level';

/**
 * The shape of a normalized answer, read before any maths so that order and brackets are judged
 * by grading rules rather than by the LaTeX engine (which reads `[1,2]` as a list and `(1,2)` as
 * a tuple, and has no notion of an unordered answer list).
 */
export type AnswerStructure =
  | { kind: 'scalar'; text: string }
  /** A bare top-level comma list (`3, 5`) or a `\pm` expansion: unordered. */
  | { kind: 'list'; items: AnswerStructure[] }
  /** `\{...\}` or `\emptyset`: unordered, duplicates ignored. */
  | { kind: 'set'; items: AnswerStructure[] }
  /**
   * `(a,b)`, `[a,b)`, `(a,b,c)`: ordered, both brackets significant (tuples and intervals).
   * `isSolutionSet`: read from an inequality (`1<x<2` → `(1,2)`), so only an interval, never a
   * tuple, list or set of its endpoints.
   */
  | {
      kind: 'bracketed';
      open: string;
      close: string;
      items: AnswerStructure[];
      isSolutionSet?: true;
    }
  /** `A \cup B`: unordered parts. */
  | { kind: 'union'; parts: AnswerStructure[] }
  /** `\begin{pmatrix}...\end{pmatrix}`: cells as LaTeX strings, row by row. */
  | { kind: 'matrix'; rows: string[][] }
  /** `x = 5`, `y = 2x+3`, `-2 \leq x \leq 7`: compared by `compare-answers.ts`. */
  | { kind: 'relation'; relation: Relation };

/**
 * Reads the structure of a normalized answer (see `normalizeAnswer`). Anything it does not
 * recognise, or that is nested deeper than {@link MAX_DEPTH} or has more than {@link MAX_ITEMS}
 * items, is a scalar.
 */
export function parseAnswerStructure(text: string, depth = 0): AnswerStructure {
  if (depth > MAX_DEPTH) return { kind: 'scalar', text };
  const matrix = parseMatrix(text);
  if (matrix !== null) return matrix;
  const items = splitTopLevel(text, ',');
  if (items.length > 1 && items.length <= MAX_ITEMS && items.every((item) => item !== '')) {
    return { kind: 'list', items: parseItems(items, depth) };
  }
  const approximated = withoutApproximation(text);
  if (approximated !== text) return parseAnswerStructure(approximated, depth + 1);
  const relation = parseRelation(text);
  if (relation !== null) return { kind: 'relation', relation };
  const parts = splitTopLevel(text, '\\cup');
  if (parts.length > 1 && parts.length <= MAX_ITEMS && parts.every((part) => part !== '')) {
    return { kind: 'union', parts: parts.map((part) => parseAnswerStructure(part, depth + 1)) };
  }
  const punctured = realsWithout(text);
  if (punctured !== null) return punctured;
  if (text === '\\emptyset' || text === '\\{\\}') return { kind: 'set', items: [] };
  if (text.startsWith('\\{') && matchBracket(text, 0) === text.length - 1) {
    return { kind: 'set', items: parseItems(splitTopLevel(text.slice(2, -2), ','), depth) };
  }
  const bracketed = parseBracketed(text, depth);
  if (bracketed !== null) return bracketed;
  const expanded = expandPlusMinus(text);
  if (expanded !== null) return { kind: 'list', items: expanded };
  return { kind: 'scalar', text };
}

const MAX_DEPTH = 4;

const REALS_WITHOUT = /^(?:\\mathbb\{R\}|\\R|\(-\\infty,\\infty\))\\setminus\\\{(.+)\\\}$/;

/**
 * `\mathbb{R}\setminus\{a,b\}` as the union of open intervals it is,
 * `(-\infty,a)\cup(a,b)\cup(b,\infty)`, as latex2sympy2_extended reads it; null when it is not
 * that, or a point has no known value to order it by.
 */
function realsWithout(text: string): AnswerStructure | null {
  const match = REALS_WITHOUT.exec(text);
  if (match === null) return null;
  const points = splitTopLevel(match[1] ?? '', ',');
  if (points.length > MAX_ITEMS) return null;
  const valued: { text: string; value: number }[] = [];
  for (const point of points) {
    const value = latexValue(point);
    if (value === null || !Number.isFinite(value)) return null;
    // A point named twice removes nothing more.
    if (!valued.some((other) => other.value === value)) valued.push({ text: point, value });
  }
  valued.sort((a, b) => a.value - b.value);
  const ends = ['-\\infty', ...valued.map((point) => point.text), '\\infty'];
  const parts: AnswerStructure[] = [];
  for (let i = 0; i + 1 < ends.length; i++) {
    parts.push({
      kind: 'bracketed',
      open: '(',
      close: ')',
      items: [
        { kind: 'scalar', text: ends[i] as string },
        { kind: 'scalar', text: ends[i + 1] as string },
      ],
    });
  }
  return parts.length === 1 ? (parts[0] as AnswerStructure) : { kind: 'union', parts };
}
const MAX_ITEMS = 64;

function parseItems(items: string[], depth: number): AnswerStructure[] {
  return withoutSharedVariable(items).flatMap((item) => {
    const parsed = parseAnswerStructure(item, depth + 1);
    // `\{1\pm\sqrt5, -2\}` holds three roots, not a list inside a set.
    return parsed.kind === 'list' && !item.includes(',') ? parsed.items : [parsed];
  });
}

/**
 * `x=1,x=-2` lists the roots of one variable: drop the repeated `x=` (normalization strips a
 * prefix only when the answer holds a single `=`). Different names (`x=1,y=2`) are kept.
 */
function withoutSharedVariable(items: string[]): string[] {
  const names = items.map((item) => /^([a-zA-Z])=(?!=)/.exec(item)?.[1]);
  const [first] = names;
  if (first === undefined || names.some((name) => name !== first)) return items;
  return items.map((item) => item.slice(2));
}

function parseBracketed(text: string, depth: number): AnswerStructure | null {
  const open = text[0];
  const close = text[text.length - 1];
  if ((open !== '(' && open !== '[') || (close !== ')' && close !== ']')) return null;
  if (matchBracket(text, 0) !== text.length - 1) return null;
  const items = splitTopLevel(text.slice(1, -1), ',');
  // `(5)` is a parenthesised scalar, and `(x+1)(x-1)` never reaches here (its first bracket
  // closes early), so only real tuples and intervals remain.
  if (items.length < 2 || items.length > MAX_ITEMS) return null;
  if (items.some((item) => item === '')) return null;
  return {
    kind: 'bracketed',
    open,
    close,
    items: items.map((item) => parseAnswerStructure(item, depth + 1)),
  };
}

function parseMatrix(text: string): AnswerStructure | null {
  const match = /^\\begin\{pmatrix\}(.*)\\end\{pmatrix\}$/s.exec(text);
  if (match === null) return null;
  const inner = match[1] ?? '';
  if (inner.includes('\\begin{pmatrix}')) return null;
  const rows = splitTopLevel(inner, '\\\\').map((row) => splitTopLevel(row, '&'));
  return { kind: 'matrix', rows };
}

/** `a \pm b` → [a+b, a-(b)]; `\mp` the other way round. Only one top-level sign is expanded. */
function expandPlusMinus(text: string): AnswerStructure[] | null {
  for (const [sign, first, second] of [
    ['\\pm', '+', '-'],
    ['\\mp', '-', '+'],
  ] as const) {
    const sides = splitTopLevel(text, sign);
    if (sides.length !== 2) continue;
    const [left = '', right = ''] = sides;
    if (right === '' || /\\[pm]{2}(?![a-zA-Z])/.test(right)) return null;
    const term = `(${right})`;
    return [
      { kind: 'scalar', text: left === '' && first === '+' ? right : `${left}${first}${term}` },
      { kind: 'scalar', text: left === '' && second === '+' ? right : `${left}${second}${term}` },
    ];
  }
  return null;
}
