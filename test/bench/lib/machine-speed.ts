/**
 * How fast this machine runs a fixed piece of JavaScript, taken when the run starts measuring
 * and again when it ends. The bench's foreign-CPU meter sees other processes on this machine,
 * not what a virtual machine's host takes from it: when the host gets busier, every process here
 * spends more CPU time on the same work, and every absolute figure (ms per request) moves with
 * it while no process looks foreign. A run whose two calibrations differ by more than
 * `MAX_SPEED_DRIFT` is flagged; across runs, `cpu_ms` says whether two runs' absolute figures
 * can be set side by side.
 *
 * The repeats are spread out in time: on the virtual machine the bench was built on, the same
 * pass took one time or nearly twice it from one few-second stretch to the next, whatever the
 * bench did, and back-to-back repeats (a third of a second in all) all fell in one stretch, so a
 * run's start and end were two draws of a coin and the drift flag fell on runs at random.
 */
import { createHash } from 'node:crypto';
import { median, round } from './summarize';

/** Largest relative change of the calibration between a run's start and end. */
export const MAX_SPEED_DRIFT = 0.15;

/** Repeats of the pass in one calibration, and the pause before each. */
export const CALIBRATION_REPEATS = 15;
export const CALIBRATION_SPACING_MS = 1000;

export const CALIBRATION_WORKLOAD = `JSON serialise and parse, string split and join, SHA-1 of a small buffer: a fixed 20,000 iterations, CPU time of this process, median of ${CALIBRATION_REPEATS} repeats ${CALIBRATION_SPACING_MS} ms apart after one unmeasured`;

export interface Calibration {
  /** Median CPU ms of one pass of the workload. */
  cpu_ms: number;
  by_repeat_ms: number[];
}

/** The work: what a proxy does per request, in kind. Returns a value so nothing is optimised away. */
function workload(): number {
  let check = 0;
  for (let i = 0; i < 20_000; i++) {
    const text = JSON.stringify({ id: i, model: 'qwen2.5-1.5b-instruct', content: `token ${i}` });
    const parsed = JSON.parse(text) as { id: number };
    const joined = text.split('"').join("'");
    const digest = createHash('sha1').update(joined).digest();
    check = (check + parsed.id + (digest[0] ?? 0)) % 1_000_003;
  }
  return check;
}

export async function calibrate(
  repeats = CALIBRATION_REPEATS,
  spacingMs = CALIBRATION_SPACING_MS,
): Promise<Calibration> {
  let check = workload();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    if (spacingMs > 0) await new Promise((resolve) => setTimeout(resolve, spacingMs));
    const before = process.cpuUsage();
    check ^= workload();
    const used = process.cpuUsage(before);
    times.push((used.user + used.system) / 1000);
  }
  // `check` is read so the passes cannot be dropped as dead code.
  if (check < 0) throw new Error('unreachable');
  return { cpu_ms: round(median(times), 2), by_repeat_ms: times.map((t) => round(t, 2)) };
}

/** end / start − 1, or null without both. */
export function speedDrift(start: Calibration | null, end: Calibration | null): number | null {
  if (start === null || end === null || start.cpu_ms <= 0) return null;
  return round(end.cpu_ms / start.cpu_ms - 1, 3);
}

/** Why the run is unfit to judge on its machine's speed, or null when it held. */
export function speedDriftReason(start: Calibration, end: Calibration): string | null {
  const drift = speedDrift(start, end);
  if (drift === null || Math.abs(drift) <= MAX_SPEED_DRIFT) return null;
  return `machine speed: the calibration workload took ${end.cpu_ms} ms of CPU at the end and ${start.cpu_ms} ms at the start (drift ${drift}, limit ±${MAX_SPEED_DRIFT})`;
}
