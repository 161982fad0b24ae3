import os from 'node:os';

/**
 * The nice value a grouping worker runs at (0 is the event loop's). Grouping is background work:
 * when a worker and the event loop share a core, the loop (every client's next byte) comes first.
 */
export const GROUPING_WORKER_NICE = 10;

/**
 * Lower this thread's CPU priority. Linux keeps the nice value per thread, so `setPriority(0, …)`
 * from a worker changes this thread alone (setpriority(2), "Linux/NPTL" note); elsewhere it
 * would slow the whole process, so nothing is done. A refusal (a seccomp policy) is harmless.
 */
export function lowerOwnThreadPriority(platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== 'linux') return false;
  try {
    if (os.getPriority(0) < GROUPING_WORKER_NICE) os.setPriority(0, GROUPING_WORKER_NICE);
    return true;
  } catch {
    return false;
  }
}
