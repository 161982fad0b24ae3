/**
 * A fake SGLang server, written from the documented shapes (docs/upstream-apis.md (SGLang)):
 * - `POST /generate {"text": str|str[], "sampling_params": {n, max_new_tokens, stop, no_stop_trim,
 *   …}}` → one output `{text, meta_info: {finish_reason: {type, matched|length}, prompt_tokens,
 *   completion_tokens, cached_tokens}}`, or a list of them (prompt-major, n per prompt) for a batch
 *   or n > 1; stop strings trimmed unless `no_stop_trim`; EOS reported as `matched: <token id>`.
 * - `POST /v1/completions`: OpenAI shape with `matched_stop` (string, token id, or null).
 * Errors: native `{"error": {"message"}}` (400); OpenAI routes flat `{"object":"error",…}`.
 */
import { bodyOf, startFakeServer, type FakeServer, type RecordedRequest } from './fake-http-server';
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

function generate(request: RecordedRequest): unknown {
  const body = bodyOf(request);
  const params = (body.sampling_params ?? {}) as Record<string, unknown>;
  const n = typeof params.n === 'number' ? params.n : 1;
  const maxNewTokens = typeof params.max_new_tokens === 'number' ? params.max_new_tokens : 128;
  const stops = stopsOf(params.stop);
  const keepStop = params.no_stop_trim === true;
  const prompts = Array.isArray(body.text) ? (body.text as string[]) : [String(body.text)];
  const outputs = prompts.flatMap((prompt, i) =>
    Array.from({ length: n }, (_, j) => {
      const output = toyContinue(prompt, j, maxNewTokens, stops);
      return {
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
      };
    }),
  );
  return !Array.isArray(body.text) && n === 1 ? outputs[0] : outputs;
}

function completions(request: RecordedRequest): unknown {
  const body = bodyOf(request);
  const n = typeof body.n === 'number' ? body.n : 1;
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : 16;
  const stops = stopsOf(body.stop);
  const keepStop = body.no_stop_trim === true;
  const seed = typeof body.seed === 'number' ? body.seed : 0;
  const prompts = Array.isArray(body.prompt) ? (body.prompt as string[]) : [String(body.prompt)];
  let promptTokens = 0;
  let completionTokens = 0;
  const choices = prompts.flatMap((prompt, i) => {
    promptTokens += toyTokens(prompt);
    return Array.from({ length: n }, (_, j) => {
      const output = toyContinue(prompt, seed + j, maxTokens, stops);
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
  };
}

export function startSglangFake(): Promise<FakeServer> {
  return startFakeServer((request) => {
    if (request.path === '/generate') return { body: generate(request) };
    if (request.path === '/v1/completions') return { body: completions(request) };
    return { status: 404, body: { detail: 'Not Found' } };
  });
}
