/**
 * Garbage collection in the bench's processes: force a full collection (so that a measured
 * window does not pay for garbage the previous one left behind) and count the collections a
 * window did pay for. Every bench child serves both as calls (lib/child-protocol.ts), and the load
 * generator uses them on itself: a pause in the load generator delays the requests it times just
 * as a pause in the process under test does.
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gcFunction: (() => void) | null = null;

/**
 * A full, synchronous collection. Without `--expose-gc` on the command line the flag is set at
 * run time and `gc` read from a fresh context (the flag only exposes the function; it changes
 * nothing else in V8).
 */
export function collectGarbage(): void {
  if (gcFunction === null) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed !== undefined) gcFunction = exposed;
    else {
      setFlagsFromString('--expose-gc');
      gcFunction = runInNewContext('gc') as () => void;
    }
  }
  gcFunction();
}

/** Collections since the ledger started: all of them, and the full (mark-compact) ones. */
export interface GcTotals {
  count: number;
  totalMs: number;
  majorCount: number;
  majorMs: number;
}

export const NO_GC: GcTotals = { count: 0, totalMs: 0, majorCount: 0, majorMs: 0 };

/** The collections between two readings of a ledger. */
export function gcBetween(before: GcTotals, after: GcTotals): GcTotals {
  return {
    count: after.count - before.count,
    totalMs: after.totalMs - before.totalMs,
    majorCount: after.majorCount - before.majorCount,
    majorMs: after.majorMs - before.majorMs,
  };
}

/** Sum of several windows' collections. */
export function gcSum(windows: readonly GcTotals[]): GcTotals {
  return windows.reduce(
    (sum, window) => ({
      count: sum.count + window.count,
      totalMs: sum.totalMs + window.totalMs,
      majorCount: sum.majorCount + window.majorCount,
      majorMs: sum.majorMs + window.majorMs,
    }),
    NO_GC,
  );
}

/** Counts this process's collections from now on (the pauses V8 reports to perf_hooks). */
export function startGcLedger(): { read(): GcTotals } {
  const totals = { ...NO_GC };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      totals.count += 1;
      totals.totalMs += entry.duration;
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        totals.majorCount += 1;
        totals.majorMs += entry.duration;
      }
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return { read: () => ({ ...totals }) };
}
