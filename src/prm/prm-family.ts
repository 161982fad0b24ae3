/**
 * The PRM family contract: everything the proxy must know to score steps with one family of
 * process reward models, in both directions (render the exact input, read the scores back).
 *
 * A family is pure data plus pure functions. The HTTP backend (`upstream/vllm/prm-verifier.ts`) moves the
 * bytes: it sends `render().text` (or its token ids), queries the upstream as `readout` says, and
 * hands the raw output of each path to `readScores`.
 *
 * Token-level flow for families whose readout needs positions (see `preparePrmTokens`):
 * tokenize `text` with `addSpecialTokens` → `locateScorePositions(ids)` → apply `tokenSwaps`
 * (positions do not move: a swap replaces one id by one id) → `truncateLeft` → send the ids →
 * `readScores(raw, { tokenIds: sentIds, scorePositions })`.
 */

/** Every PRM family name, in a stable order (config validation, listings, `auto`'s classes). */
export const PRM_FAMILY_NAMES = [
  'qwen2.5-math-prm',
  'math-shepherd',
  'rlhflow',
  'skywork-o1',
  'outcome',
] as const;

/**
 * The server routes a PRM can be read on (config `prms[].readout`; which one each family allows
 * and defaults to: `configure-family.ts`).
 */
export const PRM_READOUTS = ['pooling', 'prompt_logprobs', 'embeddings'] as const;
export type PrmReadoutRoute = (typeof PRM_READOUTS)[number];
export type PrmFamilyName = (typeof PRM_FAMILY_NAMES)[number];

/**
 * How the upstream must be queried for this family, and what `raw` `readScores` then expects.
 *
 * - `pooling-step-pairs`: vLLM `/pooling` with STEP pooling. `raw` = `data[i].data` of the
 *   response: one pair of probabilities per step marker, in order. `positiveIndex` is the column of
 *   P(step correct): Qwen2.5-Math-PRM returns `[p_negative, p_positive]` → 1; Math-Shepherd with
 *   `returned_token_ids: [648, 387]` returns `[p_plus, p_minus]` → 0.
 * - `pooling-token-values`: vLLM `/pooling` with ALL pooling of a value head.
 *   `raw` = `data[i].data`: one value per input token (a number, or a one-element array). The
 *   family reads the values at its score positions, whose token after the swaps is `stepTokenId`.
 * - `prompt-logprobs`: vLLM `/v1/completions` with `prompt_logprobs: k` (k ≤ the server's
 *   `--max-logprobs`, default 20) and `max_tokens: 1`. `raw` = `choices[i].prompt_logprobs`: a
 *   list aligned with the prompt tokens whose entry j (null for j = 0) maps token ids (as strings)
 *   to `{ logprob, rank, decoded_token }` for the distribution at position j, predicted from the
 *   tokens before j; it holds the top k plus the actual token j. The score of a step is
 *   P(plus) / (P(plus) + P(minus)) at its score position. `markerTokenId` is the id that marks a
 *   step in the tokenized `text` before any swap (the family turns its occurrences into positions).
 * - `pooling-sequence-pair`: one pair for the whole input (`/classify` `data[i].probs`, or
 *   `/pooling` `data[i].data` of a sequence classifier). `positiveIndex` as above.
 */
export type PrmReadout =
  | { kind: 'pooling-step-pairs'; positiveIndex: 0 | 1 }
  | { kind: 'pooling-token-values'; stepTokenId: number }
  | { kind: 'prompt-logprobs'; plusTokenId: number; minusTokenId: number; markerTokenId: number }
  | { kind: 'pooling-sequence-pair'; positiveIndex: 0 | 1 };

/** The exact input for one path. */
export interface PrmInput {
  /** Exact text to send (`input` of /pooling or `prompt` of /v1/completions). */
  text: string;
  /**
   * Placeholder token swaps to apply after tokenizing (COT's trick so a marker cannot merge with
   * neighbours): replace every `fromId` with `toId`. Empty when the text can be sent as is.
   * When non-empty the backend must send token ids, not `text`.
   */
  tokenSwaps: { fromId: number; toId: number }[];
  /** Number of steps the readout must yield (always the number of steps given to `render`). */
  stepCount: number;
  /**
   * Value for the tokenizer's `add_special_tokens` (vLLM `/tokenize`, `/pooling`,
   * `/v1/completions`).
   * False when `text` already carries every special token it needs (chat templates, an explicit
   * BOS); true only where the reference code let the tokenizer add its BOS (Math-Shepherd).
   */
  addSpecialTokens: boolean;
}

