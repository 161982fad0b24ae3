/**
 * A passthrough request's view of its client leaving early: a flag every attempt checks, the
 * attempt in flight destroyed at once, and an `AbortSignal` made only when something asks for
 * one (the retry rule, to stop a backoff wait). Most requests never retry, and an
 * `AbortController` per request, handed to `http.request` with its listeners, was a visible share
 * of a short passthrough's CPU.
 */
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

export class ClientDeparture {
  private gone = false;
  private controller: AbortController | null = null;
  private attempt: DepartingAttempt | null = null;

  get isGone(): boolean {
    return this.gone;
  }

  /** Aborted once the client has left (made on first use). */
  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.gone) this.controller.abort(departureError());
    }
    return this.controller.signal;
  }

  /** The upstream request now in flight (destroyed if the client leaves while it runs). */
  track(attempt: DepartingAttempt): void {
    this.attempt = attempt;
  }

  leave(): void {
    if (this.gone) return;
    this.gone = true;
    const error = departureError();
    this.controller?.abort(error);
    this.attempt?.destroy(error);
  }
}
