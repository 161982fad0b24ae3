import { AnswerGrouper, vote } from '../../../src/answer';
import { distinctAnswers } from '../../../src/sim';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { createGroupingPool, type GroupingPool } from '../../../src/workers';
import {
  GROUPING_WORKER_NICE,
  lowerOwnThreadPriority,
  ownThreadId,
} from '../../../src/workers/thread-priority';

describe('createGroupingPool', () => {
  let pool: GroupingPool;
  beforeAll(() => {
    pool = createGroupingPool({ size: 2 });
  });
  afterAll(() => pool.close());

  it('groups in a worker exactly as the grouper does here, across batches', async () => {
    const answers = [...distinctAnswers(30, 0), ...distinctAnswers(30, 1), null, '  '];
    const session = pool.openSession();
    await session.place(answers.slice(0, 25));
    await session.place(answers);
    const local = new AnswerGrouper();
    local.add(answers);
    expect(answers.map((answer) => session.groupOf(answer))).toEqual(
      answers.map((answer) => local.groupOf(answer)),
    );
    expect(session.stats()).toEqual(local.stats());
    session.close();
  });

  it('groups plain numerals here, then hands them to the worker with the first symbolic batch', async () => {
    const batches = [
      ['3', '0.5', '3.0', '-2'],
      ['0.50', '7', null],
      ['\\frac12', '\\sqrt{9}', '3', '2^{-1}'],
      ['0.5000001', '\\frac{14}{2}'],
    ];
    const session = pool.openSession();
    const local = new AnswerGrouper();
    for (const batch of batches) {
      await session.place(batch);
      local.add(batch);
      expect(session.stats()).toEqual(local.stats());
    }
    const all = batches.flat();
    expect(all.map((answer) => session.groupOf(answer))).toEqual(
      all.map((answer) => local.groupOf(answer)),
    );
    expect(session.groupOf('\\frac12')).toBe(session.groupOf('0.5'));
    session.close();
  });

  it('needs no worker while every answer is a plain numeral', async () => {
    const own = createGroupingPool({ size: 1 });
    const session = own.openSession();
    await own.close();
    await session.place(['12', '12.0', '13']);
    expect(session.groupOf('12.0')).toBe(session.groupOf('12'));
    expect(session.groupOf('13')).not.toBe(session.groupOf('12'));
    expect(session.stats().degradedReason).toBeNull();
  });

  it('lets vote read a placed session without comparing again', async () => {
    const session = pool.openSession();
    const answers = ['\\frac{\\sqrt{2}}{2}', '\\frac{1}{\\sqrt{2}}', '3'];
    await session.place(answers);
    const result = vote(
      answers.map((answer) => ({ answer, score: 0.5 })),
      'majority',
      { grouper: session },
    );
    expect(result.winner?.members).toEqual([0, 1]);
    expect(session.stats().degradedReason).toBeNull();
    session.close();
  });

  it('falls back to key equality, labelled, when the worker is gone', async () => {
    const own = createGroupingPool({ size: 1 });
    const session = own.openSession();
    await session.place(['\\sqrt{8}']);
    await own.close();
    await session.place(['2\\sqrt{2}', '0.5', '\\frac12']);
    expect(session.groupOf('2\\sqrt{2}')).not.toBe(session.groupOf('\\sqrt{8}'));
    expect(session.groupOf('0.5')).toBe(session.groupOf('\\frac12'));
    expect(session.stats().degradedReason).toBe('worker-failed');
  });

  it('labels answers a caller forgot to place', () => {
    const session = pool.openSession();
    session.add(['7']);
    expect(session.groupOf('7')).not.toBeNull();
    expect(session.stats().degradedReason).toBe('not-placed');
    session.close();
  });
});

/** Nice value and scheduling policy of each thread of this process (Linux: fields 19 and 41 of /proc/self/task/<tid>/stat). */
function threadPriorities(): Map<number, { nice: number; policy: number }> {
  const threads = new Map<number, { nice: number; policy: number }>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(Number(tid), { nice: Number(fields[16]), policy: Number(fields[38]) });
    } catch {
      // The thread ended while we read.
    }
  }
  return threads;
}

/** sched.h: SCHED_OTHER 0, SCHED_IDLE 5. */
const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