/** A token whose id the proxy checks against the PRM server at startup. */
export interface SpecialToken {
  /**
   * Text that, tokenized with `add_special_tokens: false`, must END with `id` (the reference code
   * takes `encode(text)[-1]`).
   */
  text: string;
  id: number;
  /** What the family uses it for. */
  why: string;
}

/** Context for reading one path's raw output. */
export interface ReadScoresContext {
  /** Steps the path has (= `PrmInput.stepCount`). */
  stepCount: number;
  /** Token ids actually sent (swaps applied, truncated); position-based readouts need them. */
  tokenIds?: readonly number[];
  /**
   * Positions in `tokenIds` to read, one per step, as `preparePrmTokens` returns them. Optional:
   * without it the family derives them from `tokenIds` (each family documents how); with it the
   * family also checks `tokenIds` agrees.
   */
  scorePositions?: readonly number[];
  /** Upstream name for error messages. */
  upstream: string;
}

export interface PrmFamily {
  name: PrmFamilyName;
  /** One line for logs and `/v1/models` metadata. */
  description: string;
  /** Hugging Face model ids this family is known to serve (informational; others may fit too). */
  knownModels: readonly string[];
  readout: PrmReadout;
  /** Tokens whose ids the proxy checks against the PRM server's /tokenize at startup. */
  specialTokens: SpecialToken[];
  /**
   * The text `render` writes exactly once per step (before any swap), or null when the family has
   * no per-step marker (outcome scorers). Steps and question never contain it after sanitising.
   */
  stepMarker: { text: string; tokenId: number } | null;
  /**
   * An added (special) token every rendered text starts with and that sanitising keeps out of the
   * rest of it, or absent. A tokenizer matches added tokens before anything else and tokenizes the
   * text between them piece by piece, so several rendered texts joined end to end tokenize (with
   * `addSpecialTokens: false`) to their own ids one after another, each starting with this id: one
   * `/tokenize` call can serve a whole batch of paths. Verified per server at start-up
   * (`upstream/vllm/prm-join-check.ts`).
   */
  pathStartToken?: { text: string; tokenId: number };
  /**
   * Render the exact PRM input for one path (steps without their "\n\n" separators).
   * Steps are trimmed, and text that would act as a marker or a control token is removed from the
   * question and the steps, so the input holds exactly one marker per step. Empty steps are kept
   * (they still get their marker) so scores stay aligned with the caller's steps.
   */
  render(question: string, steps: readonly string[]): PrmInput;
  /**
   * Positions to read, given the ids of `render().text` as tokenized by the PRM server BEFORE any
   * token swap. One position per step for position-based readouts; for server-side readouts
   * (STEP pooling, sequence pairs) the marker positions, used only to tell which steps a
   * truncation would cut.
   */
  locateScorePositions(tokenIds: readonly number[]): number[];
  /**
   * Turn the raw upstream output for ONE path into one score in [0,1] per step.
   *
   * @returns exactly `context.stepCount` scores, in step order.
   * @throws InvalidUpstreamResponseError (with `context.upstream`) when the output does not have
   *   the documented shape, when the count differs from `stepCount` (never padded with zeros),
   *   or when a needed value is missing (e.g. a label token outside the returned top-k logprobs).
   */
  readScores(raw: unknown, context: ReadScoresContext): number[];
  /** Default trajectory aggregation and answer vote (each family cites its choice). */
  defaults: {
    aggregation: 'min' | 'last' | 'avg' | 'prod';
    vote: 'majority' | 'prm_max' | 'prm_vote';
  };
  /**
   * True when a step's score depends only on the question and the steps up to it (causal PRM), so
   * prefix scores may be cached. Left truncation breaks this for the cut paths: do not cache them.
   */
  isCausal: boolean;
}
