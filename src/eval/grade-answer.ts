/**
 * Grading, as the paper's evaluation does it: extract the final answer from the returned message
 * (last `\boxed{}`, else an answer phrase, else the last number, like Qwen2.5-Math's parser) and
 * compare it with the gold answer by mathematical equivalence (`answer/`, Math-Verify level).
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
    isCorrect: predicted !== null && isEquivalent(predicted, goldAnswerOf(gold)),
  };
}
