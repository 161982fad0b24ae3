/**
 * Why an event loop answers late: its own work (a long synchronous stretch on the thread) or a
 * machine without a free core (the thread was ready to run and waited for a CPU). A timer ticks
 * every `intervalMs`; on each tick the thread's scheduler counters (Linux
 * `/proc/thread-self/schedstat`: nanoseconds on a CPU, nanoseconds runnable but waiting on a run
 * queue) are read, so every late tick can be split into "ran" and "waited for a CPU". Beside it,
 * `perf_hooks.monitorEventLoopDelay` gives the usual delay percentiles (which cannot tell the two
 * causes apart: a descheduled thread's timers fire late too).
 *
 * Beside the event-loop thread, the process's other threads (V8's compiler and GC helper threads,
 * worker threads such as the answer-grouping worker) are read from `/proc/self/task/<tid>/schedstat`
 * at the window's ends: on a rig that pins the process to one CPU, every millisecond they ran was
 * taken from the event loop's CPU.
 *
 * Where schedstat is missing (not Linux, or a kernel without CONFIG_SCHED_INFO) the split is
 * reported as null and only the delay percentiles remain.
 */
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

export interface LoopStallReport {
  wallMs: number;
  /** monitorEventLoopDelay over the window (ms). */
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
  /** The thread's time on a CPU and time runnable but waiting for one, over the window (ms). */
  onCpuMs: number | null;
  runQueueWaitMs: number | null;
  /** Ticks later than `thresholdMs`. */
  lateTicks: number;
  /** Late ticks whose interval the thread spent more on a CPU than waiting for one: its own work. */
  blockedTicks: number;
  /** Late ticks whose interval the thread spent more waiting for a CPU than on one: contention. */
  contendedTicks: number;
  /** Over all late intervals: the thread's time on a CPU and waiting for one (ms). */
  lateOnCpuMs: number | null;
  lateWaitMs: number | null;
  /**
   * The most CPU the thread used inside one late interval (ms): a lower bound of the longest
   * stretch the loop went without reaching its timers (one long task or one long loop turn),
   * whatever the contention around it.
   */
  longestOnCpuMs: number | null;
  /**
   * CPU used over the window by the process's other threads (ms), all of them together and the
   * busiest one; null without schedstat.
   */
  otherThreadsOnCpuMs: number | null;
  busiestOtherThreadOnCpuMs: number | null;
  /** Garbage-collection pauses of this thread's heap over the window: count, total, longest (ms). */
  gcPauses: number;
  gcTotalMs: number;
  gcLongestMs: number;
  /** The same pauses by V8's kind (`minor`: a scavenge; `major`: a mark-compact's final pause). */
  gcByKind: Record<string, GcTally>;
  /**
   * CPU of the other threads by thread (ms), keyed `<name> <tid> nice <n>`; null without
   * schedstat. Node's own threads are all named `node`; the nice value tells a worker that
   * lowered its priority (src/workers/thread-priority.ts) from V8's helpers.
   */
  otherThreadsOnCpuMsByThread: Record<string, number> | null;
}

