/**
 * A fake SGLang server, written from the documented shapes (docs/upstream-apis.md (SGLang)):
 * - `POST /generate {"text": str|str[], "sampling_params": {n, max_new_tokens, stop, no_stop_trim,
 *   …}}` → one output `{text, meta_info: {finish_reason: {type, matched|length}, prompt_tokens,
 *   completion_tokens, cached_tokens}}`, or a list of them (prompt-major, n per prompt) for a batch
 *   or n > 1; stop strings trimmed unless `no_stop_trim`; EOS reported as `matched: <token id>`.
 * - `POST /v1/completions`: OpenAI shape with `matched_stop` (string, token id, or null).
 * - `GET /v1/models` → `{"object": "list", "data": [ModelCard{id, root, max_model_len}]}`
 *   (http_server.py `available_models`: `max_model_len = model_config.context_len`).
 * Errors: native `{"error": {"message"}}` (400); OpenAI routes flat `{"object":"error",…}`.
 *
 * Rules of the real server it enforces (sgl-project/sglang):
 * - Context: input ≥ context → 400 "The input (N tokens) is longer than the model's context
 *   length (C tokens)."; input + max_new_tokens ≥ context → 400 "Requested token count exceeds
 *   the model's maximum context length of C tokens. …" (tokenizer_manager.py
 *   `_validate_one_request`, asserted by test/srt/test_request_length_validation.py @0d607cf3).
 * - Seeds, as served with `--enable-deterministic-inference`, the one mode where SGLang honours
 *   them: a sample is a function of its `sampling_seed` (layers/sampler.py
 *   `multinomial_with_seed`), unset = 42 (sampling_batch_info.py). `n` copies of a prompt all
 *   carry the request's one seed (io_struct.py @001067ff `_normalize_sampling_params`; the OpenAI
 *   route maps `seed` to it, serving_completions.py @004c82e0), so they come back identical.
 *   `sampling_params` may be a list aligned with `text` (GenerateReqInput).
 * - Server arguments: `GET /get_server_info` answers them with the version (http_server.py
 *   `get_server_info`: `dataclasses.asdict(server_args)`), `enable_deterministic_inference`
 *   among them (`deterministic`, default true). Without the flag a sample ignores its seed (torch
 *   multinomial: here a fresh draw per sample). `build: 'before-sampling-seed'` is a build from
 *   before the deterministic-inference work (PR #10678, September 2025): its arguments lack the
 *   flag, and a `sampling_seed` key is a 500 "Internal Server Error" (`SamplingParams(**params)`
 *   raises TypeError on an unknown keyword, which its `/generate` does not catch: it catches only
 *   ValueError, old http_server.py `generate_request`).
 * - Sampling bounds: `SamplingParams.verify` (sampling/sampling_params.py @00c17caf) refuses, with
 *   its own wording, a temperature below 0, top_p outside (0, 1], min_p outside [0, 1], top_k 0 or
 *   below −1 (−1 means the whole vocabulary), penalties outside [−2, 2], repetition_penalty
 *   outside (0, 2] and max_new_tokens below 0; the request gets a 400 (`verify` raises
 *   ValueError, which both routes answer as a client error).
 */
import {
  bodyOf,
  startFakeServer,
  type FakeReply,
  type FakeServer,
  type RecordedRequest,
} from './fake-http-server';
import { toyContinue, toyTokens, withoutStop, type ToyOutput } from './toy-generator';

/** Qwen's `<|im_end|>`, reported as the matched stop token on EOS. */
export const SGLANG_FAKE_EOS_ID = 151645;

function stopsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value)
    ? value.filter((stop): stop is string => typeof stop === 'string')
    : [];
}

function finishReason(output: ToyOutput, maxNewTokens: number): Record<string, unknown> {
  if (output.kind === 'stop') return { type: 'stop', matched: output.matchedStop };
  if (output.kind === 'eos') return { type: 'stop', matched: SGLANG_FAKE_EOS_ID };
  return { type: 'length', length: maxNewTokens };
}

