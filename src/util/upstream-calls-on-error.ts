/**
 * Upstream calls made before a failure, carried by the error itself, so a layer that counts calls
 * (the pipeline's usage) can count the ones a failed operation made without the failing adapter
 * knowing that layer. Kept beside the error object, not on it: an abort reason is one object that
 * several concurrent calls throw, so each adds its calls and each counter takes what has not been
 * taken yet, which keeps the total exact.
 */
const callsByError = new WeakMap<object, number>();

/** Add `calls` to what `error` carries (a primitive thrown value carries nothing). */
export function addUpstreamCallsTo(error: unknown, calls: number): void {
  if (typeof error !== 'object' || error === null || calls < 0) return;
  callsByError.set(error, (callsByError.get(error) ?? 0) + calls);
}

/**
 * The calls `error` carries that no one took yet, or undefined when nothing was ever added to it
 * (an adapter that does not report; the caller then falls back on its own estimate).
 */
export function takeUpstreamCallsFrom(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const calls = callsByError.get(error);
  if (calls !== undefined) callsByError.set(error, 0);
  return calls;
}
