/**
 * One streamed HTTP exchange through an undici dispatcher: status and headers as soon as they
 * come, the body as a `Readable` that follows the upstream with backpressure. It is what
 * `pool.request()` gives a streaming caller, without what a relay does not use: an
 * `AsyncResource` per request, and an `AbortSignal` (the caller's `AbortSource` is followed
 * directly, so a plain chat's client departure makes no `AbortController`;
 * docs/performance.md#what-keeps-the-hot-path-cheap).
 *
 * Aborts: the caller's source cancels the exchange (queued, waiting for headers, or streaming),
 * and destroying the body cancels it too. Before the headers, the promise rejects with the
 * source's reason (as `pool.request` does); after, the body is destroyed with it. Connection
 * errors and timeouts reject with undici's own error classes.
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { abortReason, type AbortSource } from '../../util';

export interface StreamResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

function cancelled(): Error {
  const error = new Error('The response body was destroyed before it ended');
  error.name = 'AbortError';
  return error;
}

export function dispatchStream(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  signal?: AbortSource,
): Promise<StreamResponse> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<StreamResponse>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | null = null;
    let body: Readable | null = null;
    /** Why the exchange was cancelled, once it was (the source's reason, or a destroyed body). */
    let aborted: Error | null = null;
    let isDone = false;

    const done = (): void => {
      isDone = true;
      signal?.removeEventListener('abort', onAbort);
    };
    const cancel = (reason: Error): void => {
      if (isDone || aborted) return;
      aborted = reason;
      // Queued requests have no controller yet: answer now, cancel when undici starts it.
      if (controller) controller.abort(reason);
      else {
        done();
        reject(reason);
      }
    };
    function onAbort(): void {
      cancel(abortReason(signal as AbortSource));
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    dispatcher.dispatch(options, {
      onRequestStart(started) {
        if (aborted) {
          started.abort(aborted);
          return;
        }
        controller = started;
      },
      onResponseStart(started, statusCode, headers) {
        // 1xx interim answers (100 Continue) come before the real one.
        if (statusCode < 200 || body) return;
        body = new Readable({
          read: () => started.resume(),
          destroy: (error, callback) => {
            // The reader went away (or failed): the upstream need not go on.
            if (!isDone) cancel(error ?? cancelled());
            callback(error);
          },
        });
        resolve({ statusCode, headers, body });
      },
      onResponseData(started, chunk) {
        if (body && !body.push(chunk)) started.pause();
      },
      onResponseEnd() {
        done();
        body?.push(null);
      },
      onResponseError(_controller, error) {
        const reason = aborted ?? error;
        done();
        if (!body) reject(reason);
        else if (!body.destroyed) body.destroy(reason);
      },
    });
  });
}
