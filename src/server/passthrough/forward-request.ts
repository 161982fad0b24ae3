/**
 * Send one buffered passthrough request to the upstream and hand back its answer once the status
 * and headers are in. Because the body is buffered, a failure before the first response byte
 * (connection refused or reset, a retryable 5xx) is retried with the shared retry rule; after
 * that nothing is repeated.
 *
 * Through an undici `Pool` and a dispatch handler of our own (as the transport's JSON calls,
 * src/upstream/transport/dispatch-text.ts), not Node's `http` client: no `ClientRequest`, agent
 * bookkeeping or `IncomingMessage` stream per request (docs/performance.md#what-keeps-the-hot-path-cheap).
 * The wait for the headers is undici's `headersTimeout`, whose timers tick about once a second:
 * a timeout fires up to a second late.
 */
import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';
import { UpstreamError, UpstreamTimeoutError } from '../../errors';
import { isAbortError, type AbortSource } from '../../util';
import { departureError, type ClientDeparture } from './client-departure';
import { UpstreamAnswer, type AnswerHeaders } from './upstream-answer';

export interface PassthroughUpstream {
  /** Base URL of the policy server (its `/v1` routes are forwarded). */
  url: string;
  apiKey?: string;
  /** Longest wait for the upstream's response headers. */
  timeoutMs: number;
  retries: number;
}

export interface ForwardInput {
  method: string;
  /** Path and query as forwarded (already normalised). */
  target: string;
  body: Buffer;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  accept: string | undefined;
  /** The client leaving: checked before each attempt, which it destroys if it is in flight. */
  departure: ClientDeparture;
}

export type RetryRunner = <T>(
  call: () => Promise<T>,
  options: { retries: number; signal: AbortSource; shouldRetry: (error: unknown) => boolean },
) => Promise<T>;

/** Statuses answered before any byte of a body, which the upstream means as "not done". */
const RETRY_STATUSES = new Set([502, 503, 504]);

/** One attempt: resolves with the answer at its headers, rejects on a failure before them. */
class Attempt implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private answer: UpstreamAnswer | null = null;
  /** A retryable status: its body is read (so the connection is reused), then the attempt fails. */
  private refusal: { status: number; retryAfter: string | undefined; chunks: Buffer[] } | null =
    null;

  constructor(
    private readonly resolve: (answer: UpstreamAnswer) => void,
    private readonly reject: (error: Error) => void,
    private readonly departure: ClientDeparture,
    private readonly timeoutMs: number,
  ) {}

  /** The client left: cut the attempt (queued or in flight). */
  destroy(error: Error): void {
    if (this.controller !== null) this.controller.abort(error);
    else this.reject(error);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.departure.isGone) {
      controller.abort(departureError());
      return;
    }
    this.controller = controller;
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: AnswerHeaders,
  ): void {
    if (RETRY_STATUSES.has(status)) {
      const retryAfter = headers['retry-after'];
      this.refusal = {
        status,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        chunks: [],
      };
      return;
    }
    this.answer = new UpstreamAnswer(status, headers, controller);
    this.resolve(this.answer);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.answer !== null) this.answer.pushData(chunk);
    else this.refusal?.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.answer !== null) {
      this.answer.settle('end');
      return;
    }
    const refusal = this.refusal;
    if (refusal === null) return;
    this.reject(
      new UpstreamError(`upstream answered ${refusal.status}`, {
        upstream: 'passthrough',
        status: refusal.status,
        body: Buffer.concat(refusal.chunks).toString('utf8'),
        retryAfterMs: retryAfterMs(refusal.retryAfter),
      }),
    );
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    if (this.answer !== null) this.answer.settle(error);
    else this.reject(toUpstreamError(error, this.timeoutMs));
  }
}

export function createForwarder(upstream: PassthroughUpstream, retry: RetryRunner) {
  const base = new URL(upstream.url.replace(/\/$/, ''));
  const prefix = base.pathname === '/' ? '' : base.pathname;
  const pool = new Pool(base.origin, {
    // No pool limit: a request over it would wait in undici's queue, where no timeout covers it
    // (`headersTimeout` starts once the request runs on a connection: undici 7.30
    // lib/dispatcher/client-h1.js, resumeH1). Every passthrough request holds an
    // admission slot (`server.max_concurrent_requests`), which bounds the connections instead.
    connections: null,
    // Only the wait for the headers is bounded: a stream may legitimately run long.
    headersTimeout: upstream.timeoutMs,
    bodyTimeout: 0,
  });
  const authorization = upstream.apiKey ? `Bearer ${upstream.apiKey}` : undefined;

  function once(input: ForwardInput): Promise<UpstreamAnswer> {
    return new Promise((resolve, reject) => {
      if (input.departure.isGone) {
        reject(departureError());
        return;
      }
      const headers: Record<string, string> = {
        // Uncompressed, so error bodies and stream events can be checked.
        'accept-encoding': 'identity',
      };
      if (input.contentType !== undefined) headers['content-type'] = input.contentType;
      if (input.contentEncoding !== undefined) headers['content-encoding'] = input.contentEncoding;
      if (input.accept !== undefined) headers.accept = input.accept;
      if (authorization !== undefined) headers.authorization = authorization;
      const attempt = new Attempt(resolve, reject, input.departure, upstream.timeoutMs);
      // Not a signal: an abort listener per request, for a rare event.
      input.departure.track(attempt);
      pool.dispatch(
        {
          origin: base.origin,
          path: prefix + input.target,
          method: input.method,
          headers,
          body: input.body,
        },
        attempt,
      );
    });
  }

  return {
    forward(input: ForwardInput): Promise<UpstreamAnswer> {
      // The departure is the retry's abort source: a backoff wait ends when the client leaves.
      return retry(() => once(input), {
        retries: upstream.retries,
        signal: input.departure,
        shouldRetry: isRetryableForwardFailure,
      });
    },
    close(): void {
      void pool.destroy();
    },
  };
}

/** A failure before any answer byte (connection, 502/503/504) is retried; a timeout is not. */
function isRetryableForwardFailure(error: unknown): boolean {
  if (error instanceof UpstreamTimeoutError) return false;
  return (
    error instanceof UpstreamError && (error.status === null || RETRY_STATUSES.has(error.status))
  );
}

/** Delta-seconds `Retry-After` only; a date form is left to the default backoff. */
function retryAfterMs(value: string | undefined): number | null {
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value) * 1000 : null;
}

function toUpstreamError(error: Error, timeoutMs: number): Error {
  if (isAbortError(error) || error instanceof UpstreamTimeoutError) return error;
  if (error instanceof undiciErrors.HeadersTimeoutError)
    return new UpstreamTimeoutError('passthrough', timeoutMs);
  const code = (error as NodeJS.ErrnoException).code;
  return new UpstreamError(`upstream unreachable (${code ?? error.name})`, {
    upstream: 'passthrough',
    status: null,
    cause: error,
  });
}
