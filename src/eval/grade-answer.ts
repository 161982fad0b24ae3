/**
 * Grading, as the paper's evaluation does it: extract the final answer from the returned message
 * (Math-Verify's ranked targets: boxes and answer phrases, else the last LaTeX span or number)
 * and compare it with the gold answer, gold first, by Math-Verify's equivalence (docs/answers.md).
 */
import { extractAnswer, isEquivalent } from '../answer';

/** A gold label may be a bare answer (`\frac{1}{2}`) or a whole solution ending in `\boxed{}`. */
export function goldAnswerOf(gold: string): string {
  return extractAnswer(gold, { allowLastNumber: false }) ?? gold.trim();
}

export interface GradeResult {
  predicted: string | null;
  isCorrect: boolean;
}

export function gradeAnswer(content: string, gold: string): GradeResult {
  const predicted = extractAnswer(content);
  return {
    predicted,
    isCorrect: predicted !== null && isEquivalent(goldAnswerOf(gold), predicted),
  };
}
