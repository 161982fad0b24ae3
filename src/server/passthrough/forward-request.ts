/**
 * Send one buffered passthrough request to the upstream and hand back its response once the
 * status and headers are in. Because the body is buffered, a failure before the first response
 * byte (connection refused or reset, a retryable 5xx) is retried with the shared retry rule;
 * after that nothing is repeated.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { UpstreamError, UpstreamTimeoutError } from '../../errors';
import { isAbortError } from '../../util';
import { departureError, type ClientDeparture } from './client-departure';

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
  options: { retries: number; signal: AbortSignal; shouldRetry: (error: unknown) => boolean },
) => Promise<T>;

/** Statuses answered before any byte of a body, which the upstream means as "not done". */
const RETRY_STATUSES = new Set([502, 503, 504]);

export function createForwarder(upstream: PassthroughUpstream, retry: RetryRunner) {
  const base = new URL(upstream.url.replace(/\/$/, ''));
  const prefix = base.pathname === '/' ? '' : base.pathname;
  const client = base.protocol === 'https:' ? https : http;
  // Without an agent each request would open (and close) its own connection.
  const agent = new client.Agent({ keepAlive: true, maxSockets: 256 });

  function once(input: ForwardInput): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      if (input.departure.isGone) {
        reject(departureError());
        return;
      }
      const headers: http.OutgoingHttpHeaders = {
        'content-length': input.body.length,
        // Uncompressed, so error bodies and stream events can be checked.
        'accept-encoding': 'identity',
      };
      if (input.contentType !== undefined) headers['content-type'] = input.contentType;
      if (input.contentEncoding !== undefined) headers['content-encoding'] = input.contentEncoding;
      if (input.accept !== undefined) headers.accept = input.accept;
      if (upstream.apiKey) headers.authorization = `Bearer ${upstream.apiKey}`;
      const request = client.request({
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port,
        method: input.method,
        path: prefix + input.target,
        headers,
        agent,
      });
      // Not `signal`: an abort listener and stream plumbing per request, for a rare event.
      input.departure.track(request);
      const timer = setTimeout(() => {
        request.destroy(new UpstreamTimeoutError('passthrough', upstream.timeoutMs));
      }, upstream.timeoutMs);
      request.once('response', (response) => {
        clearTimeout(timer);
        if (RETRY_STATUSES.has(response.statusCode ?? 0)) {
          // Read the refusal so the connection can be reused, then let the retry rule decide.
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.once('end', () =>
            reject(
              new UpstreamError(`upstream answered ${response.statusCode}`, {
                upstream: 'passthrough',
                status: response.statusCode ?? 502,
                body: Buffer.concat(chunks).toString('utf8'),
                retryAfterMs: retryAfterMs(response.headers['retry-after']),
              }),
            ),
          );
          response.once('error', (error) => reject(toUpstreamError(error)));
          return;
        }
        resolve(response);
      });
      request.once('error', (error) => {
        clearTimeout(timer);
        reject(toUpstreamError(error));
      });
      request.end(input.body);
    });
  }

  return {
    forward(input: ForwardInput): Promise<IncomingMessage> {
      return retry(() => once(input), {
        retries: upstream.retries,
        // Read only when a retry waits: most requests never make the signal.
        get signal() {
          return input.departure.signal;
        },
        shouldRetry,
      });
    },
    close(): void {
      agent.destroy();
    },
  };
}

/** A failure before any answer byte (connection, 502/503/504) is retried; a timeout is not. */
function shouldRetry(error: unknown): boolean {
  if (error instanceof UpstreamTimeoutError) return false;
  return (
    error instanceof UpstreamError && (error.status === null || RETRY_STATUSES.has(error.status))
  );
}

/** Delta-seconds `Retry-After` only; a date form is left to the default backoff. */
function retryAfterMs(value: string | undefined): number | null {
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value) * 1000 : null;
}

function toUpstreamError(error: Error): Error {
  if (isAbortError(error) || error instanceof UpstreamTimeoutError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new UpstreamError(`upstream unreachable (${code ?? error.name})`, {
    upstream: 'passthrough',
    status: null,
    cause: error,
  });
}
