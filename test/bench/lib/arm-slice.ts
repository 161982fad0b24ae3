/**
 * One slice of one arm of a throughput comparison (a fixed number of requests through one
 * target), with what it cost on each side of the rig, and the sum of a round's slices.
 *
 * Two sides: the process under test (the proxy, the bare hop, or nothing for direct calls) and
 * the load side (this load generator and the policy simulator). On a pinned rig each side has its
 * own CPUs, and their busy shares tell which side set the pace: if the load side's CPUs were the
 * busier, the throughput of that arm is the load side's, not the process under test's.
 */
import {
  cpuMs,
  cpusBusyMs,
  crossCpuInterrupts,
  mainThreadSleeps,
  syscallCounts,
  syscallsBetween,
  type SyscallCounts,
} from './proc-stats';
import { runLoad, type LoadOptions } from './run-load';
import { median, round, summarize } from './summarize';

export interface SliceCost {
  /** Requests answered with a 200, and the wall time they took. */
  ok: number;
  count: number;
  wallMs: number;
  latenciesMs: number[];
  errors: number;
  /** CPU of the process under test (ms), or null for direct calls. */
  underTestCpuMs: number | null;
  /** CPU of this process and the policy simulator (ms). */
  loadSideCpuMs: number;
  /** Busy time of the pinned CPU sets (ms), or null unpinned. */
  underTestBusyMs: number | null;
  restBusyMs: number | null;
  /** Read and write system calls each process made in the slice (null: not readable here). */
  syscalls: SliceSyscalls;
  /** Wake-ups in the slice (null: not readable here, or unpinned for the interrupts). */
  wakeups: SliceWakeups;
}

/**
 * What the pieces of traffic cost in wake-ups: how often each process's event loop went to sleep
 * (and had to be woken), and the cross-CPU interrupts each pinned CPU set took. A relay that
 * sleeps between an upstream's writes is woken once per write it reads, and the writer's CPU pays
 * for waking it (docs/performance.md, the passthrough section).
 */
export interface SliceWakeups {
  underTestSleeps: number | null;
  loadGeneratorSleeps: number | null;
  upstreamSleeps: number | null;
  underTestCpuInterrupts: number | null;
  restCpuInterrupts: number | null;
}

const WAKEUP_FIELDS = [
  'underTestSleeps',
  'loadGeneratorSleeps',
  'upstreamSleeps',
  'underTestCpuInterrupts',
  'restCpuInterrupts',
] as const satisfies readonly (keyof SliceWakeups)[];

function wakeupCounts(probe: SliceProbe): SliceWakeups {
  return {
    underTestSleeps: probe.underTestPid === null ? null : mainThreadSleeps(probe.underTestPid),
    loadGeneratorSleeps: mainThreadSleeps(process.pid),
    upstreamSleeps: mainThreadSleeps(probe.simulatorPid),
    underTestCpuInterrupts:
      probe.underTestCpus === null ? null : crossCpuInterrupts(probe.underTestCpus),
    restCpuInterrupts: probe.restCpus === null ? null : crossCpuInterrupts(probe.restCpus),
  };
}

/** The same reading of each wake-up count. */
function eachWakeup(read: (field: keyof SliceWakeups) => number | null): SliceWakeups {
  return Object.fromEntries(WAKEUP_FIELDS.map((field) => [field, read(field)])) as Record<
    keyof SliceWakeups,
    number | null
  >;
}

function wakeupsBetween(before: SliceWakeups, after: SliceWakeups): SliceWakeups {
  return eachWakeup((field) => {
    const a = after[field];
    const b = before[field];
    return a === null || b === null ? null : a - b;
  });
}

/**
 * The process under test's, the load generator's (this process) and the upstream's: how many
 * pieces each read and wrote, which the CPU per request follows on streamed answers.
 */
export interface SliceSyscalls {
  underTest: SyscallCounts | null;
  loadGenerator: SyscallCounts | null;
  upstream: SyscallCounts | null;
}

/** The same reading of each side's counts. */
function bySide(read: (side: keyof SliceSyscalls) => SyscallCounts | null): SliceSyscalls {
  return {
    underTest: read('underTest'),
    loadGenerator: read('loadGenerator'),
    upstream: read('upstream'),
  };
}

export interface SliceProbe {
  underTestPid: number | null;
  simulatorPid: number;
  underTestCpus: readonly number[] | null;
  restCpus: readonly number[] | null;
}

