/**
 * One HTTP exchange through an undici dispatcher, answered as status + body text: what
 * `pool.request()` followed by `body.text()` gives, without the machinery a caller that reads the
 * whole body does not need (an AsyncResource per request, a Readable for the body, a promise per
 * read). Every JSON call to an upstream (policy samples, PRM scores, passthrough chats) goes
 * through here, so this was a visible share of the proxy's CPU per upstream call.
 *
 * Aborts: the caller's signal cancels the exchange (queued or in flight) and rejects with the
 * signal's reason, as `pool.request` does. Timeouts and connection errors reject with undici's
 * own error classes, so callers tell them apart exactly as before.
 */
import type { Dispatcher } from 'undici';
import { abortReason, type AbortSource } from '../../util';

export interface TextResponse {
  status: number;
  text: string;
  /** The `retry-after` header of an error answer (retries honour it). */
  retryAfter?: string;
  /** The headers named in `keepHeaders` that the answer carried (lower-case names). */
  headers?: Record<string, string>;
}

/** The same answer with its body as received (no decoding): for bodies relayed as bytes. */
export interface BytesResponse {
  status: number;
  bytes: Buffer;
  /** The `retry-after` header of an error answer (retries honour it). */
  retryAfter?: string;
}

const BOM = 0xfeff;

export function dispatchText(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  signal?: AbortSource,
  /** Response headers to hand back (lower-case); omitted = none are read. */
  keepHeaders?: readonly string[],
): Promise<TextResponse> {
  return dispatchBody(dispatcher, options, signal, keepHeaders, false) as Promise<TextResponse>;
}

export function dispatchBytes(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  signal?: AbortSource,
): Promise<BytesResponse> {
  return dispatchBody(dispatcher, options, signal, undefined, true) as Promise<BytesResponse>;
}

function dispatchBody(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  signal: AbortSource | undefined,
  keepHeaders: readonly string[] | undefined,
  asBytes: boolean,
): Promise<TextResponse | BytesResponse> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<TextResponse | BytesResponse>((resolve, reject) => {
    let status = 0;
    let retryAfter: string | undefined;
    let kept: Record<string, string> | undefined;
    let chunks: Buffer[] = [];
    let length = 0;
    let controller: Dispatcher.DispatchController | null = null;
    let aborted: Error | null = null;
    let settled = false;

    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    function onAbort(): void {
      aborted = abortReason(signal as AbortSource);
      // Queued requests have no controller yet: answer now, cancel when undici starts it.
      if (controller) controller.abort(aborted);
      else if (settle()) reject(aborted);
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    dispatcher.dispatch(options, {
      onRequestStart(started) {
        if (aborted) {
          started.abort(aborted);
          return;
        }
        controller = started;
        // Called again only if undici retries the request on a fresh connection: start over.
        status = 0;
        chunks = [];
        length = 0;
      },
      onResponseStart(_controller, statusCode, headers) {
        // 1xx interim answers (100 Continue) come before the real one.
        if (statusCode >= 200) status = statusCode;
        if (statusCode >= 400) {
          const value = headers['retry-after'];
          retryAfter = Array.isArray(value) ? value[0] : value;
        }
        if (keepHeaders !== undefined && statusCode >= 200) {
          kept = {};
          for (const name of keepHeaders) {
            const value = headers[name];
            const first = Array.isArray(value) ? value[0] : value;
            if (first !== undefined) kept[name] = first;
          }
        }
      },
      onResponseData(_controller, chunk) {
        chunks.push(chunk);
        length += chunk.length;
      },
      onResponseEnd() {
        if (!settle()) return;
        const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length);
        if (asBytes) {
          const answer: BytesResponse =
            retryAfter === undefined
              ? { status, bytes: body }
              : { status, bytes: body, retryAfter };
          resolve(answer);
          return;
        }
        const text = body.toString('utf8');
        // UTF-8 decoding drops a byte order mark, as `body.text()` does.
        const clean = text.charCodeAt(0) === BOM ? text.slice(1) : text;
        const response: TextResponse =
          retryAfter === undefined ? { status, text: clean } : { status, text: clean, retryAfter };
        if (kept !== undefined) response.headers = kept;
        resolve(response);
      },
      onResponseError(_controller, error) {
        if (settle()) reject(aborted ?? error);
      },
    });
  });
}
