import { readFileSync } from 'node:fs';
import { addUpSlices, type SliceCost } from '../../bench/lib/arm-slice';
import {
  parseProcIo,
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
  };
}

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
    const partial = addUpSlices([slice(100, { reads: 1, writes: 1 }), slice(100, null)], {
      underTest: 1,
      rest: 1,
    });
    expect(partial.syscallsPerRequest.underTest).toBeNull();
  });
});
