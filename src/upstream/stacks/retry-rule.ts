/**
 * Which failed calls an upstream of each stack kind may repeat: `isRetryableFailure`, less the
 * 500s that a stack answers for faults no retry changes (or that a retry makes worse).
 */
import { UpstreamError } from '../../errors';
import { isRetryableFailure } from '../transport/retry';
import type { StackKind } from '../stack-kinds';

/**
 * Older llama-server throws "Only one completion choice is allowed" for `n` ≠ 1 while parsing an
 * OpenAI request, and its route wrapper answers every such exception as 500 `server_error`
 * (tools/server/server.cpp `ex_wrapper`; `oaicompat_chat_params_parse`): a request fault, and
 * retrying it only delays the n = 1 fallback (openai-chat-policy.ts `rejectsN`).
 */
const LLAMA_CPP_N_REFUSAL = /only one completion choice is allowed/i;

function isRetryableChatFailure(error: unknown): boolean {
  if (
    error instanceof UpstreamError &&
    error.status === 500 &&
    LLAMA_CPP_N_REFUSAL.test(error.body)
  )
    return false;
  return isRetryableFailure(error);
}

/**
 * A FastChat worker never gets a 500 repeated: the paper's workers take a concurrency permit per
 * request and release it only when the call returns (base_model_worker.py @0ee2578:186-192,
 * `release_worker_semaphore()` after the call, no try/finally; vllm_worker.py:175-184 likewise),
 * so every failed attempt leaks one. With the default `--limit-worker-concurrency 5` a few
 * retried failures wedge the worker and every later request hangs until its timeout. Its own
 * retryable faults come back as HTTP 200 with an `error_code` (`throwIfFastchatError`), outside
 * the client's retries.
 */
function isRetryableFastchatFailure(error: unknown): boolean {
  if (error instanceof UpstreamError && error.status === 500) return false;
  return isRetryableFailure(error);
}

/** The retry rule for an upstream of this stack kind (`UpstreamClientOptions.shouldRetry`). */
export function retryRuleFor(kind: StackKind): (error: unknown) => boolean {
  if (kind === 'fastchat') return isRetryableFastchatFailure;
  if (kind === 'openai-chat') return isRetryableChatFailure;
  return isRetryableFailure;
}
