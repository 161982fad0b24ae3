import { AnswerGrouper, vote } from '../../../src/answer';
import { distinctAnswers } from '../../../src/sim';
import fs from 'node:fs';
import os from 'node:os';
import { createGroupingPool, type GroupingPool } from '../../../src/workers';
import { GROUPING_WORKER_NICE, lowerOwnThreadPriority } from '../../../src/workers/thread-priority';

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

/** Nice value of each thread of this process (Linux: field 19 of /proc/self/task/<tid>/stat). */
function threadNiceValues(): Map<number, number> {
  const nice = new Map<number, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    nice.set(Number(tid), Number(fields[16]));
  }
  return nice;
}

describe('grouping worker priority', () => {
  it('does nothing off Linux, where the nice value is per process', () => {
    expect(lowerOwnThreadPriority('darwin')).toBe(false);
    expect(lowerOwnThreadPriority('win32')).toBe(false);
  });

  const onLinux = process.platform === 'linux' ? describe : describe.skip;
  onLinux('on Linux', () => {
    it('lowers the worker thread alone: the event loop keeps its priority', async () => {
      const before = threadNiceValues();
      const pool = createGroupingPool({ size: 1 });
      try {
        const session = pool.openSession();
        await session.place(['\\frac12', '\\sqrt{2}']);
        session.close();
        const after = threadNiceValues();
        const added = [...after].filter(([tid]) => !before.has(tid));
        expect(added.map(([, nice]) => nice)).toContain(GROUPING_WORKER_NICE);
        expect(after.get(process.pid)).toBe(before.get(process.pid));
        expect(os.getPriority(0)).toBe(before.get(process.pid));
      } finally {
        await pool.close();
      }
    });
  });
});
