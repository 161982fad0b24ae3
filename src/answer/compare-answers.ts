import { absoluteValueSet } from './absolute-value-set';
import { freeSymbols } from './evaluate-math';
import { latexValue } from './latex-value';
import { constantRatio, tryParse } from './math-equal';
import { parseAnswerStructure, type AnswerStructure } from './parse-answer-structure';
import type { MathNode } from './parse-math';
import {
  INVERSE,
  isAssignment,
  isEquation,
  lastSide,
  relationAsInterval,
  truncateAssignment,
  type Relation,
  type RelationOperator,
} from './parse-relation';
import { structuresEqual, type ScalarComparator } from './structures-equal';

export interface CompareContext {
  scalars: ScalarComparator;
  /** Math-Verify's `allow_set_relation_comp`: read a predicted relation as a set too. */
  allowSetRelationComparison: boolean;
}

/**
 * Equality of a gold answer and a predicted one, with Math-Verify's relation rules on top of
 * `structuresEqual` (grader.py `sympy_expr_eq`; docs/answers.md, "Relations"). Not symmetric, as
 * Math-Verify is not:
 * - a predicted equation against a gold non-equation is unwrapped to its last right side
 *   (`101` = `a+2z = 2z+a = 101`, `(3,2)` = `(p,q)=(3,2)`), but a gold chain is not;
 * - a gold assignment against a predicted non-equation is unwrapped (`k=7` = `7`);
 * - a gold inequality in one variable is compared as an interval with a predicted set or interval
 *   (`0<f(x)<1` = `(0,1)`), one on `|x|` as the interval or union it describes
 *   (`1 \leq |z| \leq 2` = `[-2,-1] \cup [1,2]`); the other way round only with
 *   `allowSetRelationComparison`;
 * - two relations are equal when their operators match (or are mirrored, `x<2` = `2>x`) and
 *   their differences `left − right` are proportional (a positive factor for inequalities).
 * Items of lists, sets and tuples are compared with the same rules, element by element.
 */
export function answersEqual(
  gold: AnswerStructure,
  predicted: AnswerStructure,
  context: CompareContext,
): boolean {
  if (gold.kind === 'relation' || predicted.kind === 'relation') {
    return relationAwareEqual(gold, predicted, context);
  }
  return structuresEqual(gold, predicted, context.scalars, (a, b) => answersEqual(a, b, context));
}

function relationAwareEqual(
  goldInput: AnswerStructure,
  predictedInput: AnswerStructure,
  context: CompareContext,
): boolean {
  let gold = truncated(goldInput);
  let predicted = truncated(predictedInput);
  const isGoldEquation = gold.kind === 'relation' && isEquation(gold.relation);
  const isPredictedEquation = predicted.kind === 'relation' && isEquation(predicted.relation);
  if (predicted.kind === 'relation' && isPredictedEquation && !isGoldEquation) {
    predicted = parseAnswerStructure(lastSide(predicted.relation));
  } else if (gold.kind === 'relation' && isAssignment(gold.relation) && !isPredictedEquation) {
    gold = parseAnswerStructure(lastSide(gold.relation));
  }
  if (gold.kind === 'relation' && isSetLike(predicted)) gold = asInterval(gold);
  if (context.allowSetRelationComparison && predicted.kind === 'relation' && isSetLike(gold)) {
    predicted = asInterval(predicted);
  }
  if (gold.kind === 'relation' && predicted.kind === 'relation') {
    return relationsEqual(gold.relation, predicted.relation, context);
  }
  if (gold.kind === 'relation' || predicted.kind === 'relation') return false;
  return answersEqual(gold, predicted, context);
}

function truncated(structure: AnswerStructure): AnswerStructure {
  if (structure.kind !== 'relation' || !isAssignment(structure.relation)) return structure;
  return { kind: 'relation', relation: truncateAssignment(structure.relation) };
}

function isSetLike(structure: AnswerStructure): boolean {
  return structure.kind === 'bracketed' || structure.kind === 'union' || structure.kind === 'set';
}

function asInterval(structure: Extract<AnswerStructure, { kind: 'relation' }>): AnswerStructure {
  const interval = relationAsInterval(structure.relation);
  if (interval === null) return absoluteValueSet(structure.relation, constantValue) ?? structure;
  return {
    kind: 'bracketed',
    isSolutionSet: true,
    open: interval.open,
    close: interval.close,
    items: [parseAnswerStructure(interval.lower), parseAnswerStructure(interval.upper)],
  };
}

/** The value of a bound without variables (`\frac32`, `\sqrt2`), else null. */
function constantValue(text: string): number | null {
  const node = tryParse(text);
  if (node === null || freeSymbols(node).length > 0) return null;
  return latexValue(text);
}

function relationsEqual(gold: Relation, predicted: Relation, context: CompareContext): boolean {
  if (gold.sides.length !== predicted.sides.length) return false;
  return gold.operators.every((operator, index) =>
    singleRelationEqual(
      [gold.sides[index] ?? '', operator, gold.sides[index + 1] ?? ''],
      [
        predicted.sides[index] ?? '',
        predicted.operators[index] ?? '=',
        predicted.sides[index + 1] ?? '',
      ],
      context,
    ),
  );
}

type SingleRelation = [left: string, operator: RelationOperator, right: string];

function singleRelationEqual(
  gold: SingleRelation,
  predicted: SingleRelation,
  context: CompareContext,
): boolean {
  const [goldLeft, goldOperator, goldRight] = gold;
  const [predictedLeft, predictedOperator, predictedRight] = predicted;
  const isSame = goldOperator === predictedOperator;
  const isMirrored = INVERSE[goldOperator] === predictedOperator;
  if (!isSame && !isMirrored) return false;
  const sidesEqual = (a: string, b: string): boolean =>
    answersEqual(parseAnswerStructure(a), parseAnswerStructure(b), context);
  if (isSame && sidesEqual(goldLeft, predictedLeft) && sidesEqual(goldRight, predictedRight))
    return true;
  if (isMirrored && sidesEqual(goldLeft, predictedRight) && sidesEqual(goldRight, predictedLeft)) {
    return true;
  }
  const goldDifference = difference(goldLeft, goldRight);
  const predictedDifference = difference(predictedLeft, predictedRight);
  if (goldDifference === null || predictedDifference === null) return false;
  // Without variables a relation is a statement: only the side-by-side match above counts, or
  // `e = 2` would equal `e = 3` (both differences are constants, hence proportional).
  if (freeSymbols(goldDifference).length === 0 && freeSymbols(predictedDifference).length === 0) {
    return false;
  }
  const ratio = constantRatio(goldDifference, predictedDifference);
  if (ratio === null) return false;
  if (goldOperator === '=' || goldOperator === '\\neq') return true;
  return isSame ? ratio > 0 : ratio < 0;
}

function difference(left: string, right: string): MathNode | null {
  const a = tryParse(left);
  const b = tryParse(right);
  if (a === null || b === null) return null;
  return { kind: 'add', terms: [a, { kind: 'negate', operand: b }] };
}
