/**
 * The `Verifier` over the paper's FastChat reward worker (`reward_model_worker.py`, port 10081 in
 * `serve_gpu*.sh`): ONE `POST /worker_reward_inference {"input_str": [entry per path]}` per
 * `score`, answered `{"reward": [[p_step1, …], …]}` with the worker's per-family `infer_fn`
 * already applied (Math-Shepherd: P(+) at every `ки`), so the numbers are step probabilities.
 *
 * Entries are rendered exactly as the paper's client renders them (`fastchat-reward-input.ts`). A
 * score count that differs from the step count is an `InvalidUpstreamResponseError` — the
 * paper's code silently scores such a path 0 (docs/paper-findings.md#the-reference-serving-stack), which we refuse to do. The worker
 * reports no token counts, so `promptTokens` is an estimate (characters / 4) for FLOPs accounting.
 */
import { InvalidUpstreamResponseError } from '../../errors';
import type { ScoreResult, Verifier } from '../../tts';
import type { UpstreamClient } from '../transport/upstream-client';
import { throwIfFastchatError } from './fastchat-policy';
import {
  renderFastchatRewardInput,
  type FastchatPrmFamily,
  type FastchatRewardInput,
} from './fastchat-reward-input';
import { fastchatRewardResponseSchema } from './fastchat-wire';
import { parseUpstreamBody } from '../transport/parse-upstream-body';

export interface FastchatPrmVerifierOptions {
  client: UpstreamClient;
  /** Which `infer_fn` the worker runs (it picks it from its model path). */
  family: FastchatPrmFamily;
}

const ROUTE = '/worker_reward_inference';
/** Rough characters per token, only for the FLOPs estimate (the worker does not report tokens). */
const CHARS_PER_TOKEN = 4;

function inputLength(input: FastchatRewardInput): number {
  return typeof input === 'string'
    ? input.length
    : input.reduce((sum, message) => sum + message.content.length, 0);
}

function readStepScores(
  raw: number[] | number,
  stepCount: number,
  path: number,
  upstream: string,
): number[] {
  // A one-step path may come back as a bare number from some worker builds (`tensor.tolist()`).
  const scores = typeof raw === 'number' ? [raw] : raw;
  if (scores.length !== stepCount) {
    throw new InvalidUpstreamResponseError(
      upstream,
      `${ROUTE}: path ${path} has ${stepCount} steps but the PRM returned ${scores.length} scores`,
    );
  }
  scores.forEach((score, step) => {
    if (!Number.isFinite(score) || score < 0 || score > 1) {
      throw new InvalidUpstreamResponseError(
        upstream,
        `${ROUTE}: path ${path} step ${step} score ${score} is not a probability`,
      );
    }
  });
  return scores;
}

export function createFastchatPrmVerifier(options: FastchatPrmVerifierOptions): Verifier {
  const { client, family } = options;
  return {
    async score(question, paths, signal): Promise<ScoreResult> {
      const scores: number[][] = paths.map(() => []);
      const pending = paths.flatMap((steps, index) => (steps.length > 0 ? [index] : []));
      if (pending.length === 0)
        return { scores, promptTokens: 0, cachedTokens: 0, truncatedPaths: [], calls: 0 };
      const inputs = pending.map((index) =>
        renderFastchatRewardInput(family, question, paths[index] ?? []),
      );
      const raw = await client.postJson(ROUTE, { input_str: inputs }, signal);
      throwIfFastchatError(raw, client.name, ROUTE);
      const parsed = parseUpstreamBody(fastchatRewardResponseSchema, raw, client.name, ROUTE);
      if (parsed.reward.length !== pending.length) {
        throw new InvalidUpstreamResponseError(
          client.name,
          `${ROUTE}: sent ${pending.length} inputs, got ${parsed.reward.length} reward lists`,
        );
      }
      pending.forEach((pathIndex, k) => {
        scores[pathIndex] = readStepScores(
          parsed.reward[k] ?? [],
          paths[pathIndex]?.length ?? 0,
          pathIndex,
          client.name,
        );
      });
      const characters = inputs.reduce((sum, input) => sum + inputLength(input), 0);
      return {
        scores,
        promptTokens: Math.ceil(characters / CHARS_PER_TOKEN),
        cachedTokens: 0,
        truncatedPaths: [],
        calls: 1,
      };
    },
  };
}
