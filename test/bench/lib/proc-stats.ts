/**
 * CPU and memory of a process from /proc (Linux): no instrumentation inside the measured process.
 * CPU is utime + stime in clock ticks (USER_HZ, 100 on Linux), i.e. 10 ms resolution: measured
 * windows are long enough (seconds of busy CPU) for that to be noise below 1%.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

let ticksPerSecond: number | null = null;

function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond =
        Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User and system CPU time of `pid` in milliseconds. */
export function cpuSplitMs(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = clockTicks();
  return { user: (Number(fields[11]) * 1000) / ticks, system: (Number(fields[12]) * 1000) / ticks };
}

/** User + system CPU time of `pid` in milliseconds. */
export function cpuMs(pid: number): number {
  const split = cpuSplitMs(pid);
  return split.user + split.system;
}

/** Read and write system calls a process has made (all its threads), from /proc/<pid>/io. */
export interface SyscallCounts {
  reads: number;
  writes: number;
}

/**
 * `syscr` and `syscw` of /proc/<pid>/io: every read-type call (read, readv, recvmsg, ...) and
 * write-type call (write, writev, sendmsg, ...) of all the process's threads, whatever it moved
 * and on whatever file (an eventfd, a log), so they bound the pieces of traffic from above. Null
 * where the file cannot be read (not Linux, or another user's process).
 */
export function syscallCounts(pid: number): SyscallCounts | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/io`, 'utf8');
  } catch {
    return null;
  }
  return parseProcIo(text);
}

/** The two counters of a /proc/<pid>/io text, or null when either is missing. */
export function parseProcIo(text: string): SyscallCounts | null {
  const reads = /^syscr:\s+(\d+)$/m.exec(text)?.[1];
  const writes = /^syscw:\s+(\d+)$/m.exec(text)?.[1];
  return reads === undefined || writes === undefined
    ? null
    : { reads: Number(reads), writes: Number(writes) };
}

/** What a process's counters moved by between two readings; null without both. */
export function syscallsBetween(
  before: SyscallCounts | null,
  after: SyscallCounts | null,
): SyscallCounts | null {
  return before === null || after === null
    ? null
    : { reads: after.reads - before.reads, writes: after.writes - before.writes };
}

/** VmRSS and VmHWM (peak RSS) of `pid` in MiB. */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string): number =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Reset the peak-RSS mark of `pid` (Linux `clear_refs` 5); false when not permitted. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU ms of each process over `run`, plus the run's result. */
export async function measureCpu<T>(
  pids: Record<string, number>,
  run: () => Promise<T>,
): Promise<{ result: T; cpuMs: Record<string, number>; wallMs: number }> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  const parentBefore = process.cpuUsage();
  const started = performance.now();
  const result = await run();
  const wallMs = performance.now() - started;
  const parent = process.cpuUsage(parentBefore);
  const after = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid) - (before[name] ?? 0)]),
  );
  return { result, cpuMs: { ...after, loadgen: (parent.user + parent.system) / 1000 }, wallMs };
}

function busyMsOfLine(line: string): number {
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return (
    (((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) *
      1000) /
    clockTicks()
  );
}

/** Busy CPU time of the whole machine (all cores) in ms, from /proc/stat (idle and iowait excluded). */
export function machineBusyMs(): number {
  return busyMsOfLine(readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '');
}

/** The CPU numbers of a taskset list ("0", "1-3", "0,2"). */
export function cpuNumbers(list: string): number[] {
  return list.split(',').flatMap((part) => {
    const [low = NaN, high = low] = part.split('-').map(Number);
    return Array.from({ length: high - low + 1 }, (_, i) => low + i);
  });
}

/** Busy time of the listed CPUs in ms (summed), from their own /proc/stat lines. */
export function cpusBusyMs(cpus: readonly number[]): number {
  const wanted = new Set(cpus.map((cpu) => `cpu${cpu}`));
  let sum = 0;
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n'))
    if (wanted.has(line.slice(0, line.indexOf(' ')))) sum += busyMsOfLine(line);
  return sum;
}

/**
 * CPU used during a window by processes other than `ours` (other users of the machine), in ms:
 * the machine's busy time minus our processes' CPU. Large values mean the numbers are noisy.
 */
export function createForeignCpuMeter(ours: readonly number[]): () => number {
  const start = machineBusyMs();
  const oursStart = ours.reduce((sum, pid) => sum + cpuMs(pid), 0);
  const self = process.cpuUsage();
  return () => {
    const mine = process.cpuUsage(self);
    const oursNow =
      ours.reduce((sum, pid) => sum + cpuMs(pid), 0) - oursStart + (mine.user + mine.system) / 1000;
    return Math.max(0, machineBusyMs() - start - oursNow);
  };
}

/**
 * CPU time of one thread of `pid` in ms (`/proc/<pid>/task/<tid>/stat`); the main thread's id is
 * the pid. Separates the event loop's own CPU from worker threads of the same process.
 */
export function threadCpuMs(pid: number, tid: number = pid): number {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
}

/**
 * How many times the main thread of `pid` went to sleep (`voluntary_ctxt_switches` of
 * /proc/<pid>/task/<pid>/status): an event loop sleeps in epoll_wait when it has nothing to do,
 * and each sleep is a wake-up someone else pays for. Null where the file cannot be read.
 */
export function mainThreadSleeps(pid: number): number | null {
  try {
    return parseVoluntarySwitches(readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}

/** `voluntary_ctxt_switches` of a /proc status text, or null when it is missing. */
export function parseVoluntarySwitches(text: string): number | null {
  const value = /^voluntary_ctxt_switches:\s+(\d+)$/m.exec(text)?.[1];
  return value === undefined ? null : Number(value);
}

/**
 * Inter-processor interrupts the listed CPUs took: rescheduling (`RES`, one CPU waking a task on
 * another) and function calls (`CAL`), from /proc/interrupts. On a virtual machine each costs an
 * exit to the hypervisor, which the CPU time of the process that sent or took it includes. Null
 * where the file cannot be read.
 */
export function crossCpuInterrupts(cpus: readonly number[]): number | null {
  try {
    return parseCrossCpuInterrupts(readFileSync('/proc/interrupts', 'utf8'), cpus);
  } catch {
    return null;
  }
}

/** The RES and CAL counts of `cpus` in a /proc/interrupts text (columns in CPU order). */
export function parseCrossCpuInterrupts(text: string, cpus: readonly number[]): number | null {
  const lines = text.split('\n');
  const columns = (lines[0] ?? '').trim().split(/\s+/);
  let sum = 0;
  let found = 0;
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] !== 'RES:' && fields[0] !== 'CAL:') continue;
    for (const cpu of cpus) {
      const column = columns.indexOf(`CPU${cpu}`);
      const count = column < 0 ? NaN : Number(fields[column + 1]);
      if (!Number.isFinite(count)) return null;
      sum += count;
    }
    found += 1;
  }
  return found === 2 ? sum : null;
}
