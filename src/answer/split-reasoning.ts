/**
 * Split a reasoning model's completion into its thinking and its answer, the way vLLM's
 * `deepseek_r1` reasoning parser does (vllm/reasoning/basic_parsers.py, BaseThinkingReasoningParser
 * at commit 00e9cc9f; deepseek_r1_reasoning_parser.py at commit 0172203d), so a client sees the
 * same `reasoning_content` / `content` through the proxy as from `vllm serve --reasoning-parser
 * deepseek_r1`. docs/request-scope.md ("Reasoning models") states the rules.
 */

export const THINK_START = '<think>';
export const THINK_END = '</think>';

export interface ReasoningSplit {
  /** Text before the first `</think>` (after a leading `<think>` if the model wrote one). */
  reasoning: string | null;
  /** Text after the first `</think>`; null when there is none or it is empty. */
  content: string | null;
}

/**
 * Non-streaming split, as vLLM's `extract_reasoning`:
 * - everything up to and including the first `<think>` is dropped when the model wrote one (R1
 *   templates put it in the prompt, so usually it did not);
 * - no `</think>` → the whole text is reasoning and content is null (a cut-off thinking);
 * - else reasoning = before the first `</think>`, content = after it, null when empty.
 */
export function splitReasoning(text: string): ReasoningSplit {
  const start = text.indexOf(THINK_START);
  const rest = start >= 0 ? text.slice(start + THINK_START.length) : text;
  const end = rest.indexOf(THINK_END);
  if (end < 0) return { reasoning: rest, content: null };
  const content = rest.slice(end + THINK_END.length);
  return { reasoning: rest.slice(0, end), content: content === '' ? null : content };
}

/**
 * The part of a completion a vote reads: the answer after the thinking. A completion with a
 * `</think>` is read after it, so a value boxed while thinking never counts. One without it is
 * read whole: a model that never writes the tag (or a non-reasoning policy) still votes.
 */
export function answerPart(text: string): string {
  const end = text.indexOf(THINK_END);
  return end < 0 ? text : text.slice(end + THINK_END.length);
}
