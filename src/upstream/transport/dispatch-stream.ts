/**
 * One streamed HTTP exchange through an undici dispatcher: status and headers as soon as they
 * come, the body pushed chunk by chunk to its reader (src/util/pushed-body.ts), pausing the
 * exchange when the reader asks. It is what `pool.request()` gives a streaming caller, without
 * what a relay does not use: an `AsyncResource` and a `Readable` per request, and an
 * `AbortSignal` (the caller's `AbortSource` is followed directly, so a plain chat's client
 * departure makes no `AbortController`; docs/performance.md#what-keeps-the-hot-path-cheap).
 *
 * Aborts: the caller's source cancels the exchange (queued, waiting for headers, or streaming),
 * and destroying the body cancels it too. Before the headers, the promise rejects with the
 * source's reason (as `pool.request` does); after, the body's reader fails with it. Connection
 * errors and timeouts reject with undici's own error classes.
 */
import type { Dispatcher } from 'undici';
import { PushedBody, abortReason, type AbortSource } from '../../util';

export interface StreamResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: PushedBody;
}

export function dispatchStream(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  signal?: AbortSource,
): Promise<StreamResponse> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<StreamResponse>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | null = null;
    let body: PushedBody | null = null;
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
        body = new PushedBody({
          pause: () => started.pause(),
          resume: () => started.resume(),
          // The reader went away: the upstream need not go on.
          abort: (reason) => cancel(reason),
        });
        resolve({ statusCode, headers, body });
      },
      onResponseData(_started, chunk) {
        body?.pushData(chunk);
      },
      onResponseEnd() {
        done();
        body?.settle('end');
      },
      onResponseError(_controller, error) {
        const reason = aborted ?? error;
        done();
        if (!body) reject(reason);
        else body.settle(reason);
      },
    });
  });
}
