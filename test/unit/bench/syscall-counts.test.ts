import { readFileSync } from 'node:fs';
import { addUpSlices, type SliceCost } from '../../bench/lib/arm-slice';
import {
  crossCpuInterrupts,
  mainThreadSleeps,
  parseCrossCpuInterrupts,
  parseProcIo,
  parseVoluntarySwitches,
  syscallCounts,
  syscallsBetween,
  type SyscallCounts,
} from '../../bench/lib/proc-stats';

// The layout of /proc/<pid>/io (proc(5), "/proc/pid/io"), as Linux 6.x prints it.
const PROC_IO = `rchar: 6976
wchar: 120
syscr: 10
syscw: 3
read_bytes: 0
write_bytes: 0
cancelled_write_bytes: 0
`;

function slice(count: number, underTest: SyscallCounts | null): SliceCost {
  return {
    ok: count,
    count,
    wallMs: 1000,
    latenciesMs: Array.from({ length: count }, () => 1),
    errors: 0,
    underTestCpuMs: 100,
    loadSideCpuMs: 100,
    underTestBusyMs: null,
    restBusyMs: null,
    syscalls: { underTest, loadGenerator: { reads: count * 2, writes: count }, upstream: null },
    wakeups: {
      underTestSleeps: count * 3,
      loadGeneratorSleeps: count,
      upstreamSleeps: null,
      underTestCpuInterrupts: count / 2,
      restCpuInterrupts: 0,
    },
  };
}

// /proc/interrupts on a two-CPU x86 guest (proc(5), "/proc/interrupts"; arch/x86/kernel/irq.c
// prints RES and CAL per CPU), trimmed to a device line and the rows read here.
const PROC_INTERRUPTS = `           CPU0       CPU1
 24:          1          0  IO-APIC   5-edge      ACPI:Ged
LOC:   11067582   15822454   Local timer interrupts
RES:    3188534   38851447   Rescheduling interrupts
CAL:   38709738   40151905   Function call interrupts
TLB:     636008     666038   TLB shootdowns
`;

// The two context-switch lines of /proc/<pid>/task/<tid>/status (proc(5)), with a neighbour.
const PROC_STATUS = `Cpus_allowed_list:	0
voluntary_ctxt_switches:	1234
nonvoluntary_ctxt_switches:	56
`;

describe('system call counts from /proc/<pid>/io', () => {
  it('reads syscr and syscw, and nothing from a text without them', () => {
    expect(parseProcIo(PROC_IO)).toEqual({ reads: 10, writes: 3 });
    expect(parseProcIo('rchar: 1\nwchar: 2\n')).toBeNull();
    expect(parseProcIo('')).toBeNull();
  });

  it('subtracts two readings, and gives null when either is missing', () => {
    expect(syscallsBetween({ reads: 10, writes: 3 }, { reads: 25, writes: 4 })).toEqual({
      reads: 15,
      writes: 1,
    });
    expect(syscallsBetween(null, { reads: 1, writes: 1 })).toBeNull();
    expect(syscallsBetween({ reads: 1, writes: 1 }, null)).toBeNull();
  });

  it('counts this process reading a file (Linux only)', () => {
    const before = syscallCounts(process.pid);
    if (before === null) return; // no /proc/<pid>/io here: the bench reports null
    for (let i = 0; i < 5; i++) readFileSync(__filename);
    const after = syscallCounts(process.pid);
    expect(after).not.toBeNull();
    expect((after as SyscallCounts).reads - before.reads).toBeGreaterThanOrEqual(5);
  });

  it('gives no counts for a process that does not exist', () => {
    expect(syscallCounts(2 ** 22 + 1)).toBeNull();
  });

  it("reads a thread's voluntary context switches, and nothing from a text without them", () => {
    expect(parseVoluntarySwitches(PROC_STATUS)).toBe(1234);
    expect(parseVoluntarySwitches('nonvoluntary_ctxt_switches:\t56\n')).toBeNull();
  });

  it('sums the rescheduling and function-call interrupts of the listed CPUs', () => {
    expect(parseCrossCpuInterrupts(PROC_INTERRUPTS, [0])).toBe(3188534 + 38709738);
    expect(parseCrossCpuInterrupts(PROC_INTERRUPTS, [1])).toBe(38851447 + 40151905);
    expect(parseCrossCpuInterrupts(PROC_INTERRUPTS, [0, 1])).toBe(
      3188534 + 38709738 + 38851447 + 40151905,
    );
    // A CPU the file has no column for, or a file without both rows: not counted as zero.
    expect(parseCrossCpuInterrupts(PROC_INTERRUPTS, [2])).toBeNull();
    expect(parseCrossCpuInterrupts(PROC_INTERRUPTS.replace(/^CAL:.*$/m, ''), [0])).toBeNull();
  });

  it("counts this process's event loop sleeping on a timer (Linux only)", async () => {
    expect(mainThreadSleeps(2 ** 22 + 1)).toBeNull();
    const before = mainThreadSleeps(process.pid);
    if (before === null) return; // no /proc here: the bench reports null
    // A timer wait is a sleep unless the thread was descheduled past its due time first (then
    // the loop polls without blocking): on a loaded machine that happens, so wait a few times.
    let after = before;
    for (let wait = 0; wait < 20 && after <= before; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      after = mainThreadSleeps(process.pid) ?? before;
    }
    expect(after).toBeGreaterThan(before);
  });

  it("reads this machine's cross-CPU interrupts (Linux only)", () => {
    const interrupts = crossCpuInterrupts([0]);
    if (interrupts === null) return; // no /proc/interrupts here
    expect(Number.isInteger(interrupts)).toBe(true);
    expect(crossCpuInterrupts([0, 2 ** 20])).toBeNull();
  });

  it('adds up a round per request, null for a process any slice could not read', () => {
    const round = addUpSlices(
      [slice(100, { reads: 300, writes: 500 }), slice(300, { reads: 500, writes: 700 })],
      {
        underTest: 1,
        rest: 1,
      },
    );
    expect(round.syscallsPerRequest.underTest).toEqual({ reads: 2, writes: 3 });
    expect(round.syscallsPerRequest.loadGenerator).toEqual({ reads: 2, writes: 1 });
    expect(round.syscallsPerRequest.upstream).toBeNull();
    expect(round.wakeupsPerRequest).toEqual({
      underTestSleeps: 3,
      loadGeneratorSleeps: 1,
      upstreamSleeps: null,
      underTestCpuInterrupts: 0.5,
      restCpuInterrupts: 0,
    });
    const partial = addUpSlices([slice(100, { reads: 1, writes: 1 }), slice(100, null)], {
      underTest: 1,
      rest: 1,
    });
    expect(partial.syscallsPerRequest.underTest).toBeNull();
  });
});
