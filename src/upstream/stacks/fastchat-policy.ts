/**
 * The `Policy` over the paper's FastChat vLLM worker (compute-optimal-tts / OpenR
 * `reason/llm_service/workers/vllm_worker.py`, started by `serve_gpu*.sh`), `POST /worker_generate`.
 *
 * Request fields are the ones the paper's client sends (`text_generation.py: _generate_fastchat`):
 * `prompt`, `n`, `temperature`, `top_p`, `top_k`, `max_new_tokens`, `stop`,
 * `include_stop_str_in_output`, and `echo: false` — the worker defaults `echo` to TRUE and would
 * otherwise prepend the whole prompt to every text. The prompt is the chat template rendered by
 * the client (the worker applies none), so the caller renders it once and prefixes are appended.
 *
 * The worker takes one prompt per request (with native `n`), so prefixes fan out. Its response
 * has no `stop_reason`, and the worker adds EOS to `stop_token_ids`, so vLLM reports "stop" for
 * both a stop string and EOS; like the paper's `base_env.py`, a text ending with a stop string is a
 * step boundary and any other "stop" is EOS. `finish_reason` is a bare string when n = 1.
 * Worker faults come back as HTTP 200 `{"text", "error_code"}` and become `UpstreamError`s.
 */
import { UpstreamError } from '../../errors';
import type {
  Continuation,
  ContinuationFinish,
  GenerateResult,
  Policy,
  SamplingParams,
} from '../../tts';
import type { UpstreamClient } from '../transport/upstream-client';
import { fanOut } from './fan-out';
import { fastchatErrorSchema, fastchatGenerateResponseSchema } from './fastchat-wire';
import { endingStop } from './include-stop';
import { expectContinuationCount, parseUpstreamBody } from '../transport/parse-upstream-body';

export interface FastchatPolicyOptions {
  client: UpstreamClient;
  /** Sent as `model` (the paper sends it; a directly addressed worker ignores it). */
  servedName: string;
  /** The conversation rendered once (generation prompt included); each prefix is appended to it. */
  renderedPrompt: string;
  /** Worker requests in flight at once for one `generate` call. */
  maxConcurrency: number;
}

/** The paper's `run.sh`: top_k = -1 (off). */
const TOP_K_DISABLED = -1;

/**
 * FastChat error codes (`fastchat.constants.ErrorCode`) are an HTTP status times 100 plus a serial
 * (40303 context overflow, 42903 engine overloaded, 50002 CUDA out of memory), so the status, and
 * with it the retry decision, is recoverable. The 403xx codes (invalid model, parameter out of
 * range, context overflow) are request faults that FastChat's own `openai_api_server` answers
 * with HTTP 400 (`create_error_response`, openai_api_server.py @0e6d3e4b:155-177): mapped to 400,
 * so a context overflow reads as one (`isContextLength` takes 400/422/500).
 */
export function fastchatErrorStatus(errorCode: number): number {
  const status = Math.floor(errorCode / 100);
  if (status === 403) return 400;
  return status >= 400 && status < 600 ? status : 500;
}

/** Throw the `UpstreamError` a FastChat `{"text", "error_code"}` body stands for, if it is one. */
export function throwIfFastchatError(body: unknown, upstream: string, route: string): void {
  const failure = fastchatErrorSchema.safeParse(body);
  if (!failure.success) return;
  const status = fastchatErrorStatus(failure.data.error_code);
  throw new UpstreamError(
    `upstream '${upstream}' ${route} failed (error_code ${failure.data.error_code}): ${(failure.data.text ?? '').slice(0, 300)}`,
    {
      upstream,
      status,
      body: JSON.stringify(body),
    },
  );
}

function finishOf(
  reason: string | null | undefined,
  text: string,
  stops: readonly string[],
): ContinuationFinish {
  if (reason === 'stop') return endingStop(text, stops) !== null ? 'stop-sequence' : 'eos';
  // 'length', and vLLM's 'abort' / missing reasons: the text is truncated.
  return 'length';
}

export function createFastchatPolicy(options: FastchatPolicyOptions): Policy {
  const { client } = options;

  async function generateOne(
    prefix: string,
    params: SamplingParams,
    signal: AbortSignal,
  ): Promise<{ continuations: Continuation[]; promptTokens: number }> {
    const body = {
      model: options.servedName,
      prompt: options.renderedPrompt + prefix,
      n: params.n,
      temperature: params.temperature,
      top_p: params.topP,
      top_k: TOP_K_DISABLED,
      max_new_tokens: params.maxTokens,
      stop: params.stop,
      echo: false,
      include_stop_str_in_output: true,
    };
    const raw = await client.postJson('/worker_generate', body, signal);
    throwIfFastchatError(raw, client.name, '/worker_generate');
    const parsed = parseUpstreamBody(
      fastchatGenerateResponseSchema,
      raw,
      client.name,
      '/worker_generate',
    );
    expectContinuationCount(client.name, '/worker_generate', params.n, parsed.text.length);
    expectContinuationCount(
      client.name,
      '/worker_generate output_token_len',
      params.n,
      parsed.output_token_len.length,
    );
    const reasons = Array.isArray(parsed.finish_reason)
      ? parsed.finish_reason
      : [parsed.finish_reason];
    expectContinuationCount(
      client.name,
      '/worker_generate finish_reason',
      params.n,
      reasons.length,
    );
    const continuations = parsed.text.map((text, j): Continuation => ({
      text,
      finish: finishOf(reasons[j], text, params.stop),
      completionTokens: parsed.output_token_len[j] ?? 0,
    }));
    return { continuations, promptTokens: parsed.usage?.prompt_tokens ?? 0 };
  }

  return {
    async generate(prefixes, params, signal): Promise<GenerateResult> {
      const results = await fanOut(
        prefixes,
        (prefix, _index, jobSignal) => generateOne(prefix, params, jobSignal),
        {
          concurrency: options.maxConcurrency,
          ...(signal ? { signal } : {}),
        },
      );
      const outputs = results.map((result) => result.continuations);
      return {
        outputs,
        promptTokens: results.reduce((sum, result) => sum + result.promptTokens, 0),
        completionTokens: outputs
          .flat()
          .reduce((sum, continuation) => sum + continuation.completionTokens, 0),
      };
    },
  };
}
