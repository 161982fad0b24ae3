/**
 * The verifier contract: a process reward model (PRM) that scores every step of every path.
 *
 * Implementations (in `upstream/`) render the family-specific input (see `prm/`), call the PRM
 * server and read one probability per step. Methods only see numbers in [0, 1].
 */

/** Scores for one batch of paths. */
export interface ScoreResult {
  /** `scores[i][j]` = P(step j of path i is correct), in [0, 1]; `scores[i].length === paths[i].length`. */
  scores: number[][];
  /** PRM input tokens actually processed for this call (after any prefix-cache reuse). */
  promptTokens: number;
  /** PRM input tokens saved by reusing cached prefix scores. */
  cachedTokens: number;
  /** Indices of paths whose input was cut from the left to fit the PRM context. */
  truncatedPaths: number[];
  /** Upstream calls made (normally 1; 0 when everything came from the cache). */
  calls: number;
}

/** A PRM bound to nothing: every call carries the question. */
export interface Verifier {
  /**
   * Score every step of every path in ONE upstream call when the backend allows it.
   *
   * @param question the raw problem text (PRMs are trained on the question, not the chat prompt).
   * @param paths each path is its ordered steps, without the "\n\n" separators; never empty batches.
   * @throws InvalidUpstreamResponseError when the PRM returns a different number of scores than
   *   steps (never silently 0), UpstreamError / UpstreamTimeoutError, or an AbortError.
   */
  score(
    question: string,
    paths: readonly (readonly string[])[],
    signal?: AbortSignal,
  ): Promise<ScoreResult>;
}
