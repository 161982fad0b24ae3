import { TtsError } from './tts-error';

/** An upstream answered with an error status or could not be reached. */
export class UpstreamError extends TtsError {
  /** Logical upstream name from config (never its secret). */
  readonly upstream: string;
  readonly status: number | null;
  /** First bytes of the upstream body, for logs. */
  readonly body: string;
  readonly isRetryable: boolean;
  /** The upstream's `Retry-After`, in milliseconds (null when it sent none). */
  readonly retryAfterMs: number | null;
  constructor(
    message: string,
    options: {
      upstream: string;
      status: number | null;
      body?: string;
      cause?: unknown;
      retryAfterMs?: number | null;
    },
  ) {
    super(message, { cause: options.cause });
    this.upstream = options.upstream;
    this.status = options.status;
    this.body = (options.body ?? '').slice(0, 500);
    this.retryAfterMs = options.retryAfterMs ?? null;
    // 408/409/429/5xx and connection failures (no status) may succeed on retry.
    const s = options.status;
    this.isRetryable = s === null || s === 408 || s === 409 || s === 429 || s >= 500;
  }

  /** The upstream refused a prompt (plus `max_tokens`) longer than the model's context. */
  get isContextLength(): boolean {
    const s = this.status;
    return (
      (s === 400 || s === 422 || s === 500) &&
      describesContextLength(`${this.message} ${this.body}`)
    );
  }
}

/**
 * The context-length rejections of vLLM (every wording since 0.6: "maximum context length is",
 * "must be <= N"; the renderer's "context length is only" and "max_tokens=N cannot be greater
 * than max_model_len=…", vllm/renderers/params.py `TokenizeParams`), TGI ("must be <= N" for
 * input + max_new_tokens; "`inputs` must have less than N tokens" for the prompt alone,
 * router/src/validation.rs `ValidationError::InputLength` @db931fcf), SGLang ("Requested token
 * count exceeds the model's maximum context length"; "The input (N tokens) is longer than the
 * model's context length (C tokens)", tokenizer_manager.py `_validate_one_request`, asserted by
 * test/srt/test_request_length_validation.py @0d607cf3), vLLM V1's engine-level check ("The
 * decoder prompt (length N) is longer than the maximum model length of L", normally shadowed by
 * the serving layer's) and llama.cpp ("context size has been
 * exceeded", "exceeds the available context size").
 */
export function describesContextLength(text: string): boolean {
  return /maximum context length|context length is only|context size has been exceeded|must be <= \d+|cannot be greater than max_(?:model_len|total_tokens)|exceeds? (the )?(model'?s? )?(maximum |available )?context|is longer than the model'?s? context length|longer than the maximum model length|`?inputs`? must have less than \d+ tokens/i.test(
    text,
  );
}
