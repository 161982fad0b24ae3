import { execFile } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import os from 'node:os';

/**
 * The nice value a grouping worker runs at when it cannot be put in `SCHED_IDLE` (0 is the event
 * loop's). Grouping is background work: when a worker and the event loop share a core, the loop
 * (every client's next byte) comes first.
 */
export const GROUPING_WORKER_NICE = 10;

/**
 * How far a worker thread got: `idle` (Linux `SCHED_IDLE`), `nice` (nice 10 only: `chrt` missing
 * or refused), `unchanged` (not Linux, or every call refused).
 */
export type ThreadPriority = 'idle' | 'nice' | 'unchanged';

/** The two calls that lower a thread (this module's own, or a test's). */
export interface ThreadScheduling {
  /** Set this thread's nice value (only ever raised); false when refused. */
  niceOwnThread(nice: number): boolean;
  /** Put this thread in `SCHED_IDLE`; false when that could not be done. */
  idleOwnThread(): Promise<boolean>;
}

const CHRT_TIMEOUT_MS = 5_000;

/** This thread's kernel id: `/proc/thread-self` links to `<pid>/task/<tid>` (Linux ≥ 3.17). */
export function ownThreadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

export const LINUX_THREAD_SCHEDULING: ThreadScheduling = {
  niceOwnThread(nice) {
    try {
      if (os.getPriority(0) < nice) os.setPriority(0, nice);
      return true;
    } catch {
      return false;
    }
  },
  idleOwnThread() {
    const tid = ownThreadId();
    if (tid === null) return Promise.resolve(false);
    // `-i -p 0 <tid>`: short options, which util-linux's chrt and busybox's both read.
    return new Promise((resolve) => {
      try {
        execFile('chrt', ['-i', '-p', '0', String(tid)], { timeout: CHRT_TIMEOUT_MS }, (error) =>
          resolve(error === null),
        );
      } catch {
        // spawn throws synchronously for some failures (ENOMEM, …): the nice value stays.
        resolve(false);
      }
    });
  },
};

/**
 * Lower this thread's CPU priority, on Linux only (the nice value and the scheduling policy are
 * per thread there; elsewhere the calls would slow the whole process).
 *
 * Nice 10 first, at once. Then `SCHED_IDLE` through `chrt` (util-linux or busybox; Node has no
 * binding for sched_setscheduler(2); an unprivileged process may move a thread of its own user into
 * `SCHED_IDLE`, unless a seccomp policy or LSM refuses): the kernel's
 * EEVDF scheduler (Linux ≥ 6.6) lets a running task finish its slice — a millisecond or more —
 * before a waking one of any nice value takes the core, except that a task in `SCHED_IDLE`
 * gives way at once. On a pinned one-core rig that slice was what held the event loop's light
 * requests up beside heavy votes (docs/voting-cost.md#off-the-event-loop-srcworkers).
 * `SCHED_IDLE` still runs whenever the core has nothing else to do, and gets a small share
 * under contention; the vote's step budget, not the CPU share, bounds its work.
 */
export async function lowerOwnThreadPriority(
  platform: NodeJS.Platform = process.platform,
  scheduling: ThreadScheduling = LINUX_THREAD_SCHEDULING,
): Promise<ThreadPriority> {
  if (platform !== 'linux') return 'unchanged';
  const isNice = scheduling.niceOwnThread(GROUPING_WORKER_NICE);
  if (await scheduling.idleOwnThread()) return 'idle';
  return isNice ? 'nice' : 'unchanged';
}
