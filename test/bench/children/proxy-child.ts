/**
 * Bench child: the real proxy (`startServer`, no injected logger, so /metrics carries the process
 * metrics and logging is what production does), configured by `config/default.yaml` plus the
 * `TTS_PROXY__*` env overrides the parent sets (upstream URLs, admission limits).
 *
 * `stallsStart` / `stallsStop` watch the proxy's event loop (test/bench/lib/loop-stalls.ts);
 * `threadsStart` / `threadsStop` only its other threads' CPU and GC pauses, with no ticker.
 * `profileStart` / `profileStop` run the V8 CPU profiler (what `node --cpu-prof` uses) over a
 * window the parent chooses, so startup and warm-up stay out of the profile; `heapStart` /
 * `heapStop` sample allocations over such a window (V8's sampling heap profiler); `gcStart` /
 * `gcStop` count its collections and the bytes its scavenges promoted (`v8.GCProfiler`).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { GCProfiler } from 'node:v8';
import { runInThisContext } from 'node:vm';
import { startServer } from '../../../src/main';
import { serveChild } from '../lib/child-protocol';
import {
  startLoopStallMonitor,
  startThreadCpuWatch,
  type LoopStallMonitor,
  type ThreadCpuReport,
} from '../lib/loop-stalls';
import { summarizeGcProfile } from '../lib/summarize-gc';

function post(
  session: Session,
  method: string,
  params: Record<string, unknown> = {},
): Promise<unknown> {
  return new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

const isLoggingCode = process.execArgv.includes('--log-code');
let windowMarks = 0;

/**
 * With V8's code log on (`--log-code`, test/bench/v8-phase-log.ts), mark a watched window's ends
 * in it: a function compiled and run here shows up as a timestamped `code-creation` line.
 */
function markWindow(end: 'Start' | 'Stop'): void {
  if (!isLoggingCode) return;
  runInThisContext(`(function benchWindow${end}${windowMarks++}() {})();`);
}

async function main(): Promise<void> {
  const configPath =
    process.env.BENCH_CONFIG ?? path.resolve(__dirname, '../../../../config/default.yaml');
  const server = await startServer({ configPath, env: process.env, port: 0, host: '127.0.0.1' });
  let session: Session | null = null;
  let stalls: LoopStallMonitor | null = null;
  let threads: { stop(): ThreadCpuReport } | null = null;
  let gcProfiler: GCProfiler | null = null;
  /** Stop the session's profiler with `method`, write its profile to a file and return the path. */
  const stopInto = async (method: string, extension: string, notStarted: string) => {
    if (!session) throw new Error(notStarted);
    const result = (await post(session, method)) as { profile: unknown };
    session.disconnect();
    session = null;
    const file = path.join(
      process.env.BENCH_PROFILE_DIR ?? '/tmp',
      `proxy-${process.pid}-${Date.now()}.${extension}`,
    );
    writeFileSync(file, JSON.stringify(result.profile));
    return file;
  };
  serveChild(
    { url: server.url },
    {
      // With --expose-gc (the memory section asks for it), a full collection first: what is
      // left is what the proxy holds, not garbage V8 has not collected yet.
      // The collections of a window and what its scavenges promoted (test/bench/lib/summarize-gc.ts).
      gcStart: () => {
        gcProfiler?.stop();
        gcProfiler = new GCProfiler();
        gcProfiler.start();
        return true;
      },
      gcStop: () => {
        if (!gcProfiler) throw new Error('GC profiler not started');
        const { statistics } = gcProfiler.stop();
        gcProfiler = null;
        return summarizeGcProfile(statistics);
      },
      memory: () => {
        (globalThis as { gc?: () => void }).gc?.();
        return process.memoryUsage();
      },
      // The proxy's own event loop: late ticks split into its own work vs waiting for a CPU.
      // Marks in V8's code log around a window the parent names (a no-op without --log-code).
      windowStart: () => {
        markWindow('Start');
        return true;
      },
      windowStop: () => {
        markWindow('Stop');
        return true;
      },
      stallsStart: () => {
        markWindow('Start');
        stalls?.stop();
        stalls = startLoopStallMonitor();
        return true;
      },
      stallsStop: () => {
        if (!stalls) throw new Error('stall monitor not started');
        const report = stalls.stop();
        markWindow('Stop');
        stalls = null;
        return report;
      },
      // Other threads' CPU and GC pauses with no ticker: for windows that measure CPU per request.
      threadsStart: () => {
        threads?.stop();
        threads = startThreadCpuWatch();
        return true;
      },
      threadsStop: () => {
        if (!threads) throw new Error('thread watch not started');
        const report = threads.stop();
        threads = null;
        return report;
      },
      profileStart: async () => {
        session = new Session();
        session.connect();
        await post(session, 'Profiler.enable');
        await post(session, 'Profiler.setSamplingInterval', { interval: 250 });
        await post(session, 'Profiler.start');
        return true;
      },
      profileStop: () => stopInto('Profiler.stop', 'cpuprofile', 'profiler not started'),
      // Allocation sampling over the same kind of window: every sampled allocation, the ones a
      // scavenge or a full GC already freed included (what a request churns, not what it keeps).
      heapStart: async () => {
        session = new Session();
        session.connect();
        await post(session, 'HeapProfiler.enable');
        // BENCH_HEAP_KEEP=live: only what is still alive when sampling stops (what the proxy
        // keeps); =survivors: also what a full GC freed, not what a scavenge did (what lived long
        // enough to be copied or promoted).
        const keep = process.env.BENCH_HEAP_KEEP;
        await post(session, 'HeapProfiler.startSampling', {
          samplingInterval: 4096,
          includeObjectsCollectedByMajorGC: keep !== 'live',
          includeObjectsCollectedByMinorGC: keep !== 'live' && keep !== 'survivors',
        });
        return true;
      },
      heapStop: () =>
        stopInto('HeapProfiler.stopSampling', 'heapprofile', 'heap sampling not started'),
    },
    async () => {
      await server.close();
    },
  );
}

void main();
