/**
 * `node dist-bench/test/bench/v8-phase-log.js <v8.log> <bench.json>`: how many functions V8
 * optimised (TurboFan) and deoptimised inside each measured phase of the event-loop section: a
 * phase that still compiles is not warm, and on a pinned rig the compiler threads run on the
 * proxy's CPU.
 *
 *   BENCH_PROXY_FLAGS="--log-code --log-deopt --logfile=/tmp/v8.log --no-logfile-per-isolate" \
 *     BENCH_SECTIONS=event_loop npm run bench > /tmp/el.json
 *   node dist-bench/test/bench/v8-phase-log.js /tmp/v8.log /tmp/el.json
 *
 * (strip npm's banner from the JSON first). The proxy child marks every watched window in the log
 * (children/proxy-child.ts); the measured windows are the last ones, in the order of their
 * `window_monotonic_s_by_round` times; a window whose marks are missing is skipped. The log
 * holds every isolate of the process (the grouping worker's too).
 */
import { readFileSync } from 'node:fs';

/** TurboFan code kind in V8's `code-creation` lines (V8 11.x `CodeKind::TURBOFAN`). */
const TURBOFAN_KIND = '13';

export interface V8LogCounts {
  /** Timestamps (µs since the log began) of window marks, by mark number. */
  marks: Map<number, number>;
  optimised: number[];
  deoptimised: number[];
}

export function readV8Log(text: string): V8LogCounts {
  const marks = new Map<number, number>();
  const optimised: number[] = [];
  const deoptimised: number[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('code-creation,JS,')) {
      const fields = line.split(',');
      const at = Number(fields[3]);
      const mark = /benchWindow(?:Start|Stop)(\d+)/.exec(line);
      if (mark !== null) marks.set(Number(mark[1]), at);
      else if (fields[2] === TURBOFAN_KIND) optimised.push(at);
    } else if (line.startsWith('code-deopt,')) {
      deoptimised.push(Number(line.split(',')[1]));
    }
  }
  return { marks, optimised, deoptimised };
}

/** Compiles and deopts inside the last `labels.length` marked windows, labelled in order. */
export function countByWindow(
  log: V8LogCounts,
  labels: readonly string[],
): Map<string, { windows: number; optimised: number; deoptimised: number }> {
  const windowCount = Math.floor((Math.max(-1, ...log.marks.keys()) + 1) / 2);
  const first = windowCount - labels.length;
  const out = new Map<string, { windows: number; optimised: number; deoptimised: number }>();
  labels.forEach((label, k) => {
    const from = log.marks.get(2 * (first + k));
    const to = log.marks.get(2 * (first + k) + 1);
    if (from === undefined || to === undefined) return;
    const inside = (at: number): boolean => from <= at && at <= to;
    const entry = out.get(label) ?? { windows: 0, optimised: 0, deoptimised: 0 };
    entry.windows += 1;
    entry.optimised += log.optimised.filter(inside).length;
    entry.deoptimised += log.deoptimised.filter(inside).length;
    out.set(label, entry);
  });
  return out;
}

type Windows = Record<'idle' | 'loaded', { window_monotonic_s_by_round: number[][] }>;

function main(): void {
  const [logPath, jsonPath] = process.argv.slice(2);
  if (logPath === undefined || jsonPath === undefined)
    throw new Error('usage: v8-phase-log.js <v8.log> <bench.json>');
  const section = (
    JSON.parse(readFileSync(jsonPath, 'utf8')) as {
      event_loop: Record<'proxy_only_get_models' | 'plain_chat_passthrough', Windows>;
    }
  ).event_loop;
  const windows: { at: number; label: string }[] = [];
  for (const loop of ['proxy_only_get_models', 'plain_chat_passthrough'] as const)
    for (const arm of ['idle', 'loaded'] as const)
      for (const [from] of section[loop][arm].window_monotonic_s_by_round)
        windows.push({ at: from ?? 0, label: `${loop} ${arm}` });
  windows.sort((a, b) => a.at - b.at);
  const log = readV8Log(readFileSync(logPath, 'latin1'));
  const counts = countByWindow(
    log,
    windows.map((window) => window.label),
  );
  for (const [label, entry] of counts)
    process.stdout.write(
      `${label}: ${entry.windows} phases, ${entry.optimised} TurboFan compiles, ${entry.deoptimised} deopts\n`,
    );
}

if (require.main === module) main();