export interface SglangFakeOptions {
  /** `--context-length` (default 32768, Qwen2.5's `max_position_embeddings`). */
  contextLength?: number;
  /** `--served-model-name` (default `qwen`). */
  servedName?: string;
  /** `--enable-deterministic-inference` (default true: seeds honoured). */
  deterministic?: boolean;
  /**
   * `before-sampling-seed`: a build without `sampling_seed` (see above); `oldest`: one from before
   * `/get_server_info` too, whose arguments are at `GET /get_server_args` (its http_server.py
   * `get_server_args`: `dataclasses.asdict(server_args)`), without the flag.
   */
  build?: 'current' | 'before-sampling-seed' | 'oldest';
}

/** sampling_batch_info.py: the seed of a request that sets none, in deterministic mode. */
const SGLANG_DEFAULT_SEED = 42;

function seedOf(value: unknown): number {
  return typeof value === 'number' ? value : SGLANG_DEFAULT_SEED;
}

/** tokenizer_manager.py `_validate_one_request`, verbatim wording; null when the request fits. */
function contextError(prompt: string, maxNewTokens: number | null, context: number): string | null {
  const input = toyTokens(prompt);
  if (input >= context)
    return `The input (${input} tokens) is longer than the model's context length (${context} tokens).`;
  if (maxNewTokens !== null && maxNewTokens + input >= context)
    return `Requested token count exceeds the model's maximum context length of ${context} tokens. You requested a total of ${maxNewTokens + input} tokens: ${input} tokens from the input messages and ${maxNewTokens} tokens for the completion. Please reduce the number of tokens in the input messages or the completion to fit within the limit.`;
  return null;
}

const num = (value: unknown, fallback: number): number =>
  typeof value === 'number' ? value : fallback;

/** `SamplingParams.__post_init__` + `verify` (sampling_params.py @00c17caf); null when valid. */
function verifyError(params: Record<string, unknown>, maxNewTokens: number): string | null {
  const temperature = num(params.temperature, 1);
  const topP = num(params.top_p, 1);
  const minP = num(params.min_p, 0);
  // __post_init__: a temperature near 0 is greedy (top_k 1); top_k −1 is the whole vocabulary.
  const topK = temperature >= 0 && temperature < 1e-6 ? 1 : num(params.top_k, -1);
  const frequency = num(params.frequency_penalty, 0);
  const presence = num(params.presence_penalty, 0);
  const repetition = num(params.repetition_penalty, 1);
  if (!Number.isFinite(temperature) || temperature < 0)
    return `temperature must be a non-negative finite number, got ${temperature}.`;
  if (!(topP > 0 && topP <= 1)) return `top_p must be in (0, 1], got ${topP}.`;
  if (!(minP >= 0 && minP <= 1)) return `min_p must be in [0, 1], got ${minP}.`;
  if (topK !== -1 && topK < 1) return `top_k must be -1 (disable) or at least 1, got ${topK}.`;
  if (!(frequency >= -2 && frequency <= 2))
    return `frequency_penalty must be in [-2, 2], got ${frequency}.`;
  if (!(presence >= -2 && presence <= 2))
    return `presence_penalty must be in [-2, 2], got ${presence}.`;
  if (!(repetition > 0 && repetition <= 2))
    return `repetition_penalty must be in (0, 2] (1.0 = no penalty), got ${repetition}.`;
  if (maxNewTokens < 0) return `max_new_tokens must be at least 0, got ${maxNewTokens}.`;
  return null;
}

/** Draws of a server without deterministic inference: every sample its own. */
let freeDraws = 1_000_000;

