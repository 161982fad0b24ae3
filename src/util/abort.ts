/** Errors raised because a signal fired are recognised by name, whatever created them. */
export function isAbortError(error: unknown): boolean {
  return (
    error instanceof Error && (error.name === 'AbortError' || error.name === 'RequestAbortedError')
  );
}

/**
 * What a cancellable call needs of its cancellation. An `AbortSignal` has it, and so does an
 * object that makes no `AbortController` until something asks for a real signal (the chat
 * route's client departure: an `AbortController` per plain chat request was a visible share of
 * its CPU, docs/performance.md#what-keeps-the-hot-path-cheap).
 */
export interface AbortSource {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** What a call cancelled by `source` fails with: its reason if that is an error, else an AbortError. */
export function abortReason(source: AbortSource): Error {
  if (source.reason instanceof Error) return source.reason;
  const error = new Error('This operation was aborted');
  error.name = 'AbortError';
  return error;
}

/** Throw the signal's reason (or a standard AbortError) if it already fired. */
export function throwIfAborted(signal: AbortSource | undefined): void {
  if (signal?.aborted) {
    const error = new Error('the operation was aborted');
    error.name = 'AbortError';
    throw error;
  }
}
