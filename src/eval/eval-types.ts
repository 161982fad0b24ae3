/**
 * The shared vocabulary of `tts-proxy eval`: problems, arms and per-request results. Internal
 * (camelCase) shapes; the JSON-lines spelling of a result lives in `results-wire.ts`.
 */

/** The methods an eval can compare; `cot` is the baseline and always runs at budget 1. */
export const ARM_NAMES = ['cot', 'majority', 'best_of_n', 'beam_search', 'dvts', 'auto'] as const;
export type ArmName = (typeof ARM_NAMES)[number];

export function isArmName(value: string): value is ArmName {
  return (ARM_NAMES as readonly string[]).includes(value);
}

/** One dataset row, normalised (MATH-500's `unique_id` becomes `id`, `"Level 3"` becomes 3). */
export interface EvalProblem {
  /** Stable id: the row's `id` / `unique_id`, else `line-<n>` (1-based line number). */
  id: string;
  problem: string;
  /** The gold answer as written in the dataset (bare answer, or a solution with `\boxed{}`). */
  answer: string;
  /** MATH difficulty level 1–5, when the dataset has one. */
  level: number | null;
  subject: string | null;
  /** A latent difficulty in [0, 1] (the simulator's demo set has one), when present. */
  difficulty: number | null;
}

/** One (arm, budget) pair of the grid; `cot` has budget 1. */
export interface EvalCell {
  arm: ArmName;
  budget: number;
}

/** Per-request FLOPs, `2 · params · tokens` (policy prompt + completion, PRM input). */
export interface FlopsCount {
  policy: number;
  prm: number;
  total: number;
}

/** One request of an eval run: what was asked, what came back, and its grade. */
export interface EvalResult {
  /** {@link resultKey} of (arm, budget, problem id); a resumed run skips keys it already has. */
  key: string;
  arm: ArmName;
  budget: number;
  problemId: string;
  model: string;
  /** The `seed` sent with the request. */
  seed: number;
  gold: string;
  /** The answer extracted from the returned message; null when none (or on error). */
  predicted: string | null;
  isCorrect: boolean;
  /** `tts.method`: what the proxy actually ran (auto resolves to a method); null without metadata. */
  method: string | null;
  policyPromptTokens: number | null;
  policyCompletionTokens: number | null;
  prmTokens: number | null;
  /** `tts.prm_cached_tokens`: PRM input served from the proxy's score cache (not recomputed). */
  prmCachedTokens: number | null;
  /**
   * Share of the complete samples whose answer is the gold one (from `tts.vote_table`): a
   * Pass@1 estimate per problem from sample-based arms (majority, Best-of-N); null otherwise.
   */
  goldShare: number | null;
  flops: FlopsCount | null;
  /** Wall time seen by the client, in milliseconds. */
  latencyMs: number;
  /** `tts.latency_ms`, the proxy's own timing. */
  serverLatencyMs: number | null;
  isDegraded: boolean;
  /** `tts.simulated`: the upstream was the embedded simulator. */
  isSimulated: boolean | null;
  /** Why the request failed (HTTP status and message); null on success. */
  error: string | null;
  /** ISO time the result was recorded. */
  finishedAt: string;
}

/** Builds the resume key of a request. */
export function resultKey(arm: ArmName, budget: number, problemId: string): string {
  return `${arm}|${budget}|${problemId}`;
}