export interface GcTally {
  pauses: number;
  totalMs: number;
  longestMs: number;
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * A thread's name and nice value from its `/proc/<pid>/task/<tid>/stat` line: the name sits in
 * parentheses (and may hold spaces or parentheses itself), the nice value is field 19.
 */
export function threadNameAndNice(stat: string): { name: string; nice: number | null } {
  const close = stat.lastIndexOf(')');
  const name = stat.slice(stat.indexOf('(') + 1, close);
  // The fields after the name start at field 3, so field 19 is the 17th of them.
  const nice = Number(stat.slice(close + 2).split(' ')[16]);
  return { name, nice: Number.isInteger(nice) ? nice : null };
}

/** `<name> <tid> nice <n>` of one of this process's threads (the tid alone if unreadable). */
function threadLabel(tid: string): string {
  try {
    const { name, nice } = threadNameAndNice(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'));
    return `${name} ${tid} nice ${nice ?? '?'}`;
  } catch {
    return tid;
  }
}

export interface LoopStallMonitor {
  stop(): LoopStallReport;
}

const SCHEDSTAT = '/proc/thread-self/schedstat';

/** On-CPU nanoseconds of each thread of this process but the calling one, by thread id. */
function otherThreadsRunNs(): Map<string, number> | null {
  try {
    const self = readlinkSync('/proc/thread-self').split('/').pop();
    const out = new Map<string, number>();
    for (const tid of readdirSync('/proc/self/task')) {
      if (tid === self) continue;
      try {
        const run = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
        if (Number.isFinite(run)) out.set(tid, run);
      } catch {
        // The thread ended between the listing and the read.
      }
    }
    return out;
  } catch {
    return null;
  }
}

/** Per-thread on-CPU time between two readings (threads started meanwhile count from zero). */
export function threadRunDeltasMs(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): number[] {
  return [...after].map(([tid, ns]) => Math.max(0, ns - (before.get(tid) ?? 0)) / 1e6);
}

/**
 * The calling thread's schedstat, read through one descriptor kept open (a proc file read again
 * from offset 0 is generated afresh): an open/stat/read/close per 2 ms tick was a visible share
 * of a busy proxy's CPU.
 */
interface SchedstatReader {
  read(): { runNs: number; waitNs: number } | null;
  close(): void;
}

function openSchedstat(): SchedstatReader {
  let fd: number;
  try {
    fd = openSync(SCHEDSTAT, 'r');
  } catch {
    return { read: () => null, close: () => undefined };
  }
  const buffer = Buffer.alloc(128);
  const read = (): { runNs: number; waitNs: number } | null => {
    try {
      const length = readSync(fd, buffer, 0, buffer.length, 0);
      const [run, wait] = buffer.toString('latin1', 0, length).trim().split(/\s+/).map(Number);
      // A kernel without scheduler statistics prints zeros; a thread that runs this has run.
      return run === undefined || wait === undefined || run === 0
        ? null
        : { runNs: run, waitNs: wait };
    } catch {
      return null;
    }
  };
  return { read, close: () => closeSync(fd) };
}

/** GC pauses of this thread's heap, by V8's kind, from the moment of the call. */
function watchGc(): { stop(): { all: GcTally; byKind: Record<string, GcTally> } } {
  const all: GcTally = { pauses: 0, totalMs: 0, longestMs: 0 };
  const byKind: Record<string, GcTally> = {};
  const count = (tally: GcTally, duration: number): void => {
    tally.pauses += 1;
    tally.totalMs += duration;
    tally.longestMs = Math.max(tally.longestMs, duration);
  };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      count(all, entry.duration);
      const kindNumber = (entry as { detail?: { kind?: number } }).detail?.kind ?? -1;
      count(
        (byKind[GC_KINDS[kindNumber] ?? String(kindNumber)] ??= {
          pauses: 0,
          totalMs: 0,
          longestMs: 0,
        }),
        entry.duration,
      );
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      observer.disconnect();
      return { all, byKind };
    },
  };
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

function roundTallies(byKind: Record<string, GcTally>): Record<string, GcTally> {
  return Object.fromEntries(
    Object.entries(byKind).map(([kind, tally]) => [
      kind,
      { pauses: tally.pauses, totalMs: round2(tally.totalMs), longestMs: round2(tally.longestMs) },
    ]),
  );
}

/** CPU of each of the process's other threads between two readings, by thread label (ms). */
function threadsByLabel(
  first: ReadonlyMap<string, number>,
  last: ReadonlyMap<string, number>,
): Record<string, number> {
  return Object.fromEntries(
    [...last].map(([tid, ns]) => [
      threadLabel(tid),
      Math.round(Math.max(0, ns - (first.get(tid) ?? 0)) / 1e4) / 100,
    ]),
  );
}

export interface ThreadCpuReport {
  gcByKind: Record<string, GcTally>;
  /** As `LoopStallReport.otherThreadsOnCpuMsByThread`. */
  otherThreadsOnCpuMsByThread: Record<string, number> | null;
}

/**
 * The other threads' CPU and the GC pauses over a window, with no timer of its own: for windows
 * that measure the process's CPU per request (a 2 ms ticker would be counted in it).
 */
export function startThreadCpuWatch(): { stop(): ThreadCpuReport } {
  const gc = watchGc();
  const first = otherThreadsRunNs();
  return {
    stop() {
      const last = otherThreadsRunNs();
      return {
        gcByKind: roundTallies(gc.stop().byKind),
        otherThreadsOnCpuMsByThread:
          first === null || last === null ? null : threadsByLabel(first, last),
      };
    },
  };
}

/** Start watching the calling thread's event loop; `stop` returns what was seen. */
export function startLoopStallMonitor(
  options: { intervalMs?: number; thresholdMs?: number } = {},
): LoopStallMonitor {
  const intervalMs = options.intervalMs ?? 2;
  const thresholdMs = options.thresholdMs ?? 2;
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const gc = watchGc();
  const schedstat = openSchedstat();
  const first = schedstat.read();
  const othersFirst = otherThreadsRunNs();
  const started = performance.now();
  let previous = { at: started, stat: first };
  const counts = { lateTicks: 0, blockedTicks: 0, contendedTicks: 0 };
  let lateOnCpuMs = 0;
  let lateWaitMs = 0;
  let longestOnCpuMs = 0;
  const timer = setInterval(() => {
    const at = performance.now();
    const stat = previous.stat === null ? null : schedstat.read();
    const elapsed = at - previous.at;
    if (elapsed - intervalMs > thresholdMs) {
      counts.lateTicks += 1;
      if (stat !== null && previous.stat !== null) {
        const ranMs = (stat.runNs - previous.stat.runNs) / 1e6;
        const waitedMs = (stat.waitNs - previous.stat.waitNs) / 1e6;
        if (ranMs > waitedMs) counts.blockedTicks += 1;
        else counts.contendedTicks += 1;
        lateOnCpuMs += ranMs;
        lateWaitMs += waitedMs;
        longestOnCpuMs = Math.max(longestOnCpuMs, ranMs);
      }
    }
    previous = { at, stat };
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      histogram.disable();
      const { all: gcAll, byKind: gcByKind } = gc.stop();
      const last = schedstat.read();
      schedstat.close();
      const othersLast = otherThreadsRunNs();
      const others =
        othersFirst === null || othersLast === null
          ? null
          : threadRunDeltasMs(othersFirst, othersLast);
      const byThread =
        othersFirst === null || othersLast === null
          ? null
          : threadsByLabel(othersFirst, othersLast);
      const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
      const round = round2;
      return {
        wallMs: round(performance.now() - started),
        delayP50Ms: round(histogram.percentile(50) / 1e6),
        delayP99Ms: round(histogram.percentile(99) / 1e6),
        delayMaxMs: round(histogram.max / 1e6),
        onCpuMs: first === null || last === null ? null : ms(last.runNs - first.runNs),
        runQueueWaitMs: first === null || last === null ? null : ms(last.waitNs - first.waitNs),
        ...counts,
        lateOnCpuMs: first === null ? null : round(lateOnCpuMs),
        lateWaitMs: first === null ? null : round(lateWaitMs),
        longestOnCpuMs: first === null ? null : round(longestOnCpuMs),
        otherThreadsOnCpuMs:
          others === null ? null : round(others.reduce((sum, ms) => sum + ms, 0)),
        busiestOtherThreadOnCpuMs: others === null ? null : round(Math.max(0, ...others)),
        gcPauses: gcAll.pauses,
        gcTotalMs: round(gcAll.totalMs),
        gcLongestMs: round(gcAll.longestMs),
        gcByKind: roundTallies(gcByKind),
        otherThreadsOnCpuMsByThread: byThread,
      };
    },
  };
}
