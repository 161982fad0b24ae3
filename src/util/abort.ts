/** Errors raised because a signal fired are recognised by name, whatever created them. */
export function isAbortError(error: unknown): boolean {
  return (
    error instanceof Error && (error.name === 'AbortError' || error.name === 'RequestAbortedError')
  );
}

/** Throw the signal's reason (or a standard AbortError) if it already fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const error = new Error('the operation was aborted');
    error.name = 'AbortError';
    throw error;
  }
}
