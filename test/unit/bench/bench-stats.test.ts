/**
 * Pure helpers of the bench's statistics and diagnostics: the pooled tail percentile beside
 * per-round ratios (test/bench/lib/paired-rounds.ts), per-thread CPU between two readings
 * (test/bench/lib/loop-stalls.ts), the GC ledger arithmetic (test/bench/lib/gc-control.ts) and
 * the two trace readers (test/bench/sched-waits.ts, test/bench/v8-phase-log.ts).
 */
import { gcBetween, gcSum, NO_GC } from '../../bench/lib/gc-control';
import { threadNameAndNice, threadRunDeltasMs } from '../../bench/lib/loop-stalls';
import { pairedRatios, pooledPercentileRatio } from '../../bench/lib/paired-rounds';
import { median } from '../../bench/lib/summarize';
import { chargeWaits, parseSchedLines } from '../../bench/sched-waits';
import { countByWindow, readV8Log } from '../../bench/v8-phase-log';
import { createSeededRandom } from '../../../src/util/seeded-random';

describe('median and paired ratios', () => {
  it('takes the mean of the two middle values of an even count, not the lower one', () => {
    // The nearest-rank p50 of two windows was the better one; of eight rounds, the fourth best.
    expect(median([2.667, 2.4])).toBeCloseTo(2.5335, 6);
    expect(median([5.6, 3.5, 2.2, 1.95, 2.08, 2.19, 2.83, 3.19])).toBeCloseTo((2.2 + 2.83) / 2, 6);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([])).toBeNaN();
  });

  it("gives the median's 90% interval beside it, the one a verdict must clear", () => {
    const ratios = pairedRatios([2, 4, 6, 8, 10, 12, 14, 16], [1, 1, 1, 1, 1, 1, 1, 1]);
    expect(ratios.median).toBe(9);
    expect(ratios.min).toBe(2);
    // Eight rounds: x(2)..x(7), coverage 1 − 2·9/256.
    expect(ratios.median_interval).toEqual([4, 14]);
    expect(ratios.median_interval_coverage).toBe(0.93);
  });
});

describe('pooledPercentileRatio', () => {
  it('takes the percentile of all rounds together, not of each round', () => {
    // Two rounds of 100: the worst 2% of the pool are the only slow samples.
    const fast = Array.from({ length: 99 }, (_, i) => 1 + i / 1000);
    const idle = [
      [...fast, 10],
      [...fast, 12],
    ];
    const loaded = [Array.from({ length: 100 }, () => 3), Array.from({ length: 100 }, () => 3)];
    const pooled = pooledPercentileRatio(loaded, idle, 99);
    // Nearest rank: the 198th of 200 sorted idle samples is a fast one.
    expect(pooled.denominator).toBeCloseTo(1.098, 3);
    expect(pooled.numerator).toBe(3);
    expect(pooled.samples).toEqual([200, 200]);
    expect(pooled.ratio).toBeCloseTo(3 / 1.098, 2);
  });

  it('moves less than per-round p99s when about 1% of samples meet a rare pause', () => {
    const random = createSeededRandom(18);
    const round = (): number[] =>
      Array.from({ length: 300 }, () =>
        random() < 0.01 ? 5 + random() * 5 : 0.3 + random() * 0.1,
      );
    const rounds = Array.from({ length: 8 }, round);
    const perRound = rounds.map((samples) => {
      const sorted = [...samples].sort((a, b) => a - b);
      return sorted[Math.ceil(0.99 * sorted.length) - 1] as number;
    });
    // Per round the third-worst of 300 is sometimes a pause, sometimes not: a wide range.
    expect(Math.max(...perRound) / Math.min(...perRound)).toBeGreaterThan(5);
    const pooled = pooledPercentileRatio(rounds, rounds, 99);
    expect(pooled.ratio).toBe(1);
    expect(pooled.samples).toEqual([2400, 2400]);
  });
});

describe('threadRunDeltasMs', () => {
  it('gives each thread its CPU between readings, new threads from zero', () => {
    const before = new Map([
      ['11', 5_000_000],
      ['12', 1_000_000],
    ]);
    const after = new Map([
      ['11', 7_500_000],
      ['12', 1_000_000],
      ['13', 2_000_000],
    ]);
    expect(threadRunDeltasMs(before, after)).toEqual([2.5, 0, 2]);
  });
});

describe('threadNameAndNice', () => {
  it('reads the name between the outer parentheses and the nice value (field 19)', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
    // stime cutime cstime priority nice ...
    const stat = '4242 (a (b) c) S 1 2 3 0 -1 4194560 10 0 0 0 7 3 0 0 30 10 1 0 99';
    expect(threadNameAndNice(stat)).toEqual({ name: 'a (b) c', nice: 10 });
    expect(threadNameAndNice('4242 (node) R 1 2 3')).toEqual({ name: 'node', nice: null });
  });
});

