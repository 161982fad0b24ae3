/**
 * A request's view of its client leaving early, for the /v1 passthrough and the chat route: a
 * flag every attempt checks, the attempt in flight destroyed at once, and abort listeners of its
 * own (it is an `AbortSource`, which the upstream transport, the retry rule and the pipeline
 * take, streams included: src/upstream/transport/dispatch-stream.ts). An
 * `AbortController` per request was a visible share of a short passthrough's CPU: Node builds
 * its signal as an `EventTarget` and then changes that object's prototype.
 */
import type { AbortSource } from '../../util';

/** What a request cut by its client's leaving fails with (as `http.request` would). */
export function departureError(): Error {
  const error = new Error('The operation was aborted: the client left.');
  error.name = 'AbortError';
  (error as NodeJS.ErrnoException).code = 'ABORT_ERR';
  return error;
}

/** An attempt in flight, as the departure sees it. */
export interface DepartingAttempt {
  destroy(error: Error): void;
}

export class ClientDeparture implements AbortSource {
  private gone = false;
  private error: Error | null = null;
  private attempt: DepartingAttempt | null = null;
  private listeners: (() => void)[] | null = null;

  get isGone(): boolean {
    return this.gone;
  }

  get aborted(): boolean {
    return this.gone;
  }

  /** Why it aborted (an AbortError), as `AbortSignal.reason`; undefined while the client is here. */
  get reason(): unknown {
    return this.error ?? undefined;
  }

  /** Called once when the client leaves; not after (as an aborted `AbortSignal` does not). */
  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.gone) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const at = this.listeners?.indexOf(listener) ?? -1;
    if (at >= 0) this.listeners?.splice(at, 1);
  }

  /** The upstream request now in flight (destroyed if the client leaves while it runs). */
  track(attempt: DepartingAttempt): void {
    this.attempt = attempt;
  }

  leave(): void {
    if (this.gone) return;
    this.gone = true;
    const error = departureError();
    this.error = error;
    this.attempt?.destroy(error);
    const listeners = this.listeners;
    this.listeners = null;
    if (listeners !== null) for (const listener of listeners) listener();
  }
}
