/**
 * Memory after repeated bursts: the same burst of Best-of-N-16 requests (fresh questions each
 * time) is sent several times; the proxy's RSS is read from /proc after each burst (and V8's heap
 * over IPC). A leak shows as RSS still growing after the first bursts have filled the caches, and
 * as a heap (after a full GC) that grows with the requests served: its slope over the last half
 * of the bursts, in bytes per request, is judged beside the ratios.
 */
import { memoryMiB, resetPeakRss } from '../lib/proc-stats';
import { runLoad } from '../lib/run-load';
import type { Pool } from 'undici';
import type { Rig } from '../lib/start-rig';
import { round } from '../lib/summarize';
import { ttsBody } from '../lib/tts-wire';

export interface MemoryOptions {
  bursts: number;
  requestsPerBurst: number;
  concurrency: number;
  questions: readonly string[];
}

export async function runMemory(
  rig: Rig,
  pool: Pool,
  options: MemoryOptions,
): Promise<Record<string, unknown>> {
  const peakResettable = resetPeakRss(rig.proxy.pid);
  const rss: number[] = [];
  const heap: number[] = [];
  const heapBytes: number[] = [];
  let errors = 0;
  let next = 0;
  for (let burst = 0; burst < options.bursts; burst++) {
    const result = await runLoad({
      pool,
      path: '/v1/chat/completions',
      count: options.requestsPerBurst,
      concurrency: options.concurrency,
      body: () => {
        const i = next++;
        return ttsBody(
          options.questions[i % options.questions.length] ?? '',
          { n: 16, strategy: 'best_of_n' },
          { seed: i },
        );
      },
    });
    errors += result.errors;
    // Let in-flight work and timers settle before reading; the heap read collects garbage first.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const usage = await rig.proxy.call<{ heapUsed: number }>('memory');
    heapBytes.push(usage.heapUsed);
    heap.push(round(usage.heapUsed / 2 ** 20, 1));
    rss.push(round(memoryMiB(rig.proxy.pid).rss, 1));
  }
  const half = Math.floor(options.bursts / 2);
  const second = rss[1] ?? rss[0] ?? NaN;
  const last = rss[rss.length - 1] ?? NaN;
  const heapSecond = heap[1] ?? heap[0] ?? NaN;
  const heapLast = heap[heap.length - 1] ?? NaN;
  return {
    bursts: options.bursts,
    requests_per_burst: options.requestsPerBurst,
    concurrency: options.concurrency,
    errors,
    rss_mib_after_each_burst: rss,
    heap_used_mib_after_each_burst: heap,
    peak_rss_mib: round(memoryMiB(rig.proxy.pid).peak, 1),
    peak_is_since_this_section: peakResettable,
    rss_growth_last_vs_second_burst: round(last / second),
    heap_growth_last_vs_second_burst: round(heapLast / heapSecond),
    // A ratio of two readings lets a slow leak through on a large heap; the slope over the last
    // half of the bursts says how much each request leaves behind. Not over all of them: a fresh
    // proxy's bounded caches (PRM scores, answers) fill over its first ~1,500 requests and then
    // stay level, where a leak goes on growing.
    heap_bytes_per_request_second_half: round(
      slope(
        heapBytes.map((_, i) => (i + 1) * options.requestsPerBurst).slice(half),
        heapBytes.slice(half),
      ),
      1,
    ),
    heap_note:
      'heap used after a full GC when the proxy runs with --expose-gc (as the bench starts it), else as found',
  };
}

/** Least-squares slope of `y` over `x` (NaN with fewer than two points). */
function slope(x: readonly number[], y: readonly number[]): number {
  const n = Math.min(x.length, y.length);
  if (n < 2) return NaN;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i] as number;
    sy += y[i] as number;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    num += dx * ((y[i] as number) - my);
    den += dx * dx;
  }
  return den === 0 ? NaN : num / den;
}
