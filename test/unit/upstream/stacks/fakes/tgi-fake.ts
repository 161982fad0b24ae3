/**
 * A fake Hugging Face TGI, written from the documented shapes (docs/upstream-apis.md (TGI),
 * huggingface.js `TextGenerationParameters` / `TextGenerationOutputDetails`):
 * `POST /generate {"inputs", "parameters": {max_new_tokens, temperature, top_p, stop, seed,
 * do_sample, details, decoder_input_details}}` → `{"generated_text", "details": {finish_reason:
 * length|eos_token|stop_sequence, generated_tokens, seed, prefill, tokens}}`. One sequence per
 * request. Whether `generated_text` keeps the matched stop is unverified, so `includesStop` picks.
 * Like TGI it refuses a non-positive temperature and a top_p outside (0, 1) with a 422
 * `{"error", "error_type": "validation"}`.
 *
 * Prompt tokens, as TGI @db931fcf (v3.3.7) reports them: every /generate answer carries the header
 * `x-prompt-tokens` = the validated input length (router/src/server.rs `generate_internal`, line
 * 408; added in v1.4.0, PR #1436). `details.prefill` is `[]` unless the server runs with
 * `--enable-prefill-logprobs` (launcher/src/main.rs sets `REQUEST_LOGPROBS`), because flash models
 * drop prefill logprobs without it (server/text_generation_server/models/flash_causal_lm.py:
 * `if not REQUEST_LOGPROBS: r.prefill_logprobs = False`) and the router then answers the empty
 * list it starts with (router/src/infer/mod.rs `result_prefill`). Flash models are TGI's default.
 *
 * `GET /info` answers router/src/lib.rs @db931fcf `struct Info` (model_id, max_concurrent_requests,
 * max_best_of, max_stop_sequences, max_input_tokens, max_total_tokens, …). Length validation as
 * router/src/validation.rs @db931fcf:152-187: input + min(max_new_tokens, 1024) > max_total_tokens
 * → 422 `MaxTotalTokens` ("`inputs` tokens + `max_new_tokens` must be <= N. Given: …", the
 * clamped 1024 reported), then input > max_input_tokens → 422 `InputLength`; also
 * `max_new_tokens` 0 → 422 "`max_new_tokens` must be strictly positive" and more than
 * `max_stop_sequences` (default 4, launcher/src/main.rs:662) stop sequences → 422 (:285-293).
 * `POST /tokenize` (a `GenerateRequest`) answers one `SimpleToken {id, text, start, stop}` per
 * token of `inputs` (router/src/server.rs `tokenize` and `encoding_to_tokens` @db931fcf): here the
 * toy tokens (words).
 */
import {
  bodyOf,
  startFakeServer,
  type FakeReply,
  type FakeServer,
  type RecordedRequest,
} from './fake-http-server';
import { toyContinue, toyTokens, withoutStop } from './toy-generator';

export interface TgiFakeOptions {
  includesStop: boolean;
  /** `--max-total-tokens` (default 32768); see the module comment for the rule. */
  maxTotalTokens?: number;
  /** `--max-input-tokens` (default maxTotalTokens − 1; the launcher requires it below the total). */
  maxInputTokens?: number;
  /**
   * TGI launched with `--enable-prefill-logprobs`: `decoder_input_details: true` then returns the
   * prompt's tokens in `details.prefill`. Default false, like a flash model served as launched.
   */
  enablePrefillLogprobs?: boolean;
}

/** router/src/validation.rs @db931fcf:25 `DEFAULT_GENERATION_LENGTH`. */
const DEFAULT_GENERATION_LENGTH = 1024;
/** launcher/src/main.rs @db931fcf:662 `--max-stop-sequences` default. */
const MAX_STOP_SEQUENCES = 4;
const DEFAULT_MAX_TOTAL_TOKENS = 32768;

function validationError(message: string): FakeReply {
  return { status: 422, body: { error: message, error_type: 'validation' } };
}

