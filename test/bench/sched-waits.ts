/**
 * `node dist-bench/test/bench/sched-waits.js <perf.data> <bench.json>`: who ran on the proxy's
 * CPU while its event-loop thread waited for it, phase by phase of the event-loop section.
 *
 * Record the scheduler's events on the pinned CPU for the length of a run, on the clock the
 * section's `window_monotonic_s_by_round` uses:
 *
 *   perf record -k CLOCK_MONOTONIC -e sched:sched_switch -e sched:sched_wakeup -C 0 -o /tmp/s.data &
 *   BENCH_SECTIONS=event_loop npm run bench > /tmp/el.json; kill -INT %1
 *   node dist-bench/test/bench/sched-waits.js /tmp/s.data /tmp/el.json
 *
 * (strip npm's banner from the JSON first). A wait starts when the proxy's main thread is woken
 * or preempted and ends when it is switched in; each stretch of it is charged to the thread then
 * running on the CPU: the proxy's other threads (V8's compiler and GC helpers, the grouping
 * worker), other processes, or nobody (the CPU idle: the wake-up itself was slow).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface SchedEvent {
  at: number;
  event: 'switch' | 'wakeup';
  /** Thread that was running when the event fired, and its process. */
  tid: number;
  pid: number;
  /** switch: the thread switched out and its state, and the one switched in; wakeup: the woken. */
  prevTid: number;
  prevState: string;
  nextTid: number;
}

const LINE = /^\s*(\d+)\/(\d+)\s+\[\d+\]\s+([\d.]+):\s+sched:(sched_switch|sched_wakeup):\s+(.*)$/;

/** Parses `perf script -F pid,tid,cpu,time,event,trace` lines of the two scheduler events. */
export function parseSchedLines(text: string): SchedEvent[] {
  const events: SchedEvent[] = [];
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (match === null) continue;
    const [, pid, tid, at, name, trace] = match as unknown as string[];
    const field = (key: string): string => new RegExp(`${key}=(\\S+)`).exec(trace ?? '')?.[1] ?? '';
    const isSwitch = name === 'sched_switch';
    events.push({
      at: Number(at),
      event: isSwitch ? 'switch' : 'wakeup',
      tid: Number(tid),
      pid: Number(pid),
      prevTid: isSwitch ? Number(field('prev_pid')) : 0,
      prevState: isSwitch ? field('prev_state') : '',
      nextTid: Number(field(isSwitch ? 'next_pid' : 'pid')),
    });
  }
  return events;
}

export interface Window {
  label: string;
  from: number;
  to: number;
}

/** Milliseconds the main thread `mainTid` waited in each window, by who held the CPU meanwhile. */
export function chargeWaits(
  events: readonly SchedEvent[],
  mainTid: number,
  windows: readonly Window[],
  threadLabels: Readonly<Record<string, string>> = {},
): Map<string, Map<string, number>> {
  const processOf = new Map<number, number>();
  for (const event of events) processOf.set(event.tid, event.pid);
  const holder = (tid: number): string => {
    if (tid === 0) return 'nobody (CPU idle)';
    if (processOf.get(tid) === mainTid) {
      const label = threadLabels[String(tid)];
      return label === undefined ? `proxy thread ${tid}` : `proxy thread ${tid} (${label})`;
    }
    return `process ${processOf.get(tid) ?? '?'}`;
  };
  const windowOf = (at: number): string | null =>
    windows.find((window) => window.from <= at && at <= window.to)?.label ?? null;
  const out = new Map<string, Map<string, number>>();
  let running = 0;
  let isWaiting = false;
  let last = events[0]?.at ?? 0;
  for (const event of events) {
    const label = windowOf(event.at);
    if (isWaiting && label !== null) {
      const byHolder = out.get(label) ?? new Map<string, number>();
      const key = holder(running);
      byHolder.set(key, (byHolder.get(key) ?? 0) + (event.at - last) * 1000);
      out.set(label, byHolder);
    }
    last = event.at;
    if (event.event === 'wakeup') {
      if (event.nextTid === mainTid && running !== mainTid) isWaiting = true;
      continue;
    }
    if (event.prevTid === mainTid && event.prevState.startsWith('R')) isWaiting = true;
    if (event.nextTid === mainTid) isWaiting = false;
    running = event.nextTid;
  }
  return out;
}

interface EventLoopJson {
  event_loop: {
    proxy_pid: number;
    /** tid → `<name> nice <n>`, from runs that record it. */
    proxy_threads?: Record<string, string>;
    proxy_only_get_models: Record<'idle' | 'loaded', { window_monotonic_s_by_round: number[][] }>;
    plain_chat_passthrough: Record<'idle' | 'loaded', { window_monotonic_s_by_round: number[][] }>;
  };
}

function main(): void {
  const [data, json] = process.argv.slice(2);
  if (data === undefined || json === undefined)
    throw new Error('usage: sched-waits.js <perf.data> <bench.json>');
  const report = JSON.parse(readFileSync(json, 'utf8')) as EventLoopJson;
  const section = report.event_loop;
  const windows: Window[] = [];
  for (const loop of ['proxy_only_get_models', 'plain_chat_passthrough'] as const)
    for (const arm of ['idle', 'loaded'] as const)
      for (const [from, to] of section[loop][arm].window_monotonic_s_by_round)
        windows.push({ label: `${loop} ${arm}`, from: from ?? 0, to: to ?? 0 });
  const text = execFileSync('perf', ['script', '-i', data, '-F', 'pid,tid,cpu,time,event,trace'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const charged = chargeWaits(
    parseSchedLines(text),
    section.proxy_pid,
    windows,
    section.proxy_threads ?? {},
  );
  for (const [label, byHolder] of charged) {
    const total = [...byHolder.values()].reduce((sum, ms) => sum + ms, 0);
    process.stdout.write(`${label}: the event loop waited ${total.toFixed(1)} ms for its CPU\n`);
    for (const [key, ms] of [...byHolder].sort((a, b) => b[1] - a[1]).slice(0, 8))
      process.stdout.write(`  ${ms.toFixed(1).padStart(8)} ms  ${key}\n`);
  }
}

if (require.main === module) main();
