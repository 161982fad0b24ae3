import type { AnswerStructure } from './parse-answer-structure';
import { parseAnswerStructure } from './parse-answer-structure';
import { ascendingChain, isSymbolOnly, type Relation } from './parse-relation';

/**
 * The set an inequality on the absolute value of one variable describes, as sympy's `as_set`
 * solves it for Math-Verify (grader.py `sympy_expr_eq`: a gold relation against a predicted set
 * is compared as `unwrap_fcs(gold).as_set()`): `|x| < b` → `(-b, b)`, `|x| \geq a` →
 * `(-\infty, -a] \cup [a, \infty)`, `a \leq |x| \leq b` → `[-b, -a] \cup [a, b]` (with `a` ≥ 0;
 * below 0 the lower bound says nothing: `[-b, b]`). Null for anything else. `valueOf` gives a
 * constant bound's value (null when it is not a constant), to read the sign of `a`.
 */
export function absoluteValueSet(
  relation: Relation,
  valueOf: (text: string) => number | null,
): AnswerStructure | null {
  const chain = ascendingChain(relation);
  if (chain === null) return null;
  const { ordered, strict } = chain;
  const isAbsolute = (side: string): boolean => {
    const inner = /^\|(.+)\|$/.exec(side.replace(/\s+/g, ''))?.[1];
    return inner !== undefined && isSymbolOnly(inner);
  };
  if (ordered.length === 3) {
    const [lower = '', middle = '', upper = ''] = ordered;
    if (!isAbsolute(middle)) return null;
    const lowerValue = valueOf(lower);
    if (lowerValue === null || valueOf(upper) === null) return null;
    const [isLowerStrict = false, isUpperStrict = false] = strict;
    if (lowerValue < 0 || (lowerValue === 0 && !isLowerStrict))
      return interval(negated(upper), upper, isUpperStrict, isUpperStrict);
    return union([
      interval(negated(upper), negated(lower), isUpperStrict, isLowerStrict),
      interval(lower, upper, isLowerStrict, isUpperStrict),
    ]);
  }
  if (ordered.length !== 2) return null;
  const [left = '', right = ''] = ordered;
  const isStrict = strict[0] === true;
  // `|x| < b`: between -b and b.
  if (isAbsolute(left) && valueOf(right) !== null)
    return interval(negated(right), right, isStrict, isStrict);
  // `a < |x|`: outside [-a, a].
  if (isAbsolute(right) && valueOf(left) !== null) {
    return union([
      interval('-\\infty', negated(left), true, isStrict),
      interval(left, '\\infty', isStrict, true),
    ]);
  }
  return null;
}

function interval(
  lower: string,
  upper: string,
  isLowerOpen: boolean,
  isUpperOpen: boolean,
): AnswerStructure {
  return {
    kind: 'bracketed',
    isSolutionSet: true,
    open: isLowerOpen ? '(' : '[',
    close: isUpperOpen ? ')' : ']',
    items: [parseAnswerStructure(lower), parseAnswerStructure(upper)],
  };
}

function union(parts: AnswerStructure[]): AnswerStructure {
  return { kind: 'union', parts };
}

/** `-b`, as LaTeX: `2` → `-2`, `-2` → `2`, `-1+\sqrt{5}` → `-(-1+\sqrt{5})`. */
function negated(text: string): string {
  const isOneTerm = (term: string): boolean => /^[\w.\\{}]+$/.test(term);
  if (text.startsWith('-') && isOneTerm(text.slice(1))) return text.slice(1);
  return isOneTerm(text) ? `-${text}` : `-(${text})`;
}