function generate(request: RecordedRequest, options: TgiFakeOptions): FakeReply {
  const body = bodyOf(request);
  const parameters = (body.parameters ?? {}) as Record<string, unknown>;
  if (typeof parameters.temperature === 'number' && parameters.temperature <= 0) {
    return validationError('Input validation error: `temperature` must be strictly positive');
  }
  if (typeof parameters.top_p === 'number' && (parameters.top_p <= 0 || parameters.top_p >= 1)) {
    return validationError('Input validation error: `top_p` must be > 0.0 and < 1.0');
  }
  const inputs = String(body.inputs);
  const maxNewTokens =
    typeof parameters.max_new_tokens === 'number' ? parameters.max_new_tokens : 100;
  const inputTokens = toyTokens(inputs);
  const maxTotal = options.maxTotalTokens ?? DEFAULT_MAX_TOTAL_TOKENS;
  const maxInput = options.maxInputTokens ?? maxTotal - 1;
  if (maxNewTokens === 0)
    return validationError('Input validation error: `max_new_tokens` must be strictly positive');
  if (Array.isArray(parameters.stop) && parameters.stop.length > MAX_STOP_SEQUENCES)
    return validationError(
      `Input validation error: \`stop\` supports up to ${MAX_STOP_SEQUENCES} stop sequences. Given: ${parameters.stop.length}`,
    );
  // TGI reserves only the first chunk of the generation (DEFAULT_GENERATION_LENGTH) up front.
  const reserved = Math.min(maxNewTokens, DEFAULT_GENERATION_LENGTH);
  if (inputTokens + reserved > maxTotal) {
    return validationError(
      `Input validation error: \`inputs\` tokens + \`max_new_tokens\` must be <= ${maxTotal}. Given: ${inputTokens} \`inputs\` tokens and ${reserved} \`max_new_tokens\``,
    );
  }
  if (inputTokens > maxInput)
    return validationError(
      `Input validation error: \`inputs\` must have less than ${maxInput} tokens. Given: ${inputTokens}`,
    );
  const stops = Array.isArray(parameters.stop) ? (parameters.stop as string[]) : [];
  const seed = typeof parameters.seed === 'number' ? parameters.seed : 0;
  const output = toyContinue(inputs, seed, maxNewTokens, stops);
  const finishReason =
    output.kind === 'stop' ? 'stop_sequence' : output.kind === 'eos' ? 'eos_token' : 'length';
  const prefill =
    options.enablePrefillLogprobs === true && parameters.decoder_input_details === true
      ? Array.from({ length: toyTokens(inputs) }, (_, id) => ({
          id,
          text: 'x',
          logprob: id === 0 ? null : -1,
        }))
      : [];
  return {
    headers: { 'x-prompt-tokens': String(inputTokens) },
    body: {
      generated_text: options.includesStop ? output.text : withoutStop(output),
      details: {
        finish_reason: finishReason,
        generated_tokens: output.completionTokens,
        seed,
        prefill,
        // The generated tokens always carry the stop sequence's text.
        tokens: [{ id: 1, text: output.text, logprob: -0.1, special: false }],
      },
    },
  };
}

export function startTgiFake(options: TgiFakeOptions): Promise<FakeServer> {
  return startFakeServer((request) => {
    if (request.path === '/generate') return generate(request, options);
    if (request.path === '/tokenize') {
      const inputs =
        typeof bodyOf(request).inputs === 'string' ? (bodyOf(request).inputs as string) : '';
      const tokens: { id: number; text: string; start: number; stop: number }[] = [];
      for (const match of inputs.matchAll(/\S+/g))
        tokens.push({
          id: tokens.length + 1,
          text: match[0],
          start: match.index,
          stop: match.index + match[0].length,
        });
      // toyTokens also counts paragraph breaks; the same count, as the fake /generate uses.
      for (let extra = tokens.length; extra < toyTokens(inputs); extra++)
        tokens.push({ id: extra + 1, text: '\n\n', start: 0, stop: 0 });
      return { body: tokens };
    }
    if (request.path === '/info') {
      const maxTotal = options.maxTotalTokens ?? DEFAULT_MAX_TOTAL_TOKENS;
      return {
        body: {
          model_id: 'meta-llama/Llama-3.1-8B-Instruct',
          model_sha: null,
          model_pipeline_tag: 'text-generation',
          max_concurrent_requests: 128,
          max_best_of: 2,
          max_stop_sequences: MAX_STOP_SEQUENCES,
          max_input_tokens: options.maxInputTokens ?? maxTotal - 1,
          max_total_tokens: maxTotal,
          validation_workers: 2,
          max_client_batch_size: 4,
          router: 'text-generation-router',
          version: '3.3.7',
        },
      };
    }
    return { status: 404, body: { error: 'Not Found', error_type: 'not_found' } };
  });
}
