/**
 * The one retry rule for every upstream call (the single-server client, the replica pool and the
 * /v1 passthrough): exponential backoff with full jitter, an upstream `Retry-After` honoured (up
 * to a cap), and only failures that are safe to repeat.
 *
 * Safe to repeat: our upstream calls are generations, scores and reads, with no side effects, so a
 * failure that says "not done" may be asked again — a connection that failed, a timeout, and the
 * statuses servers use for "try again" (408, 429, 500, 502, 503, 504; 409 is how some gateways
 * answer a request raced by a restart). Never a 4xx that the request itself caused, nor 501/505,
 * which no retry can change.
 */
import { UpstreamError, UpstreamTimeoutError } from '../../errors';
import { isAbortError, type AbortSource } from '../../util';

export interface RetryPolicy {
  /** Extra attempts after the first. */
  retries: number;
  baseMs?: number;
  maxMs?: number;
  /** The longest upstream `Retry-After` we wait for; longer ones end the retries. */
  maxRetryAfterMs?: number;
  random?: () => number;
}

export const RETRY_BASE_MS = 100;
export const RETRY_MAX_MS = 2_000;
export const RETRY_AFTER_CAP_MS = 10_000;

const RETRYABLE_STATUSES = new Set([408, 409, 429, 500, 502, 503, 504]);

/** An HTTP status that says "not done, ask again". */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** Whether a failed upstream call may be repeated (see the module comment). */
export function isRetryableFailure(error: unknown): boolean {
  if (error instanceof UpstreamTimeoutError) return true;
  if (!(error instanceof UpstreamError)) return false;
  return error.status === null || isRetryableStatus(error.status);
}

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when
 * absent or unreadable.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  nowMs: number = Date.now(),
): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/**
 * How long to wait before retry number `attempt` (0-based), or null when the upstream asked for
 * a longer pause than the cap (then retrying sooner would only add load).
 */
export function retryDelayMs(attempt: number, error: unknown, policy: RetryPolicy): number | null {
  const asked = error instanceof UpstreamError ? error.retryAfterMs : null;
  if (asked !== null) {
    return asked > (policy.maxRetryAfterMs ?? RETRY_AFTER_CAP_MS) ? null : asked;
  }
  const ceiling = Math.min(
    policy.maxMs ?? RETRY_MAX_MS,
    (policy.baseMs ?? RETRY_BASE_MS) * 2 ** attempt,
  );
  // Full jitter: synchronised retries must not stampede a server that is restarting.
  return (policy.random ?? Math.random)() * ceiling;
}

export function sleep(ms: number, signal?: AbortSource): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      const error = new Error('aborted');
      error.name = 'AbortError';
      reject(error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryOptions extends RetryPolicy {
  signal?: AbortSource | undefined;
  /** Defaults to `isRetryableFailure`. */
  shouldRetry?: (error: unknown) => boolean;
  /** Whether to wait before this attempt (the replica pool skips it while fresh replicas remain). */
  shouldWait?: (attempt: number) => boolean;
}

/** Run `call(attempt)` until it succeeds, fails for good, or the retries are spent. */
export async function withRetry<T>(
  call: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const shouldRetry = options.shouldRetry ?? isRetryableFailure;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (isAbortError(error) || options.signal?.aborted) throw error;
      if (attempt >= options.retries || !shouldRetry(error)) throw error;
      if (options.shouldWait?.(attempt + 1) ?? true) {
        const delay = retryDelayMs(attempt, error, options);
        if (delay === null) throw error;
        await sleep(delay, options.signal);
      }
    }
  }
}
