import type { SimLatency } from '../sim-options';

/** Sleeps on a timer (never busy-waits); rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits until `ms` of simulated service time have passed since `serviceStart` (a
 * `performance.now()` reading). The simulator's own CPU for the request (parsing, tokenizing,
 * writing the choices) counts inside that time, as a real server's does; only when it takes
 * longer than `ms` does the call take longer.
 */
export async function waitServiceTime(
  serviceStart: number,
  ms: number,
  signal: AbortSignal,
): Promise<void> {
  const deadline = serviceStart + ms;
  // Node starts a timer from the event loop's cached clock (whole ms, read when the loop turn
  // began), so one timer can fire a little before the deadline: wait again for what is left.
  for (let left = deadline - performance.now(); left > 0; left = deadline - performance.now())
    await sleep(left, signal);
}

export interface DecodeSlot {
  /** Milliseconds per generated token for this call's sequences. */
  perTokenMs: number;
  release(): void;
}

export interface LatencyModel {
  /** Fixed plus prefill time of a call, counted from the request's arrival (`waitServiceTime`). */
  prefillMs(promptTokens: number): number;
  /**
   * Joins `sequences` to the running batch. Sequences decode in parallel, so a call pays for its
   * longest sequence only; beyond `maxBatch` concurrent sequences decode time stretches
   * proportionally (a saturated GPU).
   */
  beginDecode(sequences: number): DecodeSlot;
}

export function createLatencyModel(latency: SimLatency): LatencyModel {
  let activeSequences = 0;
  const maxBatch = latency.maxBatch ?? Infinity;
  return {
    prefillMs: (promptTokens) => latency.perCallMs + latency.prefillMsPerToken * promptTokens,
    beginDecode: (sequences) => {
      activeSequences += sequences;
      const load = Math.max(1, activeSequences / maxBatch);
      let released = false;
      return {
        perTokenMs: latency.decodeMsPerToken * load,
        release: () => {
          if (!released) activeSequences -= sequences;
          released = true;
        },
      };
    },
  };
}