function generate(
  request: RecordedRequest,
  context: number,
  options: SglangFakeOptions,
): FakeReply {
  const body = bodyOf(request);
  const prompts = Array.isArray(body.text) ? (body.text as string[]) : [String(body.text)];
  const given = body.sampling_params ?? {};
  // A list is one dict per prompt; a dict applies to every prompt (and every copy of it).
  const perPrompt = (Array.isArray(given) ? given : prompts.map(() => given)) as Record<
    string,
    unknown
  >[];
  const n = typeof perPrompt[0]?.n === 'number' ? perPrompt[0].n : 1;
  const outputs: unknown[] = [];
  if (
    (options.build === 'before-sampling-seed' || options.build === 'oldest') &&
    perPrompt.some((params) => 'sampling_seed' in params)
  )
    return { status: 500, raw: 'Internal Server Error', headers: { 'content-type': 'text/plain' } };
  const deterministic =
    options.deterministic !== false && (options.build ?? 'current') === 'current';
  for (const [i, prompt] of prompts.entries()) {
    const params = perPrompt[i] ?? {};
    const maxNewTokens = typeof params.max_new_tokens === 'number' ? params.max_new_tokens : 128;
    const rejected =
      verifyError(params, maxNewTokens) ?? contextError(prompt, maxNewTokens, context);
    if (rejected !== null) return { status: 400, body: { error: { message: rejected } } };
    const stops = stopsOf(params.stop);
    const keepStop = params.no_stop_trim === true;
    for (let j = 0; j < n; j++) {
      const seed = deterministic ? seedOf(params.sampling_seed) : freeDraws++;
      const output = toyContinue(prompt, seed, maxNewTokens, stops);
      outputs.push({
        text: keepStop ? output.text : withoutStop(output),
        output_ids: [],
        meta_info: {
          id: `req-${i}-${j}`,
          finish_reason: finishReason(output, maxNewTokens),
          prompt_tokens: toyTokens(prompt),
          completion_tokens: output.completionTokens,
          cached_tokens: 0,
          e2e_latency: 0.01,
        },
      });
    }
  }
  return { body: !Array.isArray(body.text) && n === 1 ? outputs[0] : outputs };
}

function completions(request: RecordedRequest, context: number): FakeReply {
  const body = bodyOf(request);
  const n = typeof body.n === 'number' ? body.n : 1;
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : 16;
  const stops = stopsOf(body.stop);
  const keepStop = body.no_stop_trim === true;
  const sample = seedOf(body.seed);
  const prompts = Array.isArray(body.prompt) ? (body.prompt as string[]) : [String(body.prompt)];
  for (const prompt of prompts) {
    const rejected = verifyError(body, maxTokens) ?? contextError(prompt, maxTokens, context);
    if (rejected !== null)
      return {
        status: 400,
        body: {
          object: 'error',
          message: rejected,
          type: 'BadRequestError',
          param: null,
          code: 400,
        },
      };
  }
  let promptTokens = 0;
  let completionTokens = 0;
  const choices = prompts.flatMap((prompt, i) => {
    promptTokens += toyTokens(prompt);
    return Array.from({ length: n }, (_, j) => {
      const output = toyContinue(prompt, sample, maxTokens, stops);
      completionTokens += output.completionTokens;
      return {
        index: i * n + j,
        text: keepStop ? output.text : withoutStop(output),
        logprobs: null,
        finish_reason: output.kind === 'length' ? 'length' : 'stop',
        matched_stop:
          output.kind === 'stop'
            ? output.matchedStop
            : output.kind === 'eos'
              ? SGLANG_FAKE_EOS_ID
              : null,
      };
    });
  });
  // Array order is not index order on every server: the client must sort by index.
  return {
    body: {
      id: 'cmpl-fake',
      object: 'text_completion',
      created: 1730000000,
      model: String(body.model),
      choices: choices.reverse(),
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    },
  };
}

export function startSglangFake(options: SglangFakeOptions = {}): Promise<FakeServer> {
  const context = options.contextLength ?? 32768;
  const servedName = options.servedName ?? 'qwen';
  return startFakeServer((request) => {
    if (request.path === '/generate') return generate(request, context, options);
    if (request.path === '/get_server_args' && options.build === 'oldest')
      return { body: { model_path: servedName, context_length: context } };
    if (request.path === '/get_server_info' && options.build !== 'oldest')
      return {
        body:
          options.build === 'before-sampling-seed'
            ? { model_path: servedName, context_length: context, version: '0.4.6.post5' }
            : {
                model_path: servedName,
                context_length: context,
                enable_deterministic_inference: options.deterministic !== false,
                version: '0.5.4',
              },
      };
    if (request.path === '/v1/completions') return completions(request, context);
    if (request.path === '/v1/models')
      return {
        body: {
          object: 'list',
          data: [
            {
              id: servedName,
              object: 'model',
              created: 1730000000,
              owned_by: 'sglang',
              root: servedName,
              max_model_len: context,
            },
          ],
        },
      };
    return { status: 404, body: { detail: 'Not Found' } };
  });
}