describe('gc ledger arithmetic', () => {
  it('subtracts two readings and adds windows', () => {
    const a = { count: 3, totalMs: 4, majorCount: 1, majorMs: 2 };
    const b = { count: 5, totalMs: 10, majorCount: 1, majorMs: 2 };
    expect(gcBetween(a, b)).toEqual({ count: 2, totalMs: 6, majorCount: 0, majorMs: 0 });
    expect(gcSum([a, b])).toEqual({ count: 8, totalMs: 14, majorCount: 2, majorMs: 4 });
    expect(gcSum([])).toEqual(NO_GC);
  });
});

describe('sched-waits', () => {
  // perf script lines: main thread 100 of process 100, its helper thread 101 (shown as pid/tid 100/101), another process 200.
  const lines = [
    '   100/100   [000] 10.000000: sched:sched_switch: prev_comm=node prev_pid=100 prev_prio=120 prev_state=S ==> next_comm=node next_pid=101 next_prio=120',
    '   200/200   [001] 10.001000: sched:sched_wakeup: comm=node pid=100 prio=120 target_cpu=000',
    '   100/101   [000] 10.004000: sched:sched_switch: prev_comm=node prev_pid=101 prev_prio=120 prev_state=R ==> next_comm=x next_pid=200 next_prio=120',
    '   200/200   [000] 10.006000: sched:sched_switch: prev_comm=x prev_pid=200 prev_prio=120 prev_state=S ==> next_comm=node next_pid=100 next_prio=120',
    '   100/100   [000] 10.007000: sched:sched_switch: prev_comm=node prev_pid=100 prev_prio=120 prev_state=R ==> next_comm=swapper next_pid=0 next_prio=120',
    '     0/0     [000] 10.008000: sched:sched_switch: prev_comm=swapper prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=node next_pid=100 next_prio=120',
  ].join('\n');

  it('parses the two scheduler events', () => {
    const events = parseSchedLines(lines);
    expect(events).toHaveLength(6);
    expect(events[1]).toMatchObject({ event: 'wakeup', nextTid: 100, pid: 200 });
    expect(events[2]).toMatchObject({
      event: 'switch',
      prevTid: 101,
      prevState: 'R',
      nextTid: 200,
    });
  });

  it('charges each stretch of a wait to the thread holding the CPU', () => {
    const events = parseSchedLines(lines);
    const charged = chargeWaits(events, 100, [{ label: 'w', from: 9, to: 11 }]);
    const byHolder = charged.get('w');
    // Woken at 10.001: 3 ms behind its own helper 101, 2 ms behind process 200; preempted at
    // 10.007 with the CPU then idle for 1 ms.
    expect(byHolder?.get('proxy thread 101')).toBeCloseTo(3, 6);
    expect(byHolder?.get('process 200')).toBeCloseTo(2, 6);
    expect(byHolder?.get('nobody (CPU idle)')).toBeCloseTo(1, 6);
  });

  it('names a proxy thread by the label the bench recorded for it', () => {
    const events = parseSchedLines(lines);
    const charged = chargeWaits(events, 100, [{ label: 'w', from: 9, to: 11 }], {
      '101': 'node nice 10',
    });
    expect(charged.get('w')?.get('proxy thread 101 (node nice 10)')).toBeCloseTo(3, 6);
  });
});

describe('v8-phase-log', () => {
  const log = [
    'code-creation,JS,10,100,0x1,2,benchWindowStart0 :3:32,0x2,~',
    'code-creation,JS,13,150,0x3,9,hot /x.js:1:1,0x4,*',
    'code-creation,JS,10,200,0x5,2,benchWindowStop1 :3:31,0x6,~',
    'code-creation,JS,10,300,0x7,2,benchWindowStart2 :3:32,0x8,~',
    'code-creation,JS,13,310,0x9,9,a /x.js:2:1,0xa,*',
    'code-creation,JS,11,320,0xb,9,b /x.js:3:1,0xc,^',
    'code-deopt,330,512,0xd,-1,42,wrong map',
    'code-creation,JS,13,340,0xe,9,c /x.js:4:1,0xf,*',
    'code-creation,JS,10,400,0x10,2,benchWindowStop3 :3:31,0x11,~',
    'code-creation,JS,13,450,0x12,9,after /x.js:5:1,0x13,*',
  ].join('\n');

  it('reads window marks, TurboFan code and deopts', () => {
    const read = readV8Log(log);
    expect([...read.marks]).toEqual([
      [0, 100],
      [1, 200],
      [2, 300],
      [3, 400],
    ]);
    expect(read.optimised).toEqual([150, 310, 340, 450]);
    expect(read.deoptimised).toEqual([330]);
  });

  it('counts inside the last windows only (earlier ones were the warm-up)', () => {
    const counts = countByWindow(readV8Log(log), ['idle']);
    expect(counts.get('idle')).toEqual({ windows: 1, optimised: 2, deoptimised: 1 });
  });
});
