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
  /**
   * `--max-total-tokens`: inputs + max_new_tokens above it is a 422 (router/src/validation.rs,
   * `ValidationError::MaxTotalTokens`, TGI @db931fcf).
   */
  maxTotalTokens?: number;
  /**
   * TGI launched with `--enable-prefill-logprobs`: `decoder_input_details: true` then returns the
   * prompt's tokens in `details.prefill`. Default false, like a flash model served as launched.
   */
  enablePrefillLogprobs?: boolean;
}

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
  if (options.maxTotalTokens !== undefined && inputTokens + maxNewTokens > options.maxTotalTokens) {
    return validationError(
      `Input validation error: \`inputs\` tokens + \`max_new_tokens\` must be <= ${options.maxTotalTokens}. Given: ${inputTokens} \`inputs\` tokens and ${maxNewTokens} \`max_new_tokens\``,
    );
  }
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
    return { status: 404, body: { error: 'Not Found', error_type: 'not_found' } };
  });
}
