import type { SequenceSampling } from '../engine/sim-engine';
import { badRequest } from './vllm-error';

/** vLLM's default `--max-logprobs`. */
export const MAX_LOGPROBS = 20;

/** Below this temperature vLLM samples greedily (`_SAMPLING_EPS`, vllm/sampling_params.py). */
const GREEDY_BELOW = 1e-5;

/**
 * Sampling defaults a model ships in `generation_config.json`. vLLM (default `--generation-config
 * auto`) fills every one of these the request omits from the model's file, and only then falls
 * back to its own neutral values (`CompletionRequest.to_sampling_params` with
 * `default_sampling_params` = `ModelConfig.get_diff_sampling_param()`, vllm/entrypoints/openai/
 * protocol.py v0.10.1 and completion/protocol.py on main). Presence/frequency penalties are
 * request fields defaulting to 0.0: generation_config never sets them.
 */
export interface GenerationConfigDefaults {
  temperature?: number;
  topP?: number;
  topK?: number;
  minP?: number;
  repetitionPenalty?: number;
}

export interface SamplingParams {
  n: number;
  temperature: number;
  topP: number;
  topK: number;
  minP: number;
  repetitionPenalty: number;
  presencePenalty: number;
  frequencyPenalty: number;
  seed: number | null;
  /** Null: up to the context window (chat default). */
  maxTokens: number | null;
  stop: string[];
  includeStopInOutput: boolean;
}

interface SamplingFields {
  n?: number | null | undefined;
  best_of?: number | null | undefined;
  temperature?: number | null | undefined;
  top_p?: number | null | undefined;
  top_k?: number | null | undefined;
  min_p?: number | null | undefined;
  repetition_penalty?: number | null | undefined;
  presence_penalty?: number | null | undefined;
  frequency_penalty?: number | null | undefined;
  seed?: number | null | undefined;
  stop?: string | string[] | null | undefined;
  include_stop_str_in_output?: boolean | null | undefined;
  prompt_logprobs?: number | null | undefined;
  stream?: boolean | null | undefined;
  stream_options?: object | null | undefined;
}

/**
 * Applies vLLM's validators (same messages) and defaults: an omitted field takes the model's
 * generation_config value, then vLLM's neutral one. @throws VllmError (400)
 */
export function readSamplingParams(
  body: SamplingFields,
  maxTokens: number | null,
  generationConfig: GenerationConfigDefaults = {},
): SamplingParams {
  if (body.stream_options != null && !body.stream) {
    throw badRequest('Stream options can only be defined when `stream=True`.');
  }
  if (body.prompt_logprobs != null) {
    if (body.stream && body.prompt_logprobs > 0)
      throw badRequest('`prompt_logprobs` are not available when `stream=True`.');
    if (body.prompt_logprobs < 0) throw badRequest('`prompt_logprobs` must be a positive value.');
    if (body.prompt_logprobs > MAX_LOGPROBS) {
      throw badRequest(
        `Requested prompt logprobs of ${body.prompt_logprobs}, which is greater than max allowed: ${MAX_LOGPROBS}`,
      );
    }
  }
  if (body.best_of != null && body.best_of > 1)
    throw badRequest('vLLM V1 does not yet support best_of.');
  const n = body.n ?? 1;
  if (n < 1) throw badRequest(`n must be at least 1, got ${n}.`);
  const temperature = body.temperature ?? generationConfig.temperature ?? 1;
  // vllm/sampling_params.py `_verify_args` / `_verify_greedy_sampling` @00388f65.
  if (temperature < 0) throw badRequest(`temperature must be non-negative, got ${temperature}.`);
  if (temperature > 2) throw badRequest(`temperature must be in [0, 2], got ${temperature}.`);
  if (temperature < GREEDY_BELOW && n > 1)
    throw badRequest(`n must be 1 when using greedy sampling, got ${n}.`);
  const topP = body.top_p ?? generationConfig.topP ?? 1;
  if (!(topP > 0 && topP <= 1)) throw badRequest(`top_p must be in (0, 1], got ${topP}.`);
  const topK = body.top_k ?? generationConfig.topK ?? -1;
  if (topK < -1) throw badRequest(`top_k must be 0 (disable), or at least 1, got ${topK}.`);
  const minP = body.min_p ?? generationConfig.minP ?? 0;
  if (!(minP >= 0 && minP <= 1)) throw badRequest(`min_p must be in [0, 1], got ${minP}.`);
  const repetitionPenalty = body.repetition_penalty ?? generationConfig.repetitionPenalty ?? 1;
  if (!(repetitionPenalty > 0))
    throw badRequest(`repetition_penalty must be greater than zero, got ${repetitionPenalty}.`);
  const presencePenalty = body.presence_penalty ?? 0;
  if (!(presencePenalty >= -2 && presencePenalty <= 2))
    throw badRequest(`presence_penalty must be in [-2, 2], got ${presencePenalty}.`);
  const frequencyPenalty = body.frequency_penalty ?? 0;
  if (!(frequencyPenalty >= -2 && frequencyPenalty <= 2))
    throw badRequest(`frequency_penalty must be in [-2, 2], got ${frequencyPenalty}.`);
  if (maxTokens !== null && maxTokens < 1)
    throw badRequest(`max_tokens must be at least 1, got ${maxTokens}.`);
  const stop = body.stop == null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (stop.some((text) => text === '')) throw badRequest('stop cannot contain an empty string.');
  return {
    n,
    temperature,
    topP,
    topK,
    minP,
    repetitionPenalty,
    presencePenalty,
    frequencyPenalty,
    // SamplingParams.__post_init__ (vllm/sampling_params.py): a seed of -1 means none.
    seed: body.seed === -1 ? null : (body.seed ?? null),
    maxTokens,
    stop,
    includeStopInOutput: body.include_stop_str_in_output ?? false,
  };
}

/**
 * Sampling of choice `childIndex`. vLLM V1 fans n out into child requests with seed + index
 * (`parallel_sampling.py`); without a request seed each child gets a fresh server-side seed.
 */
export function sequenceSampling(
  params: SamplingParams,
  childIndex: number,
  nextServerSeed: () => number,
): SequenceSampling {
  const isGreedy = params.temperature < 1e-5 || params.topK === 1;
  if (isGreedy) return { seed: null, temperature: 0, diversity: 0 };
  const seed = params.seed !== null ? params.seed + childIndex : nextServerSeed();
  // Narrow nucleus or top-k sampling picks the favourite phrasing more often.
  const topKFactor = params.topK > 1 ? Math.min(1, (params.topK - 1) / 10) : 1;
  return {
    seed,
    temperature: params.temperature,
    diversity: Math.min(1, params.temperature) * params.topP * topKFactor,
  };
}
