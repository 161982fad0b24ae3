/**
 * Cuts one request's CPU work into slices with the event loop free in between, so a server busy
 * with a heavy request still answers light ones, as a continuously batching vLLM server does
 * (docs/simulated-world.md#latency-and-serving).
 */
export interface WorkSlices {
  /** True when the current slice has used up its time. */
  isDue(): boolean;
  /**
   * Lets the event loop run, then starts a new slice.
   * @throws the signal's reason when the client went away meanwhile
   */
  next(): Promise<void>;
}

/** Default `SimulatorOptions.generationSliceMs`. */
export const GENERATION_SLICE_MS = 1;

export function createWorkSlices(sliceMs: number, signal: AbortSignal): WorkSlices {
  let sliceStart = performance.now();
  return {
    isDue: () => performance.now() - sliceStart >= sliceMs,
    next: () =>
      new Promise((resolve, reject) =>
        setImmediate(() => {
          sliceStart = performance.now();
          if (signal.aborted) reject(signal.reason);
          else resolve();
        }),
      ),
  };
}
