import { InvalidUpstreamResponseError } from '../errors';

/**
 * A label token ("+" or "-") is not among the `prompt_logprobs` entries returned at a score
 * position: vLLM returns only the top k plus the prompt's own token there, so the label ranked
 * below k. Asking again with a larger k can still read it exactly (the upstream adapter does so
 * once, with the server's maximum); the number itself is never guessed.
 */
export class LabelOutsideTopLogprobsError extends InvalidUpstreamResponseError {
  readonly step: number;
  readonly tokenId: number;
  constructor(upstream: string, step: number, tokenId: number) {
    super(
      upstream,
      `step ${step}: label token ${tokenId} is not in the returned prompt_logprobs; ` +
        "raise prompt_logprobs (and the server's --max-logprobs)",
    );
    this.step = step;
    this.tokenId = tokenId;
  }
}
