import type { AnswerStructure } from './parse-answer-structure';

/** Compares two scalar LaTeX strings (numbers, expressions, words). */
export type ScalarComparator = (left: string, right: string) => boolean;

/**
 * Equality of two answer structures under grading rules, delegating leaves to `scalarsEqual`:
 * - bare lists (`3, 5`) are sets, as latex2sympy2_extended reads a comma list (a `FiniteSet`):
 *   order and duplicates do not count, `3, 5` = `5, 3` and `3, 3, 5` = `3, 5`;
 * - sets ignore order and duplicates, and equal a bare list with the same members, and a
 *   one-element set equals its element (`\{5\}` = `5`);
 * - tuples and intervals keep order and both brackets: `(1,2)` ≠ `(2,1)`, `[1,2)` ≠ `[1,2]`; a
 *   bare list or a set equals a parenthesised tuple with the same items in the same order
 *   (Math-Verify's grader.py `sympy_compare_sets` compares an open interval with a two-element
 *   set, and a tuple with a set of its length, item by item in written order); an interval read
 *   from an inequality (`1<x<2`) is never equal to its endpoints: for a vote, the solution set and
 *   the boundary points are different answers (Math-Verify would match them);
 * - unions ignore the order of their parts, and are simplified first: finite sets in a union
 *   merge (`\{1,3\}\cup\{2,4\}` = `\{1,2,3,4\}`, Math-Verify's README example), and intervals
 *   that meet at a shared endpoint one of them holds merge (`[1,2]\cup[2,3]` = `[1,3]`), in
 *   written order;
 * - matrices compare cell by cell; a one-row or one-column matrix equals a parenthesised tuple
 *   of its cells (a vector written either way).
 */
export function structuresEqual(
  left: AnswerStructure,
  right: AnswerStructure,
  scalarsEqual: ScalarComparator,
  itemsEqual?: Equal,
): boolean {
  if (left.kind === 'union') left = simplifyUnion(left);
  if (right.kind === 'union') right = simplifyUnion(right);
  // Items go through the caller's comparison when given (it unwraps relations inside lists).
  const equal: Equal = itemsEqual ?? ((a, b) => structuresEqual(a, b, scalarsEqual));
  if (left.kind === 'scalar' && right.kind === 'scalar') return scalarsEqual(left.text, right.text);
  if (left.kind === 'set' && right.kind === 'scalar') return singleton(left.items, right, equal);
  if (left.kind === 'scalar' && right.kind === 'set') {
    return singleton(right.items, left, (a, b) => equal(b, a));
  }
  if (isCollection(left) && isCollection(right)) return sameSet(left.items, right.items, equal);
  if (left.kind === 'bracketed' && right.kind === 'bracketed') {
    return (
      left.open === right.open &&
      left.close === right.close &&
      sameSequence(left.items, right.items, equal)
    );
  }
  if (left.kind === 'union' && right.kind === 'union') {
    return sameMultiset(left.parts, right.parts, equal);
  }
  if (left.kind === 'matrix' && right.kind === 'matrix') {
    return sameMatrix(left.rows, right.rows, scalarsEqual);
  }
  const leftItems = tupleItems(left);
  const rightItems = tupleItems(right);
  // Mixed pairs that can still match: a bare list, a set or a vector against a parenthesised
  // tuple.
  if (leftItems === null || rightItems === null || left.kind === right.kind) return false;
  return (
    (left.kind === 'bracketed' || right.kind === 'bracketed') &&
    sameSequence(leftItems, rightItems, equal)
  );
}

type Union = Extract<AnswerStructure, { kind: 'union' }>;
type Bracketed = Extract<AnswerStructure, { kind: 'bracketed' }>;

/**
 * A union with its sets merged into one and its touching intervals joined, whatever order its
 * parts are written in (a union ignores it); one part alone.
 */
function simplifyUnion(union: Union): AnswerStructure {
  const members: AnswerStructure[] = [];
  const intervals: Bracketed[] = [];
  const others: AnswerStructure[] = [];
  let hasSet = false;
  for (const part of union.parts) {
    if (part.kind === 'set') {
      members.push(...part.items);
      hasSet = true;
    } else if (isInterval(part)) intervals.push(part);
    else others.push(part);
  }
  // Join any two that meet until none do (a union has at most MAX_ITEMS parts).
  for (let joined = true; joined;) {
    joined = false;
    for (let i = 0; i < intervals.length && !joined; i++)
      for (let k = 0; k < intervals.length && !joined; k++) {
        const both = i === k ? null : join(intervals[i] as Bracketed, intervals[k] as Bracketed);
        if (both === null) continue;
        intervals[i] = both;
        intervals.splice(k, 1);
        joined = true;
      }
  }
  const parts: AnswerStructure[] = [...intervals, ...others];
  if (hasSet) parts.push({ kind: 'set', items: members });
  if (parts.length === 1) return parts[0] as AnswerStructure;
  return parts.length === union.parts.length ? union : { kind: 'union', parts };
}

