/**
 * The collections a measured window paid for, in a bench child (served as `gcStats`,
 * lib/child-protocol.ts) or in the load generator itself: a pause in the load generator delays
 * the requests it times just as a pause in the process under test does.
 *
 * The bench never forces a collection between windows: a forced full GC makes V8 drop optimised
 * code, and the next window pays for compiling it again on helper threads (docs/performance.md,
 * "Why an idle p99 moves").
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';

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
