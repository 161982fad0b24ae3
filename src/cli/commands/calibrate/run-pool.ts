/**
 * Run `worker` over the items, `concurrency` at a time. The first worker error stops the pool: no
 * new item starts, `signal` aborts the ones in flight, and the error is rethrown once every lane
 * has returned (so nothing keeps running behind the caller's back).
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const controller = new AbortController();
  const state: { next: number; failure: { error: unknown } | null } = { next: 0, failure: null };
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (state.failure === null && state.next < items.length) {
      const item = items[state.next] as T;
      state.next += 1;
      try {
        await worker(item, controller.signal);
      } catch (error) {
        state.failure ??= { error };
        controller.abort();
      }
    }
  });
  await Promise.all(lanes);
  if (state.failure !== null) throw state.failure.error;
}