function sameText(a: AnswerStructure, b: AnswerStructure): boolean {
  return a.kind === 'scalar' && b.kind === 'scalar' && a.text === b.text;
}

function isInterval(part: AnswerStructure): part is Bracketed {
  return part.kind === 'bracketed' && part.items.length === 2 && '(['.includes(part.open);
}

/**
 * `[a,b]` and `[b,c)` → `[a,c)` when `b` is written the same on both (a comparison that rounds
 * would join `[1,\sqrt2]` and `(1.414214,3]` over a gap) and one of them holds it; an interval
 * with equal ends (empty when open) is never joined.
 */
function join(left: Bracketed, right: Bracketed): Bracketed | null {
  const [start, end] = left.items as [AnswerStructure, AnswerStructure];
  const [from, to] = right.items as [AnswerStructure, AnswerStructure];
  if (end.kind !== 'scalar' || from.kind !== 'scalar' || end.text !== from.text) return null;
  if (sameText(start, end) || sameText(from, to)) return null;
  if (left.close !== ']' && right.open !== '[') return null;
  const joined: Bracketed = {
    kind: 'bracketed',
    open: left.open,
    close: right.close,
    items: [start, to],
  };
  if (left.isSolutionSet === true && right.isSolutionSet === true) joined.isSolutionSet = true;
  return joined;
}

function isCollection(
  structure: AnswerStructure,
): structure is Extract<AnswerStructure, { kind: 'set' | 'list' }> {
  return structure.kind === 'set' || structure.kind === 'list';
}

/** The ordered items a structure offers when matched against a `(...)` tuple, if any. */
function tupleItems(structure: AnswerStructure): AnswerStructure[] | null {
  if (structure.kind === 'list' || structure.kind === 'set') return structure.items;
  if (structure.kind === 'matrix') return vectorCells(structure.rows);
  if (
    structure.kind === 'bracketed' &&
    structure.open === '(' &&
    structure.close === ')' &&
    structure.isSolutionSet !== true
  ) {
    return structure.items;
  }
  return null;
}

export type Equal = (a: AnswerStructure, b: AnswerStructure) => boolean;

/** A set equals a value when all its members do (`\{5\}` = `5`; duplicates collapse). */
function singleton(items: AnswerStructure[], value: AnswerStructure, equal: Equal): boolean {
  return items.length > 0 && items.every((item) => equal(item, value));
}

function sameSequence(left: AnswerStructure[], right: AnswerStructure[], equal: Equal): boolean {
  if (left.length !== right.length) return false;
  return left.every((item, index) => {
    const other = right[index];
    return other !== undefined && equal(item, other);
  });
}

/** Greedy one-to-one matching; enough for answer lists, whose members are rarely near-equal. */
function sameMultiset(left: AnswerStructure[], right: AnswerStructure[], equal: Equal): boolean {
  if (left.length !== right.length) return false;
  const used = new Array<boolean>(right.length).fill(false);
  return left.every((item) => {
    const match = right.findIndex((other, index) => !used[index] && equal(item, other));
    if (match < 0) return false;
    used[match] = true;
    return true;
  });
}

function sameSet(left: AnswerStructure[], right: AnswerStructure[], equal: Equal): boolean {
  return (
    left.every((item) => right.some((other) => equal(item, other))) &&
    right.every((item) => left.some((other) => equal(other, item)))
  );
}

function sameMatrix(left: string[][], right: string[][], scalarsEqual: ScalarComparator): boolean {
  if (left.length !== right.length) return false;
  return left.every((row, rowIndex) => {
    const other = right[rowIndex] ?? [];
    return (
      row.length === other.length &&
      row.every((cell, column) => scalarsEqual(cell, other[column] ?? ''))
    );
  });
}

/** The cells of a one-row or one-column matrix as scalars; null for any other shape. */
function vectorCells(rows: string[][]): AnswerStructure[] | null {
  let cells: string[] | null = null;
  if (rows.length === 1) cells = rows[0] ?? [];
  else if (rows.every((row) => row.length === 1)) cells = rows.map((row) => row[0] ?? '');
  return cells === null ? null : cells.map((text) => ({ kind: 'scalar', text }));
}
