/**
 * The policy contract: the only way search methods reach a language model.
 *
 * A `Policy` is bound to one conversation (system prompt, user turns) when the pipeline creates
 * it, so methods only deal with the assistant text written so far. Implementations live in
 * `upstream/` (vLLM, simulator, other stacks) and in test fakes; methods never see URLs or templates.
 */

/** Why one continuation ended. */
export type ContinuationFinish =
  /** A stop string (the step separator) was produced; `text` ends with it. */
  | 'stop-sequence'
  /** The model ended its message (EOS): the solution is complete. */
  | 'eos'
  /** `maxTokens` (or the model's context) was exhausted: the text is truncated. */
  | 'length';

/** Sampling parameters for one `generate` call; every field is sent explicitly upstream. */
export interface SamplingParams {
  /** Softmax temperature, 0 = greedy. */
  temperature: number;
  /** Nucleus sampling mass in (0, 1]. */
  topP: number;
  /** Cap on new tokens for each continuation. */
  maxTokens: number;
  /**
   * Stop strings. When one is produced the returned `text` INCLUDES it (vLLM
   * `include_stop_str_in_output: true`), so `prefix + text` is the exact next prefix.
   */
  stop: readonly string[];
  /** Continuations per prefix (vLLM `n`), >= 1. */
  n: number;
  /** Optional base seed; the upstream derives per-sample seeds from it. */
  seed?: number;
}

/** One sampled continuation of one prefix. */
export interface Continuation {
  /** New text only (not including the prefix). */
  text: string;
  finish: ContinuationFinish;
  /** Tokens generated for this continuation. */
  completionTokens: number;
}

/** Result of one batched call. */
export interface GenerateResult {
  /** `outputs[i]` holds exactly `params.n` continuations of `prefixes[i]`, in sample order. */
  outputs: Continuation[][];
  /** Prompt tokens the upstream reports for the whole call (counted once per prefix). */
  promptTokens: number;
  /** Generated tokens summed over every continuation of the call. */
  completionTokens: number;
}

/** A language model bound to one conversation. */
export interface Policy {
  /**
   * Continue each assistant prefix `params.n` times, in ONE upstream round trip when the backend
   * allows it (one round of a search = at most one call).
   *
   * @param prefixes assistant text written so far ('' = start of the answer); byte-stable across
   *   rounds so the upstream prefix cache hits.
   * @throws UpstreamError / UpstreamTimeoutError / InvalidUpstreamResponseError, or an AbortError
   *   when `signal` fires.
   */
  generate(
    prefixes: readonly string[],
    params: SamplingParams,
    signal?: AbortSignal,
  ): Promise<GenerateResult>;
}
