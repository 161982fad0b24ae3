/**
 * Steps are the unit the PRM scores. The paper's code (and search-and-learn) delimit them with a
 * blank line, "\n\n" (`double_line_break=1` sets `sep=["\n\n"]`), and end a path when a step
 * contains `\boxed` (`check_stop_by_answer`).
 */

/** The step delimiter, also the stop string of step-wise generation. */
export const STEP_SEPARATOR = '\n\n';

/** The marker of a final answer (`\boxed{...}`). */
const ANSWER_MARKER = '\\boxed';

/**
 * Split a whole solution into steps: pieces between "\n\n", without the separators, dropping
 * pieces that are empty or only whitespace (a run of 3+ newlines is not an extra step).
 */
export function splitSteps(text: string): string[] {
  return text.split(STEP_SEPARATOR).filter((piece) => piece.trim() !== '');
}

/**
 * The step a step-wise continuation adds: its text without the trailing separator that vLLM
 * includes (`include_stop_str_in_output`). A continuation ended by EOS or by the token cap has no
 * separator and is returned unchanged.
 */
export function stepOf(continuationText: string): string {
  return continuationText.endsWith(STEP_SEPARATOR)
    ? continuationText.slice(0, -STEP_SEPARATOR.length)
    : continuationText;
}

/** Whether a step (or a whole solution) states a final answer, i.e. contains `\boxed`. */
export function containsAnswer(step: string): boolean {
  return step.includes(ANSWER_MARKER);
}
