/**
 * The noise check: a run on a busy machine must not print verdicts. Two signals, both measured:
 * - foreign CPU: the share of the machine's CPU used by processes that are not the bench's
 *   (`/proc/stat` busy time minus ours), before the run (idle baseline) and over each section;
 * - run-to-run spread: for paired rounds, how closely their per-round ratios pin down the median
 *   the verdicts read: the width of the median's distribution-free 90% interval over the rounds
 *   (`medianInterval`), relative to the median. With five rounds that interval is their whole
 *   range, (max − min) / median; with more rounds it leaves out as many extremes as the
 *   confidence allows (eleven rounds: the 3rd to the 9th smallest). The range is reported
 *   beside it, and the minimum over all rounds stays a target of its own;
 * and what a section itself finds that makes the whole run unfit to judge (`flag`).
 * A run is valid only when both stay under their limits and nothing was flagged; otherwise every
 * target is reported with its measured value and `met: null` ("not judged"), never with a verdict.
 *
 * A change of the machine's own speed during the run (`speedChanged`: the host of a virtual
 * machine took more or less of it, ./machine-speed.ts) moves every absolute figure, ms per
 * request most, and is reported apart: it voids the targets on such figures (`speed_steady`
 * false), not the ratios of paired, interleaved rounds, whose two arms share each stretch of time
 * and whose spread the limit above still judges, nor counts and memory ratios, which do not
 * follow the CPU's speed.
 *
 * A comparison this run could not make is set apart instead (`unjudged`): a bare hop whose pace
 * its load side set or squeezed, so that its throughput is not its own (mostly the streamed
 * passthrough at concurrency 16 on a 2-CPU machine). Its ratio can only be too high, so its
 * targets read `met: false` on a miss and `met: null` with the reason otherwise; the others are
 * still judged, and its spread does not void the run.
 */
import os from 'node:os';
import { createForeignCpuMeter, machineBusyMs } from './proc-stats';
import { median, medianInterval, round } from './summarize';

/** At most this share of the machine used by others during a measured section. */
export const MAX_FOREIGN_CPU_SHARE = 0.15;
/** At most this width, relative to the median, of the median's interval over paired rounds. */
export const MAX_MEDIAN_INTERVAL_WIDTH = 0.15;
/** The confidence of that interval. */
export const MEDIAN_INTERVAL_CONFIDENCE = 0.9;

/** One paired comparison's round-to-round spread. */
export interface RatioSpread {
  /** (max − min) / median of the per-round ratios. */
  range: number;
  /** The median's distribution-free interval (`medianInterval`) and its coverage. */
  median_interval: [number, number];
  median_interval_coverage: number;
  /** Its width relative to the median: what the limit judges. */
  median_interval_width: number;
}

export interface NoiseLedger {
  /** Meters one section: call the returned function when it ends. */
  section(name: string, pids: readonly number[]): () => void;
  /** Records the per-round ratios of a paired comparison. */
  spread(name: string, ratios: readonly number[]): void;
  /** Something that makes this run unfit to judge at all, with why. */
  flag(reason: string): void;
  /** One comparison this rig cannot judge (`name` as its targets name it), with why. */
  unjudged(name: string, reason: string): void;
  /** The machine's own speed changed during the run (how much, and the limit). */
  speedChanged(reason: string): void;
  report(): NoiseReport;
}

export interface NoiseReport {
  idle_foreign_cpu_share: number;
  sections: Record<string, { foreign_cpu_share: number; wall_s: number }>;
  ratio_spreads: Record<string, RatioSpread>;
  /** What the sections found that makes the run unfit to judge (each is also a reason). */
  flags: string[];
  /** Comparisons this rig could not judge, by name, with why: their targets are not judged. */
  unjudged: Record<string, string>;
  limits: {
    max_foreign_cpu_share: number;
    max_median_interval_width: number;
    median_interval_confidence: number;
  };
  is_valid: boolean;
  reasons: string[];
  /**
   * False when the machine's own speed changed during the run: the targets on absolute figures
   * (CPU ms, wall time over an ideal) are then not judged, with `speed_reasons` as why.
   */
  speed_steady: boolean;
  speed_reasons: string[];
}

/** Share of the whole machine (all cores) busy during `ms` of sleep, before anything starts. */
export async function idleForeignShare(ms: number): Promise<number> {
  const before = machineBusyMs();
  const self = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const mine = process.cpuUsage(self);
  const busy = machineBusyMs() - before - (mine.user + mine.system) / 1000;
  return round(Math.max(0, busy) / ms / os.cpus().length);
}

export function createNoiseLedger(idleShare: number): NoiseLedger {
  const sections: NoiseReport['sections'] = {};
  const spreads: Record<string, RatioSpread> = {};
  const flags: string[] = [];
  const unjudged: Record<string, string> = {};
  const speedReasons: string[] = [];
  return {
    section(name, pids) {
      const meter = createForeignCpuMeter(pids);
      const started = performance.now();
      return () => {
        const wallMs = performance.now() - started;
        sections[name] = {
          foreign_cpu_share: round(meter() / wallMs / os.cpus().length),
          wall_s: round(wallMs / 1000, 1),
        };
      };
    },
    spread(name, ratios) {
      const middle = median(ratios);
      const interval = medianInterval(ratios, MEDIAN_INTERVAL_CONFIDENCE);
      spreads[name] = {
        range: round((Math.max(...ratios) - Math.min(...ratios)) / middle),
        median_interval: [interval.low, interval.high],
        median_interval_coverage: interval.coverage,
        median_interval_width: round((interval.high - interval.low) / middle),
      };
    },
    flag(reason) {
      flags.push(reason);
    },
    unjudged(name, reason) {
      unjudged[name] = reason;
    },
    speedChanged(reason) {
      speedReasons.push(reason);
    },
    report() {
      const reasons: string[] = [];
      if (idleShare > MAX_FOREIGN_CPU_SHARE)
        reasons.push(`idle baseline: ${idleShare} of the machine busy with other processes`);
      for (const [name, section] of Object.entries(sections))
        if (section.foreign_cpu_share > MAX_FOREIGN_CPU_SHARE)
          reasons.push(`${name}: foreign CPU share ${section.foreign_cpu_share}`);
      // An unjudged comparison's spread does not void the others: it is not judged anyway.
      for (const [name, spread] of Object.entries(spreads))
        if (
          !(spread.median_interval_width <= MAX_MEDIAN_INTERVAL_WIDTH) &&
          unjudged[name] === undefined
        )
          reasons.push(
            `${name}: the median's interval over the rounds is ${spread.median_interval_width} of it wide (range ${spread.range})`,
          );
      reasons.push(...flags);
      return {
        idle_foreign_cpu_share: idleShare,
        sections,
        ratio_spreads: spreads,
        flags: [...flags],
        unjudged: { ...unjudged },
        limits: {
          max_foreign_cpu_share: MAX_FOREIGN_CPU_SHARE,
          max_median_interval_width: MAX_MEDIAN_INTERVAL_WIDTH,
          median_interval_confidence: MEDIAN_INTERVAL_CONFIDENCE,
        },
        is_valid: reasons.length === 0,
        reasons,
        speed_steady: speedReasons.length === 0,
        speed_reasons: [...speedReasons],
      };
    },
  };
}
