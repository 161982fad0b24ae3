import { InvalidUpstreamResponseError } from '../errors';
import { applyTokenSwaps } from './apply-token-swaps';
import type { PrmFamily, PrmInput } from './prm-family';
import { truncateLeft } from './truncate-left';

/** Options of {@link preparePrmTokens}. */
export interface PreparePrmTokensOptions {
  /** The PRM server's context budget for one input (e.g. `max_model_len`). */
  maxTokens: number;
  /**
   * Leading tokens never cut (see `truncateLeft`). Default: the BOS, when the family writes one
   * (`pathStartToken`) or the server's tokenizer adds one (`addSpecialTokens`).
   */
  preserveLeadingTokens?: number;
  /** Upstream name for error messages. */
  upstream: string;
}

/** The ids to send for one path and where to read its scores. */
export interface PreparedPrmTokens {
  /** Ids to send: swaps applied, cut from the left to fit. */
  ids: number[];
  /** `readScores` context: positions in `ids`, one per step still present. */
  scorePositions: number[];
  /** Tokens cut from the left. */
  droppedTokens: number;
  /** Leading steps whose marker was cut; their scores are unavailable. */
  droppedSteps: number;
}

/**
 * Turn the server's tokenization of `input.text` (placeholders intact) into the ids to send:
 * locate the score positions, apply the token swaps, then cut from the left.
 *
 * @param tokenIds ids of `input.text` from the PRM server's `/tokenize` with
 *   `add_special_tokens: input.addSpecialTokens`, BEFORE any swap.
 * @throws InvalidUpstreamResponseError when the server's tokenizer does not yield exactly one score
 *   position per step (wrong tokenizer, or a marker that did not tokenize to its id).
 */
export function preparePrmTokens(
  family: PrmFamily,
  input: PrmInput,
  tokenIds: readonly number[],
  options: PreparePrmTokensOptions,
): PreparedPrmTokens {
  const positions = family.locateScorePositions(tokenIds);
  // Sequence scorers have no per-step positions; every other family has one per step.
  const expected = family.stepMarker === null ? positions.length : input.stepCount;
  if (positions.length !== expected) {
    throw new InvalidUpstreamResponseError(
      options.upstream,
      `tokenizer yields ${positions.length} '${family.name}' step markers ` +
        `for ${input.stepCount} steps`,
    );
  }
  const swapped = applyTokenSwaps(tokenIds, input.tokenSwaps);
  // Every reference scores its inputs whole, BOS first (compute-optimal-tts @0ee2578
  // `infer_fns.py` encodes with special tokens; RLHFlow's and Skywork's own scripts write it):
  // a cut input keeps it, and vLLM adds none to an id prompt.
  const head =
    options.preserveLeadingTokens ??
    (family.pathStartToken !== undefined || input.addSpecialTokens ? 1 : 0);
  const keepHead = Math.min(head, Math.max(0, options.maxTokens - 1));
  const truncated = truncateLeft(swapped, {
    maxTokens: options.maxTokens,
    markerPositions: positions,
    preserveLeadingTokens: keepHead,
  });
  const kept = truncated.markerPositions;
  // A cut reaches into the first step it leaves (the whole rest of the input went before it):
  // that step's score would be read without its own text or without what led to it, and its
  // anchor may be gone (Math-Shepherd reads the token after `ки`; RLHFlow would read a `+` right
  // after the BOS). It is not read: its score is unknown, like the cut steps' (review 25, F2/F3).
  // Callers cut only after dropping whole steps failed (prm-call-tokens.ts).
  // Positions read here (prompt logprobs, per-token values); STEP pooling reads every marker the
  // server finds in the ids, so there the cut step stays.
  let firstTail = 0;
  while (firstTail < kept.length && (kept[firstTail] as number) < keepHead) firstTail++;
  const readsPositions =
    family.readout.kind === 'prompt-logprobs' || family.readout.kind === 'pooling-token-values';
  const isCut = truncated.droppedTokens > 0 && family.stepMarker !== null && readsPositions;
  const scorePositions =
    isCut && firstTail < kept.length
      ? [...kept.slice(0, firstTail), ...kept.slice(firstTail + 1)]
      : kept;
  return {
    ids: truncated.ids,
    scorePositions,
    droppedTokens: truncated.droppedTokens,
    droppedSteps: family.stepMarker === null ? 0 : positions.length - scorePositions.length,
  };
}