export async function measureSlice(probe: SliceProbe, load: LoadOptions): Promise<SliceCost> {
  const busy = (cpus: readonly number[] | null): number | null =>
    cpus === null ? null : cpusBusyMs(cpus);
  const underTestBefore = probe.underTestPid === null ? 0 : cpuMs(probe.underTestPid);
  const busyUnderBefore = busy(probe.underTestCpus);
  const busyRestBefore = busy(probe.restCpus);
  const counts = (): SliceSyscalls => ({
    underTest: probe.underTestPid === null ? null : syscallCounts(probe.underTestPid),
    loadGenerator: syscallCounts(process.pid),
    upstream: syscallCounts(probe.simulatorPid),
  });
  const syscallsBefore = counts();
  const wakeupsBefore = wakeupCounts(probe);
  const selfBefore = process.cpuUsage();
  const simBefore = cpuMs(probe.simulatorPid);
  const result = await runLoad(load);
  const self = process.cpuUsage(selfBefore);
  const syscallsAfter = counts();
  const wakeupsAfter = wakeupCounts(probe);
  const since = (after: number | null, before: number | null): number | null =>
    after === null || before === null ? null : after - before;
  return {
    ok: result.latenciesMs.length,
    count: load.count,
    wallMs: result.wallMs,
    latenciesMs: result.latenciesMs,
    errors: result.errors,
    underTestCpuMs:
      probe.underTestPid === null ? null : cpuMs(probe.underTestPid) - underTestBefore,
    loadSideCpuMs: (self.user + self.system) / 1000 + cpuMs(probe.simulatorPid) - simBefore,
    underTestBusyMs: since(busy(probe.underTestCpus), busyUnderBefore),
    restBusyMs: since(busy(probe.restCpus), busyRestBefore),
    syscalls: bySide((side) => syscallsBetween(syscallsBefore[side], syscallsAfter[side])),
    wakeups: wakeupsBetween(wakeupsBefore, wakeupsAfter),
  };
}

/** One arm's round: the sums of its slices. */
export interface ArmRound {
  throughput: number;
  p50: number;
  p99: number;
  underTestCpuMsPerRequest: number | null;
  loadSideCpuMsPerRequest: number;
  /** Busy share of each pinned CPU set over the arm's slices (null unpinned), anyone's work. */
  underTestBusyShare: number | null;
  restBusyShare: number | null;
  /**
   * The share of its CPUs each side used itself (its processes' CPU time over the wall time),
   * which other users of the machine do not inflate: the side nearer 1 set the pace.
   */
  underTestOwnShare: number | null;
  loadSideOwnShare: number;
  /** Read and write system calls per request of each process, over the round's slices. */
  syscallsPerRequest: SliceSyscalls;
  /** The wake-up counts per request, over the round's slices. */
  wakeupsPerRequest: SliceWakeups;
  errors: number;
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** The counts of all slices per request, or null when any slice lacks them. */
function perRequest(
  counts: readonly (SyscallCounts | null)[],
  requests: number,
): SyscallCounts | null {
  const reads = sumOrNull(counts.map((c) => c?.reads ?? null));
  const writes = sumOrNull(counts.map((c) => c?.writes ?? null));
  return requests <= 0 || reads === null || writes === null
    ? null
    : { reads: reads / requests, writes: writes / requests };
}

function sumOrNull(values: readonly (number | null)[]): number | null {
  return values.some((value) => value === null) ? null : sum(values as number[]);
}

export function addUpSlices(
  slices: readonly SliceCost[],
  cpuCounts: { underTest: number; rest: number },
): ArmRound {
  const wallMs = sum(slices.map((slice) => slice.wallMs));
  const count = sum(slices.map((slice) => slice.count));
  const latency = summarize(slices.flatMap((slice) => slice.latenciesMs));
  const share = (ms: number | null, cpus: number): number | null =>
    ms === null ? null : ms / wallMs / cpus;
  const underTestCpu = sumOrNull(slices.map((slice) => slice.underTestCpuMs));
  const loadSideCpu = sum(slices.map((slice) => slice.loadSideCpuMs));
  return {
    throughput: (sum(slices.map((slice) => slice.ok)) * 1000) / wallMs,
    p50: latency.p50,
    p99: latency.p99,
    underTestCpuMsPerRequest: underTestCpu === null ? null : underTestCpu / count,
    loadSideCpuMsPerRequest: loadSideCpu / count,
    underTestBusyShare: share(
      sumOrNull(slices.map((slice) => slice.underTestBusyMs)),
      cpuCounts.underTest,
    ),
    restBusyShare: share(sumOrNull(slices.map((slice) => slice.restBusyMs)), cpuCounts.rest),
    underTestOwnShare: share(underTestCpu, cpuCounts.underTest),
    loadSideOwnShare: loadSideCpu / wallMs / cpuCounts.rest,
    syscallsPerRequest: bySide((side) =>
      perRequest(
        slices.map((slice) => slice.syscalls[side]),
        count,
      ),
    ),
    wakeupsPerRequest: wakeupsPerRequest(slices, count),
    errors: sum(slices.map((slice) => slice.errors)),
  };
}

function wakeupsPerRequest(slices: readonly SliceCost[], requests: number): SliceWakeups {
  return eachWakeup((field) => {
    const total = sumOrNull(slices.map((slice) => slice.wakeups[field]));
    return total === null || requests <= 0 ? null : total / requests;
  });
}

/** Median over rounds of a per-round value that may be absent (null when any round lacks it). */
export function medianOrNull(values: readonly (number | null)[], digits = 3): number | null {
  return values.some((value) => value === null) ? null : round(median(values as number[]), digits);
}