/**
 * Whether this machine lets a process enter SCHED_IDLE through chrt (a trial run of `true`):
 * chrt may be missing, or a seccomp policy may refuse the call.
 */
function canEnterSchedIdle(): boolean {
  return spawnSync('chrt', ['-i', '0', 'true'], { stdio: 'ignore' }).status === 0;
}

describe('grouping worker priority', () => {
  /** Fake calls that record what was asked and answer as told. */
  function fakeScheduling(niceOk: boolean, idleOk: boolean) {
    const asked: string[] = [];
    return {
      asked,
      scheduling: {
        niceOwnThread: (nice: number) => (asked.push(`nice ${nice}`), niceOk),
        idleOwnThread: () => (asked.push('idle'), Promise.resolve(idleOk)),
      },
    };
  }

  it('does nothing off Linux, where nice and policy are per process', async () => {
    const { asked, scheduling } = fakeScheduling(true, true);
    await expect(lowerOwnThreadPriority('darwin', scheduling)).resolves.toBe('unchanged');
    await expect(lowerOwnThreadPriority('win32', scheduling)).resolves.toBe('unchanged');
    expect(asked).toEqual([]);
  });

  it('on Linux sets nice 10, then asks for SCHED_IDLE, and says how far it got', async () => {
    const cases: [boolean, boolean, string][] = [
      [true, true, 'idle'],
      [true, false, 'nice'],
      [false, true, 'idle'],
      [false, false, 'unchanged'],
    ];
    for (const [niceOk, idleOk, expected] of cases) {
      const { asked, scheduling } = fakeScheduling(niceOk, idleOk);
      await expect(lowerOwnThreadPriority('linux', scheduling)).resolves.toBe(expected);
      expect(asked).toEqual([`nice ${GROUPING_WORKER_NICE}`, 'idle']);
    }
  });

  it("reads its own thread id (the main thread's is the process id)", () => {
    if (process.platform !== 'linux') return;
    expect(ownThreadId()).toBe(process.pid);
  });

  const onLinux = process.platform === 'linux' ? describe : describe.skip;
  onLinux('on Linux', () => {
    /** Starts a one-worker pool, groups once, and returns the priorities of the threads it added. */
    async function workerPriorities(expectedPolicy: number): Promise<{
      added: { nice: number; policy: number }[];
      before: Map<number, { nice: number; policy: number }>;
    }> {
      const before = threadPriorities();
      const pool = createGroupingPool({ size: 1 });
      try {
        const session = pool.openSession();
        await session.place(['\\frac12', '\\sqrt{2}']);
        session.close();
        // chrt runs asynchronously after the worker starts: wait for it (bounded).
        let added: { nice: number; policy: number }[] = [];
        for (let attempt = 0; attempt < 100; attempt += 1) {
          added = [...threadPriorities()].filter(([tid]) => !before.has(tid)).map(([, p]) => p);
          if (added.some((p) => p.nice === GROUPING_WORKER_NICE && p.policy === expectedPolicy))
            break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return { added, before };
      } finally {
        await pool.close();
      }
    }

    it("reports each started worker's priority to onPriority (for a log line)", async () => {
      const reports: string[] = [];
      const pool = createGroupingPool({
        size: 1,
        onPriority: (priority) => reports.push(priority),
      });
      try {
        const session = pool.openSession();
        await session.place(['1', '2']);
        session.close();
        for (let attempt = 0; attempt < 100 && reports.length === 0; attempt += 1)
          await new Promise((resolve) => setTimeout(resolve, 20));
        expect(reports).toEqual([canEnterSchedIdle() ? 'idle' : 'nice']);
      } finally {
        await pool.close();
      }
    });

    it('lowers the worker thread alone (SCHED_IDLE where chrt runs, else nice 10 only): the event loop keeps its own', async () => {
      const expectedPolicy = canEnterSchedIdle() ? SCHED_IDLE : SCHED_OTHER;
      const { added, before } = await workerPriorities(expectedPolicy);
      expect(added).toContainEqual({ nice: GROUPING_WORKER_NICE, policy: expectedPolicy });
      const main = threadPriorities().get(process.pid);
      expect(main).toEqual(before.get(process.pid));
      expect(main?.policy).toBe(SCHED_OTHER);
      expect(os.getPriority(0)).toBe(before.get(process.pid)?.nice);
    });
  });
});
