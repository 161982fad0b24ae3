import { InvalidUpstreamResponseError } from '../errors';
import { LabelOutsideTopLogprobsError } from './label-outside-top-logprobs-error';
import type { PromptLogprobEntry } from './parse-raw-output';
import { twoWayProbability } from './score-math';

/**
 * P(plus) / (P(plus) + P(minus)) from the prompt_logprobs entry at one score position.
 *
 * vLLM returns only the top k plus the actual token at each position, so a label can be absent.
 * We then refuse the response rather than guess a floor value.
 *
 * @throws InvalidUpstreamResponseError when the entry is missing; LabelOutsideTopLogprobsError (a
 *   subclass) when either label is not among the returned entries.
 */
export function readLabelProbability(
  entry: PromptLogprobEntry | undefined,
  labels: { plusTokenId: number; minusTokenId: number },
  step: number,
  upstream: string,
): number {
  if (entry === null || entry === undefined) {
    throw new InvalidUpstreamResponseError(
      upstream,
      `step ${step}: no prompt_logprobs entry at its position`,
    );
  }
  const plus = entry.get(labels.plusTokenId);
  const minus = entry.get(labels.minusTokenId);
  if (plus === undefined || minus === undefined) {
    const missing = plus === undefined ? labels.plusTokenId : labels.minusTokenId;
    throw new LabelOutsideTopLogprobsError(upstream, step, missing);
  }
  return twoWayProbability(plus, minus);
}
