/**
 * The line format of `results.jsonl`: one JSON object per request, snake_case like the proxy's
 * `tts` metadata. Lines are appended (and handed to the OS) one result at a time, so a run that
 * is interrupted keeps everything it finished; reading tolerates a torn last line.
 */
import { z } from 'zod';
import { ARM_NAMES, type EvalResult } from './eval-types';

const count = z.number().nonnegative().nullable();

export const resultLineWire = z.object({
  key: z.string(),
  arm: z.enum(ARM_NAMES),
  budget: z.number().int().positive(),
  problem_id: z.string(),
  model: z.string(),
  seed: z.number().int(),
  gold: z.string(),
  predicted: z.string().nullable(),
  correct: z.boolean(),
  method: z.string().nullable(),
  policy_prompt_tokens: count,
  policy_completion_tokens: count,
  prm_tokens: count,
  // Absent in results written before these fields existed.
  prm_cached_tokens: count.default(null),
  gold_share: z.number().min(0).max(1).nullable().default(null),
  flops: z.object({ policy: z.number(), prm: z.number(), total: z.number() }).nullable(),
  latency_ms: z.number().nonnegative(),
  server_latency_ms: z.number().nullable(),
  degraded: z.boolean(),
  simulated: z.boolean().nullable(),
  error: z.string().nullable(),
  finished_at: z.string(),
});

export type ResultLineWire = z.infer<typeof resultLineWire>;

export function resultToWire(result: EvalResult): ResultLineWire {
  return {
    key: result.key,
    arm: result.arm,
    budget: result.budget,
    problem_id: result.problemId,
    model: result.model,
    seed: result.seed,
    gold: result.gold,
    predicted: result.predicted,
    correct: result.isCorrect,
    method: result.method,
    policy_prompt_tokens: result.policyPromptTokens,
    policy_completion_tokens: result.policyCompletionTokens,
    prm_tokens: result.prmTokens,
    prm_cached_tokens: result.prmCachedTokens,
    gold_share: result.goldShare,
    flops: result.flops,
    latency_ms: result.latencyMs,
    server_latency_ms: result.serverLatencyMs,
    degraded: result.isDegraded,
    simulated: result.isSimulated,
    error: result.error,
    finished_at: result.finishedAt,
  };
}

export function resultFromWire(line: ResultLineWire): EvalResult {
  return {
    key: line.key,
    arm: line.arm,
    budget: line.budget,
    problemId: line.problem_id,
    model: line.model,
    seed: line.seed,
    gold: line.gold,
    predicted: line.predicted,
    isCorrect: line.correct,
    method: line.method,
    policyPromptTokens: line.policy_prompt_tokens,
    policyCompletionTokens: line.policy_completion_tokens,
    prmTokens: line.prm_tokens,
    prmCachedTokens: line.prm_cached_tokens,
    goldShare: line.gold_share,
    flops: line.flops,
    latencyMs: line.latency_ms,
    serverLatencyMs: line.server_latency_ms,
    isDegraded: line.degraded,
    isSimulated: line.simulated,
    error: line.error,
    finishedAt: line.finished_at,
  };
}
