/**
 * The noise check: a run on a busy machine must not print verdicts. Two signals, both measured:
 * - foreign CPU: the share of the machine's CPU used by processes that are not the bench's
 *   (`/proc/stat` busy time minus ours), before the run (idle baseline) and over each section;
 * - run-to-run spread: for paired rounds, (max − min) / median of the per-round ratios;
 * and what a section itself finds that makes the whole run unfit to judge (`flag`).
 * A run is valid only when both stay under their limits and nothing was flagged; otherwise every
 * target is reported with its measured value and `met: null` ("not judged"), never with a verdict.
 *
 * A comparison this run could not make is set apart instead (`unjudged`): a bare hop whose pace
 * its load side set or squeezed, so that its throughput is not its own (mostly the streamed
 * passthrough at concurrency 16 on a 2-CPU machine). Its ratio can only be too high, so its
 * targets read `met: false` on a miss and `met: null` with the reason otherwise; the others are
 * still judged, and its spread does not void the run.
 */
import os from 'node:os';
import { createForeignCpuMeter, machineBusyMs } from './proc-stats';
import { median, round } from './summarize';

/** At most this share of the machine used by others during a measured section. */
export const MAX_FOREIGN_CPU_SHARE = 0.15;
/** At most this relative spread of paired per-round ratios. */
export const MAX_RATIO_SPREAD = 0.15;

export interface NoiseLedger {
  /** Meters one section: call the returned function when it ends. */
  section(name: string, pids: readonly number[]): () => void;
  /** Records the per-round ratios of a paired comparison. */
  spread(name: string, ratios: readonly number[]): void;
  /** Something that makes this run unfit to judge at all, with why. */
  flag(reason: string): void;
  /** One comparison this rig cannot judge (`name` as its targets name it), with why. */
  unjudged(name: string, reason: string): void;
  report(): NoiseReport;
}

export interface NoiseReport {
  idle_foreign_cpu_share: number;
  sections: Record<string, { foreign_cpu_share: number; wall_s: number }>;
  ratio_spreads: Record<string, number>;
  /** What the sections found that makes the run unfit to judge (each is also a reason). */
  flags: string[];
  /** Comparisons this rig could not judge, by name, with why: their targets are not judged. */
  unjudged: Record<string, string>;
  limits: { max_foreign_cpu_share: number; max_ratio_spread: number };
  is_valid: boolean;
  reasons: string[];
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
  const spreads: Record<string, number> = {};
  const flags: string[] = [];
  const unjudged: Record<string, string> = {};
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
      spreads[name] = round((Math.max(...ratios) - Math.min(...ratios)) / middle);
    },
    flag(reason) {
      flags.push(reason);
    },
    unjudged(name, reason) {
      unjudged[name] = reason;
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
        if (!(spread <= MAX_RATIO_SPREAD) && unjudged[name] === undefined)
          reasons.push(`${name}: round-to-round spread ${spread}`);
      reasons.push(...flags);
      return {
        idle_foreign_cpu_share: idleShare,
        sections,
        ratio_spreads: spreads,
        flags: [...flags],
        unjudged: { ...unjudged },
        limits: {
          max_foreign_cpu_share: MAX_FOREIGN_CPU_SHARE,
          max_ratio_spread: MAX_RATIO_SPREAD,
        },
        is_valid: reasons.length === 0,
        reasons,
      };
    },
  };
}
