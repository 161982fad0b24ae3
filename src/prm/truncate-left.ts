/** Options of {@link truncateLeft}. */
export interface TruncateLeftOptions {
  /** Context budget in tokens for the whole input; must be positive. */
  maxTokens: number;
  /** Positions of interest (step markers, score positions), ascending, to carry over. */
  markerPositions?: readonly number[];
  /**
   * Leading tokens never cut (e.g. a BOS the model expects; `preparePrmTokens` keeps the BOS).
   * Default 0, a plain left cut like a tokenizer's `truncation_side='left'`.
   */
  preserveLeadingTokens?: number;
}

/** Result of {@link truncateLeft}. */
export interface TruncateLeftResult {
  /** At most `maxTokens` ids: the preserved head, then the tail of the input. */
  ids: number[];
  /** Tokens cut (0 when the input fit). */
  droppedTokens: number;
  /** The marker positions that survived, moved to index `ids`, in their original order. */
  markerPositions: number[];
  /** Markers that fell in the cut part: their steps can no longer be scored. */
  droppedMarkers: number;
}

/**
 * Cut a token-id sequence from the LEFT so it fits `maxTokens`, keeping every marker that still
 * fits. Cutting the left keeps the latest steps, whose scores the search uses (PRM-Last), and
 * matches reward_hub / Qwen's left truncation. Markers sit after the question, so a cut first eats
 * the question; a marker is lost only when the steps alone exceed the budget.
 *
 * @throws RangeError when `maxTokens` is not a positive integer or cannot hold the preserved head.
 */
export function truncateLeft(
  tokenIds: readonly number[],
  options: TruncateLeftOptions,
): TruncateLeftResult {
  const { maxTokens } = options;
  const keepHead = options.preserveLeadingTokens ?? 0;
  if (!Number.isInteger(maxTokens) || maxTokens <= 0)
    throw new RangeError(`maxTokens must be a positive integer, got ${maxTokens}`);
  if (!Number.isInteger(keepHead) || keepHead < 0 || keepHead >= maxTokens) {
    throw new RangeError(
      `preserveLeadingTokens must be an integer in [0, maxTokens), got ${keepHead}`,
    );
  }
  const markers = options.markerPositions ?? [];
  const droppedTokens = Math.max(0, tokenIds.length - maxTokens);
  if (droppedTokens === 0) {
    return {
      ids: [...tokenIds],
      droppedTokens: 0,
      markerPositions: [...markers],
      droppedMarkers: 0,
    };
  }
  // Keep [0, keepHead) and [cutEnd, length); positions in between are gone.
  const cutEnd = keepHead + droppedTokens;
  const ids = [...tokenIds.slice(0, keepHead), ...tokenIds.slice(cutEnd)];
  const kept: number[] = [];
  for (const position of markers) {
    if (position < keepHead) kept.push(position);
    else if (position >= cutEnd) kept.push(position - droppedTokens);
  }
  return {
    ids,
    droppedTokens,
    markerPositions: kept,
    droppedMarkers: markers.length - kept.length,
  };
}
