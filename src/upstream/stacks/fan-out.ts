/**
 * Run one async task per item with bounded concurrency, keeping the results in item order.
 *
 * Used by the stacks that cannot return several samples per request (llama.cpp `llama-server`,
 * TGI, some OpenAI-compatible servers) and by the FastChat worker (one prompt per request): a
 * search round of P prefixes × n samples becomes P·n (or P) requests, never more than
 * `concurrency` in flight so one proxy request cannot occupy every slot of a small server.
 */
import { throwIfAborted } from '../../util';

export interface FanOutOptions {
  /** Tasks in flight at once, >= 1 (llama-server: its `--parallel` slot count). */
  concurrency: number;
  /** The caller's signal (client disconnect, deadline): stops new tasks and aborts running ones. */
  signal?: AbortSignal;
}

/**
 * Map `items` through `task`, at most `options.concurrency` at a time.
 *
 * The first failure (or the caller's abort) aborts the signal handed to the running tasks and
 * starts no new task; the returned promise rejects with that first error (an AbortError when the
 * caller aborted), after every started task has settled, so no request outlives the call.
 *
 * @returns `results[i] = await task(items[i], i, signal)`.
 */
export async function fanOut<T, R>(
  items: readonly T[],
  task: (item: T, index: number, signal: AbortSignal) => Promise<R>,
  options: FanOutOptions,
): Promise<R[]> {
  throwIfAborted(options.signal);
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;

  async function lane(): Promise<void> {
    while (failure === null && !controller.signal.aborted && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index] as T, index, controller.signal);
      } catch (error) {
        failure ??= { error };
        controller.abort();
      }
    }
  }

  try {
    const lanes = Math.max(1, Math.min(Math.floor(options.concurrency), items.length));
    await Promise.all(Array.from({ length: lanes }, () => lane()));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  // A caller's abort wins over the errors it provoked in the running tasks.
  throwIfAborted(options.signal);
  if (failure !== null) throw (failure as { error: unknown }).error;
  return results;
}
