import { isFirstStepOf } from './classify-steps';
import { readStep } from './parse-step';
import { normalizeQuestion, peekProblem } from './problem-world';
import { STEP_ONE_OPENINGS } from './step-text';

export interface QuestionSplit {
  question: string;
  /** Text from the first step on. */
  rest: string;
}

/**
 * Finds where the question ends in formats that glue the first step to it ("{question} {step1} ки",
 * "{question}\n{step1}\n", raw prompts). Each whitespace boundary is tried from the left, and a split
 * is accepted only when the text after it starts like a simulator step 1 and reads as step 1 of the
 * problem that the text before it hashes to (see `isFirstStepOf`). Foreign first steps can therefore not be split off (the caller
 * falls back).
 *
 * @param firstStepOf returns the first step of `rest` (up to the format's separator)
 */
export function splitQuestion(
  text: string,
  firstStepOf: (rest: string) => string,
): QuestionSplit | null {
  for (let i = 1; i < text.length; i++) {
    if (!/\s/.test(text.charAt(i - 1)) || /\s/.test(text.charAt(i))) continue;
    const rest = text.slice(i);
    if (!STEP_ONE_OPENINGS.some((opening) => rest.startsWith(opening))) continue;
    const firstStep = firstStepOf(rest);
    if (readStep(firstStep).value === null) continue;
    const question = normalizeQuestion(text.slice(0, i));
    if (question !== '' && isFirstStepOf(peekProblem(question), firstStep))
      return { question: text.slice(0, i), rest };
  }
  return null;
}
